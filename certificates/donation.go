package certificates

import (
	"context"
	"errors"
	"strings"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// gatherDonation reads a donation certificate: the donation, its donor and every device with
// its storage media and their latest wipes, and the donation's environmental impact with the
// newest impact factor set.
func gatherDonation(ctx context.Context, tx bun.IDB, donationID int64) (*gathered, error) {
	doc, err := readDonation(ctx, tx, donationID, false)
	if err != nil {
		return nil, err
	}
	set, err := currentFactorSet(ctx, tx)
	if err != nil {
		return nil, err
	}
	g := &gathered{doc: doc}
	if set != nil {
		g.factorSetID = &set.ID
	}
	doc.Impact, g.factors = computeImpact(doc.Devices, set)
	if doc.Reconciliation, err = inventory.NewStore(tx).Reconcile(ctx, donationID); err != nil {
		return nil, err
	}
	return g, nil
}

// gatherErasure reads an erasure certificate: what a donation certificate shows but the
// impact, once every storage medium of the donation has a passing sanitization record in its
// device's current cycle (WipeRequiredError otherwise). A donation without storage media has
// no erasure to certify.
func gatherErasure(ctx context.Context, tx bun.IDB, donationID int64) (*gathered, error) {
	doc, err := readDonation(ctx, tx, donationID, true)
	if err != nil {
		return nil, err
	}
	if len(doc.Drives) == 0 {
		return nil, validation.Field("kind", "the donation has no storage media: there is no erasure to certify")
	}
	return &gathered{doc: doc}, nil
}

// readDonation reads what both kinds of donation certificate show, with the inventory's own
// readers on the issuing transaction. With wiped, every storage medium must have a passing
// sanitization record (WipeRequiredError lists those that lack one).
func readDonation(ctx context.Context, tx bun.IDB, donationID int64, wiped bool) (*Document, error) {
	inv := inventory.NewStore(tx)
	doc := &Document{}
	if err := readDonationInfo(ctx, tx, inv, donationID, doc); err != nil {
		return nil, err
	}
	org, err := organisation(ctx, tx)
	if err != nil {
		return nil, err
	}
	doc.Org = *org
	devices, err := donationDevices(ctx, inv, donationID)
	if err != nil {
		return nil, err
	}
	doc.Devices = deviceRows(devices)
	if len(devices) == 0 {
		return doc, nil
	}
	ids := make([]int64, len(devices))
	for i, d := range devices {
		ids[i] = d.ID
	}
	media, err := inv.Storage(ctx, ids)
	if err != nil {
		return nil, err
	}
	if wiped {
		if err := requireWipes(ctx, inv, devices, ids, media); err != nil {
			return nil, err
		}
	}
	doc.Drives, err = driveRows(ctx, tx, inv, devices, media)
	return doc, err
}

// requireWipes returns a WipeRequiredError when a storage medium of the devices (ids) lacks a
// passing sanitization record in its device's current cycle.
func requireWipes(ctx context.Context, inv *inventory.Store, devices []inventory.Device, ids []int64, media map[int64][]inventory.StorageMedium) error {
	missing, err := inv.WipeMissing(ctx, ids)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return wipeRequired(devices, media, missing)
	}
	return nil
}

