package auth_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/validation"
)

func newService(t *testing.T) (*auth.Service, *pgtest.DB) {
	t.Helper()
	db := pgtest.New(t)
	svc, err := auth.NewService(db.App, auth.Limits{Window: 15 * time.Minute, FailuresPerAccount: 3, FailuresPerAddr: 10})
	if err != nil {
		t.Fatal(err)
	}
	return svc, db
}

func fromAddr(addr string) context.Context {
	return reqinfo.With(context.Background(), &reqinfo.Info{ID: "test", ClientAddr: addr})
}

func createUser(t *testing.T, svc *auth.Service, email string, role auth.Role) *auth.User {
	t.Helper()
	u, err := svc.CreateUser(auth.System(context.Background()), auth.NewUser{Email: email, Name: "Test " + string(role), Role: role, Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func TestCreateUserRules(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	sys := auth.System(context.Background())
	createUser(t, svc, "Staff@Example.org", auth.RoleStaff)

	_, err := svc.CreateUser(sys, auth.NewUser{Email: "STAFF@example.ORG", Name: "Dup", Role: auth.RoleStaff, Password: "correct horse battery"})
	if !errors.Is(err, auth.ErrConflict) {
		t.Errorf("same e-mail in another case: got %v, want ErrConflict", err)
	}
	for _, tc := range []struct {
		name  string
		in    auth.NewUser
		field string
	}{
		{"bad email", auth.NewUser{Email: "not-an-address", Name: "X", Role: auth.RoleStaff, Password: "correct horse battery"}, "email"},
		{"empty name", auth.NewUser{Email: "a@example.org", Name: "  ", Role: auth.RoleStaff, Password: "correct horse battery"}, "name"},
		{"control chars", auth.NewUser{Email: "a@example.org", Name: "A\x07B", Role: auth.RoleStaff, Password: "correct horse battery"}, "name"},
		{"bad role", auth.NewUser{Email: "a@example.org", Name: "A", Role: "boss", Password: "correct horse battery"}, "role"},
		{"short password", auth.NewUser{Email: "a@example.org", Name: "A", Role: auth.RoleStaff, Password: "short"}, "password"},
	} {
		_, err := svc.CreateUser(sys, tc.in)
		fe, ok := validation.As(err)
		if !ok || fe.Field != tc.field {
			t.Errorf("%s: got %v, want a field error on %q", tc.name, err, tc.field)
		}
	}

	staff, err := svc.Login(fromAddr("192.0.2.1"), "staff@example.org", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.CreateUser(auth.WithActor(context.Background(), staff.Actor()), auth.NewUser{Email: "b@example.org", Name: "B", Role: auth.RoleAdmin, Password: "correct horse battery"})
	if !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("staff creating a user: got %v, want ErrForbidden", err)
	}
	_, err = svc.CreateUser(context.Background(), auth.NewUser{Email: "b@example.org", Name: "B", Role: auth.RoleAdmin, Password: "correct horse battery"})
	if !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("anonymous creating a user: got %v, want ErrUnauthenticated", err)
	}
	us, err := svc.Users(sys)
	if err != nil || len(us) != 1 {
		t.Errorf("users after refused creations: got %d (%v), want 1", len(us), err)
	}
}

func TestDonorUsersBelongToADonor(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	sys := auth.System(context.Background())
	var donorID int64
	if err := db.Owner.NewRaw("INSERT INTO donors (name, kind) VALUES ('ArcelorMittal', 'company') RETURNING id").Scan(context.Background(), &donorID); err != nil {
		t.Fatal(err)
	}
	_, err := svc.CreateUser(sys, auth.NewUser{Email: "d@example.org", Name: "D", Role: auth.RoleDonor, Password: "correct horse battery"})
	if fe, ok := validation.As(err); !ok || fe.Field != "donorID" {
		t.Errorf("donor user without a donor: got %v, want a field error on donorID", err)
	}
	ghost := donorID + 100
	_, err = svc.CreateUser(sys, auth.NewUser{Email: "d@example.org", Name: "D", Role: auth.RoleDonor, Password: "correct horse battery", DonorID: &ghost})
	if fe, ok := validation.As(err); !ok || fe.Field != "donorID" {
		t.Errorf("donor user with an unknown donor: got %v, want a field error on donorID", err)
	}
	_, err = svc.CreateUser(sys, auth.NewUser{Email: "s@example.org", Name: "S", Role: auth.RoleStaff, Password: "correct horse battery", DonorID: &donorID})
	if fe, ok := validation.As(err); !ok || fe.Field != "donorID" {
		t.Errorf("staff user with a donor: got %v, want a field error on donorID", err)
	}
	u, err := svc.CreateUser(sys, auth.NewUser{Email: "d@example.org", Name: "D", Role: auth.RoleDonor, Password: "correct horse battery", DonorID: &donorID})
	if err != nil || u.Actor().DonorID != donorID {
		t.Errorf("donor user: got %+v, %v", u, err)
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	u := createUser(t, svc, "trainee@example.org", auth.RoleTrainee)
	ctx := fromAddr("192.0.2.10")

	got, err := svc.Login(ctx, "  TRAINEE@example.org ", "correct horse battery")
	if err != nil || got.ID != u.ID {
		t.Fatalf("login with the right password: got %v, %v", got, err)
	}
	_, errWrong := svc.Login(ctx, "trainee@example.org", "wrong password")
	_, errUnknown := svc.Login(ctx, "nobody@example.org", "wrong password")
	for _, err := range []error{errWrong, errUnknown} {
		if !errors.Is(err, auth.ErrInvalidCredentials) || err.Error() != "invalid email or password" {
			t.Errorf("failed login: got %v, want exactly \"invalid email or password\"", err)
		}
	}

	if err := svc.SetDisabled(auth.System(ctx), u.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(ctx, "trainee@example.org", "correct horse battery"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("disabled user: got %v, want ErrInvalidCredentials", err)
	}
}

func TestLoginRateLimitPerAccount(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	createUser(t, svc, "staff@example.org", auth.RoleStaff)

	// Three failures (the test limit), each from a different address, lock the account.
	for i, addr := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} {
		if _, err := svc.Login(fromAddr(addr), "staff@example.org", "guess"+string(rune('a'+i))); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	_, err := svc.Login(fromAddr("192.0.2.4"), "staff@example.org", "correct horse battery")
	if !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("right password on a locked account: got %v, want ErrInvalidCredentials", err)
	}
	// Another account is not affected.
	createUser(t, svc, "other@example.org", auth.RoleStaff)
	if _, err := svc.Login(fromAddr("192.0.2.4"), "other@example.org", "correct horse battery"); err != nil {
		t.Errorf("other account: %v", err)
	}
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	createUser(t, svc, "staff@example.org", auth.RoleStaff)
	ctx := fromAddr("198.51.100.7")
	// Ten failures over different (unknown) accounts from one address lock the address.
	for i := range 10 {
		svc.Login(ctx, "nobody"+strings.Repeat("x", i)+"@example.org", "guess")
	}
	if _, err := svc.Login(ctx, "staff@example.org", "correct horse battery"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("right password from a locked address: got %v, want ErrInvalidCredentials", err)
	}
	if _, err := svc.Login(fromAddr("198.51.100.8"), "staff@example.org", "correct horse battery"); err != nil {
		t.Errorf("right password from another address: %v", err)
	}
}

func TestConcurrentGuessesCannotPassTheLimit(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	createUser(t, svc, "staff@example.org", auth.RoleStaff)
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc.Login(fromAddr("203.0.113.1"), "staff@example.org", "guess"+strings.Repeat("!", i))
		}()
	}
	wg.Wait()
	// Every attempt is audited; after the third, the account is locked, so the right password
	// still fails.
	n, err := db.Owner.NewSelect().Table("audit_log").Where("action = 'login.failed'").Count(context.Background())
	if err != nil || n != 12 {
		t.Errorf("failed logins audited: got %d (%v), want 12", n, err)
	}
	if _, err := svc.Login(fromAddr("203.0.113.2"), "staff@example.org", "correct horse battery"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("after 12 parallel guesses: got %v, want a locked account", err)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	sys := auth.System(context.Background())
	u := createUser(t, svc, "script@example.org", auth.RoleStaff)
	plain, tok, err := svc.CreateToken(sys, "SCRIPT@example.org", "label printer")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, "rfb_") {
		t.Errorf("token %q lacks the rfb_ prefix", plain)
	}
	var stored []byte
	if err := db.Owner.NewSelect().Table("api_tokens").Column("token_hash").Where("id = ?", tok.ID).Scan(context.Background(), &stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(stored), plain) || len(stored) != 32 {
		t.Errorf("stored token: got %d bytes, want a 32-byte hash", len(stored))
	}

	a, err := svc.AuthenticateToken(context.Background(), plain)
	if err != nil || a.UserID != u.ID || a.Role != auth.RoleStaff || a.TokenID != tok.ID {
		t.Fatalf("authenticate: got %+v, %v", a, err)
	}
	ts, _ := svc.Tokens(sys, u.ID)
	if len(ts) != 1 || ts[0].LastUsedAt == nil {
		t.Errorf("last used time: got %+v, want it recorded", ts)
	}
	if _, err := svc.AuthenticateToken(context.Background(), plain+"x"); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("altered token: got %v, want ErrUnauthenticated", err)
	}
	if err := svc.RevokeToken(sys, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(context.Background(), plain); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("revoked token: got %v, want ErrUnauthenticated", err)
	}

	other := createUser(t, svc, "other@example.org", auth.RoleStaff)
	ctxOther := auth.WithActor(context.Background(), other.Actor())
	if _, _, err := svc.CreateToken(ctxOther, "script@example.org", ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("token for someone else: got %v, want ErrForbidden", err)
	}
	if _, _, err := svc.CreateToken(sys, "ghost@example.org", ""); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("token for an unknown user: got %v, want ErrNotFound", err)
	}
	// Another user's token is not found, as one that does not exist, and stays valid.
	plain2, tok2, err := svc.CreateToken(sys, "script@example.org", "second")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{tok2.ID, tok2.ID + 1000} {
		if err := svc.RevokeToken(ctxOther, id); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("revoke token %d of someone else: got %v, want ErrNotFound", id, err)
		}
	}
	if _, err := svc.AuthenticateToken(context.Background(), plain2); err != nil {
		t.Errorf("the token another user tried to revoke: %v", err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	createUser(t, svc, "admin@example.org", auth.RoleAdmin)
	ctx := context.Background()
	entries, err := svc.AuditLog(auth.System(ctx), 10)
	if err != nil || len(entries) != 1 || entries[0].Action != "user.created" {
		t.Fatalf("audit log after creating a user: got %+v, %v", entries, err)
	}
	if _, err := db.App.ExecContext(ctx, "UPDATE audit_log SET action = 'forged'"); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("UPDATE as the app role: got %v, want permission denied", err)
	}
	if _, err := db.App.ExecContext(ctx, "DELETE FROM audit_log"); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("DELETE as the app role: got %v, want permission denied", err)
	}
	if _, err := db.App.ExecContext(ctx, "TRUNCATE audit_log"); err == nil {
		t.Error("TRUNCATE as the app role succeeded")
	}
	n, _ := db.Owner.NewSelect().Table("audit_log").Count(ctx)
	if n != 1 {
		t.Errorf("audit rows after the attempts: got %d, want 1", n)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Errorf("hash %q is not an argon2id PHC string", h)
	}
	if ok, _ := auth.CheckPassword(h, "correct horse battery"); !ok {
		t.Error("the right password does not match")
	}
	if ok, _ := auth.CheckPassword(h, "correct horse batterz"); ok {
		t.Error("a wrong password matches")
	}
	h2, _ := auth.HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	sys := auth.System(context.Background())
	createUser(t, svc, "script@example.org", auth.RoleStaff)
	if _, _, err := svc.CreateTokenUntil(sys, "script@example.org", "", time.Now().Add(-time.Minute)); !isField(err, "expiresAt") {
		t.Errorf("token expiring in the past: got %v, want a field error on expiresAt", err)
	}
	plain, tok, err := svc.CreateTokenUntil(sys, "script@example.org", "one day", time.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(context.Background(), plain); err != nil {
		t.Fatalf("a token before its expiry: %v", err)
	}
	// A day later: the owner moves the expiry into the past, as time would.
	if _, err := db.Owner.ExecContext(context.Background(), "UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = ?", tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(context.Background(), plain); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("an expired token: got %v, want ErrUnauthenticated", err)
	}
	ts, _ := svc.Tokens(sys, tok.UserID)
	if len(ts) != 1 || !ts[0].Expired(time.Now()) {
		t.Errorf("tokens: got %+v, want the one listed as expired", ts)
	}
}

