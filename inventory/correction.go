package inventory

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
)

// DevicePatch changes a device's description. A nil field is left as it is; an empty string
// clears a text field. The same rules as at intake apply.
type DevicePatch struct {
	Make             *string
	Model            *string
	SerialNumber     *string
	ManufactureYear  *int
	CPU              *string
	RAMGB            *float64
	ScreenInches     *float64
	BatteryHealthPct *int
	OSInstalled      *string
	KeyboardLayout   *string
	ConditionGrade   *string
	WeightKG         *float64
	Location         *string
	DonorAssetTag    *string
	Notes            *string
}

// UpdateDevice changes a device's description (specs, location, notes) and appends an edit
// event naming the fields that changed (not their values). version is the device version the
// caller saw: if the device changed since, nothing happens and ErrConflict says so. A patch
// that changes nothing changes neither the version nor the history. Staff, administrators and
// trainees.
func (s *Store) UpdateDevice(ctx context.Context, id int64, version int, p DevicePatch) (*Device, error) {
	if _, err := auth.Require(ctx, auth.Workshop); err != nil {
		return nil, err
	}
	return s.changeDevice(ctx, id, &version, func(ctx context.Context, tx bun.Tx, d *Device) error {
		// The device as it would be at intake with the patch applied, validated by the same rules.
		n := NewDevice{
			Kind: d.Kind, Make: deref(p.Make, d.Make), Model: deref(p.Model, d.Model),
			SerialNumber: deref(p.SerialNumber, d.SerialNumber), CPU: deref(p.CPU, d.CPU),
			OSInstalled: deref(p.OSInstalled, d.OSInstalled), KeyboardLayout: deref(p.KeyboardLayout, d.KeyboardLayout),
			ConditionGrade: deref(p.ConditionGrade, d.ConditionGrade), Location: deref(p.Location, d.Location),
			DonorAssetTag: deref(p.DonorAssetTag, d.DonorAssetTag), Notes: deref(p.Notes, d.Notes),
			ManufactureYear: or(p.ManufactureYear, d.ManufactureYear), RAMGB: or(p.RAMGB, d.RAMGB),
			ScreenInches: or(p.ScreenInches, d.ScreenInches), BatteryHealthPct: or(p.BatteryHealthPct, d.BatteryHealthPct),
			WeightKG: or(p.WeightKG, &d.WeightKG),
		}
		v, _, err := n.validate("", s.now())
		if err != nil {
			return err
		}
		var changed []string
		var columns []string
		for _, f := range []struct {
			name, column string
			same         bool
		}{
			{"make", "make", equal(d.Make, v.Make)},
			{"model", "model", equal(d.Model, v.Model)},
			{"serialNumber", "serial_number", equal(d.SerialNumber, v.SerialNumber)},
			{"manufactureYear", "manufacture_year", equal(d.ManufactureYear, v.ManufactureYear)},
			{"cpu", "cpu", equal(d.CPU, v.CPU)},
			{"ramGB", "ram_gb", equal(d.RAMGB, v.RAMGB)},
			{"screenInches", "screen_inches", equal(d.ScreenInches, v.ScreenInches)},
			{"batteryHealthPct", "battery_health_pct", equal(d.BatteryHealthPct, v.BatteryHealthPct)},
			{"osInstalled", "os_installed", equal(d.OSInstalled, v.OSInstalled)},
			{"keyboardLayout", "keyboard_layout", equal(d.KeyboardLayout, v.KeyboardLayout)},
			{"conditionGrade", "condition_grade", equal(d.ConditionGrade, v.ConditionGrade)},
			{"weightKG", "weight_kg", d.WeightKG == v.WeightKG},
			{"location", "location", equal(d.Location, v.Location)},
			{"donorAssetTag", "donor_asset_tag", equal(d.DonorAssetTag, v.DonorAssetTag)},
			{"notes", "notes", equal(d.Notes, v.Notes)},
		} {
			if !f.same {
				changed = append(changed, f.name)
				columns = append(columns, f.column)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		v.ID, v.Version = d.ID, d.Version+1
		columns = append(columns, "version")
		if _, err := tx.NewUpdate().Model(v).Column(columns...).Set("updated_at = now()").WherePK().Returning("*").Exec(ctx); err != nil {
			return dbError("update device", err)
		}
		*d = *v // the device as updated, returned to the caller
		return appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "edit", Detail: map[string]any{"fields": changed}})
	})
}

// deref returns the patch's value when there is one, else the current value, as text.
func deref(patch, current *string) string {
	if patch != nil {
		return *patch
	}
	if current != nil {
		return *current
	}
	return ""
}

func or[T any](patch, current *T) *T {
	if patch != nil {
		return patch
	}
	return current
}

func equal[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}
