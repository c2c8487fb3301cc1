package inventory

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// NewDevice describes a device at intake.
type NewDevice struct {
	Kind             Kind
	Make             string
	Model            string
	SerialNumber     string
	ManufactureYear  *int
	CPU              string
	RAMGB            *float64
	ScreenInches     *float64
	BatteryHealthPct *int
	OSInstalled      string
	KeyboardLayout   string
	ConditionGrade   string
	WeightKG         *float64 // default: the kind's average weight (settings)
	Location         string
	DonorAssetTag    string
	Notes            string
	// TagNumber claims a pre-printed label's number instead of taking the next one.
	TagNumber *int64
	// Tag claims a pre-printed label by its scanned tag (or URL), as TagNumber does by number.
	Tag     string
	Storage []NewStorage
}

var keyboardLayout = regexp.MustCompile(`^[A-Z]{2}(-[A-Z]{2})?$`)

// validate checks a device input and fills d and its media. field prefixes the field names in
// errors (e.g. "devices[3].").
func (n NewDevice) validate(field string, now time.Time) (*Device, []StorageMedium, error) {
	d := &Device{Kind: n.Kind}
	if !n.Kind.Valid() {
		return nil, nil, validation.Field(field+"kind", "unknown device kind %q", n.Kind)
	}
	var err error
	if err := texts(field,
		textField{"make", n.Make, 100, &d.Make},
		textField{"model", n.Model, 200, &d.Model},
		textField{"serialNumber", n.SerialNumber, 100, &d.SerialNumber},
		textField{"cpu", n.CPU, 200, &d.CPU},
		textField{"osInstalled", n.OSInstalled, 200, &d.OSInstalled},
		textField{"location", n.Location, 100, &d.Location},
		textField{"donorAssetTag", n.DonorAssetTag, 100, &d.DonorAssetTag},
		textField{"notes", n.Notes, 4000, &d.Notes},
	); err != nil {
		return nil, nil, err
	}
	if y := n.ManufactureYear; y != nil {
		if *y < 1980 || *y > now.Year() {
			return nil, nil, validation.Field(field+"manufactureYear", "%d is not a plausible year of manufacture", *y)
		}
		d.ManufactureYear = y
	}
	positive := func(name string, v *float64, max float64) (*float64, error) {
		if v == nil {
			return nil, nil
		}
		if math.IsNaN(*v) || *v <= 0 || *v >= max {
			return nil, validation.Field(field+name, "must be a number above 0 and below %g", max)
		}
		return v, nil
	}
	if d.RAMGB, err = positive("ramGB", n.RAMGB, 100000); err != nil {
		return nil, nil, err
	}
	if d.ScreenInches, err = positive("screenInches", n.ScreenInches, 200); err != nil {
		return nil, nil, err
	}
	if w, err := positive("weightKG", n.WeightKG, 9999); err != nil {
		return nil, nil, err
	} else if w != nil {
		d.WeightKG = *w
	}
	if b := n.BatteryHealthPct; b != nil {
		if *b < 0 || *b > 100 {
			return nil, nil, validation.Field(field+"batteryHealthPct", "must be between 0 and 100")
		}
		d.BatteryHealthPct = b
	}
	if l := strings.ToUpper(strings.TrimSpace(n.KeyboardLayout)); l != "" {
		if !keyboardLayout.MatchString(l) {
			return nil, nil, validation.Field(field+"keyboardLayout", "%q is not a layout such as CH-FR, BE, FR, DE, US or UK", n.KeyboardLayout)
		}
		d.KeyboardLayout = &l
	}
	if g := strings.ToUpper(strings.TrimSpace(n.ConditionGrade)); g != "" {
		if !slices.Contains([]string{"A", "B", "C", "D"}, g) {
			return nil, nil, validation.Field(field+"conditionGrade", "use A, B, C or D")
		}
		d.ConditionGrade = &g
	}
	if n.TagNumber != nil {
		if *n.TagNumber <= 0 {
			return nil, nil, validation.Field(field+"tag", "is not a tag number")
		}
		d.TagNumber = *n.TagNumber
	}
	media := make([]StorageMedium, 0, len(n.Storage))
	for i, st := range n.Storage {
		m, err := st.validate(fmt.Sprintf("%sstorage[%d].", field, i))
		if err != nil {
			return nil, nil, err
		}
		media = append(media, *m)
	}
	return d, media, nil
}