func isField(err error, field string) bool {
	fe, ok := errors.AsType[*validation.FieldError](err)
	return ok && fe.Field == field
}

// A role changed by an administrator holds from the user's next request: the token's actor is
// read with the user, not kept from when the token was made.
func TestRoleChangeTakesEffect(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	sys := auth.System(context.Background())
	u := createUser(t, svc, "ana@example.org", auth.RoleStaff)
	plain, _, err := svc.CreateToken(sys, "ana@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := svc.AuthenticateToken(context.Background(), plain); a.Role != auth.RoleStaff {
		t.Fatalf("before: got role %s, want staff", a.Role)
	}
	if _, err := db.Owner.ExecContext(context.Background(), "UPDATE users SET role = 'trainee' WHERE id = ?", u.ID); err != nil {
		t.Fatal(err)
	}
	a, err := svc.AuthenticateToken(context.Background(), plain)
	if err != nil || a.Role != auth.RoleTrainee {
		t.Fatalf("after: got %+v %v, want a trainee", a, err)
	}
	if _, err := auth.Require(auth.WithActor(context.Background(), a), auth.Office); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a former staff member in the office group: got %v, want ErrForbidden", err)
	}
	if err := svc.SetDisabled(sys, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(context.Background(), plain); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("a disabled user's token: got %v, want ErrUnauthenticated", err)
	}
}

