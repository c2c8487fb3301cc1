package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/location"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/idempotency"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
)

// The values of extensions.code, as listed in the header of the public contract
// (shared/api/contract.graphql). Clients switch on these; never rename one.
const (
	CodeUnauthenticated   = "UNAUTHENTICATED"
	CodeForbidden         = "FORBIDDEN"
	CodeNotFound          = "NOT_FOUND"
	CodeBadUserInput      = "BAD_USER_INPUT"
	CodeInvalidTransition = "INVALID_TRANSITION"
	CodeConflict          = "CONFLICT"
	CodeWipeRequired      = "WIPE_REQUIRED"
	CodeRateLimited       = "RATE_LIMITED"
	CodeInternal          = "INTERNAL"
	// CodeUnavailable: the database could not be reached or went away (or its disk is full);
	// nothing was changed that was not committed, and the same request may be sent again after
	// extensions.retryAfterSeconds. The HTTP status is then 503 (docs/api.md, "Errors").
	CodeUnavailable = "UNAVAILABLE"
)

// gqlError is one entry of a response's "errors" list as the client sees it.
type gqlError struct {
	Message    string                    `json:"message"`
	Locations  []location.SourceLocation `json:"locations,omitempty"`
	Path       []any                     `json:"path,omitempty"`
	Extensions map[string]any            `json:"extensions"`
}

// presentation is what a client may learn about a domain error.
type presentation struct {
	code    string
	message string         // shown as the error's message
	fields  map[string]any // extra extensions besides code, e.g. "field"
}

// errorMapping is one row of the table that maps errors to codes. A row either names a sentinel
// (matched with errors.Is; the client sees the sentinel's own text, never the text wrapped
// around it, which may carry internal detail) or holds a typed matcher built with as.
type errorMapping struct {
	is   error
	code string
	as   func(error) (presentation, bool)
}

// errorMappings is the one table that maps errors returned by resolvers to extensions.code.
// The first matching row wins. A new domain error needs one row here and nothing anywhere
// else; an error without a row is an internal error and is hidden from the client.
func errorMappings() []errorMapping {
	return []errorMapping{
		{as: unavailable},
		{is: idempotency.ErrKeyReused, code: CodeBadUserInput},
		{is: idempotency.ErrInProgress, code: CodeConflict},
		{is: auth.ErrUnauthenticated, code: CodeUnauthenticated},
		{is: auth.ErrInvalidCredentials, code: CodeUnauthenticated},
		{is: auth.ErrForbidden, code: CodeForbidden},
		{is: auth.ErrNotFound, code: CodeNotFound},
		{is: auth.ErrConflict, code: CodeConflict},
		{as: as(func(e *auth.RateLimitError) presentation {
			return presentation{code: CodeRateLimited, message: e.Error(), fields: map[string]any{
				"retryAfterSeconds": int(math.Ceil(e.RetryAfter.Seconds())),
			}}
		})},
		{is: inventory.ErrNotFound, code: CodeNotFound},
		{is: inventory.ErrConflict, code: CodeConflict},
		{as: as(func(e *inventory.TransitionError) presentation {
			return presentation{code: CodeInvalidTransition, message: e.Error(), fields: map[string]any{
				"from":   enumName(e.From),
				"to":     enumName(e.To),
				"reason": e.Reason,
			}}
		})},
		{as: as(func(e *inventory.WipeRequiredError) presentation {
			ids := make([]string, len(e.MediumIDs))
			for i, id := range e.MediumIDs {
				ids[i] = globalID("StorageMedium", id)
			}
			serials := make([]any, len(e.Serials))
			for i, s := range e.Serials {
				if s != "" { // unknown serials are null
					serials[i] = s
				}
			}
			return presentation{code: CodeWipeRequired, message: e.Error(), fields: map[string]any{
				"mediumIDs": ids,
				"serials":   serials,
			}}
		})},
		{is: certificates.ErrNotFound, code: CodeNotFound},
		{is: certificates.ErrConflict, code: CodeConflict},
		{as: as(func(e *certificates.WipeRequiredError) presentation {
			ids := make([]string, len(e.Missing))
			tags := make([]string, len(e.Missing))
			serials := make([]any, len(e.Missing))
			for i, m := range e.Missing {
				ids[i] = globalID("StorageMedium", m.MediumID)
				tags[i] = m.DeviceTag
				if m.Serial != "" { // unknown serials are null
					serials[i] = m.Serial
				}
			}
			return presentation{code: CodeWipeRequired, message: e.Error(), fields: map[string]any{
				"mediumIDs":  ids,
				"serials":    serials,
				"deviceTags": tags,
			}}
		})},
		{is: requests.ErrNotFound, code: CodeNotFound},
		{is: requests.ErrConflict, code: CodeConflict},
		{is: requests.ErrFollowUpAnswered, code: CodeConflict},
		// Re-issuing the receipt of an anonymised request: the request is there, its signature
		// is not.
		{as: func(err error) (presentation, bool) {
			if !errors.Is(err, requests.ErrAnonymised) {
				return presentation{}, false
			}
			return presentation{code: CodeBadUserInput, message: requests.ErrAnonymised.Error(), fields: map[string]any{"field": "subjectID", "reason": "ANONYMISED"}}, true
		}},
		{is: impact.ErrNotFound, code: CodeNotFound},
		{as: as(func(e *requests.StateError) presentation {
			return presentation{code: CodeInvalidTransition, message: e.Error(), fields: map[string]any{
				"from":   enumName(e.From),
				"to":     enumName(e.To),
				"reason": e.Reason,
			}}
		})},
		{as: as(func(e *requests.LimitError) presentation {
			return presentation{code: CodeBadUserInput, message: e.Error(), fields: map[string]any{"field": "input", "limit": e.Limit}}
		})},
		{as: as(func(e *requests.AllocationError) presentation {
			return presentation{code: CodeBadUserInput, message: e.Error(), fields: map[string]any{"field": "deviceID", "reason": e.Reason}}
		})},
		{is: workshops.ErrNotFound, code: CodeNotFound},
		{is: workshops.ErrConflict, code: CodeConflict},
		// Before the field errors: a RuleError is one too, with the rule it breaks.
		{as: as(func(e *workshops.RuleError) presentation {
			return presentation{code: CodeBadUserInput, message: e.Error(), fields: map[string]any{
				"field": e.Field,
				"rule":  strings.ToUpper(string(e.Rule)),
			}}
		})},
		{as: as(func(e *workshops.TransitionError) presentation {
			return presentation{code: CodeInvalidTransition, message: e.Error(), fields: map[string]any{
				"from": enumName(e.From),
				"to":   enumName(e.To),
			}}
		})},
		{as: as(func(e *validation.FieldError) presentation {
			return presentation{code: CodeBadUserInput, message: e.Error(), fields: map[string]any{
				"field": e.Field,
			}}
		})},
	}
}

