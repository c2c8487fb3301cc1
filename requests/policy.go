package requests

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Who may do what with requests, answered here for GraphQL, pages, templates and the command
// line alike; the Store's methods check the same rules.

// MayRequest reports whether a files requests for beneficiaries: a social worker of a partner
// organisation, or the office for a walk-in.
func MayRequest(a auth.Actor) bool {
	return a.In(auth.Office) || (a.In(auth.SocialWorkers) && a.PartnerID != 0)
}

// MayRead reports whether a reads requests at all: the office every one, a social worker their
// own (a coordinator their organisation's). Donors and trainees see nothing of requests.
func MayRead(a auth.Actor) bool { return a.In(auth.Office | auth.SocialWorkers) }

// MayTriage reports whether a decides, matches, allocates and hands out: staff and administrators.
func MayTriage(a auth.Actor) bool { return a.In(auth.Office) }

// MayAdminister reports whether a sets the request policy and creates partner organisations.
func MayAdminister(a auth.Actor) bool { return a.In(auth.Admins) }

// mayCancel reports whether a may cancel request r (read under row-level security already): its
// social worker, their organisation's coordinator, or the office.
func mayCancel(a auth.Actor, r *Request) bool {
	switch {
	case a.In(auth.Office):
		return true
	case a.In(auth.SocialWorkers):
		return r.RequesterID == a.UserID || (a.Coordinator && a.PartnerID != 0 && r.PartnerID == a.PartnerID)
	}
	return false
}

// Policy is how requests are rationed and how long their details are kept (settings
// requests.*).
type Policy struct {
	// MaxOpen is how many open requests (submitted, approved, waitlisted, allocated) a social
	// worker may have at once.
	MaxOpen int
	// OpenKinds are the device kinds partners may request now.
	OpenKinds []inventory.Kind
	// RetentionDays is how long a closed request keeps its reference, note and signature
	// before anonymisation removes them.
	RetentionDays int
}

// The bounds of the policy's numbers.
const (
	MaxOpenLimit     = 50
	MinRetentionDays = 30
	MaxRetentionDays = 3650
)

func (p Policy) validate() error {
	if p.MaxOpen < 1 || p.MaxOpen > MaxOpenLimit {
		return validation.Field("maxOpenPerSocialWorker", "must be between 1 and %d", MaxOpenLimit)
	}
	for i, k := range p.OpenKinds {
		if !k.Valid() {
			return validation.Field(fmt.Sprintf("openKinds[%d]", i), "unknown device kind %q", k)
		}
	}
	if p.RetentionDays < MinRetentionDays || p.RetentionDays > MaxRetentionDays {
		return validation.Field("retentionDays", "must be between %d and %d", MinRetentionDays, MaxRetentionDays)
	}
	return nil
}

// KindOpen reports whether partners may request devices of kind k now.
func (p Policy) KindOpen(k inventory.Kind) bool { return slices.Contains(p.OpenKinds, k) }

// Policy returns the request policy. Whoever files or triages requests may read it (the form
// offers the open kinds).
func (s *Store) Policy(ctx context.Context) (*Policy, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !MayRead(a) && !a.System {
		return nil, auth.ErrForbidden
	}
	return readPolicy(ctx, s.db)
}

func readPolicy(ctx context.Context, db bun.IDB) (*Policy, error) {
	var rows []struct {
		Key   string `bun:"key"`
		Value string `bun:"value"`
	}
	if err := db.NewSelect().Table("settings").Column("key").ColumnExpr("value::text AS value").
		Where("key IN (?)", bun.List([]string{"requests.max_open_per_worker", "requests.open_kinds", "requests.retention_days"})).
		Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("read the request policy: %w", err)
	}
	p := &Policy{MaxOpen: 3, RetentionDays: 365, OpenKinds: []inventory.Kind{}}
	for _, r := range rows {
		var err error
		switch r.Key {
		case "requests.max_open_per_worker":
			err = json.Unmarshal([]byte(r.Value), &p.MaxOpen)
		case "requests.open_kinds":
			err = json.Unmarshal([]byte(r.Value), &p.OpenKinds)
		case "requests.retention_days":
			err = json.Unmarshal([]byte(r.Value), &p.RetentionDays)
		}
		if err != nil {
			return nil, fmt.Errorf("read setting %s: %w", r.Key, err)
		}
	}
	return p, nil
}

// SetPolicy replaces the request policy. Administrators only. It applies from the next request:
// a social worker over a lowered limit keeps their open requests.
func (s *Store) SetPolicy(ctx context.Context, p Policy) (*Policy, error) {
	if _, err := auth.Require(ctx, auth.Admins); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	kinds := slices.Clone(p.OpenKinds)
	slices.SortFunc(kinds, func(a, b inventory.Kind) int {
		return slices.Index(inventory.Kinds, a) - slices.Index(inventory.Kinds, b)
	})
	kinds = slices.Compact(kinds)
	if kinds == nil {
		kinds = []inventory.Kind{}
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for key, v := range map[string]any{"requests.max_open_per_worker": p.MaxOpen, "requests.open_kinds": kinds, "requests.retention_days": p.RetentionDays} {
			raw, _ := json.Marshal(v)
			res, err := tx.NewRaw("UPDATE settings SET value = ?::jsonb, updated_at = now() WHERE key = ?", string(raw), key).Exec(ctx)
			if err != nil {
				return fmt.Errorf("write setting %s: %w", key, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("write setting %s: the setting is missing (migrations not applied?)", key)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return readPolicy(ctx, s.db)
}
