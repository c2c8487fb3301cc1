package certificates

import (
	"fmt"
	"time"

	"github.com/digital-inclusion/refurb/inventory"
)

// sampleDocument is a certificate of kind with devices and drives, with names in the scripts
// donors and trainees write theirs in.
func sampleDocument(kind Kind, language string, devices, drives int) *Document {
	issued := time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)
	doc := &Document{
		Kind: kind, Number: "DC-2026-00042", Language: language, IssuedAt: issued,
		Org: Organisation{Name: "Digital Inclusion asbl", Address: "1, rue de l'Exemple\nL-1234 Luxembourg",
			RegistrationNumber: "F 0000"},
		VerifyURL: "https://refurb.example/verify/DC-2026-00042?t=ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		Donation: DonationInfo{Number: "DON-2026-00017", ReceivedOn: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC),
			Place: "Centre de recyclage Hesper", DonorReference: "PO-4711 / Straßenbau"},
		Donor: DonorInfo{Name: "Façades Conceição & Filhos, S.à r.l. — شركة الأمل", RegistrationNumber: "B 123456",
			Address: "12, Grand-Rue\nL-9999 Esch-sur-Alzette"},
	}
	if kind == KindErasure {
		doc.Number = "EC-2026-00007"
		doc.VerifyURL = "https://refurb.example/verify/EC-2026-00007?t=ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	}
	kinds := []inventory.Kind{inventory.KindLaptop, inventory.KindDesktop, inventory.KindSmartphone, inventory.KindMonitor, inventory.KindTablet}
	statuses := []inventory.Status{inventory.StatusHandedOut, inventory.StatusReady, inventory.StatusRecycled, inventory.StatusHandedOut, inventory.StatusDismantled}
	for i := range devices {
		doc.Devices = append(doc.Devices, DeviceRow{
			Tag: fmt.Sprintf("DI-%06d-K", 1000+i), DonorAssetTag: fmt.Sprintf("ASSET-%05d", i),
			Kind: kinds[i%len(kinds)], Make: "Lenovo", Model: "ThinkPad T480s Gen 2", Serial: fmt.Sprintf("PF%08dX", i),
			Status: statuses[i%len(statuses)], WeightKG: 1.83,
		})
	}
	operators := []string{"Zoë Müller", "João Gonçalves", "محمد العلي", "Françoise Weiß"}
	for i := range drives {
		dev := i % max(devices, 1)
		w := &WipeInfo{Method: inventory.MethodClear, Technique: "1-pass zero overwrite", Standard: "NIST SP 800-88r2",
			Tool: "nwipe 0.38", Verification: "full", FinishedAt: issued.Add(-time.Duration(i) * time.Minute),
			Result: inventory.ResultPassed, Operator: operators[i%len(operators)]}
		if i%7 == 3 {
			w.Method, w.Technique, w.Standard, w.Tool = inventory.MethodDestroy, "shredding", "DIN 66399 H-5", "Shredder"
		}
		if i%5 == 1 {
			w.Verifier = "Ana Conceição"
		}
		doc.Drives = append(doc.Drives, DriveRow{
			Serial: fmt.Sprintf("WD-WCC%08d", i), Kind: inventory.StorageSSD, Make: "Samsung", Model: "PM981 NVMe",
			CapacityGB: 256, DeviceTag: doc.Devices[dev].Tag, DeviceSerial: doc.Devices[dev].Serial, Wipe: w,
		})
	}
	set := &FactorSet{ID: 1, Name: "Restart Project", Version: "2021", Displacement: 0.5, Factors: []Factor{
		{ID: 1, Category: "laptop_medium", AvoidedKGCO2e: 132.7}, {ID: 2, Category: "desktop", AvoidedKGCO2e: 207.1},
		{ID: 3, Category: "smartphone", AvoidedKGCO2e: 25.3}, {ID: 4, Category: "screen_19_20", AvoidedKGCO2e: 152.4},
		{ID: 5, Category: "tablet", AvoidedKGCO2e: 57.2},
	}}
	doc.Impact, _ = computeImpact(doc.Devices, set)
	return doc
}
