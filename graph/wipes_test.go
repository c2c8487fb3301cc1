package graph_test

import (
	"fmt"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
)

// TestNodeForMediaAndWipes resolves storage media and wipe records by their ids, for those who
// may see their device only.
func TestNodeForMediaAndWipes(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	d := e.intake(staff, nil, laptop("NODE-1", "NODE-D1")).Devices.Nodes[0]
	var w struct{ RecordWipe struct{ ID string } }
	e.ok(staff, wipe, map[string]any{"input": wipeInput(d.Storage[0].ID)}, &w)

	const q = `query($m: ID!, $w: ID!) {
		m: node(id: $m) { ... on StorageMedium { serialNumber sanitization { result } } }
		w: node(id: $w) { ... on WipeRecord { result method } } }`
	vars := map[string]any{"m": d.Storage[0].ID, "w": w.RecordWipe.ID}
	var out struct {
		M *struct {
			SerialNumber string
			Sanitization struct{ Result string }
		}
		W *struct{ Result, Method string }
	}
	e.ok(staff, q, vars, &out)
	if out.M == nil || out.M.SerialNumber != "NODE-D1" || out.M.Sanitization.Result != "PASSED" || out.W == nil || out.W.Method != "PURGE" {
		t.Errorf("nodes: got %+v %+v", out.M, out.W)
	}
	// A donor's user who does not own the device sees nothing.
	donorID := e.createDonor(staff, "Autre SA")
	var raw int64
	if _, err := fmt.Sscanf(decodeID(t, donorID), "Donor:%d", &raw); err != nil {
		t.Fatal(err)
	}
	donor := e.user("company-it@example.org", auth.RoleDonor, &raw)
	out.M, out.W = nil, nil
	e.ok(donor, q, vars, &out)
	if out.M != nil || out.W != nil {
		t.Errorf("another donor's media and wipes: got %+v %+v, want null", out.M, out.W)
	}
}
