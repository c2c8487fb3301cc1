package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
)

func TestBadInventoryInput(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	today := time.Now().Format(time.DateOnly)
	input := func(receivedOn string, devices ...map[string]any) map[string]any {
		return map[string]any{"input": map[string]any{"receivedOn": receivedOn, "devices": devices}}
	}
	for _, c := range []struct {
		name  string
		vars  map[string]any
		field string // extensions.field, or a word the message must contain
	}{
		{"unknown enum value", input(today, map[string]any{"kind": "TOASTER"}), "kind"},
		{"unknown storage kind", input(today, map[string]any{"kind": "LAPTOP", "storage": []any{map[string]any{"kind": "TAPE"}}}), "kind"},
		{"negative capacity", input(today, laptop("A"), map[string]any{"kind": "LAPTOP", "storage": []any{map[string]any{"kind": "HDD", "capacityGB": -500}}}),
			"input.devices[1].storage[0].capacityGB"},
		{"future receivedOn", input(time.Now().AddDate(0, 0, 2).Format(time.DateOnly), laptop("A")), "input.receivedOn"},
		{"control characters in a serial", input(today, laptop("A"), laptop("B\x07C")), "input.devices[1].serialNumber"},
		{"control characters in a drive serial", input(today, laptop("A", "D\nE")), "input.devices[0].storage[0].serialNumber"},
		{"duplicate serial", input(today, laptop("SAME"), laptop("same")), "input.devices[1].serialNumber"},
		{"donor id of another type", map[string]any{"input": map[string]any{"receivedOn": today, "devices": []any{}, "donorID": "RGV2aWNlOjE"}}, "input.donorID"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := e.fails(staff, recordDonation, c.vars, graph.CodeBadUserInput)
			if f, ok := err.Extensions["field"]; ok {
				if f != c.field {
					t.Errorf("field: got %v, want %s (%s)", f, c.field, err.Message)
				}
			} else if !strings.Contains(err.Message, `"`+c.field+`"`) {
				t.Errorf("message %q does not name %s", err.Message, c.field)
			}
		})
	}
	if n, _ := e.db.Owner.NewSelect().Table("devices").Count(context.Background()); n != 0 {
		t.Errorf("devices after refused intakes: got %d, want 0", n)
	}

	d := e.intake(staff, nil, laptop("X", "DX")).Devices.Nodes[0]
	for _, c := range []struct {
		name, field string
		input       map[string]any
	}{
		{"wipe of no such medium", "input.mediumID", wipeInput(d.ID)},
		{"flash overwrite as PURGE", "input.method", map[string]any{"mediumID": d.Storage[0].ID, "method": "PURGE", "technique": "3-pass overwrite", "result": "PASSED"}},
		{"future finishedAt", "input.finishedAt", map[string]any{"mediumID": d.Storage[0].ID, "method": "CLEAR", "technique": "overwrite", "result": "PASSED",
			"finishedAt": time.Now().Add(time.Hour).Format(time.RFC3339)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := e.fails(staff, wipe, map[string]any{"input": c.input}, graph.CodeBadUserInput)
			if err.Extensions["field"] != c.field {
				t.Errorf("field: got %v, want %s (%s)", err.Extensions["field"], c.field, err.Message)
			}
		})
	}
	err := e.fails(staff, `{ devices(filter: {status: [RECEIVED]}, first: 100000) { totalCount } }`, nil, graph.CodeBadUserInput)
	if err.Extensions["field"] != "first" {
		t.Errorf("devices(first: 100000): got %+v, want field first", err)
	}
	err = e.fails(staff, `{ devices(after: "nonsense") { totalCount } }`, nil, graph.CodeBadUserInput)
	if err.Extensions["field"] != "after" {
		t.Errorf("devices(after: nonsense): got %+v, want field after", err)
	}
}

// TestDonationDevicesFirstPages lists donations with the first page of their devices: one
// statement for the devices of all of them, and each page's cursor leads to the next.
func TestDonationDevicesFirstPages(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	donorID := e.createDonor(staff, "Lycée Exemple")
	for i := range 3 {
		e.intake(staff, donorID, laptop(fmt.Sprintf("FP-%d-A", i)), laptop(fmt.Sprintf("FP-%d-B", i)))
	}
	const q = `query($id: ID!) { node(id: $id) { ... on Donor { donations { nodes { number
		devices(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { tag serialNumber } } } } } } }`
	var out struct {
		Node struct {
			Donations struct {
				Nodes []struct {
					Number  string
					Devices struct {
						TotalCount int
						PageInfo   struct {
							HasNextPage bool
							EndCursor   string
						}
						Nodes []struct{ Tag, SerialNumber string }
					}
				}
			}
		}
	}
	got, statements := e.statements.count(func() { e.ok(staff, q, map[string]any{"id": donorID}, &out) })
	dons := out.Node.Donations.Nodes
	if len(dons) != 3 {
		t.Fatalf("donations: got %d, want 3", len(dons))
	}
	devicesStatements := 0
	for _, s := range statements {
		if strings.Contains(s, "PARTITION BY d.donation_id") {
			devicesStatements++
		}
	}
	if devicesStatements != 1 {
		t.Errorf("statements for the devices of 3 donations: got %d, want 1 (of %d):\n%s", devicesStatements, got, strings.Join(statements, "\n"))
	}
	for _, d := range dons {
		dv := d.Devices
		if dv.TotalCount != 2 || !dv.PageInfo.HasNextPage || len(dv.Nodes) != 1 || !strings.HasSuffix(dv.Nodes[0].SerialNumber, "-A") {
			t.Errorf("%s first page: got %+v, want the first of 2 devices and a next page", d.Number, dv)
		}
	}
	// The cursor of a first page leads to the second device.
	var next struct {
		DonationByNumber struct {
			Devices struct {
				PageInfo struct{ HasNextPage bool }
				Nodes    []struct{ SerialNumber string }
			}
		}
	}
	e.ok(staff, `query($n: String!, $after: String) { donationByNumber(number: $n) {
		devices(first: 1, after: $after) { pageInfo { hasNextPage } nodes { serialNumber } } } }`,
		map[string]any{"n": dons[0].Number, "after": dons[0].Devices.PageInfo.EndCursor}, &next)
	nd := next.DonationByNumber.Devices
	if len(nd.Nodes) != 1 || !strings.HasSuffix(nd.Nodes[0].SerialNumber, "-B") || nd.PageInfo.HasNextPage {
		t.Errorf("second page: got %+v, want the second device and no next page", nd)
	}
}
