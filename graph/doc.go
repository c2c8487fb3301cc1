// Package graph serves Refurb's GraphQL API: it assembles the schema, runs each request through
// our own pipeline over graphql-go (size limits, a cache of parsed and validated documents,
// depth, alias and field-count rules, execution with the request's context), presents errors
// with one extensions.code per failure, and optionally serves GraphiQL. It translates between
// HTTP/GraphQL and the domain packages; it never decides policy: authorisation and business
// rules live in the domain methods that the resolvers call.
package graph
