package certificates

import (
	"time"

	"github.com/digital-inclusion/refurb/inventory"
)

// Document is everything a certificate shows. Render turns it into a PDF without touching the
// database, so layouts are tested and benchmarked on their own.
type Document struct {
	Kind      Kind
	Number    string
	Language  string // fr, de or en
	IssuedAt  time.Time
	TimeZone  *time.Location // where dates are read; nil: Europe/Luxembourg
	Org       Organisation
	VerifyURL string // what the QR code encodes

	Donation DonationInfo
	Donor    DonorInfo
	Devices  []DeviceRow
	Drives   []DriveRow
	Impact   Impact

	// donorIsPerson keeps a private donor's name off the public verification page.
	donorIsPerson bool
}

// DonationInfo describes the donation a certificate is about.
type DonationInfo struct {
	Number         string
	ReceivedOn     time.Time
	Place          string
	DonorReference string
}

// DonorInfo is the donor as printed; an empty Name is an anonymous drop-off.
type DonorInfo struct {
	Name               string
	RegistrationNumber string
	Address            string
}

// DeviceRow is one device of the donation.
type DeviceRow struct {
	Tag           string
	DonorAssetTag string
	Kind          inventory.Kind
	Make, Model   string
	Serial        string
	Status        inventory.Status
	WeightKG      float64
	ScreenInches  float64 // 0 when unknown; picks the laptop or screen size factor
}

// DriveRow is one storage medium with its latest sanitization record in the device's current
// cycle (nil when it has none).
type DriveRow struct {
	Serial       string
	Kind         inventory.StorageKind
	Make, Model  string
	CapacityGB   float64 // 0 when unknown
	DeviceTag    string
	DeviceSerial string
	Wipe         *WipeInfo
}

// WipeInfo is the sanitization record printed for a drive.
type WipeInfo struct {
	Method       inventory.Method
	Technique    string
	Standard     string
	Tool         string // tool and version
	Verification string // none, sample, full
	FinishedAt   time.Time
	Result       inventory.Result
	Operator     string
	Verifier     string
}

// Impact is the environmental summary of a donation certificate.
type Impact struct {
	SetName, SetVersion string // empty when no factor set exists
	Displacement        float64
	ReusedKG            float64 // handed out
	RecycledKG          float64 // recycled or dismantled
	InStockKG           float64
	LostKG              float64
	ReusedDevices       int
	AvoidedKGCO2e       float64 // for reused devices
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
