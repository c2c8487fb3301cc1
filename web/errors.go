package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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

// One table, errorRows, says what every response tells about a domain error: its HTTP status
// and a sentence in the reader's language. Pages (problem, and the forms that show a refusal
// in place), file routes answering plain text (plainError) and JSON routes (jsonError) all ask
// explain, so that an error has the same status wherever it comes out. A new domain error is
// one row here and its message in locales/*.json; nothing else changes.
//
// The statuses:
//
//	401 no credentials (pages redirect to the sign-in page instead)
//	403 signed in, but the role may not do this
//	404 not found, or not visible to the actor
//	409 changed by someone else since it was read, or a unique value already taken
//	413 over a size limit
//	422 the input is wrong: every field error, on every route (pages, labels, POST /imports),
//	    a refused move, a missing wipe
//	429 too many requests; Retry-After says when to come back
//	503 the database is away (or its disk full); Retry-After says when to try again
//
// 400 is left to requests that cannot be read at all (a form or body that does not parse, a
// hidden field a page always sends), which no domain error describes; anything without a row
// is a 500 whose detail goes to the log only.

// explanation is what a response says about an error.
type explanation struct {
	status  int
	message string // a sentence in the reader's language
	// field and detail are the input field at fault and the domain's own sentence about it
	// (English), for a field error: JSON answers carry them as "field" and "error".
	field, detail string
	retryAfter    time.Duration // for 429
}

// errorRow is one row of the table: a sentinel matched with errors.Is and presented with its
// status and message, or a typed error matched by as.
type errorRow struct {
	is      error
	status  int
	message string // a message id of locales/*.json
	as      func(err error, l *locale) (explanation, bool)
}

