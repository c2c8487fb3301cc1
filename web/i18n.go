package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// langCookie remembers the language a user picked with the switch in the header, for a year,
// signed in or not.
const langCookie = "refurb_lang"

// languages are the languages the pages are written in. French comes first: it is the
// organisation's language and the answer to any Accept-Language none of them matches closely (a
// Luxembourgish browser). French, German and English are complete; Portuguese and Arabic, the
// languages of many trainees and beneficiaries, cover the pages those people use (the layout,
// the trainee's bench and progress pages, the hand-out counter) and show the rest in English.
var languages = []pageLanguage{
	{"fr", language.French, "Français", "ltr", false},
	{"de", language.German, "Deutsch", "ltr", false},
	{"en", language.English, "English", "ltr", false},
	{"pt", language.Portuguese, "Português", "ltr", true},
	{"ar", language.Arabic, "العربية", "rtl", true},
}

// pageLanguage is one language of the pages.
type pageLanguage struct {
	Code string
	Tag  language.Tag
	Name string // the language's name in itself, for the switch
	// Dir is the writing direction, "rtl" for Arabic.
	Dir string
	// Partial: only the pages named above are translated; other messages fall back to English.
	Partial bool
}

// translations holds the message files of every language.
type translations struct {
	bundle *i18n.Bundle
}

func loadTranslations(files fs.FS) (*translations, error) {
	b := i18n.NewBundle(language.French)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	// One file a language for the inventory's pages (locales/fr.json) and one a domain and
	// language for the others (locales/requests.fr.json), so that domains add messages
	// without touching each other's files.
	names, err := fs.Glob(files, "locales/*.json")
	if err != nil {
		return nil, fmt.Errorf("load messages: %w", err)
	}
	for _, name := range names {
		if _, err := b.LoadMessageFileFS(files, name); err != nil {
			return nil, fmt.Errorf("load messages: %w", err)
		}
	}
	return &translations{bundle: b}, nil
}

// pickLanguage returns the code of the request's language: the switch's cookie, else the best
// match of Accept-Language. A request without Accept-Language comes from a script or a test
// client, not a browser (every browser sends one): it gets English, the language of the API's
// own messages.
func pickLanguage(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && knownLanguage(c.Value) {
		return c.Value
	}
	accept := r.Header.Get("Accept-Language")
	if strings.TrimSpace(accept) == "" {
		return "en"
	}
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return "fr"
	}
	// The first language (by preference) that is one of ours, by its base language only:
	// x/text's matcher takes Luxembourgish for German, but the organisation writes to
	// Luxembourgish speakers in French. A partial language is chosen with the switch only: a
	// Portuguese browser at the office would otherwise get half of its pages in English.
	for _, t := range tags {
		base, _ := t.Base()
		if l := languageOf(base.String()); l != nil && !l.Partial {
			return l.Code
		}
	}
	return "fr"
}

func knownLanguage(code string) bool { return languageOf(code) != nil }

func languageOf(code string) *pageLanguage {
	for i := range languages {
		if languages[i].Code == code {
			return &languages[i]
		}
	}
	return nil
}

// locale translates and formats for one request's language.
type locale struct {
	Code string
	// Dir is the writing direction of the language, for <html dir>.
	Dir string
	tag language.Tag
	loc *i18n.Localizer
	// fallback translates what a partial language lacks (English).
	fallback *i18n.Localizer
	printer  *message.Printer
	zone     *time.Location
}

func (t *translations) locale(code string, zone *time.Location) *locale {
	l := &locale{Code: code, Dir: "ltr", loc: i18n.NewLocalizer(t.bundle, code), zone: zone}
	for _, lang := range languages {
		if lang.Code == code {
			l.tag, l.Dir = lang.Tag, lang.Dir
			if lang.Partial {
				l.fallback = i18n.NewLocalizer(t.bundle, "en")
			}
		}
	}
	l.printer = message.NewPrinter(l.tag)
	return l
}

// T returns the message id in the locale's language, with its {{.Name}} fields filled from
// pairs of name and value. A "Count" pair also chooses the plural form. A message missing from
// every file shows its id, which the tests catch.
func (l *locale) T(id string, pairs ...any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(pairs) > 0 {
		data := make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			k, _ := pairs[i].(string)
			data[k] = pairs[i+1]
			if k == "Count" {
				cfg.PluralCount = pairs[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, tag, err := l.loc.LocalizeWithTag(cfg)
	if l.fallback != nil && (s == "" || tag != l.tag) {
		// A message a partial language lacks: English rather than the bundle's French.
		s, err = l.fallback.Localize(cfg)
	}
	if err != nil && s == "" {
		return id
	}
	return s
}

// Has reports whether the locale's own language has the message, for tests of partial
// languages.
func (l *locale) Has(id string) bool {
	// The error is ignored: a message without Arabic's dual form falls back to its "other"
	// form, which is a translation all the same.
	s, tag, _ := l.loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, PluralCount: 2})
	return s != "" && tag == l.tag
}

// dateLayouts are the usual numeric forms in each language (CLDR's short formats).
var dateLayouts = map[string]struct{ date, dateTime string }{
	"fr": {"02/01/2006", "02/01/2006 15:04"},
	"de": {"02.01.2006", "02.01.2006, 15:04"},
	"en": {"02/01/2006", "02/01/2006, 15:04"},
	"pt": {"02/01/2006", "02/01/2006, 15:04"},
	"ar": {"02/01/2006", "02/01/2006, 15:04"},
}

// Date formats a calendar date (a donation's day: no time zone).
func (l *locale) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayouts[l.Code].date)
}

// Day formats the day of an instant in the workshop's time zone.
func (l *locale) Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(l.zone).Format(dateLayouts[l.Code].date)
}

// DateTime formats an instant in the workshop's time zone.
func (l *locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(l.zone).Format(dateLayouts[l.Code].dateTime)
}

// Num formats a number with the language's separators (1 234,5 in French, 1.234,5 in German).
func (l *locale) Num(v any) string {
	switch n := v.(type) {
	case *float64:
		if n == nil {
			return ""
		}
		return l.printer.Sprint(number.Decimal(*n, number.MaxFractionDigits(2)))
	case float64:
		return l.printer.Sprint(number.Decimal(n, number.MaxFractionDigits(2)))
	case *int:
		if n == nil {
			return ""
		}
		return l.printer.Sprint(number.Decimal(*n))
	case int, int64:
		return l.printer.Sprint(number.Decimal(n))
	}
	return fmt.Sprint(v)
}
