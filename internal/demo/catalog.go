package demo

import (
	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// The catalogues below are what a Luxembourg workshop sees come in: the business laptops,
// desktops and monitors that companies and public bodies renew every four or five years, the
// phones and tablets individuals bring, a few printers and docks. Names of organisations and
// people are invented; places are real.

// model is one device model with the specs it is sold with.
type model struct {
	make, name string
	year       int       // year the model came out; a unit is made that year or the next
	cpu        []string  // processors it was sold with
	ram        []float64 // GB
	screen     float64   // inches, 0 for none
	battery    bool      // has a battery whose health is measured
	weight     float64   // kg, 0 for the kind's default
	media      []mediaOption
	os         []string // systems the workshop installs on it
}

// mediaOption is a storage configuration: one or two media.
type mediaOption []inventory.StorageKind

var (
	hdd   = mediaOption{inventory.StorageHDD}
	ssd   = mediaOption{inventory.StorageSSD}
	nvme  = mediaOption{inventory.StorageNVMe}
	flash = mediaOption{inventory.StorageFlash}
	emmc  = mediaOption{inventory.StorageEMMC}
	// Laptops and desktops of the 2010s often came with an SSD for the system and a disk for data.
	ssdHDD  = mediaOption{inventory.StorageSSD, inventory.StorageHDD}
	nvmeHDD = mediaOption{inventory.StorageNVMe, inventory.StorageHDD}
)

var (
	pcOS     = []string{"Linux Mint 22", "Linux Mint 22", "Windows 11 Pro", "Windows 10 Pro", "Ubuntu 24.04 LTS", "ChromeOS Flex"}
	oldPCOS  = []string{"Linux Mint 22", "Linux Mint 22", "Ubuntu 24.04 LTS", "ChromeOS Flex", "Windows 10 Pro"}
	macOS    = []string{"macOS 13 Ventura", "macOS 12 Monterey", "Linux Mint 22"}
	iOS      = []string{"iOS 17", "iOS 16", "iOS 15"}
	android  = []string{"Android 13", "Android 12", "Android 11"}
	fairOS   = []string{"Android 13", "/e/OS 2.0"}
	noOS     []string
	u5       = []string{"Intel Core i5-5300U", "Intel Core i5-5200U", "Intel Core i7-5600U"}
	u6       = []string{"Intel Core i5-6300U", "Intel Core i5-6200U", "Intel Core i7-6600U"}
	u7       = []string{"Intel Core i5-7300U", "Intel Core i5-7200U", "Intel Core i7-7600U"}
	u8       = []string{"Intel Core i5-8350U", "Intel Core i5-8250U", "Intel Core i7-8650U"}
	u8b      = []string{"Intel Core i5-8365U", "Intel Core i5-8265U", "Intel Core i7-8665U"}
	u10      = []string{"Intel Core i5-10310U", "Intel Core i5-10210U", "Intel Core i7-10610U"}
	u11      = []string{"Intel Core i5-1145G7", "Intel Core i5-1135G7", "Intel Core i7-1165G7"}
	ryzen    = []string{"AMD Ryzen 5 PRO 4650U", "AMD Ryzen 5 PRO 5650U"}
	d4       = []string{"Intel Core i5-4590", "Intel Core i5-4570", "Intel Core i7-4790"}
	d6       = []string{"Intel Core i5-6500", "Intel Core i5-6600", "Intel Core i7-6700"}
	d7       = []string{"Intel Core i5-7500", "Intel Core i5-7500T", "Intel Core i7-7700"}
	d8       = []string{"Intel Core i5-8500", "Intel Core i5-8400", "Intel Core i5-8500T"}
	d9       = []string{"Intel Core i5-9500", "Intel Core i5-9500T", "Intel Core i7-9700"}
	d10      = []string{"Intel Core i5-10500", "Intel Core i5-10400T", "Intel Core i7-10700"}
	ram48    = []float64{4, 8, 8}
	ram8     = []float64{8}
	ram816   = []float64{8, 8, 16}
	ram16    = []float64{16, 16, 8}
	ram16_32 = []float64{16, 16, 32}
)

// models lists the models of each kind, most common first: picks favour the head of the list.
var models = map[inventory.Kind][]model{
	inventory.KindLaptop: {
		{"Lenovo", "ThinkPad T480", 2018, u8, ram816, 14, true, 1.58, []mediaOption{nvme, nvme, ssd}, pcOS},
		{"Dell", "Latitude 5490", 2018, u8, ram816, 14, true, 1.6, []mediaOption{nvme, ssd}, pcOS},
		{"HP", "EliteBook 840 G5", 2018, u8, ram816, 14, true, 1.48, []mediaOption{nvme}, pcOS},
		{"Lenovo", "ThinkPad T470", 2017, u7, ram816, 14, true, 1.6, []mediaOption{ssd, nvme}, pcOS},
		{"Dell", "Latitude 5400", 2019, u8b, ram816, 14, true, 1.52, []mediaOption{nvme}, pcOS},
		{"Lenovo", "ThinkPad T14 Gen 1", 2020, u10, ram16, 14, true, 1.55, []mediaOption{nvme}, pcOS},
		{"HP", "EliteBook 850 G6", 2019, u8b, ram16, 15.6, true, 1.78, []mediaOption{nvme}, pcOS},
		{"Dell", "Latitude 5510", 2020, u10, ram16, 15.6, true, 1.79, []mediaOption{nvme}, pcOS},
		{"Lenovo", "ThinkPad X280", 2018, u8, ram8, 12.5, true, 1.13, []mediaOption{nvme}, pcOS},
		{"Lenovo", "ThinkPad L480", 2018, u8, ram8, 14, true, 1.68, []mediaOption{ssd, ssdHDD}, pcOS},
		{"HP", "ProBook 450 G5", 2018, u8, ram8, 15.6, true, 2.1, []mediaOption{ssdHDD, ssd, hdd}, pcOS},
		{"Lenovo", "ThinkPad E580", 2018, u8, ram8, 15.6, true, 2.1, []mediaOption{ssdHDD, ssd}, pcOS},
		{"Fujitsu", "LIFEBOOK E548", 2018, u8, ram8, 14, true, 1.6, []mediaOption{ssd}, pcOS},
		{"Dell", "Latitude 7490", 2018, u8, ram16, 14, true, 1.4, []mediaOption{nvme}, pcOS},
		{"HP", "EliteBook 840 G7", 2020, u10, ram16, 14, true, 1.33, []mediaOption{nvme}, pcOS},
		{"Dell", "Latitude 5420", 2021, u11, ram16, 14, true, 1.36, []mediaOption{nvme}, pcOS},
		{"Lenovo", "ThinkPad T14 Gen 2", 2021, u11, ram16_32, 14, true, 1.46, []mediaOption{nvme}, pcOS},
		{"HP", "ProBook 640 G4", 2018, u8, ram8, 14, true, 1.67, []mediaOption{ssd}, pcOS},
		{"Fujitsu", "LIFEBOOK U7410", 2020, u10, ram16, 14, true, 1.45, []mediaOption{nvme}, pcOS},
		{"Lenovo", "ThinkPad T14s Gen 1 AMD", 2020, ryzen, ram16, 14, true, 1.28, []mediaOption{nvme}, pcOS},
		{"Apple", "MacBook Air (13-inch, 2017)", 2017, []string{"Intel Core i5-5350U"}, ram8, 13.3, true, 1.35, []mediaOption{ssd}, macOS},
		{"Apple", "MacBook Pro (13-inch, 2019, Two Thunderbolt 3 ports)", 2019, []string{"Intel Core i5-8257U"}, ram8, 13.3, true, 1.37, []mediaOption{ssd}, macOS},
		{"Microsoft", "Surface Laptop 3", 2019, []string{"Intel Core i5-1035G7"}, ram8, 13.5, true, 1.27, []mediaOption{nvme}, pcOS},
		{"Dell", "Latitude E7450", 2015, u5, ram8, 14, true, 1.6, []mediaOption{ssd, hdd}, oldPCOS},
		{"Lenovo", "ThinkPad T450", 2015, u5, ram48, 14, true, 1.9, []mediaOption{hdd, ssd}, oldPCOS},
		{"HP", "EliteBook 840 G3", 2016, u6, ram8, 14, true, 1.54, []mediaOption{ssd}, oldPCOS},
		{"Lenovo", "ThinkPad T460", 2016, u6, ram8, 14, true, 1.7, []mediaOption{ssd, hdd}, oldPCOS},
		{"Acer", "TravelMate P214-52", 2020, u10, ram8, 14, true, 1.6, []mediaOption{nvme}, pcOS},
		{"ASUS", "ExpertBook B1400CEAE", 2021, u11, ram8, 14, true, 1.45, []mediaOption{nvme, nvmeHDD}, pcOS},
		{"Dell", "Latitude E6430", 2012, []string{"Intel Core i5-3320M"}, ram48, 14, true, 2.0, []mediaOption{hdd}, oldPCOS},
		{"HP", "ProBook 6560b", 2011, []string{"Intel Core i5-2520M"}, ram48, 15.6, true, 2.5, []mediaOption{hdd}, oldPCOS},
	},
	inventory.KindDesktop: {
		{"Dell", "OptiPlex 7060", 2018, d8, ram816, 0, false, 0, []mediaOption{ssd, nvme, ssdHDD}, pcOS},
		{"HP", "EliteDesk 800 G4 SFF", 2018, d8, ram816, 0, false, 0, []mediaOption{nvme, ssd}, pcOS},
		{"Lenovo", "ThinkCentre M920q", 2018, d8, ram8, 0, false, 1.32, []mediaOption{nvme}, pcOS},
		{"Dell", "OptiPlex 3050", 2017, d7, ram48, 0, false, 0, []mediaOption{hdd, ssd}, pcOS},
		{"HP", "ProDesk 600 G3 SFF", 2017, d7, ram8, 0, false, 0, []mediaOption{ssd, hdd, ssdHDD}, pcOS},
		{"Lenovo", "ThinkCentre M710q", 2017, d7, ram8, 0, false, 1.3, []mediaOption{ssd, hdd}, pcOS},
		{"Dell", "OptiPlex 5070", 2019, d9, ram816, 0, false, 0, []mediaOption{nvme, ssd}, pcOS},
		{"Lenovo", "ThinkCentre M720s", 2018, d8, ram8, 0, false, 0, []mediaOption{ssd, ssdHDD}, pcOS},
		{"Fujitsu", "ESPRIMO D538", 2018, d8, ram8, 0, false, 0, []mediaOption{ssd, hdd}, pcOS},
		{"HP", "ProDesk 400 G6 SFF", 2019, d9, ram8, 0, false, 0, []mediaOption{nvme}, pcOS},
		{"Dell", "OptiPlex 3080", 2020, d10, ram8, 0, false, 0, []mediaOption{nvme, nvmeHDD}, pcOS},
		{"Lenovo", "ThinkCentre M70q Gen 1", 2020, d10, ram16, 0, false, 1.25, []mediaOption{nvme}, pcOS},
		{"Dell", "OptiPlex 7040", 2016, d6, ram8, 0, false, 0, []mediaOption{hdd, ssd}, oldPCOS},
		{"Fujitsu", "ESPRIMO P757", 2017, d7, ram8, 0, false, 0, []mediaOption{ssd, hdd}, pcOS},
		{"Dell", "OptiPlex 9020", 2014, d4, ram48, 0, false, 0, []mediaOption{hdd}, oldPCOS},
		{"HP", "Compaq Elite 8300 SFF", 2012, []string{"Intel Core i5-3470"}, ram48, 0, false, 0, []mediaOption{hdd}, oldPCOS},
	},
	inventory.KindAllInOne: {
		{"HP", "EliteOne 800 G3", 2017, d7, ram8, 23.8, false, 8.5, []mediaOption{ssd, ssdHDD}, pcOS},
		{"Lenovo", "ThinkCentre M90a Gen 1", 2020, d10, ram16, 23.8, false, 7.9, []mediaOption{nvme}, pcOS},
		{"Dell", "OptiPlex 7460 AIO", 2018, d8, ram8, 23.8, false, 7.6, []mediaOption{nvme, ssd}, pcOS},
		{"Apple", "iMac (21.5-inch, 2017)", 2017, []string{"Intel Core i5-7360U", "Intel Core i5-7400"}, ram8, 21.5, false, 5.66, []mediaOption{hdd, ssd}, macOS},
	},
	inventory.KindTablet: {
		{"Apple", "iPad (7th generation)", 2019, []string{"Apple A10 Fusion"}, []float64{3}, 10.2, true, 0.48, []mediaOption{flash}, iOS},
		{"Samsung", "Galaxy Tab A7 (SM-T500)", 2020, []string{"Qualcomm Snapdragon 662"}, []float64{3}, 10.4, true, 0.48, []mediaOption{flash}, android},
		{"Apple", "iPad (6th generation)", 2018, []string{"Apple A10 Fusion"}, []float64{2}, 9.7, true, 0.47, []mediaOption{flash}, iOS},
		{"Lenovo", "Tab M10 (TB-X605F)", 2019, []string{"Qualcomm Snapdragon 450"}, []float64{2, 3}, 10.1, true, 0.48, []mediaOption{flash}, android},
		{"Microsoft", "Surface Go 2", 2020, []string{"Intel Pentium Gold 4425Y"}, []float64{4, 8}, 10.5, true, 0.54, []mediaOption{emmc, ssd}, pcOS},
		{"Apple", "iPad Air 2", 2014, []string{"Apple A8X"}, []float64{2}, 9.7, true, 0.44, []mediaOption{flash}, iOS},
	},
	inventory.KindSmartphone: {
		{"Samsung", "Galaxy A52", 2021, []string{"Qualcomm Snapdragon 720G"}, []float64{4, 6}, 6.5, true, 0.19, []mediaOption{flash}, android},
		{"Apple", "iPhone 11", 2019, []string{"Apple A13 Bionic"}, []float64{4}, 6.1, true, 0.19, []mediaOption{flash}, iOS},
		{"Samsung", "Galaxy A51", 2020, []string{"Samsung Exynos 9611"}, []float64{4}, 6.5, true, 0.17, []mediaOption{flash}, android},
		{"Apple", "iPhone XR", 2018, []string{"Apple A12 Bionic"}, []float64{3}, 6.1, true, 0.19, []mediaOption{flash}, iOS},
		{"Apple", "iPhone SE (2nd generation)", 2020, []string{"Apple A13 Bionic"}, []float64{3}, 4.7, true, 0.15, []mediaOption{flash}, iOS},
		{"Samsung", "Galaxy S10", 2019, []string{"Samsung Exynos 9820"}, []float64{8}, 6.1, true, 0.16, []mediaOption{flash}, android},
		{"Fairphone", "Fairphone 4", 2021, []string{"Qualcomm Snapdragon 750G"}, []float64{6, 8}, 6.3, true, 0.23, []mediaOption{flash}, fairOS},
		{"Apple", "iPhone 8", 2017, []string{"Apple A11 Bionic"}, []float64{2}, 4.7, true, 0.15, []mediaOption{flash}, iOS},
		{"Xiaomi", "Redmi Note 9 Pro", 2020, []string{"Qualcomm Snapdragon 720G"}, []float64{6}, 6.67, true, 0.21, []mediaOption{flash}, android},
		{"Google", "Pixel 4a", 2020, []string{"Qualcomm Snapdragon 730G"}, []float64{6}, 5.8, true, 0.14, []mediaOption{flash}, android},
		{"Fairphone", "Fairphone 3", 2019, []string{"Qualcomm Snapdragon 632"}, []float64{4}, 5.65, true, 0.19, []mediaOption{flash}, fairOS},
		{"Motorola", "moto g8", 2020, []string{"Qualcomm Snapdragon 665"}, []float64{4}, 6.4, true, 0.19, []mediaOption{flash}, android},
		{"Samsung", "Galaxy S7", 2016, []string{"Samsung Exynos 8890"}, []float64{4}, 5.1, true, 0.15, []mediaOption{flash}, android},
		{"Apple", "iPhone 6s", 2015, []string{"Apple A9"}, []float64{2}, 4.7, true, 0.14, []mediaOption{flash}, iOS},
	},
	inventory.KindMonitor: {
		{"Dell", "P2419H", 2018, nil, nil, 23.8, false, 5.2, nil, noOS},
		{"HP", "EliteDisplay E243", 2017, nil, nil, 23.8, false, 4.9, nil, noOS},
		{"Dell", "P2219H", 2018, nil, nil, 21.5, false, 4.5, nil, noOS},
		{"Lenovo", "ThinkVision T24i-10", 2018, nil, nil, 23.8, false, 4.9, nil, noOS},
		{"HP", "P24 G4", 2020, nil, nil, 23.8, false, 4.6, nil, noOS},
		{"iiyama", "ProLite XU2492HSU-B1", 2018, nil, nil, 23.8, false, 4.2, nil, noOS},
		{"Philips", "243V7QDAB", 2017, nil, nil, 23.8, false, 3.6, nil, noOS},
		{"Fujitsu", "B24-8 TS Pro", 2017, nil, nil, 23.8, false, 6.2, nil, noOS},
		{"Samsung", "S24F350FHU", 2016, nil, nil, 23.5, false, 3.3, nil, noOS},
		{"Eizo", "FlexScan EV2450", 2015, nil, nil, 23.8, false, 5.4, nil, noOS},
		{"Dell", "U2412M", 2012, nil, nil, 24, false, 5.9, nil, noOS},
		{"Dell", "P2214H", 2014, nil, nil, 21.5, false, 4.7, nil, noOS},
	},
	inventory.KindPrinter: {
		{"HP", "LaserJet Pro M404dn", 2019, nil, nil, 0, false, 8.6, nil, noOS},
		{"Brother", "HL-L2350DW", 2018, nil, nil, 0, false, 7.2, nil, noOS},
		{"Brother", "MFC-L2710DW", 2018, nil, nil, 0, false, 9.9, nil, noOS},
		{"Canon", "i-SENSYS MF443dw", 2019, nil, nil, 0, false, 14.5, nil, noOS},
		{"Epson", "EcoTank ET-2720", 2019, nil, nil, 0, false, 3.9, nil, noOS},
		{"Kyocera", "ECOSYS P2040dn", 2017, nil, nil, 0, false, 11, nil, noOS},
		{"HP", "LaserJet P2055dn", 2009, nil, nil, 0, false, 10.8, nil, noOS},
	},
	inventory.KindPeripheral: {
		{"Dell", "WD19 Dock", 2019, nil, nil, 0, false, 0.59, nil, noOS},
		{"Lenovo", "ThinkPad USB-C Dock Gen 2", 2019, nil, nil, 0, false, 0.48, nil, noOS},
		{"Logitech", "MK270 Wireless Combo", 2017, nil, nil, 0, false, 0.7, nil, noOS},
		{"Logitech", "C920 HD Pro Webcam", 2016, nil, nil, 0, false, 0.16, nil, noOS},
		{"HP", "USB-C Dock G5", 2019, nil, nil, 0, false, 0.65, nil, noOS},
		{"Jabra", "Evolve 40 UC Stereo", 2016, nil, nil, 0, false, 0.17, nil, noOS},
		{"Dell", "KB216 Keyboard", 2016, nil, nil, 0, false, 0.5, nil, noOS},
		{"Microsoft", "Wired Keyboard 600", 2012, nil, nil, 0, false, 0.6, nil, noOS},
	},
	inventory.KindOther: {
		{"Cisco", "IP Phone 7841", 2016, nil, nil, 0, false, 1.1, nil, noOS},
		{"Netgear", "GS108 Switch", 2017, nil, nil, 0, false, 0.5, nil, noOS},
		{"APC", "Back-UPS 700", 2016, nil, nil, 0, false, 5.3, nil, noOS},
		{"Raspberry Pi", "Raspberry Pi 4 Model B", 2019, []string{"Broadcom BCM2711"}, []float64{4}, 0, false, 0.05, nil, noOS},
	},
}

// kindWeights is how often each kind comes in, per 1,000 devices.
var kindWeights = []struct {
	kind inventory.Kind
	w    int
}{
	{inventory.KindLaptop, 420},
	{inventory.KindDesktop, 170},
	{inventory.KindMonitor, 150},
	{inventory.KindSmartphone, 90},
	{inventory.KindTablet, 50},
	{inventory.KindPeripheral, 60},
	{inventory.KindAllInOne, 25},
	{inventory.KindPrinter, 25},
	{inventory.KindOther, 10},
}

// serialFormat says how a maker writes serial numbers: a prefix and a body of n characters from
// digits only or digits and capital letters.
type serialFormat struct {
	prefix string
	n      int
	digits bool
}

// deviceSerials are the makers' serial formats (close to the real ones in length and look).
var deviceSerials = map[string]serialFormat{
	"Lenovo":       {"PF", 6, false},
	"Dell":         {"", 7, false}, // the service tag
	"HP":           {"5CG", 7, false},
	"Apple":        {"C02", 9, false},
	"Fujitsu":      {"YM", 8, false},
	"Microsoft":    {"0", 11, true},
	"Acer":         {"NXVLHEG", 8, true},
	"ASUS":         {"M", 11, false},
	"Samsung":      {"R58", 8, false},
	"Fairphone":    {"FP", 10, true},
	"Xiaomi":       {"", 14, true},
	"Google":       {"", 11, false},
	"Motorola":     {"ZY", 8, false},
	"iiyama":       {"1163", 9, true},
	"Philips":      {"AU", 12, false},
	"Eizo":         {"", 8, true},
	"Brother":      {"E", 9, false},
	"Canon":        {"XHP", 6, true},
	"Epson":        {"X", 9, false},
	"Kyocera":      {"VZ", 8, false},
	"Logitech":     {"", 12, false},
	"Jabra":        {"", 12, false},
	"Cisco":        {"FCH", 8, false},
	"Netgear":      {"", 13, false},
	"APC":          {"3B", 10, true},
	"Raspberry Pi": {"", 10, false},
}

// medium is a storage model.
type medium struct {
	kind     inventory.StorageKind
	make     string
	model    string
	capacity float64 // GB
	serial   serialFormat
}

// media by kind. The serial prefixes start with two characters no other maker's do, so serials
// of different makers can never be equal: storage serials are unique across the database.
var media = map[inventory.StorageKind][]medium{
	inventory.StorageHDD: {
		{inventory.StorageHDD, "Seagate", "ST500LM021", 500, serialFormat{"W", 7, false}},
		{inventory.StorageHDD, "Seagate", "ST1000DM010", 1000, serialFormat{"Z9", 6, false}},
		{inventory.StorageHDD, "Western Digital", "WD5000LPLX", 500, serialFormat{"WX", 10, false}},
		{inventory.StorageHDD, "Western Digital", "WD10EZEX", 1000, serialFormat{"WC", 10, false}},
		{inventory.StorageHDD, "Toshiba", "MQ01ABF050", 500, serialFormat{"Y6", 8, false}},
		{inventory.StorageHDD, "HGST", "HTS725050A7E630", 500, serialFormat{"RC", 12, false}},
	},
	inventory.StorageSSD: {
		{inventory.StorageSSD, "Samsung", "MZ7LN256HAJQ (PM871b)", 256, serialFormat{"S3", 12, false}},
		{inventory.StorageSSD, "Samsung", "MZ-76E500 (860 EVO)", 500, serialFormat{"S4", 12, false}},
		{inventory.StorageSSD, "SK hynix", "SC311 HFS256G39TND", 256, serialFormat{"EJ", 12, false}},
		{inventory.StorageSSD, "Crucial", "CT500MX500SSD1", 500, serialFormat{"19", 10, true}},
		{inventory.StorageSSD, "Kingston", "SA400S37240G", 240, serialFormat{"50", 14, false}},
		{inventory.StorageSSD, "Micron", "1100 MTFDDAK256TBN", 256, serialFormat{"17", 10, true}},
		{inventory.StorageSSD, "Toshiba", "THNSNK256GVN8", 256, serialFormat{"Y7", 8, false}},
		{inventory.StorageSSD, "Apple", "SM0256L", 256, serialFormat{"C0", 10, false}},
	},
	inventory.StorageNVMe: {
		{inventory.StorageNVMe, "Samsung", "MZVLB256HAHQ (PM981)", 256, serialFormat{"S5", 12, false}},
		{inventory.StorageNVMe, "Samsung", "MZVLB512HBJQ (PM981a)", 512, serialFormat{"S6", 12, false}},
		{inventory.StorageNVMe, "SK hynix", "PC401 HFS256GD9TNG", 256, serialFormat{"EI", 12, false}},
		{inventory.StorageNVMe, "Toshiba", "KXG50ZNV256G", 256, serialFormat{"Y8", 8, false}},
		{inventory.StorageNVMe, "Kioxia", "KBG40ZNS256G", 256, serialFormat{"X0", 10, false}},
		{inventory.StorageNVMe, "Western Digital", "PC SN520 SDAPNUW-256G", 256, serialFormat{"18", 10, true}},
		{inventory.StorageNVMe, "Intel", "SSDPEKKF256G8L", 256, serialFormat{"BT", 14, false}},
		{inventory.StorageNVMe, "Micron", "2200 MTFDHBA512TCK", 512, serialFormat{"20", 10, true}},
	},
	inventory.StorageEMMC: {
		{inventory.StorageEMMC, "Toshiba", "THGBMJG6C1LBAIL", 64, serialFormat{"", 0, false}},
	},
	// Phones' and tablets' built-in flash has no serial of its own.
	inventory.StorageFlash: {
		{inventory.StorageFlash, "", "built-in flash", 64, serialFormat{"", 0, false}},
		{inventory.StorageFlash, "", "built-in flash", 128, serialFormat{"", 0, false}},
		{inventory.StorageFlash, "", "built-in flash", 32, serialFormat{"", 0, false}},
	},
}

// Places: Luxembourg communes with a postal code, and a few towns across the borders.
type place struct {
	city, postal, country string
}

var places = []place{
	{"Luxembourg", "L-1%03d", "LU"}, {"Luxembourg", "L-2%03d", "LU"}, {"Esch-sur-Alzette", "L-4%03d", "LU"},
	{"Differdange", "L-45%02d", "LU"}, {"Dudelange", "L-34%02d", "LU"}, {"Strassen", "L-80%02d", "LU"},
	{"Bertrange", "L-80%02d", "LU"}, {"Hesperange", "L-59%02d", "LU"}, {"Mamer", "L-82%02d", "LU"},
	{"Ettelbruck", "L-90%02d", "LU"}, {"Diekirch", "L-92%02d", "LU"}, {"Wiltz", "L-95%02d", "LU"},
	{"Echternach", "L-64%02d", "LU"}, {"Grevenmacher", "L-67%02d", "LU"}, {"Remich", "L-55%02d", "LU"},
	{"Mersch", "L-75%02d", "LU"}, {"Sandweiler", "L-52%02d", "LU"}, {"Contern", "L-53%02d", "LU"},
	{"Leudelange", "L-33%02d", "LU"}, {"Bettembourg", "L-32%02d", "LU"}, {"Clervaux", "L-97%02d", "LU"},
	{"Walferdange", "L-72%02d", "LU"}, {"Junglinster", "L-61%02d", "LU"}, {"Capellen", "L-83%02d", "LU"},
	{"Steinsel", "L-72%02d", "LU"}, {"Niederanven", "L-69%02d", "LU"}, {"Schifflange", "L-38%02d", "LU"},
	{"Pétange", "L-47%02d", "LU"}, {"Sanem", "L-44%02d", "LU"}, {"Kehlen", "L-83%02d", "LU"},
	{"Arlon", "B-67%02d", "BE"}, {"Thionville", "F-571%02d", "FR"}, {"Trier", "D-542%02d", "DE"},
}

var streets = []string{
	"rue de la Gare", "avenue de la Liberté", "route d'Arlon", "rue des Prés", "boulevard Royal",
	"rue de Luxembourg", "Grand-Rue", "rue Principale", "route de Thionville", "rue de l'Église",
	"avenue John F. Kennedy", "rue du Fort Wallis", "rue des Jardins", "rue du Moulin", "route d'Esch",
	"rue de la Poste", "rue Nic. Welter", "rue de Hollerich", "avenue Pasteur", "rue Michel Rodange",
	"rue des Romains", "rue du Château", "rue de Neudorf", "rue Jean Monnet", "rue de Bonnevoie",
}

var firstNames = []string{
	"Marc", "Anne", "Luc", "Sophie", "Paul", "Claude", "Nathalie", "Pol", "Carole", "Tom",
	"Laura", "Jang", "Mett", "Lisa", "João", "Ana", "Carlos", "Fernanda", "Marco", "Giulia",
	"Sven", "Julie", "Patrick", "Sandra", "Jeff", "Martine", "David", "Christiane", "Yves", "Myriam",
	"Nuno", "Sónia", "Gilles", "Michèle", "Ben", "Nadine", "Raoul", "Tessy", "Fränz", "Josiane",
}

var lastNames = []string{
	"Schmit", "Muller", "Weber", "Wagner", "Hoffmann", "Thill", "Schroeder", "Reuter", "Kieffer", "Klein",
	"Becker", "Da Silva", "Pereira", "Ferreira", "Rodrigues", "Santos", "Gomes", "Martins", "Kremer", "Faber",
	"Majerus", "Welter", "Theis", "Hansen", "Schiltz", "Meyer", "Weis", "Kayser", "Lentz", "Steffen",
	"Goergen", "Wirtz", "Feller", "Origer", "Rossi", "Bianchi", "Dupont", "Lambert", "Lopes", "Marx",
}

// Organisation names are built from a place or family name, a sector and a legal form.
var (
	orgPlaces = []string{
		"Kirchberg", "Gasperich", "Cloche d'Or", "Moselle", "Alzette", "Pétrusse", "Minett", "Éislek",
		"Mullerthal", "Sûre", "Syre", "Attert", "Belair", "Limpertsberg", "Howald", "Bonnevoie",
		"Hollerich", "Grund", "Clausen", "Merl", "Bourglinster", "Vianden", "Larochette", "Kockelscheuer",
		"Findel", "Munsbach", "Foetz", "Windhof", "Bascharage", "Rumelange",
	}
	orgSectors = []string{
		"Finance", "Asset Management", "Assurances", "Logistics", "Consulting", "IT Services", "Audit",
		"Fund Services", "Engineering", "Fiduciaire", "Immobilier", "Private Banking", "Architectes",
		"Transport", "Avocats", "Telecom", "Santé", "Energie", "Construction", "Media",
	}
	orgForms   = []string{"S.A.", "S.à r.l.", "S.A.", "S.à r.l.", "SCS", "SE"}
	publicKind = []string{
		"Administration communale de %s", "Office social de %s", "Lycée de %s",
		"Syndicat intercommunal de %s", "Maison relais de %s", "Centre de recherche de %s",
	}
	publicDepts = []string{"", "service informatique", "service scolaire", "service technique", "crèches et foyers de jour", "bibliothèque"}
	assocKind   = []string{
		"Repair Café %s asbl", "%s Solidarité asbl", "Amicale des pompiers de %s asbl",
		"Club des aînés %s asbl", "Scouts et Guides %s asbl", "Entente des sociétés de %s asbl",
	}
)

// collectionPoints are added next to the migration's Workshop: six municipal recycling centres
// and a partner, as Digital Inclusion has.
var collectionPoints = []struct{ name, kind, address string }{
	{"Centre de recyclage Luxembourg-Ville", "recycling_centre", "rue de Bitbourg, L-1273 Luxembourg"},
	{"Centre de recyclage Esch-sur-Alzette", "recycling_centre", "rue Jean-Pierre Michels, L-4243 Esch-sur-Alzette"},
	{"Centre de recyclage Bettembourg", "recycling_centre", "route de Mondorf, L-3260 Bettembourg"},
	{"Centre de recyclage Ettelbruck", "recycling_centre", "Zone industrielle, L-9085 Ettelbruck"},
	{"Centre de recyclage Munsbach", "recycling_centre", "rue Gabriel Lippmann, L-5365 Munsbach"},
	{"Centre de recyclage Hesperange", "recycling_centre", "rue de Gasperich, L-5826 Hesperange"},
	{"Partner drop-off: Office social Nord", "partner", "Grand-Rue, L-9530 Wiltz"},
}

// demoUsers are the workshop's people the demo data names as operators. They get a random
// password that nobody knows: the administrator created at first start is the way in.
var demoUsers = []struct {
	name string
	role auth.Role
}{
	{"Claude Weber", auth.RoleStaff},
	{"Sandra Da Costa", auth.RoleStaff},
	{"Tom Schmit", auth.RoleStaff},
	{"Nathalie Hoffmann", auth.RoleStaff},
	{"Ahmad Rahimi", auth.RoleTrainee},
	{"Yonas Tesfaye", auth.RoleTrainee},
	{"Mariam Haidari", auth.RoleTrainee},
	{"Olena Kovalenko", auth.RoleTrainee},
	{"Samir Haddad", auth.RoleTrainee},
	{"Ana Ferreira", auth.RoleTrainee},
	{"Kevin Muller", auth.RoleTrainee},
	{"Fatima Ouedraogo", auth.RoleTrainee},
}

// DemoEmailDomain is the domain of the demo users' e-mail addresses.
const DemoEmailDomain = "demo.refurb.local"

var layouts = []string{"CH-FR", "CH-FR", "CH-FR", "FR", "FR", "DE", "BE", "US", "UK", "CH-DE"}

var deviceNotes = []string{
	"charger missing", "charger included", "BIOS password removed by the donor", "scratches on the lid",
	"stand missing", "original box", "two keys worn", "small dent on a corner", "screen protector fitted",
	"SIM tray missing", "docking connector cover missing", "donor sticker removed",
}

var noteEvents = []string{
	"Checked: charger in the box", "Moved to the shelf for its kind", "Photographed for the catalogue",
	"Donor sticker removed", "Cleaned and disinfected", "Asked the donor for the BIOS password",
	"Battery charged to 80% for storage", "Label reprinted: the first one was scuffed",
	"Keyboard layout checked", "Set aside for the school programme", "Power-on self test passed",
}

// repairs per kind: what was done, the parts used.
var repairs = map[inventory.Kind][][2]string{
	inventory.KindLaptop: {
		{"Replaced the battery", "battery, 3-cell 48 Wh"},
		{"Cleaned the fan and renewed the thermal paste", "thermal paste"},
		{"Replaced the keyboard", "keyboard CH-FR"},
		{"Replaced the cracked screen", "14\" FHD IPS panel"},
		{"Upgraded the memory", "8 GB DDR4 SO-DIMM"},
		{"Replaced a broken hinge", "hinge set"},
		{"Replaced the power jack", "DC jack"},
		{"Installed the operating system and the standard software", ""},
	},
	inventory.KindDesktop: {
		{"Replaced the power supply", "PSU 180 W"},
		{"Added a Wi-Fi card", "Intel AC 8265 M.2 card"},
		{"Cleaned dust and renewed the thermal paste", "thermal paste"},
		{"Upgraded the memory", "8 GB DDR4 DIMM"},
		{"Installed the operating system and the standard software", ""},
	},
	inventory.KindAllInOne: {
		{"Replaced the power supply", "PSU 150 W"},
		{"Installed the operating system and the standard software", ""},
	},
	inventory.KindTablet: {
		{"Replaced the battery", "battery"},
		{"Replaced the cracked glass", "digitizer"},
		{"Replaced the charging port", "charging port flex"},
	},
	inventory.KindSmartphone: {
		{"Replaced the battery", "battery"},
		{"Replaced the cracked screen", "OLED screen assembly"},
		{"Replaced the charging port", "USB-C port flex"},
	},
	inventory.KindMonitor: {
		{"Replaced the power board", "power board"},
		{"Replaced the missing stand", "stand"},
	},
	inventory.KindPrinter: {
		{"Replaced the toner and the drum", "toner, drum unit"},
		{"Cleaned the paper feed rollers", ""},
	},
	inventory.KindPeripheral: {{"Replaced the cable", "USB-C cable"}},
	inventory.KindOther:      {{"Tested and reset to factory settings", ""}},
}