// errorRows is the table. The first matching row wins, so a typed error that also wraps a
// field error (a tag error, an oversized file) comes before the field error's row.
func errorRows() []errorRow {
	return []errorRow{
		// The database went away under the request, or its disk is full: nothing half-written,
		// try again (docs/operations.md, "Faults").
		{as: func(err error, l *locale) (explanation, bool) {
			switch {
			case database.DiskFull(err):
				return explanation{status: http.StatusServiceUnavailable, message: l.T("problem.disk_full"), retryAfter: database.RetryAfterSeconds * time.Second}, true
			case database.Unavailable(err):
				return explanation{status: http.StatusServiceUnavailable, message: l.T("problem.unavailable"), retryAfter: database.RetryAfterSeconds * time.Second}, true
			}
			return explanation{}, false
		}},
		{is: idempotency.ErrKeyReused, status: http.StatusUnprocessableEntity, message: "problem.idempotency_reused"},
		{is: idempotency.ErrInProgress, status: http.StatusConflict, message: "problem.idempotency_busy"},
		{is: auth.ErrUnauthenticated, status: http.StatusUnauthorized, message: "problem.signin"},
		{is: auth.ErrInvalidCredentials, status: http.StatusUnauthorized, message: "login.invalid"},
		{is: auth.ErrForbidden, status: http.StatusForbidden, message: "problem.forbidden"},
		{is: auth.ErrNotFound, status: http.StatusNotFound, message: "problem.notfound"},
		{is: auth.ErrConflict, status: http.StatusConflict, message: "problem.exists"},
		{as: typed(http.StatusTooManyRequests, func(e *auth.RateLimitError, l *locale) explanation {
			return explanation{message: l.T("problem.rate_limited"), retryAfter: e.RetryAfter}
		})},

		{is: inventory.ErrNotFound, status: http.StatusNotFound, message: "problem.notfound"},
		{is: inventory.ErrConflict, status: http.StatusConflict, message: "device.stale"},
		{as: typed(http.StatusUnprocessableEntity, func(e *inventory.WipeRequiredError, l *locale) explanation {
			return explanation{message: wipeRequired(l, len(e.MediumIDs), e.Serials)}
		})},
		{as: typed(http.StatusUnprocessableEntity, func(e *inventory.TransitionError, l *locale) explanation {
			if e.From == "" {
				return explanation{message: l.T("problem.move_refused", "Reason", e.Reason)}
			}
			return explanation{message: l.T("problem.move", "From", l.T("status."+string(e.From)), "To", l.T("status."+string(e.To)), "Reason", e.Reason)}
		})},
		{as: typed(http.StatusUnprocessableEntity, func(e *inventory.TagError, l *locale) explanation {
			if e.Reason == inventory.TagBadCheck {
				return explanation{message: l.T("scan.bad_check", "Code", e.Input)}
			}
			return explanation{message: l.T("scan.not_a_tag", "Code", e.Input)}
		})},
		{as: func(err error, l *locale) (explanation, bool) {
			if !errors.Is(err, inventory.ErrTooLarge) {
				return explanation{}, false
			}
			if fe, ok := validation.As(err); ok {
				return fieldError(http.StatusRequestEntityTooLarge, fe, l), true
			}
			return explanation{status: http.StatusRequestEntityTooLarge, message: l.T("problem.too_large")}, true
		}},

		{is: certificates.ErrNotFound, status: http.StatusNotFound, message: "problem.notfound"},
		{is: certificates.ErrConflict, status: http.StatusConflict, message: "problem.conflict"},
		{as: typed(http.StatusUnprocessableEntity, func(e *certificates.WipeRequiredError, l *locale) explanation {
			serials := make([]string, len(e.Missing))
			for i, m := range e.Missing {
				serials[i] = m.Serial
			}
			return explanation{message: wipeRequired(l, len(e.Missing), serials)}
		})},

		{is: requests.ErrNotFound, status: http.StatusNotFound, message: "problem.notfound"},
		{is: requests.ErrConflict, status: http.StatusConflict, message: "req.conflict"},
		{is: requests.ErrFollowUpAnswered, status: http.StatusConflict, message: "fu.already"},
		{is: requests.ErrAnonymised, status: http.StatusUnprocessableEntity, message: "req.receipt_anonymised"},
		{is: impact.ErrNotFound, status: http.StatusNotFound, message: "problem.notfound"},
		{as: typed(http.StatusUnprocessableEntity, func(e *requests.LimitError, l *locale) explanation {
			return explanation{message: l.T("req.limit", "Limit", e.Limit)}
		})},
		{as: typed(http.StatusUnprocessableEntity, func(e *requests.StateError, l *locale) explanation {
			return explanation{message: l.T("req.refused", "From", l.T("req.status."+string(e.From)), "To", l.T("req.status."+string(e.To)), "Reason", e.Reason)}
		})},
		{as: typed(http.StatusUnprocessableEntity, func(e *requests.AllocationError, l *locale) explanation {
			return explanation{message: l.T("req.allocation_refused", "Reason", e.Error())}
		})},
		{is: workshops.ErrNotFound, status: http.StatusNotFound, message: "problem.notfound"},
		{is: workshops.ErrConflict, status: http.StatusConflict, message: "problem.conflict"},
		// A rule of hours and attendance, in the reader's (the trainee's) language; it is a field
		// error too, so it comes before that row.
		{as: typed(http.StatusUnprocessableEntity, func(e *workshops.RuleError, l *locale) explanation {
			return explanation{message: l.T("ws.rule." + string(e.Rule))}
		})},
		{as: typed(http.StatusConflict, func(e *workshops.TransitionError, l *locale) explanation {
			return explanation{message: l.T("ws.review.already")}
		})},

		{as: func(err error, l *locale) (explanation, bool) {
			fe, ok := validation.As(err)
			if !ok {
				return explanation{}, false
			}
			return fieldError(http.StatusUnprocessableEntity, fe, l), true
		}},
	}
}

// rows is errorRows, built once.
var rows = errorRows()

// explain returns what a response says about err in l's language: the first matching row's
// status and sentence, or 500 and no sentence for an error without a row.
func explain(l *locale, err error) explanation {
	for _, row := range rows {
		if row.as == nil {
			if errors.Is(err, row.is) {
				return explanation{status: row.status, message: l.T(row.message)}
			}
			continue
		}
		if e, ok := row.as(err, l); ok {
			return e
		}
	}
	return explanation{status: http.StatusInternalServerError}
}

