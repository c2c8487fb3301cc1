package graph_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
)

const transition = `mutation($id: ID!, $version: Int!, $to: DeviceStatus!) {
	transitionDevice(id: $id, version: $version, to: $to) { status version }
}`

func TestLifecycleOverGraphQL(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	trainee := e.as(auth.RoleTrainee)
	don := e.intake(staff, nil, laptop("PF1", "DRIVE-A", "DRIVE-B"), map[string]any{"kind": "MONITOR"})
	d, monitor := don.Devices.Nodes[0], don.Devices.Nodes[1]

	// allowedTransitions depends on the guards and the role.
	for _, c := range []struct {
		token string
		dev   device
		want  []string
	}{
		{staff, d, []string{"LOST"}}, // everything else needs sanitized storage
		{trainee, d, []string{}},
		{staff, monitor, []string{"WIPED", "RECYCLED", "DISMANTLED", "LOST"}}, // no storage to sanitize
		{trainee, monitor, []string{"WIPED"}},
	} {
		if got := e.device(c.token, c.dev.Tag).AllowedTransitions; !slices.Equal(got, c.want) {
			t.Errorf("allowedTransitions of %s: got %v, want %v", c.dev.Kind, got, c.want)
		}
	}

	vars := func(version int, to string) map[string]any {
		return map[string]any{"id": d.ID, "version": version, "to": to}
	}
	e.fails(staff, transition, vars(d.Version+1, "LOST"), graph.CodeConflict)

	err := e.fails(staff, transition, vars(d.Version, "READY"), graph.CodeInvalidTransition)
	if err.Extensions["from"] != "RECEIVED" || err.Extensions["to"] != "READY" || err.Extensions["reason"] == "" {
		t.Errorf("forbidden move: got extensions %v, want from RECEIVED to READY with a reason", err.Extensions)
	}

	err = e.fails(staff, transition, vars(d.Version, "RECYCLED"), graph.CodeWipeRequired)
	ids, _ := err.Extensions["mediumIDs"].([]any)
	serials, _ := err.Extensions["serials"].([]any)
	if len(ids) != 2 || ids[0] != d.Storage[0].ID || ids[1] != d.Storage[1].ID || fmt.Sprint(serials) != "[DRIVE-A DRIVE-B]" {
		t.Errorf("recycle unwiped: got extensions %v, want both media and their serials", err.Extensions)
	}

	// A trainee wipes the first drive: the device stays RECEIVED.
	var w struct {
		RecordWipe struct {
			Result   string
			Operator struct{ Email string }
		}
	}
	e.ok(trainee, wipe, map[string]any{"input": wipeInput(d.Storage[0].ID)}, &w)
	if w.RecordWipe.Result != "PASSED" || w.RecordWipe.Operator.Email != "trainee@example.org" {
		t.Errorf("recordWipe: got %+v", w)
	}
	got := e.device(staff, d.Tag)
	if got.Status != "RECEIVED" || got.WipeComplete || got.Storage[0].Sanitization == nil || got.Storage[1].Sanitization != nil {
		t.Errorf("after one wipe: got %+v", got)
	}
	// After the last drive, the device is WIPED by itself.
	e.ok(staff, wipe, map[string]any{"input": wipeInput(d.Storage[1].ID)}, nil)
	got = e.device(staff, d.Tag)
	if got.Status != "WIPED" || !got.WipeComplete {
		t.Fatalf("after every wipe: got status %s wipeComplete %v, want WIPED and true", got.Status, got.WipeComplete)
	}
	var kinds []string
	for _, ev := range got.Events {
		kinds = append(kinds, ev.Kind)
	}
	if want := []string{"STATUS", "WIPE", "WIPE", "INTAKE"}; !slices.Equal(kinds, want) {
		t.Errorf("events: got %v, want %v", kinds, want)
	}
	if s := got.Events[0]; *s.FromStatus != "RECEIVED" || *s.ToStatus != "WIPED" {
		t.Errorf("status event: got %v → %v, want RECEIVED → WIPED", *s.FromStatus, *s.ToStatus)
	}
	if a := got.AllowedTransitions; !slices.Equal(a, []string{"IN_REPAIR", "RECYCLED", "DISMANTLED", "LOST"}) {
		t.Errorf("staff allowedTransitions when WIPED: got %v", a) // READY needs a passed QA check
	}
	if a := e.device(trainee, d.Tag).AllowedTransitions; !slices.Equal(a, []string{"IN_REPAIR"}) {
		t.Errorf("trainee allowedTransitions when WIPED: got %v", a)
	}

	// The old version is stale now; the current one moves it.
	e.fails(staff, transition, vars(d.Version, "IN_REPAIR"), graph.CodeConflict)
	var moved struct{ TransitionDevice struct{ Status string } }
	e.ok(trainee, transition, vars(got.Version, "IN_REPAIR"), &moved)
	if moved.TransitionDevice.Status != "IN_REPAIR" {
		t.Errorf("transition: got %+v", moved)
	}
	// A trainee may not send a device to recycling.
	e.fails(trainee, transition, vars(got.Version+1, "RECYCLED"), graph.CodeForbidden)
}
