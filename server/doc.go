// Package server assembles Refurb's HTTP server: the routes of graph and web, health and
// metrics endpoints, and the middleware every request passes (request id, access log, metrics,
// authentication), with timeouts and graceful shutdown. It holds no domain logic.
package server
