// Package auth owns who may use Refurb: users and their roles, password hashing, browser
// sessions, API tokens, login rate limiting and the append-only audit log. It puts the Actor
// of a request in the context, and other domain packages check it with Require.
//
// It does not render pages or speak GraphQL: web and graph call it.
package auth
