package graph_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
)

// nestedDevices asks for the devices of the donation of each of 100 devices, levels deep: the
// 156-byte query of the report that took a server to 8.9 GiB at four levels.
func nestedDevices(levels int) string {
	q := "nodes{tag}"
	for range levels - 1 {
		q = "nodes{donation{devices(first:100){" + q + "}}}"
	}
	return "{devices(first:100){" + q + "}}"
}

// intakeMany records n laptops in one donation, in batches.
func (e *invEnv) intakeMany(staff string, n int) {
	e.t.Helper()
	var devices []map[string]any
	for i := range n {
		devices = append(devices, laptop(fmt.Sprintf("SN%04d", i), fmt.Sprintf("D%04d", i)))
	}
	input := map[string]any{"receivedOn": time.Now().Format(time.DateOnly), "devices": devices}
	e.ok(staff, `mutation($input: RecordDonationInput!) { recordDonation(input: $input) { id } }`, map[string]any{"input": input}, nil)
}

func TestNestedListsRefusedBeforeRunning(t *testing.T) {
	t.Parallel()
	e := newInvEnv(t)
	staff := e.as(auth.RoleStaff)
	donorID := e.createDonor(staff, "Banque Exemple SA")
	donor := e.user("company-it@example.org", auth.RoleDonor, databaseID(t, donorID))
	e.intakeMany(staff, 100)

	for _, tt := range []struct {
		levels int
		cost   string
	}{
		{4, "101010100"},
		{3, "1010100"},
		{2, "10100"},
	} {
		for who, token := range map[string]string{"staff": staff, "donor": donor} {
			q := nestedDevices(tt.levels)
			status, r := e.post(token, q, nil)
			if status != 400 || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeBadUserInput || r.Data != nil {
				t.Fatalf("%d levels as %s: got %d %s %+v, want 400 with one BAD_USER_INPUT error and no data", tt.levels, who, status, r.Data, r.Errors)
			}
			msg := r.Errors[0].Message
			if !strings.Contains(msg, "estimated "+tt.cost+" items") || !strings.Contains(msg, "the limit is 10000") {
				t.Errorf("%d levels: message %q should give the estimate %s and the limit 10000", tt.levels, msg, tt.cost)
			}
		}
	}
	// Within the limit the same shape is answered: 10 devices, each with its donation's 10.
	var out struct {
		Devices struct {
			Nodes []struct {
				Donation struct {
					Devices struct{ Nodes []struct{ Tag string } }
				}
			}
		}
	}
	e.ok(staff, `{devices(first:10){nodes{donation{devices(first:10){nodes{tag}}}}}}`, nil, &out)
	if len(out.Devices.Nodes) != 10 || len(out.Devices.Nodes[9].Donation.Devices.Nodes) != 10 {
		t.Errorf("got %+v, want 10 devices with 10 each", out)
	}
}

func TestCostLimitIsASetting(t *testing.T) {
	t.Parallel()
	e := newInvEnvWith(t, graph.Config{MaxCost: 20})
	staff := e.as(auth.RoleStaff)
	e.intakeMany(staff, 3)
	e.ok(staff, `{devices(first:20){nodes{tag}}}`, nil, nil)
	// A page size from a variable: the estimate of one request is not the next one's.
	const byVariable = `query($n: Int) {devices(first:$n){nodes{tag}}}`
	e.ok(staff, byVariable, map[string]any{"n": 5}, nil)
	err := e.fails(staff, byVariable, map[string]any{"n": 21}, graph.CodeBadUserInput)
	if !strings.Contains(err.Message, "estimated 21 items") || err.Extensions["maxCost"] != float64(20) {
		t.Errorf("got %q %v, want the estimate 21 and maxCost 20", err.Message, err.Extensions)
	}
	e.ok(staff, byVariable, map[string]any{"n": 5}, nil)
	// Nor when the variable's default decides it.
	const byDefault = `query($n: Int = 21) {devices(first:$n){nodes{tag}}}`
	e.fails(staff, byDefault, nil, graph.CodeBadUserInput)
	e.ok(staff, byDefault, map[string]any{"n": 5}, nil)
	e.fails(staff, byDefault, nil, graph.CodeBadUserInput)
	// A literal page size is estimated once for the document, and refused every time.
	for range 2 {
		e.fails(staff, `{devices(first:21){nodes{tag}}}`, nil, graph.CodeBadUserInput)
	}
}

func TestResponseCutAtItsLimit(t *testing.T) {
	t.Parallel()
	e := newInvEnvWith(t, graph.Config{MaxResponseBytes: 8 << 10})
	staff := e.as(auth.RoleStaff)
	e.intakeMany(staff, 60)

	var small struct{ Devices struct{ Nodes []device } }
	e.ok(staff, `{devices(first:5){nodes{`+deviceFields+`}}}`, nil, &small)
	if len(small.Devices.Nodes) != 5 {
		t.Fatalf("got %d devices, want 5", len(small.Devices.Nodes))
	}
	status, r := e.post(staff, `{devices(first:60){nodes{`+deviceFields+`}}}`, nil)
	if status != 200 || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeBadUserInput || string(r.Data) != "null" {
		t.Fatalf("got %d data %s errors %+v, want one BAD_USER_INPUT error and null data", status, r.Data, r.Errors)
	}
	if msg := r.Errors[0].Message; !strings.Contains(msg, "grew past the limit of 8 KiB") {
		t.Errorf("message %q should name the 8 KiB limit", msg)
	}
}

// With the estimate out of the way (a limit set far too high), the response budget alone keeps
// the nested query from taking the memory: it is cut, and the heap returns after.
func TestResponseBudgetBoundsMemory(t *testing.T) {
	e := newInvEnvWith(t, graph.Config{MaxCost: 1 << 30}) // default 4 MiB response limit
	staff := e.as(auth.RoleStaff)
	e.intakeMany(staff, 100)

	before := heapBytes()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				if h := liveHeap(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	})
	status, r := e.post(staff, nestedDevices(4), nil)
	close(stop)
	wg.Wait()
	if status != 200 || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "grew past the limit of 4 MiB") {
		t.Fatalf("got %d %+v, want the response cut at 8 MiB", status, r.Errors)
	}
	after := heapBytes()
	t.Logf("heap before %d MB, peak %d MB, after %d MB", before>>20, peak.Load()>>20, after>>20)
	if grown := int64(peak.Load()) - int64(before); grown > 250<<20 {
		t.Errorf("heap grew by %d MB during the request, want under 250 MB", grown>>20)
	}
	if kept := int64(after) - int64(before); kept > 50<<20 {
		t.Errorf("heap kept %d MB after the request, want under 50 MB", kept>>20)
	}
}

// heapBytes is the live heap after a collection.
func heapBytes() uint64 {
	runtime.GC()
	return liveHeap()
}

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// post executes a GraphQL request as the token's user and returns the HTTP status too.
func (e *invEnv) post(token, query string, vars map[string]any) (int, gqlResult) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", e.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r gqlResult
	if err := json.Unmarshal(raw, &r); err != nil {
		e.t.Fatalf("response %d is not GraphQL JSON: %.300s", resp.StatusCode, raw)
	}
	return resp.StatusCode, r
}

// databaseID reads the database id out of a global id.
func databaseID(t testing.TB, gid string) *int64 {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(gid)
	_, num, _ := strings.Cut(string(raw), ":")
	id, perr := strconv.ParseInt(num, 10, 64)
	if err != nil || perr != nil {
		t.Fatalf("%q is not a global id", gid)
	}
	return &id
}
