package requests

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// PartnerKind is what sort of organisation a partner is.
type PartnerKind string

// The partner kinds.
const (
	PartnerSocialOffice  PartnerKind = "social_office"
	PartnerRefugeeAgency PartnerKind = "refugee_agency"
	PartnerNGO           PartnerKind = "ngo"
	PartnerSchool        PartnerKind = "school"
	PartnerOther         PartnerKind = "other"
)

// PartnerKinds lists every partner kind.
var PartnerKinds = []PartnerKind{PartnerSocialOffice, PartnerRefugeeAgency, PartnerNGO, PartnerSchool, PartnerOther}

// Valid reports whether k is a known kind.
func (k PartnerKind) Valid() bool { return slices.Contains(PartnerKinds, k) }

// Partner is a partner organisation whose social workers request devices.
type Partner struct {
	bun.BaseModel `bun:"table:partner_organisations,alias:p"`

	ID      int64       `bun:"id,pk,autoincrement"`
	Name    string      `bun:"name"`
	Kind    PartnerKind `bun:"kind"`
	Address *string     `bun:"address"`
	Contact *string     `bun:"contact"`
	// WalkIn marks the workshop's own organisation, under which staff file requests for people
	// who come to the counter without a social worker.
	WalkIn    bool      `bun:"walk_in"`
	CreatedAt time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
}

// NewPartner is what it takes to create a partner organisation.
type NewPartner struct {
	Name    string
	Kind    PartnerKind
	Address string
	Contact string // a phone number, an e-mail address or a person's name at the organisation
}

func (n NewPartner) validate() (*Partner, error) {
	name := strings.TrimSpace(n.Name)
	if name == "" || len([]rune(name)) > 200 || strings.ContainsFunc(name, isControl) {
		return nil, validation.Field("name", "a name of 1 to 200 characters is required")
	}
	if !n.Kind.Valid() {
		return nil, validation.Field("kind", "unknown kind %q", n.Kind)
	}
	p := &Partner{Name: name, Kind: n.Kind}
	var err error
	if p.Address, err = text("address", n.Address, 500); err != nil {
		return nil, err
	}
	if p.Contact, err = text("contact", n.Contact, 300); err != nil {
		return nil, err
	}
	return p, nil
}

// CreatePartner creates a partner organisation. Administrators only.
func (s *Store) CreatePartner(ctx context.Context, n NewPartner) (*Partner, error) {
	if _, err := auth.Require(ctx, auth.Admins); err != nil {
		return nil, err
	}
	p, err := n.validate()
	if err != nil {
		return nil, err
	}
	if _, err := s.db.NewInsert().Model(p).Returning("id, created_at").Exec(ctx); err != nil {
		if err = dbError("insert partner organisation", err); errors.Is(err, ErrConflict) {
			return nil, validation.Field("name", "a partner organisation with this name already exists")
		}
		return nil, err
	}
	return p, nil
}

// Partners lists partner organisations by name: every one to the office, their own to a social
// worker, none to anyone else (auth.ErrForbidden).
func (s *Store) Partners(ctx context.Context) ([]Partner, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	q := s.db.NewSelect().Model((*Partner)(nil))
	switch {
	case a.In(auth.Office) || a.System:
	case a.In(auth.SocialWorkers):
		q = q.Where("p.id = ?", a.PartnerID)
	default:
		return nil, auth.ErrForbidden
	}
	var ps []Partner
	if err := q.OrderExpr("p.walk_in DESC, lower(p.name)").Scan(ctx, &ps); err != nil {
		return nil, dbError("select partner organisations", err)
	}
	return ps, nil
}

// PartnersByID returns the partner organisations with the given ids that the actor may see
// (Partners), by id.
func (s *Store) PartnersByID(ctx context.Context, ids []int64) (map[int64]*Partner, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !MayRead(a) && !a.System {
		return nil, auth.ErrForbidden
	}
	var ps []Partner
	q := s.db.NewSelect().Model(&ps).Where("p.id IN (?)", bun.List(ids))
	if !a.In(auth.Office) && !a.System {
		q = q.Where("p.id = ?", a.PartnerID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbError("select partner organisations", err)
	}
	out := make(map[int64]*Partner, len(ps))
	for i := range ps {
		out[ps[i].ID] = &ps[i]
	}
	return out, nil
}

// walkIn returns the id of the walk-in organisation.
func walkIn(ctx context.Context, db bun.IDB) (int64, error) {
	var id int64
	if err := db.NewSelect().Table("partner_organisations").Column("id").Where("walk_in").Limit(1).Scan(ctx, &id); err != nil {
		return 0, dbError("find the walk-in organisation", err)
	}
	return id, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
