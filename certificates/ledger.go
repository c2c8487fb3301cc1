package certificates

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// What the impact ledger (package impact) reads of certificates: the impact factor sets, the
// category a device counts in, and how many certificates were issued.

// FactorSets returns every impact factor set with its factors, oldest first. Sets are added by
// migrations and never change; a set is in force from its creation until the next one (the
// oldest also before its creation), which is how the ledger freezes the factors of each
// hand-out (docs/impact.md). Anyone may read them: they are published figures.
func FactorSets(ctx context.Context, db bun.IDB) ([]FactorSet, error) {
	var sets []FactorSet
	if err := db.NewSelect().Model(&sets).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, dbError("read factor sets", err)
	}
	var factors []Factor
	if err := db.NewSelect().Model(&factors).Order("set_id", "id").Scan(ctx); err != nil {
		return nil, dbError("read factors", err)
	}
	for i := range sets {
		for _, f := range factors {
			if f.SetID == sets[i].ID {
				sets[i].Factors = append(sets[i].Factors, f)
			}
		}
	}
	return sets, nil
}

// Category returns the impact factor category of a device of kind with a screen of
// screenInches (0 when unknown), as donation certificates count it (docs/certificates.md,
// "Impact figures"); "" when no factor applies. The database's refurb_impact_category says the
// same.
func Category(kind inventory.Kind, screenInches float64) string {
	return category(&DeviceRow{Kind: kind, ScreenInches: screenInches})
}

// KindCount is how many certificates of a kind were issued.
type KindCount struct {
	Kind   Kind `bun:"kind"`
	Issued int  `bun:"issued"`
	// Current counts those no later certificate replaces.
	Current int `bun:"current"`
}

// IssuedCounts returns how many certificates of each kind were issued from the day from to the
// day to (Europe/Luxembourg), kinds in the order of Kinds, those without any left out. Staff
// and administrators.
func (s *Store) IssuedCounts(ctx context.Context, from, to time.Time) ([]KindCount, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var rows []KindCount
	err := s.db.NewRaw(`SELECT kind, count(*) AS issued, count(*) FILTER (WHERE superseded_by IS NULL) AS current
		FROM certificates
		WHERE issued_at >= (?::date)::timestamp AT TIME ZONE 'Europe/Luxembourg'
		  AND issued_at < ((?::date) + 1)::timestamp AT TIME ZONE 'Europe/Luxembourg'
		GROUP BY kind`, from.Format(time.DateOnly), to.Format(time.DateOnly)).Scan(ctx, &rows)
	if err != nil {
		return nil, dbError("count certificates", err)
	}
	out := make([]KindCount, 0, len(rows))
	for _, k := range Kinds {
		for _, r := range rows {
			if r.Kind == k {
				out = append(out, r)
			}
		}
	}
	return out, nil
}
