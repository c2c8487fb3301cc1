package certificates

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/inventory"
)

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

// category returns the impact factor category of a device (docs/certificates.md): laptops and
// screens by their diagonal when known, the medium size otherwise; "" when no factor applies.
func category(d *DeviceRow) string {
	switch d.Kind {
	case inventory.KindLaptop:
		switch {
		case d.ScreenInches == 0:
			return "laptop_medium"
		case d.ScreenInches < 13.5:
			return "laptop_small"
		case d.ScreenInches <= 15.6:
			return "laptop_medium"
		}
		return "laptop_large"
	case inventory.KindDesktop, inventory.KindAllInOne:
		return "desktop"
	case inventory.KindMonitor:
		switch {
		case d.ScreenInches == 0:
			return "screen_19_20"
		case d.ScreenInches < 18.5:
			return "screen_15_17"
		case d.ScreenInches < 21.5:
			return "screen_19_20"
		}
		return "screen_22_24"
	case inventory.KindTablet:
		return "tablet"
	case inventory.KindSmartphone:
		return "smartphone"
	case inventory.KindPrinter:
		return "printer_scanner"
	case inventory.KindPeripheral:
		return "pc_accessory"
	}
	return ""
}

// outcome groups statuses as certificates report them.
type outcome int

const (
	inStock outcome = iota
	reused
	recycled
	lost
)

func outcomeOf(s inventory.Status) outcome {
	switch s {
	case inventory.StatusHandedOut:
		return reused
	case inventory.StatusRecycled, inventory.StatusDismantled:
		return recycled
	case inventory.StatusLost:
		return lost
	}
	return inStock
}

// computeImpact sums weights by outcome and the CO2e avoided by reused devices with the factor
// set, and returns the factors used with how many devices each counted.
func computeImpact(devices []DeviceRow, set *FactorSet) (Impact, []usedFactor) {
	var im Impact
	byCat := map[string]*Factor{}
	if set != nil {
		im.SetName, im.SetVersion, im.Displacement = set.Name, set.Version, set.Displacement
		for i := range set.Factors {
			byCat[set.Factors[i].Category] = &set.Factors[i]
		}
	}
	counts := map[int64]int{}
	for i := range devices {
		d := &devices[i]
		switch outcomeOf(d.Status) {
		case reused:
			im.ReusedKG += d.WeightKG
			im.ReusedDevices++
			if f := byCat[category(d)]; f != nil {
				im.AvoidedKGCO2e += f.AvoidedKGCO2e
				counts[f.ID]++
			}
		case recycled:
			im.RecycledKG += d.WeightKG
		case lost:
			im.LostKG += d.WeightKG
		default:
			im.InStockKG += d.WeightKG
		}
	}
	var used []usedFactor
	if set != nil {
		for _, f := range set.Factors {
			if n := counts[f.ID]; n > 0 {
				used = append(used, usedFactor{FactorID: f.ID, Category: f.Category, AvoidedKGCO2e: f.AvoidedKGCO2e, Devices: n})
			}
		}
	}
	return im, used
}