// A locked account and a locked address open again once the window has passed, and a
// successful login ends the account's count of failures.
func TestLockoutIsReleased(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	// Long enough for the ten password hashes below on a loaded machine: the first failures
	// must still be inside the window when the address is checked.
	const window = 3 * time.Second
	svc, err := auth.NewService(db.App, auth.Limits{Window: window, FailuresPerAccount: 2, FailuresPerAddr: 4})
	if err != nil {
		t.Fatal(err)
	}
	createUser(t, svc, "staff@example.org", auth.RoleStaff)
	here := fromAddr("192.0.2.50")

	// One failure, then a success: the count starts again.
	svc.Login(here, "staff@example.org", "wrong")
	if _, err := svc.Login(here, "staff@example.org", "correct horse battery"); err != nil {
		t.Fatalf("after one failure: %v", err)
	}
	svc.Login(here, "staff@example.org", "wrong")
	if _, err := svc.Login(here, "staff@example.org", "correct horse battery"); err != nil {
		t.Fatalf("one failure after a success must not lock the account: %v", err)
	}

	// Two failures lock the account, four failures lock the address.
	svc.Login(here, "staff@example.org", "wrong")
	svc.Login(here, "staff@example.org", "wrong")
	svc.Login(here, "nobody@example.org", "wrong")
	if _, err := svc.Login(fromAddr("192.0.2.51"), "staff@example.org", "correct horse battery"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("locked account: got %v, want ErrInvalidCredentials", err)
	}
	createUser(t, svc, "other@example.org", auth.RoleStaff)
	if _, err := svc.Login(here, "other@example.org", "correct horse battery"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("locked address: got %v, want ErrInvalidCredentials", err)
	}
	time.Sleep(window + 100*time.Millisecond)
	if _, err := svc.Login(fromAddr("192.0.2.51"), "staff@example.org", "correct horse battery"); err != nil {
		t.Errorf("account after the window: %v", err)
	}
	if _, err := svc.Login(here, "other@example.org", "correct horse battery"); err != nil {
		t.Errorf("address after the window: %v", err)
	}
}

