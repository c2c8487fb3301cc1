package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
)

func TestIntakeAndScan(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	donorID := e.createDonor(staff, "Banque Exemple SA")
	don := e.intake(staff, donorID, laptop("PF1ABC", "S1", "S2"), map[string]any{"kind": "MONITOR", "make": "Dell"})

	if !strings.HasPrefix(don.Number, fmt.Sprintf("DON-%d-", time.Now().Year())) || don.Devices.TotalCount != 2 {
		t.Fatalf("donation: got %s with %d devices, want DON-%d-… with 2", don.Number, don.Devices.TotalCount, time.Now().Year())
	}
	d := don.Devices.Nodes[0] // tag order: intake order
	if d.Kind != "LAPTOP" || d.Status != "RECEIVED" || len(d.Storage) != 2 || d.WipeComplete {
		t.Errorf("laptop: got %+v, want a RECEIVED LAPTOP with 2 unwiped drives", d)
	}
	if len(d.Events) != 1 || d.Events[0].Kind != "INTAKE" || *d.Events[0].ToStatus != "RECEIVED" || d.Events[0].Actor.Email != "staff@example.org" {
		t.Errorf("laptop events: got %+v, want one INTAKE by staff", d.Events)
	}
	if d.Donation == nil || d.Donation.Number != don.Number || d.Donation.Donor.Name != "Banque Exemple SA" {
		t.Errorf("laptop donation: got %+v", d.Donation)
	}
	if want := "HTTPS://REFURB.EXAMPLE/D/" + d.Tag; d.ScanURL != want {
		t.Errorf("scanURL: got %s, want %s", d.ScanURL, want)
	}
	if want := publicURL + "/labels/" + d.Tag + ".png"; d.LabelURL != want {
		t.Errorf("labelURL: got %s, want %s", d.LabelURL, want)
	}
	if m := don.Devices.Nodes[1]; m.Kind != "MONITOR" || len(m.Storage) != 0 || !m.WipeComplete {
		t.Errorf("monitor: got %+v, want no storage and wipeComplete", m)
	}

	for _, typed := range []string{d.Tag, strings.ToLower(d.Tag), strings.ReplaceAll(d.Tag, "-", ""), d.ScanURL, publicURL + "/D/" + d.Tag} {
		if got := e.device(staff, typed); got.ID != d.ID {
			t.Errorf("device(tag: %q): got %s, want %s", typed, got.Tag, d.Tag)
		}
	}

	// A mistyped tag (wrong check character) never opens another device.
	last := d.Tag[len(d.Tag)-1]
	wrong := d.Tag[:len(d.Tag)-1] + string("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(strings.IndexByte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", last)+1)%36])
	for _, tag := range []string{wrong, "not a tag"} {
		err := e.fails(staff, `query($tag: String!) { device(tag: $tag) { id } }`, map[string]any{"tag": tag}, graph.CodeBadUserInput)
		if err.Extensions["field"] != "tag" {
			t.Errorf("device(tag: %q): got field %v, want tag", tag, err.Extensions["field"])
		}
	}

	// node(id:) resolves the inventory's ids.
	var nodes struct {
		D struct{ Tag string }
		N struct{ Number string }
		P struct{ Name string }
	}
	e.ok(staff, `query($d: ID!, $n: ID!, $p: ID!) {
		d: node(id: $d) { ... on Device { tag } }
		n: node(id: $n) { ... on Donation { number } }
		p: node(id: $p) { ... on Donor { name } } }`,
		map[string]any{"d": d.ID, "n": don.ID, "p": donorID}, &nodes)
	if nodes.D.Tag != d.Tag || nodes.N.Number != don.Number || nodes.P.Name != "Banque Exemple SA" {
		t.Errorf("node(id:): got %+v", nodes)
	}
	var byNumber struct{ DonationByNumber struct{ ID string } }
	e.ok(staff, `query($n: String!) { donationByNumber(number: $n) { id } }`, map[string]any{"n": strings.ToLower(don.Number)}, &byNumber)
	if byNumber.DonationByNumber.ID != don.ID {
		t.Errorf("donationByNumber: got %+v, want %s", byNumber, don.ID)
	}
}

