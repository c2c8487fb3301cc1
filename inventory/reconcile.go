package inventory

import (
	"context"
	"slices"
	"strings"
)

// Reconciliation compares the asset lists a donor sent (their imports) with what the workshop
// received: the donation certificate prints it (docs/impact.md, "Donors").
type Reconciliation struct {
	// Lists counts the asset lists imported into the donation with their rows kept, and Listed
	// their rows.
	Lists, Listed int
	// NotArrived are rows of the lists whose device never reached the bench: the device the
	// import created was never handled (still received, with no wipe, repair, QA check, move,
	// storage or note recorded) or is lost.
	NotArrived []ListedDevice
	// NotListed are devices of the donation that no row of the lists names: recorded by hand
	// at intake, with a serial and a donor's asset tag matching no row.
	NotListed []Device
}

// ListedDevice is a row of a donor's list.
type ListedDevice struct {
	Line          int
	Filename      string
	Kind          Kind
	Make, Model   string
	SerialNumber  string
	DonorAssetTag string
	// Tag is the device the import created for the row; Status its status.
	Tag    string
	Status Status
}

// Reconcile compares the donation's imported asset lists with its devices. A donation without
// a list (or whose lists were imported before rows were kept) has Lists 0 and nothing to
// compare. Staff and administrators, and the donor's users (DonorScope).
func (s *Store) Reconcile(ctx context.Context, donationID int64) (*Reconciliation, error) {
	if _, err := s.Donation(ctx, donationID); err != nil {
		return nil, err
	}
	var imports []Import
	if err := s.db.NewSelect().Model(&imports).Where("donation_id = ?", donationID).Order("id").Scan(ctx); err != nil {
		return nil, dbError("select imports", err)
	}
	var devices []Device
	if err := s.db.NewSelect().Model(&devices).Where("d.donation_id = ?", donationID).OrderExpr("d.id").Scan(ctx); err != nil {
		return nil, dbError("select the donation's devices", err)
	}
	// Handled: any event but the intake, an edit of its description and the over-age flag
	// intake sets by itself.
	var handledIDs []int64
	if err := s.db.NewRaw(`SELECT DISTINCT e.device_id FROM device_events e JOIN devices d ON d.id = e.device_id
		WHERE d.donation_id = ? AND e.kind NOT IN ('intake', 'edit') AND NOT (e.kind = 'flag' AND e.detail->>'flag' = 'over_age')`,
		donationID).Scan(ctx, &handledIDs); err != nil {
		return nil, dbError("select the devices handled", err)
	}
	handled := map[int64]bool{}
	for _, id := range handledIDs {
		handled[id] = true
	}
	rec := &Reconciliation{}
	byTag := map[string]int{}
	for i := range devices {
		byTag[devices[i].Tag] = i
	}
	serials, assetTags := map[string]bool{}, map[string]bool{}
	for _, im := range imports {
		if len(im.Report.Lines) == 0 {
			continue
		}
		rec.Lists++
		for _, l := range im.Report.Lines {
			rec.Listed++
			if sn := serialKey(l.SerialNumber); sn != "" {
				serials[sn] = true
			}
			if at := strings.ToLower(strings.TrimSpace(l.DonorAssetTag)); at != "" {
				assetTags[at] = true
			}
			i, created := byTag[l.Tag]
			if l.Action != "create" || !created {
				continue // matched a device recorded by hand (skipped), which arrived
			}
			d := &devices[i]
			if d.Status == StatusLost || (d.Status == StatusReceived && d.Cycle == 1 && !handled[d.ID]) {
				rec.NotArrived = append(rec.NotArrived, ListedDevice{Line: l.Line, Filename: im.Filename, Kind: l.Kind, Make: l.Make, Model: l.Model,
					SerialNumber: l.SerialNumber, DonorAssetTag: l.DonorAssetTag, Tag: d.Tag, Status: d.Status})
			}
		}
	}
	if rec.Lists == 0 {
		return rec, nil
	}
	created := map[string]bool{}
	for _, im := range imports {
		for _, l := range im.Report.Lines {
			if l.Tag != "" {
				created[l.Tag] = true
			}
		}
	}
	for i := range devices {
		d := &devices[i]
		if created[d.Tag] {
			continue
		}
		if d.SerialNumber != nil && serials[serialKey(*d.SerialNumber)] {
			continue
		}
		if d.DonorAssetTag != nil && assetTags[strings.ToLower(strings.TrimSpace(*d.DonorAssetTag))] {
			continue
		}
		rec.NotListed = append(rec.NotListed, *d)
	}
	slices.SortFunc(rec.NotArrived, func(a, b ListedDevice) int { return strings.Compare(a.Tag, b.Tag) })
	return rec, nil
}
