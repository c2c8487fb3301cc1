package graph_test

import (
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
)

func TestWorkOnDevices(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	trainee := e.as(auth.RoleTrainee)
	var me struct{ Me struct{ ID string } }
	e.ok(trainee, `{ me { id } }`, nil, &me)
	m := e.intake(staff, nil, map[string]any{"kind": "MONITOR", "make": "Eizo"}).Devices.Nodes[0]

	const fields = `id status version wipeComplete allowedTransitions flags { flag blocking note }
		repairs { outcome minutes workers { id } recordedBy { id } }
		qaChecks { passed items { key label passed } performedBy { id } }
		events(last: 1) { kind note }`
	type workDevice struct {
		ID                 string
		Status             string
		Version            int
		WipeComplete       bool
		AllowedTransitions []string
		Flags              []struct {
			Flag     string
			Blocking bool
			Note     *string
		}
		Repairs []struct {
			Outcome    string
			Minutes    int
			Workers    []struct{ ID string }
			RecordedBy struct{ ID string }
		}
		QAChecks []struct {
			Passed bool
			Items  []struct {
				Key, Label string
				Passed     bool
			}
			PerformedBy struct{ ID string }
		}
		Events []struct {
			Kind string
			Note *string
		}
	}
	get := func() workDevice {
		t.Helper()
		var out struct{ Node workDevice }
		e.ok(trainee, `query($id: ID!) { node(id: $id) { ... on Device { `+fields+` } } }`, map[string]any{"id": m.ID}, &out)
		return out.Node
	}

	var moved struct{ TransitionDevice workDevice }
	e.ok(trainee, `mutation($id: ID!, $v: Int!) { transitionDevice(id: $id, version: $v, to: WIPED) { `+fields+` } }`,
		map[string]any{"id": m.ID, "v": m.Version}, &moved)
	d := moved.TransitionDevice
	if d.Status != "WIPED" || slices.Contains(d.AllowedTransitions, "READY") {
		t.Fatalf("after WIPED: got %+v, want WIPED without READY (no QA yet)", d)
	}

	var repair struct {
		RecordRepair struct {
			Outcome string
			Device  struct{ Status string }
			Workers []struct{ ID string }
		}
	}
	e.ok(trainee, `mutation($input: RecordRepairInput!) { recordRepair(input: $input) { outcome device { status } workers { id } } }`,
		map[string]any{"input": map[string]any{"deviceID": m.ID, "description": "cleaned the panel", "minutes": 15, "outcome": "FIXED"}}, &repair)
	if r := repair.RecordRepair; r.Outcome != "FIXED" || r.Device.Status != "WIPED" || len(r.Workers) != 1 || r.Workers[0].ID != me.Me.ID {
		t.Errorf("recordRepair: got %+v, want FIXED by the trainee", r)
	}
	e.fails(trainee, `mutation($input: RecordRepairInput!) { recordRepair(input: $input) { outcome } }`,
		map[string]any{"input": map[string]any{"deviceID": m.ID, "description": "x", "minutes": -5, "outcome": "FIXED"}}, graph.CodeBadUserInput)

	var template struct {
		QATemplate []struct{ Key string }
	}
	e.ok(trainee, `{ qaTemplate(kind: MONITOR) { key } }`, nil, &template)
	var items []map[string]any
	for _, it := range template.QATemplate {
		items = append(items, map[string]any{"key": it.Key, "passed": true})
	}
	if len(items) != 3 {
		t.Fatalf("qaTemplate(MONITOR): got %+v", template)
	}
	err := e.fails(trainee, `mutation($input: RecordQACheckInput!) { recordQACheck(input: $input) { passed } }`,
		map[string]any{"input": map[string]any{"deviceID": m.ID, "items": append(slices.Clone(items), map[string]any{"key": "teleport", "passed": true})}}, graph.CodeBadUserInput)
	if err.Extensions["field"] != "input.items[3].key" {
		t.Errorf("unknown QA item: got field %v, want input.items[3].key", err.Extensions["field"])
	}
	e.ok(trainee, `mutation($input: RecordQACheckInput!) { recordQACheck(input: $input) { passed } }`,
		map[string]any{"input": map[string]any{"deviceID": m.ID, "items": items}}, nil)
	d = get()
	if len(d.QAChecks) != 1 || !d.QAChecks[0].Passed || d.QAChecks[0].Items[0].Label == "" || len(d.Repairs) != 1 || d.Repairs[0].Minutes != 15 {
		t.Errorf("after repair and QA: got %+v", d)
	}
	if !slices.Contains(d.AllowedTransitions, "READY") || d.Events[0].Kind != "QA" {
		t.Errorf("after a passed QA: got transitions %v, events %+v, want READY allowed and a QA event", d.AllowedTransitions, d.Events)
	}

	const setFlag = `mutation($id: ID!, $v: Int!) { setDeviceFlag(id: $id, version: $v, flag: NEEDS_PART, note: "power button") { ` + fields + ` } }`
	e.fails(trainee, setFlag, map[string]any{"id": m.ID, "v": d.Version - 1}, graph.CodeConflict)
	var flagged struct{ SetDeviceFlag workDevice }
	e.ok(trainee, setFlag, map[string]any{"id": m.ID, "v": d.Version}, &flagged)
	f := flagged.SetDeviceFlag
	if len(f.Flags) != 1 || f.Flags[0].Flag != "NEEDS_PART" || !f.Flags[0].Blocking || slices.Contains(f.AllowedTransitions, "READY") {
		t.Errorf("after NEEDS_PART: got %+v, want the blocking flag and no READY", f)
	}
	var cleared struct{ ClearDeviceFlag workDevice }
	e.ok(trainee, `mutation($id: ID!, $v: Int!) { clearDeviceFlag(id: $id, version: $v, flag: NEEDS_PART) { `+fields+` } }`,
		map[string]any{"id": m.ID, "v": f.Version}, &cleared)
	if c := cleared.ClearDeviceFlag; len(c.Flags) != 0 || !slices.Contains(c.AllowedTransitions, "READY") {
		t.Errorf("after clearing: got %+v", c)
	}

	var noted struct{ AddDeviceNote workDevice }
	e.ok(trainee, `mutation($id: ID!) { addDeviceNote(id: $id, note: "scratch on the stand") { `+fields+` } }`, map[string]any{"id": m.ID}, &noted)
	if ev := noted.AddDeviceNote.Events; len(ev) != 1 || ev[0].Kind != "NOTE" || *ev[0].Note != "scratch on the stand" {
		t.Errorf("addDeviceNote: got events %+v", ev)
	}

	const update = `mutation($id: ID!, $v: Int!, $input: DevicePatchInput!) { updateDevice(id: $id, version: $v, input: $input) { version events(last: 1) { kind } } }`
	v := noted.AddDeviceNote.Version
	e.fails(trainee, update, map[string]any{"id": m.ID, "v": v - 1, "input": map[string]any{"location": "B-2"}}, graph.CodeConflict)
	err = e.fails(trainee, update, map[string]any{"id": m.ID, "v": v, "input": map[string]any{"serialNumber": "A\tB"}}, graph.CodeBadUserInput)
	if err.Extensions["field"] != "input.serialNumber" {
		t.Errorf("updateDevice with a tab in the serial: got field %v, want input.serialNumber", err.Extensions["field"])
	}
	var updated struct {
		UpdateDevice struct {
			Version int
			Events  []struct{ Kind string }
		}
	}
	e.ok(trainee, update, map[string]any{"id": m.ID, "v": v, "input": map[string]any{"location": "B-2"}}, &updated)
	if u := updated.UpdateDevice; u.Version != v+1 || u.Events[0].Kind != "EDIT" {
		t.Errorf("updateDevice: got %+v, want version %d and an EDIT event", u, v+1)
	}

	// A drive fitted to a WIPED device must be sanitized: it goes back to IN_REPAIR.
	var added struct {
		AddStorage struct {
			SerialNumber string
			Sanitization *struct{ Result string }
			Device       struct {
				Status       string
				WipeComplete bool
			}
		}
	}
	e.ok(trainee, `mutation($id: ID!) { addStorage(deviceID: $id, input: {kind: HDD, serialNumber: "NEW-1"}) {
		serialNumber sanitization { result } device { status wipeComplete } } }`, map[string]any{"id": m.ID}, &added)
	if a := added.AddStorage; a.SerialNumber != "NEW-1" || a.Sanitization != nil || a.Device.Status != "IN_REPAIR" || a.Device.WipeComplete {
		t.Errorf("addStorage: got %+v, want an unsanitized drive on an IN_REPAIR device", a)
	}
}
