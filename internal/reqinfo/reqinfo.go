// Package reqinfo carries per-request facts that the access log and the metrics read after a
// handler ran: the request id, and the GraphQL operation name once the GraphQL handler knows it.
package reqinfo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
)

// Info is filled in while a request is served. Handlers may set Operation; the middleware that
// created the Info reads it when the response is written.
type Info struct {
	ID         string
	Operation  string
	ClientAddr string // the client's IP address, for the audit log and rate limits
}

type ctxKey struct{}

// With returns a context carrying info.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// From returns the request's Info, or an empty one outside a request (never nil, so callers
// can set fields without checking).
func From(ctx context.Context) *Info {
	if info, ok := ctx.Value(ctxKey{}).(*Info); ok {
		return info
	}
	return &Info{}
}

// NewID returns a short random request id, printable in logs and error messages.
func NewID() string {
	var b [10]byte
	rand.Read(b[:])
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
}
