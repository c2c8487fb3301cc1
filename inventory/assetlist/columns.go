package assetlist

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Field is what a column holds.
type Field string

// The fields a list's columns can hold.
const (
	Serial      Field = "serial"
	Model       Field = "model"
	Make        Field = "make"
	Kind        Field = "kind"
	AssetTag    Field = "assetTag"
	Year        Field = "year"
	CPU         Field = "cpu"
	RAM         Field = "ram"
	Storage     Field = "storage"     // "256 GB SSD + 1 TB HDD"
	StorageType Field = "storageType" // SSD, HDD, ... when capacity is in a column of its own
	Screen      Field = "screen"
	Keyboard    Field = "keyboard"
	OS          Field = "os"
	Notes       Field = "notes"
)

// Headers lists the headers each field is recognised by, as people write them. Matching
// ignores case, accents, punctuation and spaces ("N° de série" is "ndeserie"), and a unit at
// the end or in brackets ("RAM (GB)", "Écran pouces").
var Headers = map[Field][]string{
	Serial: {"serial", "serial number", "serial no", "serial nr", "serial #", "S/N", "SN", "service tag",
		"numéro de série", "n° de série", "no de série", "num série", "numéro série", "série",
		"Seriennummer", "Serien-Nr", "Seriennr"},
	Model: {"model", "model name", "modèle", "nom du modèle", "Modell", "Modellbezeichnung"},
	Make: {"make", "manufacturer", "brand", "vendor", "fabricant", "marque", "constructeur",
		"Hersteller", "Marke"},
	Kind: {"type", "kind", "category", "device type", "asset type", "equipment type",
		"catégorie", "type d'appareil", "type de matériel", "type d'équipement",
		"Typ", "Gerätetyp", "Kategorie", "Geräteart"},
	AssetTag: {"asset tag", "asset number", "asset no", "asset id", "inventory number", "inventory no", "inventory tag",
		"numéro d'inventaire", "n° d'inventaire", "no d'inventaire", "numéro d'actif",
		"Inventarnummer", "Inventar-Nr", "Inventarnr", "Anlagennummer"},
	Year: {"year", "purchase year", "year of purchase", "manufacture year", "year of manufacture", "purchase date",
		"année", "année d'achat", "année de fabrication", "date d'achat",
		"Baujahr", "Jahr", "Kaufjahr", "Anschaffungsjahr", "Kaufdatum", "Anschaffungsdatum"},
	CPU:      {"cpu", "processor", "cpu model", "processeur", "Prozessor", "CPU-Typ"},
	RAM:      {"ram", "memory", "ram size", "mémoire", "mémoire vive", "RAM-Größe", "Arbeitsspeicher"},
	Storage:  {"storage", "disk", "disk size", "hard disk", "hard drive", "drive", "storage capacity", "stockage", "disque", "disque dur", "capacité disque", "Festplatte", "Datenträger", "Speicherplatz"},
	Screen:   {"screen", "screen size", "display", "display size", "diagonal", "écran", "taille d'écran", "taille écran", "diagonale", "Bildschirm", "Bildschirmgröße", "Bildschirmdiagonale", "Display-Größe"},
	Keyboard: {"keyboard", "keyboard layout", "layout", "clavier", "disposition du clavier", "langue du clavier", "Tastatur", "Tastaturlayout", "Tastatursprache"},
	OS:       {"os", "operating system", "système d'exploitation", "Betriebssystem"},
	StorageType: {"storage type", "disk type", "drive type", "type de disque", "type de stockage",
		"Festplattentyp", "Laufwerkstyp", "Speichertyp"},
	Notes: {"notes", "note", "comment", "comments", "remark", "remarks", "observations",
		"remarque", "remarques", "commentaire", "commentaires",
		"Bemerkung", "Bemerkungen", "Kommentar", "Anmerkung", "Anmerkungen", "Notiz", "Notizen"},
}

// weakHeaders are read for a field only when no column has one of its Headers: a
// "Description" is the model when there is no Model column, else it is ignored.
var weakHeaders = map[Field][]string{
	Model: {"description", "désignation", "libellé", "product", "produit", "Produkt", "Bezeichnung"},
}

var (
	headerKeys     = keyTable(Headers)
	weakHeaderKeys = keyTable(weakHeaders)
)

func keyTable(t map[Field][]string) map[string]Field {
	m := map[string]Field{}
	for f, names := range t {
		for _, n := range names {
			k, _ := headerKey(n)
			if prev, dup := m[k]; dup && prev != f {
				panic("assetlist: header " + n + " is listed for " + string(prev) + " and " + string(f))
			}
			m[k] = f
		}
	}
	return m
}

// units that may end a header or stand in brackets after it.
var headerUnits = map[string]string{
	"gb": "gb", "go": "gb", "gib": "gb", "mb": "mb", "mo": "mb", "mib": "mb", "tb": "tb", "to": "tb",
	"inch": "in", "inches": "in", "in": "in", "pouce": "in", "pouces": "in", "zoll": "in", "cm": "cm",
}

// headerKey returns the key a header is matched by and the unit it names, if any.
func headerKey(h string) (key, unit string) {
	words := fold(h)
	// A unit in brackets: "RAM (GB)", "Écran [pouces]".
	if i := strings.IndexAny(h, "(["); i > 0 {
		for _, w := range fold(h[i:]) {
			if u, ok := headerUnits[w]; ok {
				unit = u
			}
		}
		words = fold(h[:i])
	}
	for len(words) > 1 {
		u, ok := headerUnits[words[len(words)-1]]
		if !ok {
			break
		}
		unit, words = u, words[:len(words)-1]
	}
	return strings.Join(words, ""), unit
}

// fold splits s into lower-case ASCII words, without accents: "N° de Série" is n, de, serie.
func fold(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // a combining accent
		case r == 'ß':
			b.WriteString("ss")
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// compact is fold's words joined: the form values are matched by.
func compact(s string) string { return strings.Join(fold(s), "") }

// headerScore counts the distinct fields a row's cells name.
func headerScore(cells []string) int {
	seen := map[Field]bool{}
	for _, c := range cells {
		k, _ := headerKey(c)
		if f, ok := headerKeys[k]; ok {
			seen[f] = true
		} else if f, ok := weakHeaderKeys[k]; ok {
			seen[f] = true
		}
	}
	return len(seen)
}

// mapColumns maps a header row to fields. The first column of a field wins, except that notes
// columns are all read (joined), and weak headers count only when no strong one exists.
func mapColumns(header []string) (cols []Column, ignored []string) {
	strong := map[Field]bool{}
	for _, h := range header {
		k, _ := headerKey(h)
		if f, ok := headerKeys[k]; ok {
			strong[f] = true
		}
	}
	taken := map[Field]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		k, unit := headerKey(h)
		f, ok := headerKeys[k]
		if !ok {
			if f, ok = weakHeaderKeys[k]; ok && strong[f] {
				ok = false
			}
		}
		if !ok || (taken[f] && f != Notes) {
			ignored = append(ignored, h)
			continue
		}
		taken[f] = true
		cols = append(cols, Column{Field: f, Header: h, Index: i, unit: unit})
	}
	return cols, ignored
}
