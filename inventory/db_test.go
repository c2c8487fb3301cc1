package inventory_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
)

// TestTransitionsMatchDatabase keeps the Go lifecycle table and the one the database trigger
// reads equal.
func TestTransitionsMatchDatabase(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var rows []struct {
		From string `bun:"from_status"`
		To   string `bun:"to_status"`
	}
	if err := db.App.NewSelect().Table("device_transitions").Column("from_status", "to_status").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, r := range rows {
		got = append(got, r.From+">"+r.To)
	}
	for from, tos := range inventory.Transitions {
		for _, to := range tos {
			want = append(want, string(from)+">"+string(to))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("device_transitions = %v\nwant inventory.Transitions = %v", got, want)
	}
	// And the status CHECK allows exactly the Go statuses.
	ctx := context.Background()
	for _, s := range append(slices.Clone(inventory.Statuses), "shipped") {
		var ok bool
		err := db.Owner.NewRaw(`SELECT ? = ANY (regexp_split_to_array(
			substring(pg_get_constraintdef(c.oid) from '\((.*)\)'), '\W+'))
			FROM pg_constraint c WHERE conrelid = 'devices'::regclass AND pg_get_constraintdef(c.oid) LIKE '%status%'`, string(s)).Scan(ctx, &ok)
		if err != nil {
			t.Fatal(err)
		}
		if ok != s.Valid() {
			t.Errorf("status %q in the CHECK: %v, want %v", s, ok, s.Valid())
		}
	}
}

// TestTagsMatchDatabase keeps CheckChar and FormatTag equal to the SQL that assigns tags.
func TestTagsMatchDatabase(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	var tags []string
	if err := db.App.NewRaw("SELECT refurb_tag('DI', n) FROM generate_series(1, 2000) AS n ORDER BY n").Scan(ctx, &tags); err != nil {
		t.Fatal(err)
	}
	if len(tags) != 2000 {
		t.Fatalf("got %d tags, want 2000", len(tags))
	}
	for i, tag := range tags {
		if want := inventory.FormatTag("DI", int64(i+1)); tag != want {
			t.Errorf("refurb_tag('DI', %d) = %s, want %s", i+1, tag, want)
		}
	}
	for _, tc := range []struct {
		prefix string
		n      int64
	}{{"DI", 999999}, {"DI", 1000000}, {"DI", 1000001}, {"DI", 123456789}, {"R2", 5}, {"LUX", 31415}} {
		var tag string
		if err := db.App.NewRaw("SELECT refurb_tag(?, ?::bigint)", tc.prefix, tc.n).Scan(ctx, &tag); err != nil {
			t.Fatal(err)
		}
		if want := inventory.FormatTag(tc.prefix, tc.n); tag != want {
			t.Errorf("refurb_tag(%s, %d) = %s, want %s", tc.prefix, tc.n, tag, want)
		}
	}
	for _, s := range []string{"A12425GABC1234002", "0", "ZZZZZZZZ", "di000123"} {
		var got string
		if err := db.App.NewRaw("SELECT refurb_check_char(?)", s).Scan(ctx, &got); err != nil {
			t.Fatal(err)
		}
		want, _ := inventory.CheckChar(s)
		if got != string(want) {
			t.Errorf("refurb_check_char(%s) = %s, want %c", s, got, want)
		}
	}
}

// TestWipeListsMatchDatabase keeps the exported lists of sanitization values equal to the
// CHECK constraints of wipe_records, which refuse any other value whatever the path.
func TestWipeListsMatchDatabase(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var defs []string
	if err := db.App.NewRaw("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'wipe_records'::regclass AND contype = 'c'").
		Scan(context.Background(), &defs); err != nil {
		t.Fatal(err)
	}
	// A CHECK (column IN (...)) reads back as CHECK ((column = ANY (ARRAY['a'::text, ...]))).
	allowed := func(column string) []string {
		for _, d := range defs {
			if strings.HasPrefix(d, "CHECK (("+column+" = ANY") {
				var out []string
				for _, m := range regexp.MustCompile(`'([^']*)'::text`).FindAllStringSubmatch(d, -1) {
					out = append(out, m[1])
				}
				return out
			}
		}
		t.Fatalf("no CHECK on wipe_records.%s in %q", column, defs)
		return nil
	}
	for column, want := range map[string][]string{
		"method":       asStrings(inventory.Methods),
		"result":       asStrings(inventory.Results),
		"verification": asStrings(inventory.Verifications),
		"destination":  asStrings(inventory.Destinations),
	} {
		got := allowed(column)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("wipe_records.%s allows %v, the Go list %v", column, got, want)
		}
	}
}

// asStrings returns the values of a list of typed strings as strings.
func asStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
