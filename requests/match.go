package requests

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Matching ranks the ready devices of a request's kind by how well each suits the request,
// from what the inventory records about devices (docs/requests.md, "Matching"):
//
//	keyboard layout  the requested one: 40; one of the same language (FR, BE and CH-FR): 20
//	installed OS     when the request names a language: the system's name names it too: 15;
//	                 a system whose language is chosen at first start (Linux, ChromeOS,
//	                 Android, iOS): 10
//	memory           1 a GB, at most 16
//	battery health   1 a 10 %
//	condition grade  A 6, B 4, C 2
//	age              1 a year after 2015, at most 10
//
// The inventory stores no separate OS language: it is read from the installed system's name
// ("Windows 11 Pro FR", "Linux Mint 22 (français)"). The last four make a device's quality,
// the same for every request, which the matching index orders devices by within each group of
// keyboard layout and installed system: ranking visits each group's best few devices only
// (inventory.RankReady). The same score is SQL (groupSQL and refurb_device_quality) and Go code
// that says why each device ranks where it does (explain); a test keeps the two equal.

// Reason is one part of a device's score: what matched, its points and the value it read.
type Reason struct {
	Code   string // layout_exact, layout_close, os_language, os_multilingual, ram, battery, grade, year
	Points int
	Value  string // e.g. "CH-FR", "8 GB", "87 %", "B", "2019"
}

// Match is a ready device ranked for a request.
type Match struct {
	Device  inventory.Device
	Score   int
	Reasons []Reason
}

// layoutLanguage is the language of each keyboard layout the workshop sees: layouts of one
// language are close enough for a beneficiary who asked for another of them.
var layoutLanguage = map[string]string{
	"FR": "fr", "BE": "fr", "CH-FR": "fr", "CA-FR": "fr",
	"DE": "de", "AT": "de", "CH-DE": "de", "LU": "de",
	"US": "en", "UK": "en", "GB": "en", "IE": "en",
	"PT": "pt", "BR": "pt",
	"AR": "ar",
	"ES": "es", "IT": "it", "NL": "nl",
}

// osLanguageWords are the words an installed system's name carries for each language.
var osLanguageWords = map[string][]string{
	"fr": {"fr", "français", "francais", "french"},
	"de": {"de", "deutsch", "german"},
	"en": {"en", "english", "us", "uk"},
	"pt": {"pt", "português", "portugues", "portuguese"},
	"ar": {"ar", "arabic", "عربي", "العربية"},
}

// multilingual names the systems whose language is picked at first start.
var multilingual = []string{"linux", "ubuntu", "mint", "debian", "fedora", "chromeos", "chrome os", "android", "ios", "ipados"}

// osLanguagePattern is the regular expression (PostgreSQL and Go alike) that finds language
// lang's words in a system's name; "" when lang has none.
func osLanguagePattern(lang string) string {
	words := osLanguageWords[lang]
	if len(words) == 0 {
		return ""
	}
	return `(^|[^[:alnum:]])(` + strings.Join(words, "|") + `)([^[:alnum:]]|$)`
}

var multilingualPattern = `(` + strings.Join(multilingual, "|") + `)`

// matchPrefs are what a request asks of a device.
type matchPrefs struct {
	layout, layoutLang, osPattern string
	language                      string // the beneficiary's, "" when the request names none
	osLanguage                    *regexp.Regexp
}

var multilingualRegexp = regexp.MustCompile(`(?i)` + multilingualPattern)

func (s *Store) prefsOf(r *Request) matchPrefs {
	p := matchPrefs{}
	if r.KeyboardLayout != nil {
		p.layout = *r.KeyboardLayout
		p.layoutLang = layoutLanguage[p.layout]
	}
	if r.Language != nil {
		p.language = *r.Language
		if p.osPattern = osLanguagePattern(*r.Language); p.osPattern != "" {
			p.osLanguage = regexp.MustCompile(`(?i)` + goPattern(p.osPattern))
		}
	}
	return p
}

