package inventory

import "slices"

// Kind is what sort of device it is.
type Kind string

// The device kinds.
const (
	KindLaptop     Kind = "laptop"
	KindDesktop    Kind = "desktop"
	KindAllInOne   Kind = "all_in_one"
	KindTablet     Kind = "tablet"
	KindSmartphone Kind = "smartphone"
	KindMonitor    Kind = "monitor"
	KindPrinter    Kind = "printer"
	KindPeripheral Kind = "peripheral"
	KindOther      Kind = "other"
)

// Kinds lists every device kind.
var Kinds = []Kind{KindLaptop, KindDesktop, KindAllInOne, KindTablet, KindSmartphone, KindMonitor, KindPrinter, KindPeripheral, KindOther}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }
