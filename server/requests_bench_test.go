package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	mathrand "math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
)

// queueQuery is the triage page's question: the open requests, most urgent and longest
// waiting first, with who filed them.
const queueQuery = `query Queue { requestQueue(first: 100) { id reference kind status urgency waitingDays submittedAt requesterName partner { name } } }`

// BenchmarkRequestQueue is the triage queue on the demo database, through HTTP, one client at a
// time (target: under 20 ms).
func BenchmarkRequestQueue(b *testing.B) {
	e := setup(b)
	body := gqlBody(queueQuery, nil)
	if out, err := e.post(body); err != nil || !bytes.Contains(out, []byte(`"requestQueue":[{`)) {
		b.Fatalf("queue query: got %.300s, %v", out, err)
	}
	e.run(b, 1, func(*mathrand.Rand) []byte { return body })
}

// matchQuery is a request's page for staff: the request and its ten best ready devices.
const matchQuery = `query Match($id: ID!) { node(id: $id) { ... on DeviceRequest { id kind status
  matches(first: 10) { score why device { id tag make model version } } } } }`

// BenchmarkMatches is the matching list of approved laptop requests (the kind with the most
// ready devices) on the demo database, through HTTP, one client at a time (target: under 20 ms).
func BenchmarkMatches(b *testing.B) {
	e := setup(b)
	ctx := context.Background()
	var ids []int64
	if err := e.app.NewRaw("SELECT id FROM device_requests WHERE status IN ('approved', 'submitted') AND kind = 'laptop' ORDER BY id LIMIT 50").
		Scan(ctx, &ids); err != nil {
		b.Fatal(err)
	}
	// A small demo database may have none: file some, with a language and a keyboard.
	if len(ids) < 10 {
		staff, err := staffActor(ctx, e)
		if err != nil {
			b.Fatal(err)
		}
		store := requests.NewStore(e.app)
		for i := range 10 - len(ids) {
			r, err := store.Submit(staff, requests.NewRequest{Reference: fmt.Sprintf("MATCH-%d", i), Kind: "laptop", Purpose: requests.PurposeSchool,
				Language: []string{"fr", "pt", "ar", "de"}[i%4], KeyboardLayout: []string{"FR", "CH-FR", "DE", "US"}[i%4]})
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
	}
	var ready int
	if err := e.app.NewRaw("SELECT count(*) FROM devices WHERE status = 'ready' AND kind = 'laptop'").Scan(ctx, &ready); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(ready), "ready-laptops")
	body := func(r *mathrand.Rand) []byte {
		return gqlBody(matchQuery, map[string]any{"id": gid("DeviceRequest", ids[r.IntN(len(ids))])})
	}
	if out, err := e.post(body(mathrand.New(mathrand.NewPCG(1, 1)))); err != nil || !bytes.Contains(out, []byte(`"matches":[{`)) {
		b.Fatalf("match query: got %.300s, %v", out, err)
	}
	e.run(b, 1, body)
}

// BenchmarkHandOut is the hand-out at the counter through HTTP: the signature checked and
// redrawn, request and device moved, and the receipt rendered and stored, in one transaction
// (target: under 50 ms), with the receipt in French (the Go fonts) and in Arabic (DejaVu Sans
// embedded). Each iteration hands out a device allocated beforehand, outside the timer.
func BenchmarkHandOut(b *testing.B) {
	e := setup(b)
	ctx := context.Background()
	staff, err := staffActor(ctx, e)
	if err != nil {
		b.Fatal(err)
	}
	store := requests.NewStore(e.app)
	signature := rt.Signature()
	const mutation = `mutation($r: ID!, $s: String!, $l: String) { handOutDevice(requestID: $r, signature: $s, language: $l) { status certificates { number } } }`
	for _, lang := range []string{"fr", "ar"} {
		b.Run(lang, func(b *testing.B) {
			var lats latencies
			b.ResetTimer()
			b.StopTimer()
			for i := 0; i < b.N; i++ {
				var d struct {
					ID      int64 `bun:"id"`
					Version int   `bun:"version"`
				}
				if err := e.app.NewRaw("SELECT id, version FROM devices WHERE status = 'ready' AND kind = 'laptop' ORDER BY id LIMIT 1").Scan(ctx, &d); err != nil {
					b.Fatal(err)
				}
				r, err := store.Submit(staff, requests.NewRequest{Reference: fmt.Sprintf("BENCH-%s-%d", lang, i), Kind: "laptop", Purpose: requests.PurposeSchool})
				if err == nil {
					_, err = store.Decide(staff, r.ID, requests.Approve, "")
				}
				if err == nil {
					_, err = store.Allocate(staff, r.ID, d.ID, d.Version, nil)
				}
				if err != nil {
					b.Fatal(err)
				}
				body := gqlBody(mutation, map[string]any{"r": gid("DeviceRequest", r.ID), "s": signature, "l": lang})
				t0 := time.Now()
				b.StartTimer()
				out, err := e.post(body)
				b.StopTimer()
				lats = append(lats, time.Since(t0))
				if err != nil || !bytes.Contains(out, []byte(`"HANDED_OUT"`)) {
					b.Fatalf("hand out: %.300s, %v", out, err)
				}
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			slices.Sort(lats)
			b.ReportMetric(ms(lats[len(lats)/2]), "p50-ms")
			b.ReportMetric(ms(lats[min(len(lats)*99/100, len(lats)-1)]), "p99-ms")
		})
	}
}

// staffActor is the benchmark's staff user as an actor, for the fixtures the domain builds.
func staffActor(ctx context.Context, e *benchEnv) (context.Context, error) {
	svc, err := auth.NewService(e.app, auth.DefaultLimits)
	if err != nil {
		return nil, err
	}
	u, err := svc.UserByEmail(auth.System(ctx), benchEmail)
	if err != nil {
		return nil, err
	}
	return auth.WithActor(ctx, u.Actor()), nil
}

// gid is a global id, as graph writes them.
func gid(typeName string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typeName + ":" + strconv.FormatInt(id, 10)))
}