// A login for an address nobody has takes as long as a wrong password for one somebody has (the
// password hash is checked either way), so timing does not tell which addresses exist. The
// bounds are loose on purpose: skipping the hash would make unknown addresses about twenty
// times faster.
func TestNoUserEnumerationByTiming(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	createUser(t, svc, "known@example.org", auth.RoleStaff)
	// Known and unknown addresses take turns, so that whatever else loads the machine weighs
	// on both alike.
	var dk, du []time.Duration
	for i := range 9 {
		for _, email := range []string{"known@example.org", "unknown@example.org"} {
			// Each try from its own address, each failure followed by a success so that the
			// known account never reaches the limit of 3 failures.
			start := time.Now()
			svc.Login(fromAddr(fmt.Sprintf("198.18.%d.%d", len(email), i)), email, "wrong password")
			if email == "known@example.org" {
				dk = append(dk, time.Since(start))
				svc.Login(fromAddr("198.18.0.1"), email, "correct horse battery")
			} else {
				du = append(du, time.Since(start))
			}
		}
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	known, unknown := median(dk), median(du)
	t.Logf("median failed login: known address %v, unknown address %v", known, unknown)
	if ratio := float64(unknown) / float64(known); ratio < 0.5 || ratio > 2 {
		t.Errorf("unknown addresses take %.2f times as long as known ones, want about the same", ratio)
	}
}

func systemCtx() context.Context { return auth.System(context.Background()) }
