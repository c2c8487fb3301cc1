package inventory

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/validation"
)

// DonorKind says who gave.
type DonorKind string

// The donor kinds.
const (
	DonorCompany     DonorKind = "company"
	DonorPublicBody  DonorKind = "public_body"
	DonorAssociation DonorKind = "association"
	DonorIndividual  DonorKind = "individual"
)

// DonorKinds lists every donor kind.
var DonorKinds = []DonorKind{DonorCompany, DonorPublicBody, DonorAssociation, DonorIndividual}

// Donor is a company, public body, association or person who gives devices.
type Donor struct {
	bun.BaseModel `bun:"table:donors"`

	ID                 int64     `bun:"id,pk,autoincrement"`
	Name               string    `bun:"name"`
	Kind               DonorKind `bun:"kind"`
	RegistrationNumber *string   `bun:"registration_number"`
	ContactName        *string   `bun:"contact_name"`
	Email              *string   `bun:"email"`
	Phone              *string   `bun:"phone"`
	Address            *string   `bun:"address"`
	PostalCode         *string   `bun:"postal_code"`
	City               *string   `bun:"city"`
	Country            string    `bun:"country"`
	Notes              *string   `bun:"notes"`
	CreatedAt          time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt          time.Time `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// NewDonor is what it takes to record a donor.
type NewDonor struct {
	Name               string
	Kind               DonorKind
	RegistrationNumber string
	ContactName        string
	Email              string
	Phone              string
	Address            string
	PostalCode         string
	City               string
	Country            string // ISO 3166 alpha-2, default LU
	Notes              string
}

// CreateDonor records a donor. Staff and administrators only.
func (s *Store) CreateDonor(ctx context.Context, n NewDonor) (*Donor, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	d := &Donor{Kind: n.Kind, Country: strings.ToUpper(strings.TrimSpace(n.Country))}
	name, err := text("name", n.Name, 200)
	if err != nil {
		return nil, err
	}
	if name == nil {
		return nil, validation.Field("name", "a donor needs a name")
	}
	d.Name = *name
	if !slices.Contains(DonorKinds, n.Kind) {
		return nil, validation.Field("kind", "unknown donor kind %q", n.Kind)
	}
	if d.Country == "" {
		d.Country = "LU"
	}
	if !regexp.MustCompile(`^[A-Z]{2}$`).MatchString(d.Country) {
		return nil, validation.Field("country", "use a two-letter country code such as LU")
	}
	if err := texts("",
		textField{"registrationNumber", n.RegistrationNumber, 50, &d.RegistrationNumber},
		textField{"contactName", n.ContactName, 200, &d.ContactName},
		textField{"email", n.Email, 254, &d.Email},
		textField{"phone", n.Phone, 50, &d.Phone},
		textField{"address", n.Address, 500, &d.Address},
		textField{"postalCode", n.PostalCode, 20, &d.PostalCode},
		textField{"city", n.City, 100, &d.City},
		textField{"notes", n.Notes, 2000, &d.Notes},
	); err != nil {
		return nil, err
	}
	if d.Email != nil && !strings.Contains(*d.Email, "@") {
		return nil, validation.Field("email", "%q is not an e-mail address", *d.Email)
	}
	if _, err := s.db.NewInsert().Model(d).Returning("*").Exec(ctx); err != nil {
		return nil, dbError("insert donor", err)
	}
	return d, nil
}

// DonorsByID returns donors by id. Staff, administrators and trainees see every donor; a
// donor's users only their own.
func (s *Store) DonorsByID(ctx context.Context, ids []int64) (map[int64]*Donor, error) {
	scope, err := DonorScope(ctx)
	if err != nil {
		return nil, err
	}
	var ds []Donor
	q := scope.WhereDonor(s.db.NewSelect().Model(&ds).Where("id IN (?)", bun.List(ids)), "id")
	if err := q.Scan(ctx); err != nil {
		return nil, dbError("select donors", err)
	}
	out := make(map[int64]*Donor, len(ds))
	for i := range ds {
		out[ds[i].ID] = &ds[i]
	}
	return out, nil
}

// DonorPage is one page of donors.
type DonorPage struct {
	Donors      []Donor
	TotalCount  int
	HasNextPage bool
	EndCursor   string
}

// Donors lists donors in the order they were recorded, optionally those whose name contains search. Staff and
// administrators only.
func (s *Store) Donors(ctx context.Context, search string, p Page) (*DonorPage, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	if p.First < 0 || p.First > MaxPageSize {
		return nil, validation.Field("first", "must be between 0 and %d", MaxPageSize)
	}
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		if term := strings.TrimSpace(search); term != "" {
			like := database.Contains(strings.ToLower(term))
			q = q.Where("lower(name) LIKE ?", like)
		}
		return q
	}
	page := &DonorPage{}
	q := filter(s.db.NewSelect().Model(&page.Donors))
	if p.After != "" {
		id, err := decodeIDCursor(p.After)
		if err != nil {
			return nil, err
		}
		q = q.Where("id > ?", id)
	}
	if err := q.Order("id").Limit(int64(p.First + 1)).Scan(ctx); err != nil {
		return nil, dbError("select donors", err)
	}
	if len(page.Donors) > p.First {
		page.HasNextPage, page.Donors = true, page.Donors[:p.First]
	}
	if n := len(page.Donors); n > 0 {
		page.EndCursor = encodeIDCursor(page.Donors[n-1].ID)
	}
	n, err := filter(s.db.NewSelect().Table("donors")).Count(ctx)
	page.TotalCount = int(n)
	return page, dbError("count donors", err)
}
