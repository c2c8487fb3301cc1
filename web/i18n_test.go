package web

import (
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/workshops"
)

// TestMessagesComplete checks that every message a template or handler names exists in every
// language, including those built from enum values (status.ready, kind.laptop).
func TestMessagesComplete(t *testing.T) {
	tr, err := loadTranslations(files)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	literal := regexp.MustCompile(`\bT "([a-z_]+\.[a-z_.]+)"|v\.T\("([a-z_]+\.[a-z_.]+)"|Error: "([a-z_]+\.[a-z_.]+)"`)
	for _, glob := range []string{"templates/*.html", "*.go"} {
		var names []string
		if glob == "*.go" {
			names, _ = fs.Glob(osFS{}, glob)
		} else {
			names, _ = fs.Glob(files, glob)
		}
		for _, name := range names {
			var b []byte
			if glob == "*.go" {
				b, _ = fs.ReadFile(osFS{}, name)
			} else {
				b, _ = fs.ReadFile(files, name)
			}
			for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
				if id := m[1] + m[2] + m[3]; id[len(id)-1] != '.' {
					ids[id] = true
				}
			}
		}
	}
	if len(ids) < 100 {
		t.Fatalf("found only %d message ids in the templates and code: the pattern is broken", len(ids))
	}
	for _, s := range inventory.Statuses {
		ids["status."+string(s)] = true
	}
	for _, k := range inventory.Kinds {
		ids["kind."+string(k)] = true
	}
	for _, k := range inventory.StorageKinds {
		ids["storage."+string(k)] = true
	}
	for _, f := range inventory.Flags {
		ids["flag."+string(f)] = true
	}
	for _, r := range auth.Roles {
		ids["role."+string(r)] = true
	}
	for _, k := range certificates.Kinds {
		ids["cert.kind."+string(k)] = true // the verification page names every kind
	}
	for _, m := range []inventory.Method{inventory.MethodClear, inventory.MethodPurge, inventory.MethodDestroy} {
		ids["wipe.method."+string(m)] = true
	}
	for id := range workshopMessages() {
		ids[id] = true
	}
	for _, l := range languages {
		loc := tr.locale(l.Code, nil)
		for id := range ids {
			if l.Partial {
				// Partial languages show what they lack in English: never an id.
				if got := loc.T(id, "Count", 2); got == id {
					t.Errorf("%s: no message %s, not even in English", l.Code, id)
				}
				continue
			}
			if !loc.Has(id) {
				t.Errorf("%s: no message %s", l.Code, id)
			}
		}
	}
}

// partialPages are the templates a partial language (Portuguese, Arabic) must translate whole:
// the pages every user passes through. Domains add the pages their trainees and beneficiaries
// use.
var partialPages = []string{"templates/layout.html", "templates/login.html", "templates/problem.html", "templates/handout.html",
	"templates/ws_hours.html", "templates/ws_progress.html", "templates/ws_pin.html", "templates/ws_badge.html"}

// workshopMessages are the messages the workshops' pages build from the domain's values
// (ws.activity.repair, ws.rule.overlap), with whether a trainee reads them (then Portuguese and
// Arabic have them too).
func workshopMessages() map[string]bool {
	ids := map[string]bool{}
	for _, a := range workshops.Activities {
		ids["ws.activity."+string(a)] = true
	}
	for _, st := range workshops.Statuses {
		ids["ws.status."+string(st)] = true
	}
	for _, l := range workshops.Levels {
		ids["ws.level."+string(l)] = true
	}
	for _, k := range []workshops.TimelineKind{workshops.TimelineLogged, workshops.TimelineApproved, workshops.TimelineRejected, workshops.TimelineSkill} {
		ids["ws.timeline."+string(k)] = true
	}
	for _, r := range []workshops.Rule{workshops.RuleMinutes, workshops.RuleFuture, workshops.RuleDayCap, workshops.RuleOverlap,
		workshops.RuleOwnEntry, workshops.RuleReason, workshops.RuleSessionFull, "date", "start"} {
		ids["ws.rule."+string(r)] = true
	}
	for _, k := range []string{"wipe", "repair", "qa"} {
		ids["ws.work.kind."+k] = true
	}
	for _, id := range []string{"ws.nav.hours", "ws.nav.progress", "ws.hours.saved", "ws.pin.wrong", "ws.pin.saved", "ws.pin.weak", "ws.pin.mismatch"} {
		ids[id] = true
	}
	staff := map[string]bool{}
	for _, s := range []workshops.Source{workshops.SourceManual, workshops.SourceAttendance, workshops.SourceWork} {
		staff["ws.source."+string(s)] = false
	}
	for _, v := range []workshops.Via{workshops.ViaTick, workshops.ViaBadge} {
		staff["ws.via."+string(v)] = false
	}
	for id := range staff {
		ids[id] = false
	}
	return ids
}

