// Package web serves Refurb's server-rendered pages: for now the sign-in page and the sign-in
// and sign-out endpoints that start and end browser sessions. Pages translate between HTTP
// forms and the domain packages; they never decide policy.
package web