// typed returns a row's matcher for errors of type E, with status; a field error E wraps
// (a tag error's) is kept for JSON answers.
func typed[E error](status int, say func(E, *locale) explanation) func(error, *locale) (explanation, bool) {
	return func(err error, l *locale) (explanation, bool) {
		target, ok := errors.AsType[E](err)
		if !ok {
			return explanation{}, false
		}
		e := say(target, l)
		e.status = status
		if fe, ok := validation.As(err); ok {
			e.field, e.detail = fe.Field, fe.Message
		}
		return e, true
	}
}

// fieldError explains a field error: the domain's sentence, introduced in the reader's
// language.
func fieldError(status int, fe *validation.FieldError, l *locale) explanation {
	return explanation{status: status, message: l.T("problem.field", "Field", fe.Field, "Message", fe.Message),
		field: fe.Field, detail: fe.Message}
}

// wipeRequired says that n storage media, of which some serials are known, lack a wipe.
func wipeRequired(l *locale, n int, serials []string) string {
	var known []string
	for _, s := range serials {
		if s != "" {
			known = append(known, s)
		}
	}
	return l.T("problem.wipe_required", "Count", n, "Serials", strings.Join(known, ", "))
}

// inForm reports whether the error is about what the user sent, and so is shown beside the
// form they sent rather than on a page of its own.
func (e explanation) inForm() bool {
	return e.status == http.StatusUnprocessableEntity || e.status == http.StatusRequestEntityTooLarge
}

// setHeaders sets the headers the status calls for: how to authenticate for a 401 (file and
// JSON routes; pages redirect), when to retry for a 429.
func (e explanation) setHeaders(w http.ResponseWriter) {
	switch e.status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="refurb"`)
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.retryAfter.Seconds()))))
	}
}

// requestLocale is the language of a request that has no page: a file or JSON route. Scripts,
// which send no Accept-Language, read English.
func (h *Handler) requestLocale(r *http.Request) *locale {
	return h.tr.locale(pickLanguage(r), h.cfg.TimeZone)
}

// problem shows a domain error on a page of its own: not found, not allowed, or bad input. An
// anonymous visitor is sent to sign in; an error without a row fails.
func (h *Handler) problem(w http.ResponseWriter, r *http.Request, v *view, err error) {
	e := explain(v.L, err)
	switch e.status {
	case http.StatusInternalServerError:
		h.fail(w, r, err)
		return
	case http.StatusUnauthorized:
		http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
		return
	}
	e.setHeaders(w)
	v.Title = v.T("problem.title")
	v.Data = e.message
	h.render(w, r, e.status, "problem.html", v)
}

// plainError answers a file route's error in plain text.
func (h *Handler) plainError(w http.ResponseWriter, r *http.Request, err error) {
	e := explain(h.requestLocale(r), err)
	if e.status == http.StatusInternalServerError {
		h.fail(w, r, err)
		return
	}
	e.setHeaders(w)
	http.Error(w, e.message, e.status)
}

// jsonError answers a JSON route's error as {"error": "..."}; a field error also names the
// field, {"error": "...", "field": "..."}, with the domain's own sentence.
func (h *Handler) jsonError(w http.ResponseWriter, r *http.Request, err error) {
	e := explain(h.requestLocale(r), err)
	if e.status == http.StatusInternalServerError {
		id := reqinfo.From(r.Context()).ID
		h.log.ErrorContext(r.Context(), "request failed", "request_id", id, "path", r.URL.Path, "err", err)
		writeJSON(w, e.status, map[string]string{"error": "internal error (request " + id + ")"})
		return
	}
	e.setHeaders(w)
	body := map[string]string{"error": e.message}
	if e.field != "" {
		body["error"], body["field"] = e.detail, e.field
	}
	writeJSON(w, e.status, body)
}

// Refuse answers a request that a middleware refused before it reached a page
// (internal/idempotency's refusals, the database's absence): in JSON for the JSON routes and
// for clients that ask for it, else on a page of its own.
func (h *Handler) Refuse(w http.ResponseWriter, r *http.Request, err error) {
	if r.URL.Path == "/imports" || strings.Contains(r.Header.Get("Accept"), "application/json") {
		h.jsonError(w, r, err)
		return
	}
	v, verr := h.newView(r, "problem.title")
	if verr != nil {
		h.plainError(w, r, err)
		return
	}
	h.problem(w, r, v, err)
}