// NewDonation is an intake batch with its devices.
type NewDonation struct {
	DonorID           *int64 // nil for an anonymous drop-off
	CollectionPointID int64  // 0: the workshop
	ReceivedOn        time.Time
	DonorReference    string
	Note              string
	Devices           []NewDevice
}

// RecordDonation records an intake batch and its devices in one transaction: the donation gets
// the year's next number, each device the next asset tag, an intake event and, when it is older
// than the acceptance policy allows, the over_age flag. Staff and administrators only.
func (s *Store) RecordDonation(ctx context.Context, n NewDonation) (*Donation, []Device, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, nil, err
	}
	var err error
	now := s.now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if n.ReceivedOn.IsZero() {
		return nil, nil, validation.Field("receivedOn", "the date the donation was received is required")
	}
	// A date, whatever time of day and zone the caller's value carries: today at 15:00 is not
	// in the future.
	received := time.Date(n.ReceivedOn.Year(), n.ReceivedOn.Month(), n.ReceivedOn.Day(), 0, 0, 0, 0, time.UTC)
	if received.After(today) {
		return nil, nil, validation.Field("receivedOn", "%s is in the future", received.Format(time.DateOnly))
	}
	if received.Year() < 2000 {
		return nil, nil, validation.Field("receivedOn", "%s is too far in the past", received.Format(time.DateOnly))
	}
	don := &Donation{DonorID: n.DonorID, ReceivedOn: received, ReceivedBy: actorID(ctx)}
	if don.DonorReference, err = text("donorReference", n.DonorReference, 200); err != nil {
		return nil, nil, err
	}
	if don.Note, err = text("note", n.Note, 2000); err != nil {
		return nil, nil, err
	}
	var devices []Device
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if n.DonorID != nil {
			exists, err := tx.NewSelect().Table("donors").Where("id = ?", *n.DonorID).Exists(ctx)
			if err != nil {
				return dbError("check donor", err)
			}
			if !exists {
				return validation.Field("donorID", "no such donor")
			}
		}
		cp := n.CollectionPointID
		q := tx.NewSelect().Table("collection_points").Column("id").Where("active")
		if cp != 0 {
			q = q.Where("id = ?", cp)
		} else {
			q = q.Where("kind = 'workshop'").Order("id").Limit(1)
		}
		if err := q.Scan(ctx, &don.CollectionPointID); err != nil {
			return validation.Field("collectionPointID", "no such active collection point")
		}
		year := don.ReceivedOn.Year()
		var seq int
		err := tx.NewRaw(`INSERT INTO donation_counters (year, last) VALUES (?, 1)
			ON CONFLICT (year) DO UPDATE SET last = donation_counters.last + 1 RETURNING last`, year).Scan(ctx, &seq)
		if err != nil {
			return dbError("number donation", err)
		}
		don.Number = fmt.Sprintf("DON-%d-%05d", year, seq)
		if _, err := tx.NewInsert().Model(don).Returning("*").Exec(ctx); err != nil {
			return dbError("insert donation", err)
		}
		devices, err = s.insertDevices(ctx, tx, don, n.Devices, "devices[%d].")
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return don, devices, nil
}

// AddDevices adds devices to an open donation. Staff and administrators only.
func (s *Store) AddDevices(ctx context.Context, donationID int64, ns []NewDevice) ([]Device, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var devices []Device
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		don := new(Donation)
		if err := tx.NewSelect().Model(don).Where("id = ?", donationID).For("UPDATE").Scan(ctx); err != nil {
			return dbError("lock donation", err)
		}
		if don.ClosedAt != nil {
			return validation.Field("donationID", "donation %s is closed", don.Number)
		}
		var err error
		devices, err = s.insertDevices(ctx, tx, don, ns, "devices[%d].")
		return err
	})
	return devices, err
}

