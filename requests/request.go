package requests

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Request is a device request for a beneficiary known only by the social worker's reference.
type Request struct {
	bun.BaseModel `bun:"table:device_requests,alias:r"`

	ID          int64 `bun:"id,pk,autoincrement"`
	PartnerID   int64 `bun:"partner_id"`
	RequesterID int64 `bun:"requester_id"`
	// Reference is the social worker's pseudonymous reference for the beneficiary; nil once the
	// request was anonymised.
	Reference      *string        `bun:"reference"`
	Kind           inventory.Kind `bun:"kind"`
	Purpose        Purpose        `bun:"purpose"`
	Language       *string        `bun:"language"`
	KeyboardLayout *string        `bun:"keyboard_layout"`
	Urgency        Urgency        `bun:"urgency"`
	Household      *Household     `bun:"household"`
	Note           *string        `bun:"note"`
	Status         Status         `bun:"status"`
	// Reason is the reason given with a WAITLIST or REJECT decision, which the social worker sees.
	Reason       *string    `bun:"reason"`
	DeviceID     *int64     `bun:"device_id"`
	DeviceCycle  *int       `bun:"device_cycle"`
	PickupOn     *time.Time `bun:"pickup_on,type:date"`
	DecidedAt    *time.Time `bun:"decided_at"`
	DecidedBy    *int64     `bun:"decided_by"`
	AllocatedAt  *time.Time `bun:"allocated_at"`
	AllocatedBy  *int64     `bun:"allocated_by"`
	HandedOutAt  *time.Time `bun:"handed_out_at"`
	HandedOutBy  *int64     `bun:"handed_out_by"`
	ClosedAt     *time.Time `bun:"closed_at"`
	AnonymisedAt *time.Time `bun:"anonymised_at"`
	Version      int        `bun:"version,nullzero"`
	SubmittedAt  time.Time  `bun:"submitted_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt    time.Time  `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// Waiting returns how long the request has waited since it was submitted, until now or until
// it was closed.
func (r *Request) Waiting(now time.Time) time.Duration {
	end := now
	if r.ClosedAt != nil {
		end = *r.ClosedAt
	}
	return end.Sub(r.SubmittedAt)
}

// NewRequest is what a social worker (or staff, for a walk-in) files.
type NewRequest struct {
	// PartnerID is the organisation the request is filed under. A social worker's requests are
	// their organisation's, whatever is given; staff may name one, and 0 is the walk-in
	// organisation.
	PartnerID int64
	// Reference is the social worker's own pseudonymous reference for the beneficiary: never a
	// name, an e-mail address or a phone number.
	Reference      string
	Kind           inventory.Kind
	Purpose        Purpose
	Language       string // the beneficiary's preferred language (fr, de, en, pt, ar), optional
	KeyboardLayout string // e.g. FR, DE, CH-FR, US; optional
	Urgency        Urgency
	Household      Household // optional
	// Note is a short needs note ("needs a webcam for video calls"): never a name or a reason.
	Note string
}

// The lengths of a request's texts.
const (
	MaxReference = 40
	MaxNote      = 300
	MaxReason    = 500
)

var (
	// emailLike finds something shaped like an e-mail address anywhere in a text.
	emailLike = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[^\s@]{2,}`)
	// phoneRun finds a run of digits with the separators phone numbers are written with.
	phoneRun = regexp.MustCompile(`\+?[0-9][0-9 ./()\-]*[0-9]`)
	// layoutPattern is the shape of a keyboard layout, as the inventory records it.
	layoutPattern = regexp.MustCompile(`^[A-Z]{2}(-[A-Z]{2})?$`)
)

// personalData says what personal data s looks like it holds ("an e-mail address", "a phone
// number"), or "". A phone number is a run of digits and separators that starts with + or 00, or
// holds at least nine digits, or is the whole text with at least six digits: "LUX-2024-0042"
// passes, "621 123 456", "+352 26 12 34" and "26123456" do not.
func personalData(s string) string {
	if emailLike.MatchString(s) {
		return "an e-mail address"
	}
	trimmed := strings.TrimSpace(s)
	for _, run := range phoneRun.FindAllString(s, -1) {
		digits := strings.Count(run, "") - 1 - len(strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return -1
			}
			return r
		}, run))
		international := strings.HasPrefix(run, "+") || strings.HasPrefix(run, "00")
		if (international && digits >= 7) || digits >= 9 || (run == trimmed && digits >= 6) {
			return "a phone number"
		}
	}
	return ""
}

// validate checks a new request and returns the row to insert (without its partner and
// requester).
func (n NewRequest) validate() (*Request, error) {
	ref := strings.TrimSpace(n.Reference)
	switch {
	case ref == "":
		return nil, validation.Field("reference", "your own reference for the beneficiary is required (never their name)")
	case len([]rune(ref)) > MaxReference:
		return nil, validation.Field("reference", "is longer than %d characters", MaxReference)
	case strings.ContainsFunc(ref, isControl):
		return nil, validation.Field("reference", "contains control characters")
	}
	if what := personalData(ref); what != "" {
		return nil, validation.Field("reference", "looks like %s: use your own pseudonymous reference, never the beneficiary's contact details", what)
	}
	if !n.Kind.Valid() {
		return nil, validation.Field("kind", "unknown device kind %q", n.Kind)
	}
	if !n.Purpose.Valid() {
		return nil, validation.Field("purpose", "unknown purpose %q", n.Purpose)
	}
	r := &Request{Reference: &ref, Kind: n.Kind, Purpose: n.Purpose, Urgency: n.Urgency, Status: StatusSubmitted}
	if r.Urgency == "" {
		r.Urgency = UrgencyNormal
	}
	if !r.Urgency.Valid() {
		return nil, validation.Field("urgency", "unknown urgency %q", n.Urgency)
	}
	if lang := strings.ToLower(strings.TrimSpace(n.Language)); lang != "" {
		if !slices.Contains(Languages, lang) {
			return nil, validation.Field("language", "must be one of %s", strings.Join(Languages, ", "))
		}
		r.Language = &lang
	}
	if layout := strings.ToUpper(strings.TrimSpace(n.KeyboardLayout)); layout != "" {
		if !layoutPattern.MatchString(layout) {
			return nil, validation.Field("keyboardLayout", "%q is not a keyboard layout such as FR, DE, CH-FR or US", n.KeyboardLayout)
		}
		r.KeyboardLayout = &layout
	}
	if n.Household != "" {
		if !n.Household.Valid() {
			return nil, validation.Field("household", "unknown household size %q", n.Household)
		}
		r.Household = ptr(n.Household)
	}
	note, err := text("note", n.Note, MaxNote)
	if err != nil {
		return nil, err
	}
	if note != nil {
		if what := personalData(*note); what != "" {
			return nil, validation.Field("note", "looks like it holds %s: describe the need only, never who the beneficiary is", what)
		}
	}
	r.Note = note
	return r, nil
}

// Submit files a request. A social worker files it for their organisation, within the policy:
// a kind partners may request now (a field error on kind otherwise) and no more open requests
// than the limit (LimitError). Staff file walk-ins and requests for a partner, of any kind and
// without a limit.
func (s *Store) Submit(ctx context.Context, n NewRequest) (*Request, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !MayRequest(a) {
		return nil, auth.ErrForbidden
	}
	r, err := n.validate()
	if err != nil {
		return nil, err
	}
	r.RequesterID = a.UserID
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		if a.In(auth.Office) {
			if r.PartnerID = n.PartnerID; r.PartnerID == 0 {
				if r.PartnerID, err = walkIn(ctx, tx); err != nil {
					return err
				}
			}
		} else {
			r.PartnerID = a.PartnerID
			p, err := readPolicy(ctx, tx)
			if err != nil {
				return err
			}
			if !p.KindOpen(r.Kind) {
				return validation.Field("kind", "%s devices cannot be requested at the moment", strings.ReplaceAll(string(r.Kind), "_", " "))
			}
			// One submission per social worker at a time, so that two at once cannot both pass
			// the count.
			if _, err := tx.NewRaw("SELECT pg_advisory_xact_lock(hashtextextended('refurb.requests.open', ?))", a.UserID).Exec(ctx); err != nil {
				return fmt.Errorf("lock the social worker's requests: %w", err)
			}
			open, err := tx.NewSelect().Table("device_requests").Where("requester_id = ? AND status IN (?)", a.UserID, bun.List(OpenStatuses)).Count(ctx)
			if err != nil {
				return dbError("count open requests", err)
			}
			if open >= int64(p.MaxOpen) {
				return &LimitError{Limit: p.MaxOpen}
			}
		}
		if _, err := tx.NewInsert().Model(r).Returning("*").Exec(ctx); err != nil {
			if code := dbError("insert request", err); code != nil && strings.Contains(err.Error(), "partner_id") {
				return validation.Field("partnerID", "no such partner organisation")
			}
			return dbError("insert request", err)
		}
		return appendEvent(ctx, tx, a, r, "submitted", "", StatusSubmitted, nil)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Event is one move of a request: who, when, from, to.
type Event struct {
	bun.BaseModel `bun:"table:device_request_events,alias:e"`

	ID         int64          `bun:"id,pk,autoincrement"`
	RequestID  int64          `bun:"request_id"`
	At         time.Time      `bun:"at,nullzero,notnull,default:current_timestamp"`
	ActorID    *int64         `bun:"actor_id"`
	Kind       string         `bun:"kind"`
	FromStatus *Status        `bun:"from_status"`
	ToStatus   *Status        `bun:"to_status"`
	Detail     map[string]any `bun:"detail,type:jsonb,notnull"`
}

// appendEvent records a move of r by a, in tx.
func appendEvent(ctx context.Context, tx bun.IDB, a auth.Actor, r *Request, kind string, from, to Status, detail map[string]any) error {
	e := &Event{RequestID: r.ID, Kind: kind, Detail: detail}
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	if a.UserID != 0 {
		e.ActorID = &a.UserID
	}
	if from != "" {
		e.FromStatus = &from
	}
	if to != "" {
		e.ToStatus = &to
	}
	if _, err := tx.NewInsert().Model(e).Returning("id, at").Exec(ctx); err != nil {
		return dbError("append request event", err)
	}
	return nil
}
