package web

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/internal/idempotency"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
)

// TestErrorTable checks every row of errors.go's table: the status, a sentence in every
// language, and the field a JSON answer names. Each row must be reached by a case here.
func TestErrorTable(t *testing.T) {
	tr, err := loadTranslations(files)
	if err != nil {
		t.Fatal(err)
	}
	field := validation.Field("serial", "is already in this donation")
	cases := []struct {
		name   string
		err    error
		status int
		field  string
		say    string // in English
	}{
		{"unauthenticated", fmt.Errorf("read: %w", auth.ErrUnauthenticated), 401, "", "sign in"},
		{"invalid credentials", auth.ErrInvalidCredentials, 401, "", "Invalid email or password"},
		{"forbidden", auth.ErrForbidden, 403, "", "may not"},
		{"user not found", auth.ErrNotFound, 404, "", "Not found"},
		{"e-mail taken", auth.ErrConflict, 409, "", "already exists"},
		{"rate limited", &auth.RateLimitError{RetryAfter: 1500 * time.Millisecond}, 429, "", "Too many requests"},
		{"device not found", inventory.ErrNotFound, 404, "", "Not found"},
		{"stale device", fmt.Errorf("transition: %w", inventory.ErrConflict), 409, "", "changed since you opened it"},
		{"wipe required", &inventory.WipeRequiredError{DeviceTag: "DI-000001-X", MediumIDs: []int64{1, 2}, Serials: []string{"S1", ""}}, 422, "", "2 storage media are not sanitized yet S1"},
		{"refused move", &inventory.TransitionError{From: inventory.StatusReceived, To: inventory.StatusReady, Reason: "no QA"}, 422, "", "Cannot move from Received to Ready: no QA"},
		{"refused move without a state", &inventory.TransitionError{Reason: "open flag"}, 422, "", "Not possible now: open flag"},
		{"mistyped tag", &inventory.TagError{Field: "tag", Input: "DI-000001-Q", Reason: inventory.TagBadCheck}, 422, "tag", "mistyped or misread"},
		{"not a tag", &inventory.TagError{Input: "hello", Reason: inventory.TagMalformed}, 422, "", "is not a device tag"},
		{"file too large", fmt.Errorf("%w (%w)", validation.Field("file", "the workbook expands to 401 MB"), inventory.ErrTooLarge), 413, "file", "401 MB"},
		{"too large without a field", inventory.ErrTooLarge, 413, "", "larger than the limit"},
		{"certificate not found", certificates.ErrNotFound, 404, "", "Not found"},
		{"certificate issued twice at once", certificates.ErrConflict, 409, "", "at the same time"},
		{"certificate wipe required", &certificates.WipeRequiredError{Missing: []certificates.MissingWipe{{DeviceTag: "DI-000001-X", MediumID: 1, Serial: "S9"}}}, 422, "", "not sanitized yet S9"},
		{"request not found", requests.ErrNotFound, 404, "", "Not found"},
		{"receipt of an anonymised request", fmt.Errorf("issue: %w", requests.ErrAnonymised), 422, "", "signature deleted: its receipt cannot be issued again"},
		{"request changed", requests.ErrConflict, 409, "", "nothing was changed"},
		{"follow-up answered twice", requests.ErrFollowUpAnswered, 409, "", "answered already"},
		{"donor's impact not found", impact.ErrNotFound, 404, "", "Not found"},
		{"open request limit", &requests.LimitError{Limit: 3}, 422, "", "already have 3 open requests"},
		{"request move refused", &requests.StateError{From: requests.StatusHandedOut, To: requests.StatusHandedOut, Reason: "once"}, 422, "", "from Handed out to Handed out: once"},
		{"allocation refused", &requests.AllocationError{DeviceTag: "DI-000001-X", Reason: "it is wiped, not ready"}, 422, "", "not ready"},
		{"trainee not found", workshops.ErrNotFound, 404, "", "Not found"},
		{"workshops conflict", workshops.ErrConflict, 409, "", "at the same time"},
		{"hour rule", fmt.Errorf("log hours: %w", &workshops.RuleError{Rule: workshops.RuleDayCap, Field: "minutes", Message: "over 12 hours"}), 422, "minutes", "A day has at most 12 hours."},
		{"entry already reviewed", &workshops.TransitionError{EntryID: 1, From: workshops.StatusApproved, To: workshops.StatusRejected}, 409, "", "already reviewed"},
		{"field error", fmt.Errorf("add devices: %w", field), 422, "serial", "Please check serial: is already in this donation"},
		{"database away", fmt.Errorf("select: %w", driver.ErrBadConn), 503, "", "unavailable"},
		{"disk full", fmt.Errorf("insert: %w", &pgconn.PgError{Code: "53100"}), 503, "", "disk is full"},
		{"form sent again with other values", idempotency.ErrKeyReused, 422, "", "already sent with other values"},
		{"form still being processed", idempotency.ErrInProgress, 409, "", "still being processed"},
		{"anything else", errors.New("connection reset"), 500, "", ""},
	}
	reached := make([]bool, len(rows))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i, row := range rows {
				if row.as == nil && errors.Is(tc.err, row.is) {
					reached[i] = true
					break
				}
				if row.as != nil {
					if _, ok := row.as(tc.err, tr.locale("en", nil)); ok {
						reached[i] = true
						break
					}
				}
			}
			for _, l := range languages {
				e := explain(tr.locale(l.Code, time.UTC), tc.err)
				if e.status != tc.status || e.field != tc.field {
					t.Errorf("%s: got %d field %q, want %d field %q", l.Code, e.status, e.field, tc.status, tc.field)
				}
				if tc.status == 500 {
					if e.message != "" {
						t.Errorf("%s: an unknown error says %q, want nothing", l.Code, e.message)
					}
					continue
				}
				if e.message == "" || strings.Contains(e.message, "problem.") || strings.Contains(e.message, "<no value>") {
					t.Errorf("%s: message %q is missing or incomplete", l.Code, e.message)
				}
				if l.Code == "en" && !strings.Contains(e.message, tc.say) {
					t.Errorf("en: got %q, want it to say %q", e.message, tc.say)
				}
				if tc.field != "" && e.detail == "" {
					t.Errorf("%s: a field error without the domain's sentence", l.Code)
				}
			}
		})
	}
	for i, ok := range reached {
		if !ok {
			t.Errorf("row %d of the table (%v) is reached by no case", i, rows[i].is)
		}
	}
}

