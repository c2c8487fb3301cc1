package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
)

// TestScanStatements checks that the scan lookup stays a handful of statements.
func TestScanStatements(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	d := e.intake(staff, nil, laptop("S", "D1", "D2")).Devices.Nodes[0]
	got, statements := e.statements.count(func() {
		e.ok(staff, `query($tag: String!) { device(tag: $tag) { tag status version wipeComplete
			storage { serialNumber sanitization { result finishedAt } } events(last: 20) { at kind toStatus note } } }`,
			map[string]any{"tag": d.Tag}, nil)
	})
	// The device, its storage media with their latest records and its events: one statement.
	if got != 1 {
		t.Errorf("scan lookup: %d statements, want 1:\n%s", got, strings.Join(statements, "\n"))
	}
}

// BenchmarkScanLookup measures device(tag:) with its last 20 events and storage through HTTP,
// on a small database: the overhead of our stack, not the 1M-device figure of `make bench`.
func BenchmarkScanLookup(b *testing.B) {
	e := newInvEnv(b)
	staff := e.as(auth.RoleStaff)
	d := e.intake(staff, nil, laptop("S", "D1", "D2")).Devices.Nodes[0]
	e.ok(staff, wipe, map[string]any{"input": wipeInput(d.Storage[0].ID)}, nil)
	const query = `query Scan($tag: String!) { device(tag: $tag) { id tag kind status version wipeComplete
		storage { id kind serialNumber sanitization { result finishedAt } } events(last: 20) { at kind fromStatus toStatus note } } }`
	vars := map[string]any{"tag": d.Tag}
	var durations []time.Duration
	for b.Loop() {
		start := time.Now()
		e.ok(staff, query, vars, nil)
		durations = append(durations, time.Since(start))
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "p99-ms")
}
