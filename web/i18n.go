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
// Luxembourgish, Portuguese or Arabic browser).
var languages = []struct {
	Code string
	Tag  language.Tag
	Name string // the language's name in itself, for the switch
}{
	{"fr", language.French, "Français"},
	{"de", language.German, "Deutsch"},
	{"en", language.English, "English"},
}

// translations holds the message files of every language.
type translations struct {
	bundle *i18n.Bundle
}

func loadTranslations(files fs.FS) (*translations, error) {
	b := i18n.NewBundle(language.French)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range languages {
		if _, err := b.LoadMessageFileFS(files, "locales/"+l.Code+".json"); err != nil {
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
	// Luxembourgish speakers in French.
	for _, t := range tags {
		base, _ := t.Base()
		if knownLanguage(base.String()) {
			return base.String()
		}
	}
	return "fr"
}

func knownLanguage(code string) bool {
	for _, l := range languages {
		if l.Code == code {
			return true
		}
	}
	return false
}

// locale translates and formats for one request's language.
type locale struct {
	Code    string
	tag     language.Tag
	loc     *i18n.Localizer
	printer *message.Printer
	zone    *time.Location
}

func (t *translations) locale(code string, zone *time.Location) *locale {
	l := &locale{Code: code, loc: i18n.NewLocalizer(t.bundle, code), zone: zone}
	for _, lang := range languages {
		if lang.Code == code {
			l.tag = lang.Tag
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
	s, err := l.loc.Localize(cfg)
	if err != nil && s == "" {
		return id
	}
	return s
}

// dateLayouts are the usual numeric forms in each language (CLDR's short formats).
var dateLayouts = map[string]struct{ date, dateTime string }{
	"fr": {"02/01/2006", "02/01/2006 15:04"},
	"de": {"02.01.2006", "02.01.2006, 15:04"},
	"en": {"02/01/2006", "02/01/2006, 15:04"},
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
