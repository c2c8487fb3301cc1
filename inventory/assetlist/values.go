package assetlist

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// readRow reads one device from a record, or says what is wrong with each of its cells.
func (l *List) readRow(rec record) (Device, []RowError) {
	var (
		d         Device
		errs      []RowError
		notes     []string
		typeOnly  string // the StorageType column's kind
		kindCol   Column
		kindError bool
	)
	fail := func(c Column, format string, args ...any) {
		errs = append(errs, RowError{Line: rec.line, Column: c.Header, Message: fmt.Sprintf(format, args...)})
	}
	for _, c := range l.Columns {
		raw := ""
		if c.Index < len(rec.cells) {
			raw = rec.cells[c.Index]
		}
		if c.Field == Kind {
			kindCol = c
		}
		if c.Field == Notes {
			if v := strings.TrimSpace(lineBreaks.ReplaceAllString(raw, " / ")); !blankLike(v) {
				notes = append(notes, v)
			}
			continue
		}
		v := oneLine(raw)
		if blankLike(v) {
			continue
		}
		switch c.Field {
		case Make:
			d.Make = v
			continue
		case Model:
			d.Model = v
			continue
		case Serial:
			d.SerialNumber = v
			continue
		case AssetTag:
			d.DonorAssetTag = v
			continue
		case CPU:
			d.CPU = v
			continue
		case OS:
			d.OSInstalled = v
			continue
		}
		p := l.parse(c, v)
		if p.problem != "" {
			fail(c, "%s", p.problem)
			if c.Field == Kind {
				kindError = true
			}
			continue
		}
		switch c.Field {
		case Kind:
			d.Kind = p.text
		case Year:
			y := int(*p.number)
			d.ManufactureYear = &y
		case RAM:
			d.RAMGB = p.number
		case Screen:
			d.ScreenInches = p.number
		case Keyboard:
			d.KeyboardLayout = p.text
		case Storage:
			d.Storage = p.media
			if p.text != "" {
				notes = append(notes, c.Header+": "+p.text)
			}
		case StorageType:
			typeOnly = p.text
		}
	}
	if d.Kind == "" && !kindError {
		fail(kindCol, "is empty: say what kind of device this is, such as laptop, desktop, tablet, smartphone or monitor")
	}
	if typeOnly != "" {
		if len(d.Storage) == 0 {
			d.Storage = []Medium{{Kind: typeOnly}}
		}
		for i := range d.Storage {
			if d.Storage[i].Kind == "other" {
				d.Storage[i].Kind = typeOnly
			}
		}
	}
	d.Notes = strings.Join(notes, "; ")
	return d, errs
}

var lineBreaks = regexp.MustCompile(`\s*[\r\n]+\s*`)

