package inventory_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// TestDonorScope asks for the scope of each kind of actor and reads the SQL it adds, without a
// database (the statements are only written, never sent).
func TestDonorScope(t *testing.T) {
	sqldb, err := sql.Open("pgx", "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	db := bun.NewDB(sqldb, pgdialect.New())
	t.Cleanup(func() { db.Close() })
	devices := func(s inventory.Scope) string {
		return s.WhereDonation(db.NewSelect().TableExpr("devices AS d").Column("d.id"), "d.donation_id").String()
	}
	donors := func(s inventory.Scope) string {
		return s.WhereDonor(db.NewSelect().Table("donors").Column("id"), "id").String()
	}
	base := context.Background()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		err     error
		all     bool
		donorID int64
	}{
		{"no actor", base, auth.ErrUnauthenticated, false, 0},
		{"command line", auth.System(base), nil, true, 0},
		{"administrator", auth.WithActor(base, auth.Actor{UserID: 1, Role: auth.RoleAdmin}), nil, true, 0},
		{"staff", auth.WithActor(base, auth.Actor{UserID: 2, Role: auth.RoleStaff}), nil, true, 0},
		{"trainee", auth.WithActor(base, auth.Actor{UserID: 3, Role: auth.RoleTrainee}), nil, true, 0},
		{"donor", auth.WithActor(base, auth.Actor{UserID: 4, Role: auth.RoleDonor, DonorID: 42}), nil, false, 42},
		{"donor without a donor", auth.WithActor(base, auth.Actor{UserID: 5, Role: auth.RoleDonor}), auth.ErrForbidden, false, 0},
		{"social worker", auth.WithActor(base, auth.Actor{UserID: 6, Role: auth.RoleSocialWorker, PartnerID: 9}), auth.ErrForbidden, false, 0},
	} {
		s, err := inventory.DonorScope(tc.ctx)
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: got error %v, want %v", tc.name, err, tc.err)
			continue
		}
		if s.All() != tc.all || s.DonorID() != tc.donorID {
			t.Errorf("%s: got all %v, donor %d; want %v, %d", tc.name, s.All(), s.DonorID(), tc.all, tc.donorID)
		}
		dq, nq := devices(s), donors(s)
		switch {
		case tc.all:
			if strings.Contains(dq, "WHERE") || strings.Contains(nq, "WHERE") {
				t.Errorf("%s: the whole inventory is narrowed: %s; %s", tc.name, dq, nq)
			}
		default:
			// A failed scope is the zero Scope, which holds nothing: no donor has id 0.
			wantD := "WHERE (d.donation_id IN (SELECT id FROM donations WHERE donor_id = " + strconv.FormatInt(tc.donorID, 10) + "))"
			wantN := "WHERE (id = " + strconv.FormatInt(tc.donorID, 10) + ")"
			if !strings.HasSuffix(dq, wantD) || !strings.HasSuffix(nq, wantN) {
				t.Errorf("%s: got %s; %s, want them to end %s; %s", tc.name, dq, nq, wantD, wantN)
			}
		}
	}
}