// TestErrorHeaders checks what a file or JSON route tells a script beyond the status: how to
// authenticate, when to retry.
func TestErrorHeaders(t *testing.T) {
	h := &Handler{}
	var err error
	if h.tr, err = loadTranslations(files); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.plainError(w, httptest.NewRequest("GET", "/labels/x.png", nil), auth.ErrUnauthenticated)
	if w.Code != 401 || w.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("401: got %d %v, want WWW-Authenticate", w.Code, w.Header())
	}
	w = httptest.NewRecorder()
	h.jsonError(w, httptest.NewRequest("POST", "/imports", nil), &auth.RateLimitError{RetryAfter: 1500 * time.Millisecond})
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "2" {
		t.Errorf("429: got %d Retry-After %q, want 2", w.Code, w.Header().Get("Retry-After"))
	}
	w = httptest.NewRecorder()
	h.jsonError(w, httptest.NewRequest("POST", "/imports", nil), validation.Field("donation", "there is no donation DON-2026-00001"))
	if w.Code != 422 || !strings.Contains(w.Body.String(), `"field":"donation"`) || !strings.Contains(w.Body.String(), `"error":"there is no donation DON-2026-00001"`) {
		t.Errorf("field error as JSON: got %d %s", w.Code, w.Body)
	}
}