// TestPartialLanguagesCoverTheirPages checks that Portuguese and Arabic have every message of the
// pages they are offered for, so that a trainee never sees those pages half in English.
func TestPartialLanguagesCoverTheirPages(t *testing.T) {
	tr, err := loadTranslations(files)
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`\bT "([a-z_]+\.[a-z_.]+)"`)
	for _, l := range languages {
		if !l.Partial {
			continue
		}
		loc := tr.locale(l.Code, nil)
		for _, page := range partialPages {
			b, err := fs.ReadFile(files, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
				if !loc.Has(m[1]) {
					t.Errorf("%s: %s uses %s, which has no %s message", l.Code, page, m[1], l.Name)
				}
			}
		}
		for _, r := range auth.Roles {
			if !loc.Has("role." + string(r)) {
				t.Errorf("%s: no message role.%s", l.Code, r)
			}
		}
		for id, trainee := range workshopMessages() {
			if trainee && !loc.Has(id) {
				t.Errorf("%s: a trainee's page shows %s, which has no %s message", l.Code, id, l.Name)
			}
		}
		if l.Dir == "rtl" && loc.Dir != "rtl" {
			t.Errorf("%s: locale direction %q, want rtl", l.Code, loc.Dir)
		}
	}
}

func TestPartialLanguageFallsBackToEnglish(t *testing.T) {
	tr, err := loadTranslations(files)
	if err != nil {
		t.Fatal(err)
	}
	pt := tr.locale("pt", nil)
	if got, want := pt.T("nav.scan"), "Ler código"; got != want {
		t.Errorf("pt nav.scan: got %q, want %q", got, want)
	}
	if got, want := pt.T("intake.title"), tr.locale("en", nil).T("intake.title"); got != want {
		t.Errorf("pt intake.title (not translated): got %q, want the English %q", got, want)
	}
}

func TestPickLanguage(t *testing.T) {
	for accept, want := range map[string]string{
		"": "en", "de-LU,de;q=0.9,en;q=0.5": "de", "fr-FR": "fr", "en-US,en": "en", "lb": "fr", "pt-PT,ar;q=0.5": "fr", "*": "fr",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if accept != "" {
			r.Header.Set("Accept-Language", accept)
		}
		if got := pickLanguage(r); got != want {
			t.Errorf("Accept-Language %q: got %s, want %s", accept, got, want)
		}
	}
}

func TestNumbersAndDatesPerLanguage(t *testing.T) {
	tr, err := loadTranslations(files)
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{"fr": "1\u00a0234,5", "de": "1.234,5", "en": "1,234.5"} {
		if got := tr.locale(code, nil).Num(1234.5); got != want {
			t.Errorf("%s: 1234.5 is %q, want %q", code, got, want)
		}
	}
}

// TestNoRoleNamesInTemplates: who sees what is asked of the domains' policies (.May) and of
// auth's roles (.Role.TakesPartner), never decided by comparing role names in a template.
func TestNoRoleNamesInTemplates(t *testing.T) {
	names, _ := fs.Glob(files, "templates/*.html")
	var roles []string
	for _, r := range auth.Roles {
		roles = append(roles, string(r))
	}
	compare := regexp.MustCompile(`\{\{[^}]*(Role|\bCan\b)[^}]*"(` + strings.Join(roles, "|") + `)"`)
	for _, name := range names {
		b, _ := fs.ReadFile(files, name)
		if m := compare.FindString(string(b)); m != "" {
			t.Errorf("%s compares a role name: %s", name, m)
		}
	}
}
