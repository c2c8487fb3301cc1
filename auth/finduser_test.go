package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
)

// TestFindUsers pages through users by e-mail address, filtered by a search text (with its
// wildcard characters taken literally) and by role, for administrators only.
func TestFindUsers(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	admin := createUser(t, svc, "admin@example.org", auth.RoleAdmin)
	for _, email := range []string{"ana@caritas.lu", "ben@caritas.lu", "cleo@caritas.lu", "dan@croix-rouge.lu", "eva_50%@acme.lu"} {
		createUser(t, svc, email, auth.RoleSocialWorker)
	}
	staff := createUser(t, svc, "sam@example.org", auth.RoleStaff)
	ctx := auth.WithActor(context.Background(), admin.Actor())
	emails := func(p auth.UserPage) (out []string) {
		for _, u := range p.Users {
			out = append(out, u.Email)
		}
		return out
	}

	// Pages of two, each starting after the last address of the one before.
	var all []string
	q := auth.UserQuery{Limit: 2}
	for pages := 0; ; pages++ {
		p, err := svc.FindUsers(ctx, q)
		if err != nil || pages > 5 {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(p.Users) > 2 {
			t.Fatalf("page %d has %d users", pages, len(p.Users))
		}
		all = append(all, emails(p)...)
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	want := "admin@example.org ana@caritas.lu ben@caritas.lu cleo@caritas.lu dan@croix-rouge.lu eva_50%@acme.lu sam@example.org"
	if got := join(all); got != want {
		t.Errorf("every page:\n got %s\nwant %s", got, want)
	}

	for _, tc := range []struct {
		q    auth.UserQuery
		want string
	}{
		{auth.UserQuery{Search: "CARITAS"}, "ana@caritas.lu ben@caritas.lu cleo@caritas.lu"},
		{auth.UserQuery{Search: "test staff"}, "sam@example.org"}, // the name
		{auth.UserQuery{Search: "_50%"}, "eva_50%@acme.lu"},
		{auth.UserQuery{Search: "a_a"}, ""}, // _ is not a wildcard: no "ana"
		{auth.UserQuery{Role: auth.RoleStaff}, "sam@example.org"},
		{auth.UserQuery{Search: "caritas", Role: auth.RoleStaff}, ""},
	} {
		p, err := svc.FindUsers(ctx, tc.q)
		if err != nil || join(emails(p)) != tc.want || p.Next != "" {
			t.Errorf("%+v: %v %q next %q, want %q", tc.q, err, join(emails(p)), p.Next, tc.want)
		}
	}

	if _, err := svc.FindUsers(ctx, auth.UserQuery{Limit: auth.MaxUserPage + 1}); !isField(err, "limit") {
		t.Errorf("a page too long: %v", err)
	}
	if _, err := svc.FindUsers(ctx, auth.UserQuery{Role: "KING"}); !isField(err, "role") {
		t.Errorf("an unknown role: %v", err)
	}
	if _, err := svc.FindUsers(auth.WithActor(context.Background(), staff.Actor()), auth.UserQuery{}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("staff lists users: %v", err)
	}
}

func join(s []string) string { return strings.Join(s, " ") }