// unavailable presents the database's absence (internal/database.Unavailable, DiskFull).
func unavailable(err error) (presentation, bool) {
	retry := map[string]any{"retryAfterSeconds": database.RetryAfterSeconds}
	switch {
	case database.DiskFull(err):
		return presentation{code: CodeUnavailable, message: "the database's disk is full: nothing was saved; an administrator must free space", fields: retry}, true
	case database.Unavailable(err):
		return presentation{code: CodeUnavailable, message: "the database is unavailable: nothing was saved that was not confirmed; try again in a few seconds", fields: retry}, true
	}
	return presentation{}, false
}

// as returns a matcher for errors.As on the error type E, presented by present.
func as[E error](present func(E) presentation) func(error) (presentation, bool) {
	return func(err error) (presentation, bool) {
		target, ok := errors.AsType[E](err)
		if !ok {
			return presentation{}, false
		}
		return present(target), true
	}
}

// presenter turns graphql-go's errors into the errors a client sees.
type presenter struct {
	mappings []errorMapping
	logger   *slog.Logger
}

// requestErrors presents errors found before execution (syntax and validation errors, which
// describe the client's document and are shown as graphql-go wrote them).
func requestErrors(errs []gqlerrors.FormattedError) []gqlError {
	out := make([]gqlError, len(errs))
	for i, e := range errs {
		out[i] = gqlError{
			Message:    e.Message,
			Locations:  e.Locations,
			Extensions: map[string]any{"code": CodeBadUserInput},
		}
	}
	return out
}

// requestError presents one problem with the request itself as a BAD_USER_INPUT error.
func requestError(message string) []gqlError {
	return []gqlError{{Message: message, Extensions: map[string]any{"code": CodeBadUserInput}}}
}

// executionErrors presents the errors of an executed operation. graphql-go would send each
// resolver error's text verbatim; here every error is replaced by its mapped presentation, and
// an unmapped one by "internal error" with the request id, its real text going to the log only.
func (p *presenter) executionErrors(ctx context.Context, errs []gqlerrors.FormattedError) []gqlError {
	if len(errs) == 0 {
		return nil
	}
	out := make([]gqlError, len(errs))
	for i, e := range errs {
		out[i] = p.present(ctx, e)
	}
	return out
}