// insertDevices validates and inserts devices with their media, intake events and over-age
// flags, in a few statements whatever their number (imports add thousands at once).
func (s *Store) insertDevices(ctx context.Context, tx bun.IDB, don *Donation, ns []NewDevice, fieldFormat string) ([]Device, error) {
	if len(ns) == 0 {
		return nil, nil
	}
	var weights map[Kind]float64
	if err := s.setting(ctx, tx, "default_weight_kg", &weights); err != nil {
		return nil, err
	}
	var maxAge map[Kind]int
	if err := s.setting(ctx, tx, "acceptance.max_age_years", &maxAge); err != nil {
		return nil, err
	}
	now := s.now()
	prefix := ""
	devices := make([]Device, len(ns))
	media := make([][]StorageMedium, len(ns))
	serials := map[string]int{}
	for i, n := range ns {
		field := fmt.Sprintf(fieldFormat, i)
		if t := strings.TrimSpace(n.Tag); t != "" {
			if prefix == "" {
				var err error
				if prefix, err = s.TagPrefix(ctx); err != nil {
					return nil, err
				}
			}
			num, err := claimable(prefix, field+"tag", t)
			if err != nil {
				return nil, err
			}
			n.TagNumber = &num
		}
		d, ms, err := n.validate(field, now)
		if err != nil {
			return nil, err
		}
		if d.SerialNumber != nil {
			key := strings.ToLower(*d.SerialNumber)
			if j, dup := serials[key]; dup {
				return nil, validation.Field(field+"serialNumber", "serial %s is also on %s", *d.SerialNumber, fmt.Sprintf(fieldFormat, j)+"serialNumber")
			}
			serials[key] = i
		}
		if d.WeightKG == 0 {
			d.WeightKG = weights[d.Kind]
			if d.WeightKG == 0 {
				d.WeightKG = 1
			}
		}
		d.DonationID = don.ID
		devices[i], media[i] = *d, ms
	}
	if _, err := tx.NewInsert().Model(&devices).Returning("*").Exec(ctx); err != nil {
		return nil, dbError("insert devices", err)
	}
	var allMedia []StorageMedium
	events := make([]Event, 0, len(devices))
	var flags []DeviceFlag
	by := actorID(ctx)
	for i := range devices {
		d := &devices[i]
		for _, m := range media[i] {
			m.DeviceID = d.ID
			allMedia = append(allMedia, m)
		}
		events = append(events, Event{DeviceID: d.ID, Kind: "intake", ToStatus: statusPtr(StatusReceived), ActorID: by,
			Detail: map[string]any{"donation": don.Number, "tag": d.Tag}})
		if limit, ok := maxAge[d.Kind]; ok && d.ManufactureYear != nil && now.Year()-*d.ManufactureYear > limit {
			note := fmt.Sprintf("made in %d, over the %d-year acceptance limit: offer it for recycling", *d.ManufactureYear, limit)
			flags = append(flags, DeviceFlag{DeviceID: d.ID, Flag: FlagOverAge, Note: &note, SetBy: by})
			// The same event a flag set by hand gets, so the history says why it is there.
			events = append(events, Event{DeviceID: d.ID, Kind: "flag", ActorID: by, Note: &note,
				Detail: map[string]any{"flag": FlagOverAge, "set": true}})
		}
	}
	if len(allMedia) > 0 {
		if _, err := tx.NewInsert().Model(&allMedia).Exec(ctx); err != nil {
			return nil, dbError("insert storage media", err)
		}
	}
	if _, err := tx.NewInsert().Model(&events).Exec(ctx); err != nil {
		return nil, dbError("append intake events", err)
	}
	if len(flags) > 0 {
		if _, err := tx.NewInsert().Model(&flags).Exec(ctx); err != nil {
			return nil, dbError("flag over-age devices", err)
		}
	}
	return devices, nil
}
