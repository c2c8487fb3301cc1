package impact

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
)

// DonorImpact is what became of everything a donor gave, as their donation certificates count
// it (docs/certificates.md, "Impact figures"), all donations together.
type DonorImpact struct {
	DonorID int64
	Devices int
	// The devices by what became of them now: handed out (reused), recycled or dismantled,
	// lost, and still in the workshop.
	HandedOut, Recycled, Dismantled, Lost, InStock int
	KGReused, KGRecycled, KGInStock                float64
	// CO2eAvoidedKG is counted for the devices handed out, each with the factor set in force
	// when it was (last) handed out.
	CO2eAvoidedKG float64
	FactorSets    []FactorSetUse
	// PeopleEquipped counts the hand-outs of the donor's devices: a device returned and handed
	// out again equipped two people (households, as requests record them).
	PeopleEquipped int
}

// Donor returns a donor's impact: the office any donor's, a donor's users their own
// (ErrNotFound for another's).
func (s *Store) Donor(ctx context.Context, donorID int64) (*DonorImpact, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !MayReadDonor(a, donorID) {
		if a.In(auth.Donors) {
			return nil, ErrNotFound
		}
		return nil, auth.ErrForbidden
	}
	out := &DonorImpact{DonorID: donorID}
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		groups, handOuts, err := inventory.NewStore(tx).DonorOutcomes(ctx, donorID)
		if err != nil {
			return err
		}
		sets, err := certificates.FactorSets(ctx, tx)
		if err != nil {
			return err
		}
		out.PeopleEquipped = handOuts
		used := map[int64]*FactorSetUse{}
		for _, g := range groups {
			out.Devices += g.Devices
			switch g.Status {
			case inventory.StatusHandedOut:
				out.HandedOut += g.Devices
				out.KGReused += g.KG
				at := time.Time{}
				if g.HandedOutAt != nil {
					at = *g.HandedOutAt
				}
				if set := inForce(sets, at); set != nil {
					u := used[set.ID]
					if u == nil {
						u = &FactorSetUse{ID: set.ID, Name: set.Name, Version: set.Version, InForceFrom: set.CreatedAt}
						if set.Source != nil {
							u.Source = *set.Source
						}
						used[set.ID] = u
					}
					cat := certificates.Category(g.Kind, g.ScreenInches)
					for _, f := range set.Factors {
						if f.Category == cat {
							v := float64(g.Devices) * f.AvoidedKGCO2e
							out.CO2eAvoidedKG += v
							u.CO2eAvoidedKG += v
							u.Devices += g.Devices
						}
					}
				}
			case inventory.StatusRecycled, inventory.StatusDismantled:
				out.Recycled += g.Devices
				out.KGRecycled += g.KG
				if g.Status == inventory.StatusDismantled {
					out.Dismantled += g.Devices
				}
			case inventory.StatusLost:
				out.Lost += g.Devices
			default:
				out.InStock += g.Devices
				out.KGInStock += g.KG
			}
		}
		for _, set := range sets {
			if u := used[set.ID]; u != nil && u.Devices > 0 {
				out.FactorSets = append(out.FactorSets, *u)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// inForce returns the factor set in force at instant at: the newest created by then, the
// oldest for what happened before any (as the database's refurb_impact_factor_set); nil
// without sets. sets are oldest first.
func inForce(sets []certificates.FactorSet, at time.Time) *certificates.FactorSet {
	if len(sets) == 0 {
		return nil
	}
	for i := len(sets) - 1; i >= 0; i-- {
		if !sets[i].CreatedAt.After(at) {
			return &sets[i]
		}
	}
	return &sets[0]
}
