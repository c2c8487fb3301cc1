package certificates

import (
	"context"
	"errors"
	"strings"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// gather reads what a certificate of kind shows about a donation, with the inventory's own
// readers on the issuing transaction.
func (s *Store) gather(ctx context.Context, tx bun.IDB, donationID int64, kind Kind) (*Document, []usedFactor, *int64, error) {
	inv := inventory.NewStore(tx)
	don, err := inv.Donation(ctx, donationID)
	if errors.Is(err, inventory.ErrNotFound) {
		return nil, nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, nil, err
	}
	doc := &Document{Donation: DonationInfo{Number: don.Number, ReceivedOn: don.ReceivedOn}}
	if don.DonorReference != nil {
		doc.Donation.DonorReference = *don.DonorReference
	}
	if err := tx.NewSelect().Table("collection_points").Column("name").Where("id = ?", don.CollectionPointID).Scan(ctx, &doc.Donation.Place); err != nil {
		return nil, nil, nil, dbError("read collection point", err)
	}
	if don.DonorID != nil {
		donors, err := inv.DonorsByID(ctx, []int64{*don.DonorID})
		if err != nil {
			return nil, nil, nil, err
		}
		if d := donors[*don.DonorID]; d != nil {
			doc.Donor.Name = d.Name
			doc.donorIsPerson = d.Kind == inventory.DonorIndividual
			if d.RegistrationNumber != nil {
				doc.Donor.RegistrationNumber = *d.RegistrationNumber
			}
			var addr []string
			if d.Address != nil {
				addr = append(addr, *d.Address)
			}
			city := strings.TrimSpace(deref(d.PostalCode) + " " + deref(d.City))
			if city != "" {
				addr = append(addr, city)
			}
			doc.Donor.Address = strings.Join(addr, "\n")
		}
	}
	org, err := organisation(ctx, tx)
	if err != nil {
		return nil, nil, nil, err
	}
	doc.Org = *org

	// Every device of the donation, in tag order, a page at a time.
	var devices []inventory.Device
	for p := (inventory.Page{First: inventory.MaxPageSize}); ; {
		page, err := inv.Devices(ctx, inventory.DeviceFilter{DonationID: donationID}, inventory.SortTagAsc, p)
		if err != nil {
			return nil, nil, nil, err
		}
		devices = append(devices, page.Devices...)
		if !page.HasNextPage {
			break
		}
		p.After = page.EndCursor
	}
	ids := make([]int64, len(devices))
	for i, d := range devices {
		ids[i] = d.ID
		row := DeviceRow{Tag: d.Tag, DonorAssetTag: deref(d.DonorAssetTag), Kind: d.Kind, Make: deref(d.Make),
			Model: deref(d.Model), Serial: deref(d.SerialNumber), Status: d.Status, WeightKG: d.WeightKG}
		if d.ScreenInches != nil {
			row.ScreenInches = *d.ScreenInches
		}
		doc.Devices = append(doc.Devices, row)
	}
	if len(ids) > 0 {
		media, err := inv.Storage(ctx, ids)
		if err != nil {
			return nil, nil, nil, err
		}
		if kind == KindErasure {
			missing, err := inv.WipeMissing(ctx, ids)
			if err != nil {
				return nil, nil, nil, err
			}
			if len(missing) > 0 {
				e := &WipeRequiredError{}
				for _, d := range devices {
					for _, mid := range missing[d.ID] {
						mw := MissingWipe{DeviceTag: d.Tag, MediumID: mid}
						for _, m := range media[d.ID] {
							if m.ID == mid {
								mw.Serial = deref(m.SerialNumber)
							}
						}
						e.Missing = append(e.Missing, mw)
					}
				}
				return nil, nil, nil, e
			}
		}
		var mediumIDs []int64
		for _, d := range devices {
			for _, m := range media[d.ID] {
				mediumIDs = append(mediumIDs, m.ID)
			}
		}
		wipes := map[int64]*inventory.WipeRecord{}
		if len(mediumIDs) > 0 {
			if wipes, err = inv.LatestWipes(ctx, mediumIDs); err != nil {
				return nil, nil, nil, err
			}
		}
		names, err := userNames(ctx, tx, wipes)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, d := range devices {
			for _, m := range media[d.ID] {
				row := DriveRow{Serial: deref(m.SerialNumber), Kind: m.Kind, Make: deref(m.Make), Model: deref(m.Model),
					DeviceTag: d.Tag, DeviceSerial: deref(d.SerialNumber)}
				if m.CapacityGB != nil {
					row.CapacityGB = *m.CapacityGB
				}
				if w := wipes[m.ID]; w != nil {
					row.Wipe = &WipeInfo{Method: w.Method, Technique: w.Technique, Standard: deref(w.Standard),
						Tool: deref(w.Tool), Verification: w.Verification, FinishedAt: w.FinishedAt, Result: w.Result,
						Operator: names[w.OperatorID]}
					if w.VerifierID != nil {
						row.Wipe.Verifier = names[*w.VerifierID]
					}
				}
				doc.Drives = append(doc.Drives, row)
			}
		}
	}
	if kind == KindErasure && len(doc.Drives) == 0 {
		return nil, nil, nil, validation.Field("kind", "the donation has no storage media: there is no erasure to certify")
	}
	var setID *int64
	var used []usedFactor
	if kind == KindDonation {
		set, err := currentFactorSet(ctx, tx)
		if err != nil {
			return nil, nil, nil, err
		}
		if set != nil {
			setID = &set.ID
		}
		doc.Impact, used = computeImpact(doc.Devices, set)
	}
	return doc, used, setID, nil
}

// userNames reads the names of the operators and verifiers of wipes. Only names are read, and
// they are printed on the erasure certificate as the people who did and checked the work.
func userNames(ctx context.Context, db bun.IDB, wipes map[int64]*inventory.WipeRecord) (map[int64]string, error) {
	set := map[int64]bool{}
	for _, w := range wipes {
		set[w.OperatorID] = true
		if w.VerifierID != nil {
			set[*w.VerifierID] = true
		}
	}
	out := map[int64]string{}
	if len(set) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	var rows []struct {
		ID   int64  `bun:"id"`
		Name string `bun:"name"`
	}
	if err := db.NewSelect().Table("users").Column("id", "name").Where("id IN (?)", bun.List(ids)).Scan(ctx, &rows); err != nil {
		return nil, dbError("read operators", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// currentFactorSet returns the newest impact factor set with its factors, or nil when there is
// none.
func currentFactorSet(ctx context.Context, db bun.IDB) (*FactorSet, error) {
	var sets []FactorSet
	if err := db.NewSelect().Model(&sets).OrderExpr("id DESC").Limit(1).Scan(ctx); err != nil {
		return nil, dbError("read factor set", err)
	}
	if len(sets) == 0 {
		return nil, nil
	}
	set := &sets[0]
	if err := db.NewSelect().Model(&set.Factors).Where("set_id = ?", set.ID).Order("id").Scan(ctx); err != nil {
		return nil, dbError("read factors", err)
	}
	return set, nil
}
