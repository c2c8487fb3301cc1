// Package requests owns partner organisations, device requests and their lifecycle, triage,
// the matching of ready devices to a request, allocation, the hand-out at the counter with the
// beneficiary's signature, the request policy (open requests per social worker, kinds open for
// requests, retention), anonymisation of closed requests, and the outbox of notifications a
// change leaves for the server to send. docs/requests.md explains the rules.
//
// A request never names the beneficiary: it carries the social worker's own pseudonymous
// reference, and the package refuses references and notes that look like an e-mail address or
// a phone number. Every read and change runs in a transaction that first tells PostgreSQL who
// acts (setActor): the request tables' row-level security then shows a social worker only their
// own requests (a coordinator their organisation's), staff and administrators every one, and
// anyone else none, whatever the Go code asks for.
//
// It reads and moves devices only through package inventory's own methods on its transaction
// (inventory.Store.MoveForRequest, Device); it reads users through auth. It does not import
// package certificates: the hand-over receipt is issued through the Issuer the composition
// root (package server) gives the Store, on the hand-out's transaction. It does not send
// e-mail: package notify reads the outbox.
package requests