func TestDevicePagination(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	var devices []map[string]any
	for i := range 5 {
		devices = append(devices, laptop(fmt.Sprintf("SN%d", i)))
	}
	don := e.intake(staff, nil, devices...)
	e.intake(staff, nil, map[string]any{"kind": "MONITOR", "make": "Eizo"})

	var want []string
	for _, d := range don.Devices.Nodes {
		want = append(want, d.Tag)
	}
	for _, sortOrder := range []string{"TAG_ASC", "INTAKE_DESC"} {
		var tags []string
		after := any(nil)
		for page := 0; ; page++ {
			var out struct {
				Devices struct {
					TotalCount int
					Nodes      []struct{ Tag string }
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
			e.ok(staff, `query($after: String, $sort: DeviceSort, $filter: DeviceFilter) {
				devices(filter: $filter, first: 2, after: $after, sort: $sort) { totalCount nodes { tag } pageInfo { hasNextPage endCursor } } }`,
				map[string]any{"after": after, "sort": sortOrder, "filter": map[string]any{"kind": []string{"LAPTOP"}, "search": "lenovo"}}, &out)
			if out.Devices.TotalCount != 5 {
				t.Fatalf("%s page %d: totalCount %d, want 5", sortOrder, page, out.Devices.TotalCount)
			}
			for _, n := range out.Devices.Nodes {
				tags = append(tags, n.Tag)
			}
			if !out.Devices.PageInfo.HasNextPage {
				break
			}
			if page > 5 {
				t.Fatalf("%s: pagination does not end", sortOrder)
			}
			after = *out.Devices.PageInfo.EndCursor
		}
		if sortOrder == "INTAKE_DESC" {
			slices.Reverse(tags)
		}
		if !slices.Equal(tags, want) {
			t.Errorf("%s: got %v, want %v", sortOrder, tags, want)
		}
	}

	var counts struct {
		StatusCounts []struct {
			Status string
			Count  int
		}
	}
	e.ok(staff, `{ statusCounts { status count } }`, nil, &counts)
	if c := counts.StatusCounts[0]; c.Status != "RECEIVED" || c.Count != 6 || len(counts.StatusCounts) != 9 {
		t.Errorf("statusCounts: got %+v, want 9 statuses with 6 RECEIVED first", counts.StatusCounts)
	}
}

// TestDevicePageStatements counts the statements a page of devices with its edges costs: the
// same for 10 and for 100 devices.
func TestDevicePageStatements(t *testing.T) {
	t.Parallel()
	const query = `{ devices(first: 100) { nodes { tag donation { number donor { name } }
		storage { serialNumber sanitization { result } } events(last: 1) { kind } wipeComplete } totalCount } }`
	// The page query and its count, donations with their donors, storage media with their
	// latest sanitization records, events: 5 (issue 3 and docs/performance.md).
	const maxStatements = 5
	counts := map[int]int{}
	for _, n := range []int{10, 100} {
		e := newInvEnv(t)
		staff := e.as(auth.RoleStaff)
		var devices []map[string]any
		for i := range n {
			devices = append(devices, laptop(fmt.Sprintf("SN%d", i), fmt.Sprintf("D%d", i)))
		}
		don := e.intake(staff, e.createDonor(staff, "Donor"), devices...)
		for _, d := range don.Devices.Nodes[:3] {
			e.ok(staff, wipe, map[string]any{"input": wipeInput(d.Storage[0].ID)}, nil)
		}
		var out struct {
			Devices struct {
				TotalCount int
				Nodes      []device
			}
		}
		got, statements := e.statements.count(func() { e.ok(staff, query, nil, &out) })
		if out.Devices.TotalCount != n || len(out.Devices.Nodes) != n {
			t.Fatalf("%d devices: got %d of %d", n, len(out.Devices.Nodes), out.Devices.TotalCount)
		}
		wiped := 0
		for _, d := range out.Devices.Nodes {
			if d.Donation.Donor.Name != "Donor" || len(d.Storage) != 1 || len(d.Events) != 1 {
				t.Fatalf("device %s: got %+v", d.Tag, d)
			}
			if d.WipeComplete {
				wiped++
			}
		}
		if wiped != 3 {
			t.Errorf("%d devices: %d wiped, want 3", n, wiped)
		}
		counts[n] = got
		t.Logf("%d devices: %d statements", n, got)
		if got > maxStatements {
			t.Errorf("%d devices: %d statements, want at most %d:\n%s", n, got, maxStatements, strings.Join(statements, "\n"))
		}
	}
	if counts[10] != counts[100] {
		t.Errorf("statements: %d for 10 devices, %d for 100: the count grows with the page", counts[10], counts[100])
	}
}
