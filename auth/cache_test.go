package auth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
)

// With the credential cache on, as refurb serve runs it, a token revoked through another
// instance (another Service on the same database) stops working within the cache's lifetime,
// and at once on the instance that revoked it; a role changed in the database holds within the
// same lifetime.
func TestCachedTokenRevocation(t *testing.T) {
	t.Parallel()
	const ttl = 300 * time.Millisecond
	one, db := newService(t)
	one.CacheCredentials(ttl)
	two, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	two.CacheCredentials(ttl)
	sys := auth.System(context.Background())
	u := createUser(t, one, "ana@example.org", auth.RoleStaff)
	plain, tok, err := one.CreateToken(sys, "ana@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range []*auth.Service{one, two} {
		if a, err := svc.AuthenticateToken(context.Background(), plain); err != nil || a.Role != auth.RoleStaff {
			t.Fatalf("before: got %+v %v, want staff", a, err)
		}
	}
	if _, err := db.Owner.ExecContext(context.Background(), "UPDATE users SET role = 'trainee' WHERE id = ?", u.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*ttl, "the role change", func() bool {
		a, err := two.AuthenticateToken(context.Background(), plain)
		return err == nil && a.Role == auth.RoleTrainee
	})
	if err := one.RevokeToken(sys, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := one.AuthenticateToken(context.Background(), plain); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("on the instance that revoked it: got %v, want ErrUnauthenticated at once", err)
	}
	waitFor(t, 2*ttl, "the revocation on the other instance", func() bool {
		_, err := two.AuthenticateToken(context.Background(), plain)
		return errors.Is(err, auth.ErrUnauthenticated)
	})
}

// A signed-in browser's requests read its session without writing it back: the session row
// stays as it was (same xmin) and no cookie is sent again.
func TestSessionReadsWriteNothing(t *testing.T) {
	t.Parallel()
	srv, _, u, pg := sessionServerDB(t)
	cookie := sessionCookie(t, post(t, srv.URL+"/login", "email=ana@example.org&password=correct+horse+battery"))
	db := pg.Owner
	var before, after string
	if err := db.QueryRowContext(context.Background(), "SELECT xmin::text FROM sessions").Scan(&before); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		want := fmt.Sprintf("%d staff", u.ID)
		if got, setCookie := getWithCookie(t, srv.URL+"/me", cookie); got != want || setCookie {
			t.Fatalf("signed in: got %q (cookie sent again: %v), want %q and no cookie", got, setCookie, want)
		}
	}
	if err := db.QueryRowContext(context.Background(), "SELECT xmin::text FROM sessions").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("the session row was written by reads: xmin %s, then %s", before, after)
	}
}

func waitFor(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not take effect within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// getWithCookie is get, also saying whether the response set the session cookie.
func getWithCookie(t *testing.T, url string, cookie *http.Cookie) (string, bool) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.AddCookie(cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.Name == auth.SessionCookieName {
			return string(b), true
		}
	}
	return string(b), false
}
