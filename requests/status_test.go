package requests_test

import (
	"context"
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/requests"
)

// TestCanTransition is the lifecycle as a table: every pair of statuses, allowed or not.
func TestCanTransition(t *testing.T) {
	allowed := map[requests.Status][]requests.Status{
		"submitted":  {"approved", "waitlisted", "rejected", "cancelled"},
		"waitlisted": {"approved", "rejected", "cancelled"},
		"approved":   {"allocated", "cancelled"},
		"allocated":  {"handed_out", "approved", "cancelled"},
	}
	for _, from := range requests.Statuses {
		for _, to := range requests.Statuses {
			want := slices.Contains(allowed[from], to)
			if got := requests.CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	for _, s := range requests.Statuses {
		if s.Open() == s.Closed() {
			t.Errorf("%s is open %v and closed %v: want exactly one", s, s.Open(), s.Closed())
		}
		if s.Closed() && len(requests.Transitions[s]) > 0 {
			t.Errorf("closed status %s has moves %v", s, requests.Transitions[s])
		}
	}
}

// TestTransitionsMatchTheDatabase holds the Go table and the migration's request_transitions
// together.
func TestTransitionsMatchTheDatabase(t *testing.T) {
	db := pgtest.New(t)
	var rows []struct {
		From requests.Status `bun:"from_status"`
		To   requests.Status `bun:"to_status"`
	}
	if err := db.App.NewSelect().Table("request_transitions").Column("from_status", "to_status").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	got := map[requests.Status][]requests.Status{}
	for _, r := range rows {
		got[r.From] = append(got[r.From], r.To)
	}
	for from, tos := range requests.Transitions {
		slices.Sort(tos)
		g := got[from]
		slices.Sort(g)
		if !slices.Equal(g, slices.Sorted(slices.Values(tos))) {
			t.Errorf("from %s: database %v, Go %v", from, g, tos)
		}
	}
	if len(got) != len(requests.Transitions) {
		t.Errorf("database has moves from %d statuses, Go from %d", len(got), len(requests.Transitions))
	}
}
