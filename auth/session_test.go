package auth_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
)

// sessionServer signs in at POST /login, out at POST /logout, and says who the actor is at /me,
// behind the authentication middleware as the server runs it.
func sessionServer(t *testing.T) (*httptest.Server, *auth.Service, *auth.User) {
	t.Helper()
	srv, svc, u, _ := sessionServerDB(t)
	return srv, svc, u
}

// sessionServerDB is sessionServer with its database.
func sessionServerDB(t *testing.T) (*httptest.Server, *auth.Service, *auth.User, *pgtest.DB) {
	t.Helper()
	svc, db := newService(t)
	u := createUser(t, svc, "ana@example.org", auth.RoleStaff)
	sm := auth.NewSessions(db.App.DB, false)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		user, err := svc.Login(r.Context(), r.FormValue("email"), r.FormValue("password"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if err := auth.StartSession(r.Context(), sm, user); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := auth.EndSession(r.Context(), sm); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		a, ok := auth.ActorFrom(r.Context())
		if !ok {
			fmt.Fprint(w, "anonymous")
			return
		}
		fmt.Fprintf(w, "%d %s", a.UserID, a.Role)
	})
	srv := httptest.NewServer(svc.Middleware(sm, func(r *http.Request, err error) { t.Errorf("middleware: %v", err) })(mux))
	t.Cleanup(srv.Close)
	return srv, svc, u, db
}

func get(t *testing.T, url string, cookies ...*http.Cookie) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func post(t *testing.T, url, form string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func sessionCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == auth.SessionCookieName {
			return c
		}
	}
	t.Fatalf("no %s cookie in the response (status %d)", auth.SessionCookieName, resp.StatusCode)
	return nil
}

// The cookie of a signed-out session is worth nothing, even replayed by whoever copied it.
func TestSessionEndsAtLogout(t *testing.T) {
	t.Parallel()
	srv, _, u := sessionServer(t)
	cookie := sessionCookie(t, post(t, srv.URL+"/login", "email=ana@example.org&password=correct+horse+battery"))
	if cookie.HttpOnly != true || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie: got HttpOnly %v SameSite %v, want HttpOnly and Lax", cookie.HttpOnly, cookie.SameSite)
	}
	if got, want := get(t, srv.URL+"/me", cookie), fmt.Sprintf("%d staff", u.ID); got != want {
		t.Fatalf("signed in: got %q, want %q", got, want)
	}
	post(t, srv.URL+"/logout", "", cookie)
	if got := get(t, srv.URL+"/me", cookie); got != "anonymous" {
		t.Errorf("the old cookie after logout: got %q, want anonymous", got)
	}
}

// A session planted before login (session fixation) is not the one signed in.
func TestLoginRenewsTheSession(t *testing.T) {
	t.Parallel()
	srv, _, _ := sessionServer(t)
	planted := &http.Cookie{Name: auth.SessionCookieName, Value: "planted-by-someone-else"}
	cookie := sessionCookie(t, post(t, srv.URL+"/login", "email=ana@example.org&password=correct+horse+battery", planted))
	if cookie.Value == planted.Value {
		t.Fatal("login kept the session token sent with it")
	}
	if got := get(t, srv.URL+"/me", planted); got != "anonymous" {
		t.Errorf("the planted token after login: got %q, want anonymous", got)
	}
}

// A role change or a disabled account holds on the next request of a signed-in browser.
func TestSessionFollowsTheAccount(t *testing.T) {
	t.Parallel()
	srv, svc, u := sessionServer(t)
	cookie := sessionCookie(t, post(t, srv.URL+"/login", "email=ana@example.org&password=correct+horse+battery"))
	if err := svc.SetDisabled(systemCtx(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := get(t, srv.URL+"/me", cookie); got != "anonymous" {
		t.Errorf("a disabled user's session: got %q, want anonymous", got)
	}
}

// Sessions are stored in the compact form of session_codec.go, and a session stored with gob
// before it (scs's default) still signs its browser in: the upgrade signs nobody out.
func TestSessionStoredCompactGobStillRead(t *testing.T) {
	t.Parallel()
	srv, _, u, pg := sessionServerDB(t)
	cookie := sessionCookie(t, post(t, srv.URL+"/login", "email=ana@example.org&password=correct+horse+battery"))
	ctx := context.Background()
	var first byte
	if err := pg.Owner.QueryRowContext(ctx, "SELECT get_byte(data, 0) FROM sessions").Scan(&first); err != nil {
		t.Fatal(err)
	}
	if first != 0 {
		t.Errorf("the session row starts with %#x, want 0 (the compact form)", first)
	}
	old, err := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{"user_id": u.ID, "seen": time.Now().Unix()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pg.Owner.ExecContext(ctx, "UPDATE sessions SET data = ?", old); err != nil {
		t.Fatal(err)
	}
	if got, want := get(t, srv.URL+"/me", cookie), fmt.Sprintf("%d staff", u.ID); got != want {
		t.Errorf("a session stored with gob: got %q, want %q", got, want)
	}
}
