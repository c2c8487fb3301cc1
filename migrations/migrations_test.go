package migrations_test

import (
	"context"
	"sync"
	"testing"

	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/migrations"
)

func tableExists(t *testing.T, db *pgtest.DB, name string) bool {
	t.Helper()
	var n int
	if err := db.Owner.NewRaw("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = ?", name).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestDownAndUpAgain(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	m, err := migrations.New(db.Owner)
	if err != nil {
		t.Fatal(err)
	}
	for {
		reverted, err := m.Down(ctx)
		if err != nil {
			t.Fatalf("down: %v", err)
		}
		if len(reverted) == 0 {
			break
		}
	}
	for _, table := range []string{"users", "api_tokens", "sessions", "audit_log"} {
		if tableExists(t, db, table) {
			t.Errorf("%s exists after reverting every migration", table)
		}
	}
	if n, err := migrations.Pending(ctx, db.Owner); err != nil || n == 0 {
		t.Errorf("pending after down: got %d, %v; want every migration", n, err)
	}
	applied, err := m.Up(ctx)
	if err != nil || len(applied) == 0 {
		t.Fatalf("up again: %v, %v", applied, err)
	}
	if n, err := migrations.Pending(ctx, db.Owner); err != nil || n != 0 {
		t.Errorf("pending after up: got %d, %v; want 0", n, err)
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if !s.Applied {
			t.Errorf("%s_%s not applied after up", s.Name, s.Comment)
		}
	}
}

// TestConcurrentUpAppliesOnce starts several migrators at once on an empty schema, as several
// servers started with -migrate would: the advisory lock lets one apply each migration and the
// others find nothing left to do.
func TestConcurrentUpAppliesOnce(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	m, err := migrations.New(db.Owner)
	if err != nil {
		t.Fatal(err)
	}
	for {
		reverted, err := m.Down(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(reverted) == 0 {
			break
		}
	}
	st, _ := m.Status(ctx)
	var wg sync.WaitGroup
	results := make([][]string, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each migrator has its own pool, as separate server processes would.
			pool, err := database.Open(ctx, db.URL, database.Options{MaxOpenConns: 2})
			if err != nil {
				errs[i] = err
				return
			}
			defer pool.Close()
			mi, err := migrations.New(pool)
			if err != nil {
				errs[i] = err
				return
			}
			results[i], errs[i] = mi.Up(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range results {
		if errs[i] != nil {
			t.Errorf("migrator %d: %v", i, errs[i])
		}
		total += len(results[i])
	}
	if total != len(st) {
		t.Errorf("migrations applied in all: got %d, want %d (each exactly once)", total, len(st))
	}
}

func TestAppRoleOwnsNothing(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var owned int
	err := db.App.NewRaw("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user").Scan(context.Background(), &owned)
	if err != nil {
		t.Fatal(err)
	}
	if owned != 0 {
		t.Errorf("refurb_app owns %d tables, want 0", owned)
	}
	var who string
	db.App.NewRaw("SELECT current_user").Scan(context.Background(), &who)
	if who != migrations.AppRole {
		t.Errorf("application connections run as %q, want %q", who, migrations.AppRole)
	}
}
