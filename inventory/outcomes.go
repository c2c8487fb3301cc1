package inventory

import (
	"context"
	"time"
)

// OutcomeGroup is a group of a donor's devices that share a status, a kind and a screen size,
// with their count and weight: what became of what the donor gave (package impact reads it for
// a donor's impact).
type OutcomeGroup struct {
	Status       Status  `bun:"status"`
	Kind         Kind    `bun:"kind"`
	ScreenInches float64 `bun:"screen_inches"` // 0 when unknown
	Devices      int     `bun:"devices"`
	KG           float64 `bun:"kg"`
	// HandedOutAt is, for a device handed out, when it last was: such devices are a group each.
	HandedOutAt *time.Time `bun:"handed_out_at"`
}

// DonorOutcomes returns what became of a donor's devices, in groups, and how many times their
// devices were handed out (a device returned and handed out again counts twice: each hand-out
// equipped someone). Those who may see the donor's donations (DonorScope); ErrNotFound for a
// donor outside the actor's scope.
func (s *Store) DonorOutcomes(ctx context.Context, donorID int64) ([]OutcomeGroup, int, error) {
	scope, err := DonorScope(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !scope.All() && scope.DonorID() != donorID {
		return nil, 0, ErrNotFound
	}
	var groups []OutcomeGroup
	err = s.db.NewRaw(`
		SELECT d.status, d.kind, coalesce(d.screen_inches, 0) AS screen_inches, count(*) AS devices, sum(d.weight_kg) AS kg, h.at AS handed_out_at
		FROM donations dn
		JOIN devices d ON d.donation_id = dn.id
		LEFT JOIN LATERAL (SELECT max(e.at) AS at FROM device_events e
		                   WHERE e.device_id = d.id AND e.kind = 'status' AND e.to_status = 'handed_out') h ON d.status = 'handed_out'
		WHERE dn.donor_id = ?
		GROUP BY d.status, d.kind, 3, h.at, CASE WHEN d.status = 'handed_out' THEN d.id END`, donorID).Scan(ctx, &groups)
	if err != nil {
		return nil, 0, dbError("select the donor's devices", err)
	}
	var handOuts int
	err = s.db.NewRaw(`
		SELECT count(*) FROM donations dn
		JOIN devices d ON d.donation_id = dn.id
		JOIN device_events e ON e.device_id = d.id AND e.kind = 'status' AND e.to_status = 'handed_out'
		WHERE dn.donor_id = ? AND (d.status = 'handed_out' OR d.cycle > 1)`, donorID).Scan(ctx, &handOuts)
	if err != nil {
		return nil, 0, dbError("count the donor's hand-outs", err)
	}
	return groups, handOuts, nil
}
