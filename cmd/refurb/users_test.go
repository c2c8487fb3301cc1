package main

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
)

// TestUsersCreateLinks: --donor-id takes the donor's number or its GraphQL id, and a link that
// does not fit the role, names another type or points nowhere is refused with the flag named.
func TestUsersCreateLinks(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	envv := map[string]string{"DATABASE_URL": db.URL}
	donor, err := inventory.NewStore(db.App).CreateDonor(auth.System(ctx), inventory.NewDonor{Name: "Banque Exemple", Kind: inventory.DonorCompany})
	if err != nil {
		t.Fatal(err)
	}
	gid := base64.RawURLEncoding.EncodeToString([]byte("Donor:" + strconv.FormatInt(donor.ID, 10)))
	for i, id := range []string{strconv.FormatInt(donor.ID, 10), gid} {
		email := "donor" + strconv.Itoa(i) + "@example.org"
		if _, _, err := refurb(t, ctx, envv, "", "users", "create", "--email", email, "--name", "D", "--role", "DONOR", "--donor-id", id); err != nil {
			t.Fatalf("--donor-id %s: %v", id, err)
		}
		var got int64
		if err := db.Owner.NewSelect().Table("users").Column("donor_id").Where("email = ?", email).Scan(ctx, &got); err != nil || got != donor.ID {
			t.Errorf("--donor-id %s: stored donor %d (%v), want %d", id, got, err, donor.ID)
		}
	}
	wrongType := base64.RawURLEncoding.EncodeToString([]byte("Device:" + strconv.FormatInt(donor.ID, 10)))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--role", "DONOR", "--donor-id", wrongType}, "--donor-id"},
		{[]string{"--role", "DONOR", "--donor-id", "abc"}, "--donor-id"},
		{[]string{"--role", "DONOR", "--donor-id", "999999"}, "no such donor"},
		{[]string{"--role", "STAFF", "--trainee-id", "1"}, "only a TRAINEE"},
		{[]string{"--role", "STAFF", "--coordinator"}, "coordinator"},
	} {
		args := append([]string{"users", "create", "--email", "x@example.org", "--name", "X"}, c.args...)
		if _, _, err := refurb(t, ctx, envv, "", args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want an error naming %q", c.args, err, c.want)
		}
	}
	if n, _ := db.Owner.NewSelect().Table("users").Where("email = 'x@example.org'").Count(ctx); n != 0 {
		t.Errorf("refused creations left %d users", n)
	}
}