// groupSQL is the points of a group of devices (a keyboard layout and an installed system, as
// g.layout and g.os, ” when unknown) as an SQL expression, with its arguments: what the
// request's wishes make of the group. A device's score adds its quality (refurb_device_quality).
func (p matchPrefs) groupSQL() (string, []any) {
	var b strings.Builder
	var args []any
	// The language of the group's layout, from layoutLanguage.
	keys := make([]string, 0, len(layoutLanguage))
	for k := range layoutLanguage {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	layoutLang := "(CASE g.layout"
	for range keys {
		layoutLang += " WHEN ? THEN ?"
	}
	layoutLang += " END)"
	b.WriteString("(CASE WHEN g.layout = '' OR ?::text = '' THEN 0 WHEN g.layout = ? THEN 40 WHEN ")
	args = append(args, p.layout, p.layout)
	b.WriteString(layoutLang)
	for _, k := range keys {
		args = append(args, k, layoutLanguage[k])
	}
	b.WriteString(" = ? THEN 20 ELSE 0 END)")
	args = append(args, p.layoutLang)
	b.WriteString(" + (CASE WHEN g.os = '' OR ?::text = '' THEN 0 WHEN ?::text <> '' AND g.os ~* ? THEN 15 WHEN g.os ~* ? THEN 10 ELSE 0 END)")
	args = append(args, p.language, p.osPattern, p.osPattern, multilingualPattern)
	return b.String(), args
}

// quality is a device's points whatever the request, as the migration's refurb_device_quality
// computes them: memory, battery health, condition grade and age.
func quality(d *inventory.Device) (ram, battery, grade, year int) {
	if d.RAMGB != nil {
		ram = int(min(*d.RAMGB, 16))
	}
	if d.BatteryHealthPct != nil {
		battery = *d.BatteryHealthPct / 10
	}
	if d.ConditionGrade != nil {
		grade = map[string]int{"A": 6, "B": 4, "C": 2}[*d.ConditionGrade]
	}
	if d.ManufactureYear != nil {
		year = max(0, min(10, *d.ManufactureYear-2015))
	}
	return
}

// explain scores a device in Go, part by part, as scoreSQL does in SQL.
func (p matchPrefs) explain(d *inventory.Device) (int, []Reason) {
	var rs []Reason
	add := func(code string, points int, value string) {
		if points > 0 {
			rs = append(rs, Reason{Code: code, Points: points, Value: value})
		}
	}
	if d.KeyboardLayout != nil && p.layout != "" {
		switch l := *d.KeyboardLayout; {
		case l == p.layout:
			add("layout_exact", 40, l)
		case p.layoutLang != "" && layoutLanguage[l] == p.layoutLang:
			add("layout_close", 20, l)
		}
	}
	if d.OSInstalled != nil && p.language != "" {
		os := *d.OSInstalled
		switch {
		case p.osLanguage != nil && p.osLanguage.MatchString(os):
			add("os_language", 15, os)
		case multilingualRegexp.MatchString(os):
			add("os_multilingual", 10, os)
		}
	}
	ram, battery, grade, year := quality(d)
	if d.RAMGB != nil {
		add("ram", ram, fmt.Sprintf("%g GB", *d.RAMGB))
	}
	if d.BatteryHealthPct != nil {
		add("battery", battery, fmt.Sprintf("%d %%", *d.BatteryHealthPct))
	}
	if d.ConditionGrade != nil {
		add("grade", grade, *d.ConditionGrade)
	}
	if d.ManufactureYear != nil {
		add("year", year, fmt.Sprint(*d.ManufactureYear))
	}
	total := 0
	for _, r := range rs {
		total += r.Points
	}
	return total, rs
}

// goPattern turns the POSIX class of a pattern into Go's.
func goPattern(p string) string { return strings.ReplaceAll(p, "[:alnum:]", `\p{L}\p{N}`) }

// MaxMatches bounds a matching list.
const MaxMatches = 100

// Matches returns up to limit ready devices of an approved (or waitlisted, or submitted)
// request's kind, best first, with why each ranks where it does (Reason). Staff and
// administrators only.
func (s *Store) Matches(ctx context.Context, requestID int64, limit int) ([]Match, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	if limit < 1 || limit > MaxMatches {
		return nil, validation.Field("first", "must be between 1 and %d", MaxMatches)
	}
	var out []Match
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		r := new(Request)
		if err := tx.NewSelect().Model(r).Where("r.id = ?", requestID).Scan(ctx); err != nil {
			return dbError("select request", err)
		}
		p := s.prefsOf(r)
		expr, args := p.groupSQL()
		ranked, err := inventory.NewStore(tx).RankReady(ctx, r.Kind, expr, args, limit)
		if err != nil {
			return err
		}
		out = make([]Match, len(ranked))
		for i := range ranked {
			// The score PostgreSQL ranked by; the reasons add up to it (a test checks).
			_, reasons := p.explain(&ranked[i].Device)
			out[i] = Match{Device: ranked[i].Device, Score: ranked[i].Score, Reasons: reasons}
		}
		return nil
	})
	return out, err
}
