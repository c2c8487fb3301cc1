package main

import (
	"context"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/internal/pgtest"
)

func TestDemoCommand(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	envv := map[string]string{"DATABASE_URL": db.URL, "DEMO_SEED": "3"}

	// On a database without users it creates the administrator first, as serve would:
	// otherwise the demo users would keep serve from doing it.
	out, _, err := refurb(t, ctx, envv, "", "demo", "--devices", "40", "--if-empty")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{"created administrator", "password: ", "added 40 devices", "database size"} {
		if !strings.Contains(out, want) {
			t.Errorf("first demo run: output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "password: ") != 1 {
		t.Errorf("first demo run: got %d passwords printed, want only the administrator's:\n%s", strings.Count(out, "password: "), out)
	}

	out, _, err = refurb(t, ctx, envv, "", "demo", "--devices", "40", "--if-empty")
	if err != nil || !strings.Contains(out, "nothing to do") || strings.Contains(out, "added") || strings.Contains(out, "password") {
		t.Errorf("second demo run with --if-empty: got %v\n%s\nwant nothing done", err, out)
	}
	var n int
	if err := db.Owner.NewRaw("SELECT count(*) FROM devices").Scan(ctx, &n); err != nil || n != 40 {
		t.Errorf("devices after two runs with --if-empty: got %d, %v; want 40", n, err)
	}

	for _, args := range [][]string{
		{"demo", "--devices", "-3"},
		{"demo", "--devices", "ten"},
		{"demo", "--events-per-device", "0"},
		{"demo", "--seed", "abc"},
		{"demo", "extra"},
	} {
		if _, _, err := refurb(t, ctx, envv, "", args...); err == nil {
			t.Errorf("%v: got no error", args)
		}
	}
	if _, _, err := refurb(t, ctx, map[string]string{"DATABASE_URL": db.URL, "DEMO_DEVICES": "many"}, "", "demo"); err == nil || !strings.Contains(err.Error(), "DEMO_DEVICES") {
		t.Errorf("DEMO_DEVICES=many: got %v, want an error naming the variable", err)
	}
}

func TestDemoCommandNeedsMigrations(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	envv := map[string]string{"DATABASE_URL": db.URL}
	if _, _, err := refurb(t, ctx, envv, "", "migrate", "down"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := refurb(t, ctx, envv, "", "demo", "--devices", "5"); err == nil || !strings.Contains(err.Error(), "migrat") {
		t.Errorf("demo on a schema behind: got %v, want a hint to migrate", err)
	}
	out, _, err := refurb(t, ctx, envv, "", "demo", "--devices", "5", "--migrate")
	if err != nil || !strings.Contains(out, "added 5 devices") {
		t.Errorf("demo --migrate: got %v\n%s", err, out)
	}
}