// readDonationInfo reads the donation, where it was received and its donor into doc.
func readDonationInfo(ctx context.Context, tx bun.IDB, inv *inventory.Store, donationID int64, doc *Document) error {
	don, err := inv.Donation(ctx, donationID)
	if errors.Is(err, inventory.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	doc.Donation = DonationInfo{Number: don.Number, ReceivedOn: don.ReceivedOn, DonorReference: deref(don.DonorReference)}
	if doc.Donation.Place, err = collectionPointName(ctx, tx, don.CollectionPointID); err != nil {
		return err
	}
	if don.DonorID == nil {
		return nil
	}
	donors, err := inv.DonorsByID(ctx, []int64{*don.DonorID})
	if err != nil {
		return err
	}
	if d := donors[*don.DonorID]; d != nil {
		doc.Donor = donorInfo(d)
		doc.donorIsPerson = d.Kind == inventory.DonorIndividual
	}
	return nil
}

// donorInfo is a donor as certificates print it: the address on one line, the postal code
// and city on the next.
func donorInfo(d *inventory.Donor) DonorInfo {
	var addr []string
	if d.Address != nil {
		addr = append(addr, *d.Address)
	}
	if city := strings.TrimSpace(deref(d.PostalCode) + " " + deref(d.City)); city != "" {
		addr = append(addr, city)
	}
	return DonorInfo{Name: d.Name, RegistrationNumber: deref(d.RegistrationNumber), Address: strings.Join(addr, "\n")}
}

// donationDevices reads every device of the donation, in tag order, a page at a time.
func donationDevices(ctx context.Context, inv *inventory.Store, donationID int64) ([]inventory.Device, error) {
	var devices []inventory.Device
	for p := (inventory.Page{First: inventory.MaxPageSize}); ; {
		page, err := inv.Devices(ctx, inventory.DeviceFilter{DonationID: donationID}, inventory.SortTagAsc, p)
		if err != nil {
			return nil, err
		}
		devices = append(devices, page.Devices...)
		if !page.HasNextPage {
			return devices, nil
		}
		p.After = page.EndCursor
	}
}

// deviceRows are the devices as certificates list them.
func deviceRows(devices []inventory.Device) []DeviceRow {
	var rows []DeviceRow
	for _, d := range devices {
		row := DeviceRow{Tag: d.Tag, DonorAssetTag: deref(d.DonorAssetTag), Kind: d.Kind, Make: deref(d.Make),
			Model: deref(d.Model), Serial: deref(d.SerialNumber), Status: d.Status, WeightKG: d.WeightKG}
		if d.ScreenInches != nil {
			row.ScreenInches = *d.ScreenInches
		}
		rows = append(rows, row)
	}
	return rows
}

// driveRows are the devices' storage media, in device order, each with its latest
// sanitization record in its device's current cycle and the names of who did and checked it.
func driveRows(ctx context.Context, tx bun.IDB, inv *inventory.Store, devices []inventory.Device, media map[int64][]inventory.StorageMedium) ([]DriveRow, error) {
	var mediumIDs []int64
	for _, d := range devices {
		for _, m := range media[d.ID] {
			mediumIDs = append(mediumIDs, m.ID)
		}
	}
	if len(mediumIDs) == 0 {
		return nil, nil
	}
	wipes, err := inv.LatestWipes(ctx, mediumIDs)
	if err != nil {
		return nil, err
	}
	names, err := auth.Names(ctx, tx, wipers(wipes)...)
	if err != nil {
		return nil, err
	}
	var rows []DriveRow
	for _, d := range devices {
		for _, m := range media[d.ID] {
			row := DriveRow{Serial: deref(m.SerialNumber), Kind: m.Kind, Make: deref(m.Make), Model: deref(m.Model),
				DeviceTag: d.Tag, DeviceSerial: deref(d.SerialNumber)}
			if m.CapacityGB != nil {
				row.CapacityGB = *m.CapacityGB
			}
			row.Wipe = wipeInfo(wipes[m.ID], names)
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// wipers returns the users who performed and verified the wipes, each once. Only their names
// are read: the erasure certificate prints them as the people who did and checked the work.
func wipers(wipes map[int64]*inventory.WipeRecord) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	add := func(id int64) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, w := range wipes {
		add(w.OperatorID)
		if w.VerifierID != nil {
			add(*w.VerifierID)
		}
	}
	return ids
}

// wipeInfo is a sanitization record as printed, nil for none.
func wipeInfo(w *inventory.WipeRecord, names map[int64]string) *WipeInfo {
	if w == nil {
		return nil
	}
	info := &WipeInfo{Method: w.Method, Technique: w.Technique, Standard: deref(w.Standard), Tool: deref(w.Tool),
		Verification: w.Verification, FinishedAt: w.FinishedAt, Result: w.Result, Operator: names[w.OperatorID]}
	if w.VerifierID != nil {
		info.Verifier = names[*w.VerifierID]
	}
	if w.ReportSHA256 != nil {
		info.ReportSHA256, info.ReportFilename = *w.ReportSHA256, deref(w.ReportFilename)
	}
	return info
}