// oneLine trims a cell and turns its runs of white space (line breaks, tabs, non-breaking
// spaces) into single spaces.
func oneLine(s string) string {
	clean := true
	for i, r := range s {
		if r != ' ' && unicode.IsSpace(r) || r == ' ' && (i == 0 || i+1 == len(s) || s[i+1] == ' ') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// parsed is a value read from a cell: text (a kind, a layout; for storage, a note), a
// number, or storage media; or the problem with it.
type parsed struct {
	text    string
	number  *float64
	media   []Medium
	problem string
}

type memoKey struct {
	column int
	value  string
}

// maxMemo bounds the memo of a list: asset lists repeat the same few values in most columns.
const maxMemo = 50000

// parse reads a cell of a column whose values need reading, remembering the results, and
// returns a copy that the caller may keep.
func (l *List) parse(c Column, v string) parsed {
	k := memoKey{c.Index, v}
	p, ok := l.memo[k]
	if !ok {
		p = parseValue(c, v)
		if l.memo == nil {
			l.memo = map[memoKey]parsed{}
		}
		if len(l.memo) < maxMemo {
			l.memo[k] = p
		}
	}
	if p.number != nil {
		n := *p.number
		p.number = &n
	}
	if p.media != nil {
		media := make([]Medium, len(p.media))
		for i, m := range p.media {
			if m.CapacityGB != nil {
				gb := *m.CapacityGB
				m.CapacityGB = &gb
			}
			media[i] = m
		}
		p.media = media
	}
	return p
}

func parseValue(c Column, v string) parsed {
	var p parsed
	switch c.Field {
	case Kind:
		k, ok := parseKind(v)
		if !ok {
			p.problem = fmt.Sprintf("%q is not a kind of device: use laptop, desktop, all-in-one, tablet, smartphone, monitor, printer, peripheral or other", v)
		}
		p.text = k
	case Year:
		y, ok := parseYear(v)
		if !ok {
			p.problem = fmt.Sprintf("%q is not a year such as 2019 (or a date)", v)
		} else {
			f := float64(*y)
			p.number = &f
		}
	case RAM:
		gb, ok := parseRAM(v, c.unit)
		switch {
		case !ok:
			p.problem = fmt.Sprintf("%q is not an amount of memory such as 8 GB", v)
		case *gb >= 512:
			p.problem = fmt.Sprintf("%q is %g GB, more memory than a donated device has: write the unit, such as 8192 MB or 8 GB", v, *gb)
		default:
			p.number = gb
		}
	case Screen:
		in, ok := parseScreen(v, c.unit)
		if !ok {
			p.problem = fmt.Sprintf("%q is not a screen size such as 15.6\" or 39.6 cm", v)
		}
		p.number = in
	case Keyboard:
		p.text = parseKeyboard(v)
	case Storage:
		media, note, ok := parseStorage(v, c.unit)
		if !ok {
			p.problem = fmt.Sprintf("%q is not a storage description such as 256 GB SSD, 1 TB HDD or 128 GB SSD + 500 GB HDD", v)
		}
		p.media, p.text = media, note
	case StorageType:
		k, ok := storageKind(v)
		if !ok {
			p.problem = fmt.Sprintf("%q is not a kind of storage: use SSD, HDD, NVMe, eMMC or flash", v)
		}
		p.text = k
	}
	return p
}

// blankValues are what people write in a cell that has no value.
var blankValues = map[string]bool{
	"na": true, "nd": true, "nc": true, "none": true, "null": true, "unknown": true, "inconnu": true,
	"unbekannt": true, "ka": true, "keine": true, "aucun": true, "aucune": true,
}

// blankLike reports whether a cell says nothing: empty, punctuation only ("-", "?"), or N/A.
func blankLike(v string) bool {
	if strings.IndexFunc(v, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		return true
	}
	return len(v) <= 16 && blankValues[compact(v)]
}

// kindValues lists the values each kind is recognised by; matching ignores case, accents,
// punctuation and spaces, and a plural s.
var kindValues = map[string][]string{
	"laptop": {"laptop", "notebook", "portable", "ordinateur portable", "PC portable", "ultrabook", "netbook",
		"chromebook", "MacBook", "convertible", "2-in-1", "Laptop-Computer", "Klapprechner", "Mobilrechner"},
	"desktop": {"desktop", "PC", "tour", "tower", "desktop PC", "ordinateur de bureau", "ordinateur fixe", "PC fixe",
		"unité centrale", "UC", "workstation", "station de travail", "mini PC", "SFF", "thin client", "client léger",
		"Rechner", "Desktop-PC", "Arbeitsplatzrechner", "Arbeitsplatz-PC", "Standrechner", "Stand-PC"},
	"all_in_one": {"all-in-one", "all_in_one", "AIO", "all-in-one PC", "tout-en-un", "iMac", "All-in-One-PC"},
	"tablet":     {"tablet", "tablette", "iPad", "tablet PC", "Tablet-PC"},
	"smartphone": {"smartphone", "phone", "mobile", "mobile phone", "cell phone", "téléphone", "téléphone portable",
		"téléphone mobile", "GSM", "iPhone", "Handy", "Mobiltelefon", "Natel"},
	"monitor": {"monitor", "screen", "display", "écran", "moniteur", "Bildschirm", "Flachbildschirm", "TFT", "LCD"},
	"printer": {"printer", "imprimante", "Drucker", "MFP", "multifunction printer", "imprimante multifonction",
		"Multifunktionsdrucker", "laser printer", "imprimante laser", "Laserdrucker"},
	"peripheral": {"peripheral", "accessory", "keyboard", "mouse", "dock", "docking station", "webcam", "headset",
		"périphérique", "accessoire", "clavier", "souris", "station d'accueil", "casque",
		"Peripherie", "Peripheriegerät", "Zubehör", "Tastatur", "Maus", "Dockingstation"},
	"other": {"other", "misc", "miscellaneous", "autre", "divers", "sonstige", "sonstiges", "andere"},
}

var kindKeys = func() map[string]string {
	m := map[string]string{}
	for k, vs := range kindValues {
		for _, v := range vs {
			if prev, dup := m[compact(v)]; dup && prev != k {
				panic("assetlist: kind value " + v + " is listed for " + prev + " and " + k)
			}
			m[compact(v)] = k
		}
	}
	return m
}()

func parseKind(v string) (string, bool) {
	c := compact(v)
	if k, ok := kindKeys[c]; ok {
		return k, true
	}
	if k, ok := kindKeys[strings.TrimSuffix(c, "s")]; ok {
		return k, true
	}
	return "", false
}

var (
	yearPattern = regexp.MustCompile(`\b(19[0-9][0-9]|20[0-9][0-9])\b`)
	// excelEpoch is day 0 of Excel's date serial numbers, counting its fictitious 29 February
	// 1900, which dates after March 1900 (every plausible purchase) include.
	excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
)

// parseYear reads a year: 2019, a date (2019-05-01, 01/05/2019, 05.2019), or a date as an
// Excel serial number (43586).
func parseYear(v string) (*int, bool) {
	if m := yearPattern.FindString(v); m != "" {
		y, _ := strconv.Atoi(m)
		return &y, true
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 29221 && f < 73051 { // 1980 to 2099
		y := excelEpoch.AddDate(0, 0, int(f)).Year()
		return &y, true
	}
	return nil, false
}

var (
	number        = `([0-9]+(?:[.,][0-9]+)?)`
	memoryPattern = regexp.MustCompile(`(?i)(?:([0-9]+)\s*[x×*]\s*)?` + number + `\s*(tb|to|tib|gb|go|gib|g|mb|mo|mib|m)\b`)
	numberPattern = regexp.MustCompile(`^` + number + `$`)
)

func parseNumber(s string) float64 {
	f, _ := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	return f
}

// gigabytes converts an amount in unit to GB; base is 1024 for memory, 1000 for disks (as
// their makers count).
func gigabytes(n float64, unit string, base float64) float64 {
	switch strings.ToLower(unit) {
	case "tb", "to", "tib", "t":
		return n * base
	case "mb", "mo", "mib", "m":
		return n / base
	}
	return n
}

// parseRAM reads an amount of memory: "8 GB", "8Go", "2 x 4 GB", "8192 MB", "8 GB DDR4", or a
// bare number in the column's unit. Without a unit in the column's header, a bare number is GB
// below 512 and MB from 512 (inventory systems often count memory in MB; no donated computer
// has half a terabyte).
func parseRAM(v, unit string) (*float64, bool) {
	if m := memoryPattern.FindStringSubmatch(v); m != nil {
		gb := gigabytes(parseNumber(m[2]), m[3], 1024)
		if m[1] != "" {
			gb *= parseNumber(m[1])
		}
		return round(gb, 2), true
	}
	if m := numberPattern.FindStringSubmatch(strings.TrimSpace(v)); m != nil {
		n := parseNumber(m[1])
		if unit == "" && n >= 512 {
			unit = "mb"
		}
		return round(gigabytes(n, unit, 1024), 2), true
	}
	return nil, false
}

var screenPattern = regexp.MustCompile(number)

// parseScreen reads a screen diagonal: 15.6, 15,6", 14 pouces, 39.6 cm (converted to inches).
func parseScreen(v, unit string) (*float64, bool) {
	m := screenPattern.FindString(v)
	if m == "" {
		return nil, false
	}
	n := parseNumber(m)
	lower := strings.ToLower(v)
	if strings.Contains(lower, "cm") || (unit == "cm" && !strings.ContainsAny(lower, `"”″`) && !strings.Contains(lower, "inch") && !strings.Contains(lower, "zoll") && !strings.Contains(lower, "pouce")) {
		n /= 2.54
	}
	return round(n, 1), true
}

func round(f float64, places int) *float64 {
	p := math.Pow(10, float64(places))
	r := math.Round(f*p) / p
	return &r
}

// keyboardNames maps layout names people write to layout codes.
var keyboardNames = map[string]string{
	"swissfrench": "CH-FR", "suissefrancais": "CH-FR", "suisseromand": "CH-FR", "frch": "CH-FR", "chfr": "CH-FR",
	"swissgerman": "CH-DE", "suisseallemand": "CH-DE", "schweizerdeutsch": "CH-DE", "dech": "CH-DE", "chde": "CH-DE",
	"swiss": "CH", "suisse": "CH", "schweiz": "CH", "schweizer": "CH",
	"french": "FR", "francais": "FR", "franzosisch": "FR", "azerty": "FR",
	"belgian": "BE", "belge": "BE", "belgisch": "BE", "azertybe": "BE",
	"german": "DE", "allemand": "DE", "deutsch": "DE", "qwertz": "DE",
	"english": "US", "englishus": "US", "usenglish": "US", "american": "US", "qwerty": "US", "qwertyus": "US", "usinternational": "US",
	"british": "UK", "englishuk": "UK", "ukenglish": "UK", "qwertyuk": "UK", "gb": "UK",
	"italian": "IT", "italien": "IT", "italienisch": "IT",
	"spanish": "ES", "espagnol": "ES", "spanisch": "ES",
	"dutch": "NL", "neerlandais": "NL", "niederlandisch": "NL",
	"portuguese": "PT", "portugais": "PT", "portugiesisch": "PT",
}

var layoutSeparators = regexp.MustCompile(`[\s_/.\-]+`)

// parseKeyboard reads a keyboard layout: a code such as CH-FR or ch_fr, or a name such as Swiss
// French, azerty or Deutsch. Anything else is returned in upper case for inventory to judge.
func parseKeyboard(v string) string {
	if code, ok := keyboardNames[compact(v)]; ok {
		return code
	}
	return strings.Trim(layoutSeparators.ReplaceAllString(strings.ToUpper(strings.TrimSpace(v)), "-"), "-")
}

var (
	storageSeparators = regexp.MustCompile(`(?i)\s*(?:[+;|&/]|,\s|\s(?:and|et|und)\s)\s*`)
	storageMultiplier = regexp.MustCompile(`^([0-9]+)\s*[x×*]\s*`)
	storageCapacity   = regexp.MustCompile(`(?i)` + number + `\s*(tb|to|tib|gb|go|gib|mb|mo|t|g)\b`)
	storageNumber     = regexp.MustCompile(number)
	m2                = regexp.MustCompile(`(?i)\bm\.?2\b`)
	rpmPattern        = regexp.MustCompile(`(?i)[0-9]+(?:[.,][0-9]+)?\s*k?\s*(?:rpm|tr/min|u/min|t/min)\b`)
)

// storageWords maps words to storage kinds, strongest first: "SATA SSD" is an SSD, "NVMe SSD"
// an NVMe drive.
var storageWords = []struct {
	kind  string
	words []string
}{
	{"nvme", []string{"nvme", "pcie"}},
	{"emmc", []string{"emmc"}},
	{"ssd", []string{"ssd", "m2", "solidstate"}},
	{"hdd", []string{"hdd", "hd", "sshd", "harddisk", "harddrive", "disquedur", "festplatte", "rpm"}},
	{"flash", []string{"flash", "usb", "sd"}},
}

// storageKind finds the kind of storage a text names.
func storageKind(v string) (string, bool) {
	words := fold(m2.ReplaceAllString(v, " m2 "))
	joined := strings.Join(words, "")
	for _, sw := range storageWords {
		for _, w := range sw.words {
			for _, word := range words {
				if word == w {
					return sw.kind, true
				}
			}
			if len(w) > 4 && strings.Contains(joined, w) {
				return sw.kind, true
			}
		}
	}
	return "", false
}

// removedWords say that a device came without its storage.
var removedWords = []string{"removed", "retire", "enleve", "entfernt", "ausgebaut", "destroyed", "detruit", "zerstort", "shredded"}

// noneWords say that a device has no storage.
var noneWords = map[string]bool{"no": true, "nodisk": true, "nodrive": true, "sans": true, "sansdisque": true, "ohne": true, "ohnefestplatte": true, "0": true, "non": true, "nein": true}

// parseStorage reads storage media: "256 GB SSD", "1TB HDD", "SSD 512", "2 x 512 GB NVMe",
// "128 GB SSD + 1 TB HDD". A drive whose kind is not said is "other". A value saying the drive
// was removed gives no medium and a note.
func parseStorage(v, unit string) (media []Medium, note string, ok bool) {
	c := compact(v)
	for _, w := range removedWords {
		if strings.Contains(c, w) {
			return nil, v, true
		}
	}
	if noneWords[c] {
		return nil, "", true
	}
	// A spindle speed says the drive is a hard disk, and is no capacity.
	spinning := rpmPattern.MatchString(v)
	v = rpmPattern.ReplaceAllString(v, " ")
	for _, part := range storageSeparators.Split(v, -1) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		count := 1
		if m := storageMultiplier.FindStringSubmatch(part); m != nil {
			count, _ = strconv.Atoi(m[1])
			part = part[len(m[0]):]
		}
		kind, hasKind := storageKind(part)
		var capacity *float64
		rest := m2.ReplaceAllString(part, " ")
		if m := storageCapacity.FindStringSubmatch(rest); m != nil {
			capacity = round(gigabytes(parseNumber(m[1]), m[2], 1000), 2)
		} else if m := storageNumber.FindString(rest); m != "" {
			capacity = round(gigabytes(parseNumber(m), unit, 1000), 2)
		}
		if capacity == nil && !hasKind {
			return nil, "", false
		}
		if !hasKind {
			kind = "other"
			if spinning {
				kind = "hdd"
			}
		}
		if count < 1 || count > 16 {
			return nil, "", false
		}
		for range count {
			media = append(media, Medium{Kind: kind, CapacityGB: capacity})
		}
	}
	return media, "", len(media) > 0
}
