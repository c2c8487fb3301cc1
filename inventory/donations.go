package inventory

import (
	"context"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// Donation is one intake batch: what one donor (or an anonymous drop-off) gave at one place on
// one day.
type Donation struct {
	bun.BaseModel `bun:"table:donations,alias:dn"`

	ID                int64      `bun:"id,pk,autoincrement"`
	Number            string     `bun:"number"` // DON-2026-00042, printed on documents
	DonorID           *int64     `bun:"donor_id"`
	CollectionPointID int64      `bun:"collection_point_id"`
	ReceivedOn        time.Time  `bun:"received_on,type:date"`
	ReceivedBy        *int64     `bun:"received_by"`
	DonorReference    *string    `bun:"donor_reference"`
	Note              *string    `bun:"note"`
	ClosedAt          *time.Time `bun:"closed_at"`
	CreatedAt         time.Time  `bun:"created_at,nullzero,notnull,default:current_timestamp"`

	// Donor is loaded with the donation by DonationsByID (nil for an anonymous drop-off), so a
	// page of devices gets its donations and donors in one statement.
	Donor *Donor `bun:"rel:belongs-to,join:donor_id=id"`
}

// DonationsByID returns the donations with the given ids that the actor may see, by id, each
// with its Donor.
func (s *Store) DonationsByID(ctx context.Context, ids []int64) (map[int64]*Donation, error) {
	var ds []Donation
	q, err := scopeDonations(ctx, s.db.NewSelect().Model(&ds).ModelTableExpr("donations AS dn").Relation("Donor").Where("dn.id IN (?)", bun.List(ids)), "dn")
	if err != nil {
		return nil, err
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbError("select donations", err)
	}
	out := make(map[int64]*Donation, len(ds))
	for i := range ds {
		out[ds[i].ID] = &ds[i]
	}
	return out, nil
}

// Donation returns a donation by id.
func (s *Store) Donation(ctx context.Context, id int64) (*Donation, error) {
	ds, err := s.DonationsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if ds[id] == nil {
		return nil, ErrNotFound
	}
	return ds[id], nil
}

// donationNumber is the shape of a donation's number, as the database's CHECK has it.
var donationNumber = regexp.MustCompile(`^DON-[0-9]{4}-[0-9]{5,}$`)

// DonationByNumber returns a donation by its number (DON-2026-00042, any case).
func (s *Store) DonationByNumber(ctx context.Context, number string) (*Donation, error) {
	d := new(Donation)
	number = strings.ToUpper(strings.TrimSpace(number))
	q, err := scopeDonations(ctx, s.db.NewSelect().Model(d).ModelTableExpr("donations AS dn").Where("dn.number = ?", number), "dn")
	if err != nil {
		return nil, err
	}
	if !donationNumber.MatchString(number) {
		// Looked up nowhere: a NUL byte, which PostgreSQL cannot take, made it an internal error.
		return nil, ErrNotFound
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbError("select donation", err)
	}
	return d, nil
}

// DonationPage is one page of donations.
type DonationPage struct {
	Donations   []Donation
	TotalCount  int
	HasNextPage bool
	EndCursor   string
}

// Donations lists donations, newest first; donorID 0 lists every donor's.
func (s *Store) Donations(ctx context.Context, donorID int64, p Page) (*DonationPage, error) {
	if p.First < 0 || p.First > MaxPageSize {
		return nil, validation.Field("first", "must be between 0 and %d", MaxPageSize)
	}
	filter := func(q *bun.SelectQuery) (*bun.SelectQuery, error) {
		q, err := scopeDonations(ctx, q, "dn")
		if err != nil || donorID == 0 {
			return q, err
		}
		return q.Where("dn.donor_id = ?", donorID), nil
	}
	page := &DonationPage{}
	q, err := filter(s.db.NewSelect().Model(&page.Donations).ModelTableExpr("donations AS dn"))
	if err != nil {
		return nil, err
	}
	if p.After != "" {
		id, err := decodeIDCursor(p.After)
		if err != nil {
			return nil, err
		}
		q = q.Where("dn.id < ?", id)
	}
	if err := q.OrderExpr("dn.id DESC").Limit(int64(p.First + 1)).Scan(ctx); err != nil {
		return nil, dbError("select donations", err)
	}
	if len(page.Donations) > p.First {
		page.HasNextPage, page.Donations = true, page.Donations[:p.First]
	}
	if n := len(page.Donations); n > 0 {
		page.EndCursor = encodeIDCursor(page.Donations[n-1].ID)
	}
	cq, err := filter(s.db.NewSelect().TableExpr("donations AS dn"))
	if err != nil {
		return nil, err
	}
	n, err := cq.Count(ctx)
	page.TotalCount = int(n)
	return page, dbError("count donations", err)
}

func encodeIDCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id, 10)))
}

func decodeIDCursor(c string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if v, ok := strings.CutPrefix(string(raw), "id:"); err == nil && ok {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			return id, nil
		}
	}
	return 0, validation.Field("after", "is not a cursor from this list")
}

// FirstDonationPages returns the first page of donations of each donor, newest first, by donor
// id, in one statement: a list of donors shows their donations without a statement per donor.
// Later pages come from Donations with the page's EndCursor.
func (s *Store) FirstDonationPages(ctx context.Context, donorIDs []int64, first int) (map[int64]*DonationPage, error) {
	if first < 0 || first > MaxPageSize {
		return nil, validation.Field("first", "must be between 0 and %d", MaxPageSize)
	}
	inner, err := scopeDonations(ctx, s.db.NewSelect().TableExpr("donations AS dn").ColumnExpr("dn.*").
		ColumnExpr("row_number() OVER (PARTITION BY dn.donor_id ORDER BY dn.id DESC) AS rn").
		ColumnExpr("count(*) OVER (PARTITION BY dn.donor_id) AS total").
		Where("dn.donor_id IN (?)", bun.List(donorIDs)), "dn")
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Donation
		RN    int `bun:"rn"`
		Total int `bun:"total"`
	}
	if err := s.db.NewSelect().TableExpr("(?) AS x", inner).ColumnExpr("x.*").Where("x.rn <= ?", first+1).
		OrderExpr("x.donor_id, x.rn").Scan(ctx, &rows); err != nil {
		return nil, dbError("select donations of donors", err)
	}
	out := make(map[int64]*DonationPage, len(donorIDs))
	for _, id := range donorIDs {
		out[id] = &DonationPage{}
	}
	for _, r := range rows {
		p := out[*r.DonorID]
		p.TotalCount = r.Total
		if r.RN > first {
			p.HasNextPage = true
			continue
		}
		p.Donations = append(p.Donations, r.Donation)
	}
	for _, p := range out {
		if n := len(p.Donations); n > 0 {
			p.EndCursor = encodeIDCursor(p.Donations[n-1].ID)
		}
	}
	return out, nil
}

// LockDonation takes the donation's row for the caller's transaction (the Store must be on it),
// so that another domain acting on a whole donation (issuing its certificate) does one thing
// at a time with it. NO KEY UPDATE does not hold back intake adding devices to the donation.
func (s *Store) LockDonation(ctx context.Context, id int64) error {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return err
	}
	var locked int64
	err := s.db.NewSelect().Table("donations").Column("id").Where("id = ?", id).For("NO KEY UPDATE").Scan(ctx, &locked)
	return dbError("lock donation", err)
}