func (p *presenter) present(ctx context.Context, e gqlerrors.FormattedError) gqlError {
	out := gqlError{Locations: e.Locations, Path: e.Path}
	cause := originalError(e)
	if cause == nil {
		if len(e.Path) == 0 {
			// graphql-go's own check of the request against the operation before any resolver
			// ran, such as a variable value of the wrong type: the client's mistake, described
			// by graphql-go in terms of the client's input.
			out.Message = e.Message
			out.Extensions = map[string]any{"code": CodeBadUserInput}
			return out
		}
		// A resolver panicked with something that is neither an error nor a string.
		cause = errors.New(e.Message)
	}
	if pr, ok := p.lookup(cause); ok {
		out.Message = pr.message
		out.Extensions = make(map[string]any, len(pr.fields)+1)
		for k, v := range pr.fields {
			out.Extensions[k] = v
		}
		out.Extensions["code"] = pr.code
		if pr.code == CodeUnavailable {
			// Not the client's fault and not a bug: logged, but as a warning.
			p.logger.WarnContext(ctx, "graphql: database unavailable", "request_id", reqinfo.From(ctx).ID, "path", pathString(e.Path), "err", cause)
		}
		return out
	}
	info := reqinfo.From(ctx)
	id := info.ID
	message := "internal error (request %s)"
	if errors.Is(cause, context.Canceled) && ctx.Err() != nil {
		// The client went away (or the server is stopping) while the operation executed: its
		// statements were cancelled with the request, nobody reads this answer, and there is
		// no bug to look for. Logged as information, not as an error that pages someone.
		p.logger.InfoContext(ctx, "graphql: request ended during execution",
			"request_id", id, "operation", info.Operation, "path", pathString(e.Path))
		message = "the request ended before its operation finished (request %s)"
	} else {
		p.logger.ErrorContext(ctx, "graphql: internal error",
			"request_id", id, "operation", info.Operation, "path", pathString(e.Path), "err", cause)
	}
	out.Message = fmt.Sprintf(message, id)
	out.Extensions = map[string]any{"code": CodeInternal, "requestId": id}
	return out
}

// WriteError answers a GraphQL request that a middleware refused before it reached the schema
// (internal/idempotency's refusals, the database's absence), presented by this file's table as a
// resolver's error would be, with the status its code calls for.
func (h *Handler) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	e := h.presenter.present(r.Context(), gqlerrors.FormatError(err))
	e.Locations = nil
	status := http.StatusInternalServerError
	switch e.Extensions["code"] {
	case CodeBadUserInput:
		status = http.StatusUnprocessableEntity
	case CodeConflict:
		status = http.StatusConflict
	case CodeUnavailable:
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", strconv.Itoa(database.RetryAfterSeconds))
	}
	h.writeJSON(w, r, status, struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{e}})
}

// lookup returns the presentation of the first mapping that matches err.
func (p *presenter) lookup(err error) (presentation, bool) {
	for _, m := range p.mappings {
		if m.as != nil {
			if pr, ok := m.as(err); ok {
				return pr, true
			}
			continue
		}
		if errors.Is(err, m.is) {
			return presentation{code: m.code, message: m.is.Error()}, true
		}
	}
	return presentation{}, false
}

// originalError digs the resolver's error out of graphql-go's wrappers, or returns nil when
// graphql-go raised the error itself. A resolver error reaches the result as a FormattedError
// whose OriginalError() is a *gqlerrors.Error whose OriginalError field holds the resolver's
// error; an error from a thunk is wrapped once more in a FormattedError. None of these wrappers
// implement Unwrap, so errors.Is cannot see through them.
func originalError(e gqlerrors.FormattedError) error {
	err := e.OriginalError()
	for range 16 { // the wrappers nest two or three deep; the bound only guards against a cycle
		switch w := err.(type) {
		case *gqlerrors.Error:
			err = w.OriginalError
		case gqlerrors.Error:
			err = w.OriginalError
		case gqlerrors.FormattedError:
			err = w.OriginalError()
		case *gqlerrors.FormattedError:
			err = w.OriginalError()
		default:
			return err
		}
	}
	return err
}

// pathString renders a response path such as ["devices", 3, "donor"] as devices.3.donor.
func pathString(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}
