package web

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
)

// TestQuestions checks that every question a template asks with .May exists, and who gets
// which yes: what the header's links and the forms show to each role, as the domains decide.
func TestQuestions(t *testing.T) {
	asked := regexp.MustCompile(`\.May "([a-z]+)"`)
	names, _ := fs.Glob(files, "templates/*.html")
	used := map[string]bool{}
	for _, name := range names {
		b, _ := fs.ReadFile(files, name)
		for _, m := range asked.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
			if questions[m[1]] == nil {
				t.Errorf("%s asks .May %q, which no domain answers", name, m[1])
			}
		}
	}
	for q := range questions {
		if !used[q] {
			t.Errorf("question %q is asked by no template", q)
		}
	}
	want := map[auth.Role][]string{
		auth.RoleAdmin:        {"administer", "certificates", "intake", "issue", "labels", "requests", "triage", "work"},
		auth.RoleStaff:        {"certificates", "intake", "issue", "labels", "requests", "triage", "work"},
		auth.RoleTrainee:      {"labels", "work"},
		auth.RoleDonor:        {"certificates"},
		auth.RoleSocialWorker: {"requests"},
	}
	for _, role := range auth.Roles {
		v := &view{actor: auth.Actor{UserID: 1, Role: role}}
		var got []string
		for q := range questions {
			if ok, err := v.May(q); err != nil || ok {
				got = append(got, q)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want[role]) {
			t.Errorf("%s may %v, want %v", role, got, want[role])
		}
	}
	if ok, err := (&view{}).May("anything"); ok || err == nil {
		t.Errorf("an unknown question: got %v, %v; want an error", ok, err)
	}
	for q := range questions {
		if ok, _ := (&view{}).May(q); ok {
			t.Errorf("an anonymous visitor may %s", q)
		}
	}
}
