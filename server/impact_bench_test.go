package server_test

import (
	"bytes"
	"context"
	"io"
	mathrand "math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/impact"
)

// impactQuery is what a funder's script or the board's spreadsheet asks: the year's ledger with
// every breakdown.
const impactQuery = `query Impact($from: Date!, $to: Date!) { impact(from: $from, to: $to) {
  devicesReceived devicesHandedOut devicesRecycled kgReused kgRecycled co2eAvoidedKg requestsHandedOut
  medianDaysRequestToHandOut p90DaysRequestToHandOut approvedTraineeMinutes spansFactorSets
  factorSets { name version devices co2eAvoidedKg } age { atIntakeYears atHandOutYears extraYears lifetimeFactor }
  months { month received handedOut recycled kgReused co2eAvoidedKg } kinds { kind received handedOut recycled age { atHandOutYears } }
  monthKinds { month kind received handedOut } handOuts { partnerKind purpose handedOut } queue { date waiting waitlisted }
  followUps { asked answered inUse { answer count } uses { use count } problems { problem count } }
  hoursByProgramme { programmeName approvedMinutes trainees } hoursByMonth { programmeName month approvedMinutes }
  skillsCertified skills { trainees skill { key } } certificatesIssued certificates { kind issued } } }`

// lastYear is the year ending today, as the dashboard's "last 12 months".
func lastYear() (string, string) {
	today := time.Now()
	return today.AddDate(-1, 0, 1).Format(time.DateOnly), today.Format(time.DateOnly)
}

// BenchmarkImpact is the ledger of one year on the demo database through GraphQL, one client at
// a time (target: under 200 ms).
func BenchmarkImpact(b *testing.B) {
	e := setup(b)
	from, to := lastYear()
	body := gqlBody(impactQuery, map[string]any{"from": from, "to": to})
	out, err := e.post(body)
	if err != nil || !bytes.Contains(out, []byte(`"devicesReceived":`)) || bytes.Contains(out, []byte(`"devicesReceived":0,`)) {
		b.Fatalf("impact query: got %.400s, %v", out, err)
	}
	e.run(b, 1, func(*mathrand.Rand) []byte { return body })
}

// BenchmarkImpactLedger is the domain call alone (impact.Store.Ledger) for one year: what the
// GraphQL figure spends in SQL and Go before presenting it.
func BenchmarkImpactLedger(b *testing.B) {
	e := setup(b)
	ctx, err := staffActor(context.Background(), e)
	if err != nil {
		b.Fatal(err)
	}
	st := impact.NewStore(e.app)
	today := st.Today()
	from := today.AddDate(-1, 0, 1)
	var lats latencies
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		t0 := time.Now()
		if _, err := st.Ledger(ctx, from, today); err != nil {
			b.Fatal(err)
		}
		lats = append(lats, time.Since(t0))
	}
	lats.report(b, time.Since(start))
}

// BenchmarkImpactDashboard is the dashboard page of one year (figures, seven SVG charts and
// their tables, the other tables) with a browser session, one client at a time (target: under
// 300 ms).
func BenchmarkImpactDashboard(b *testing.B) {
	e := setup(b)
	from, to := lastYear()
	url := e.srv.URL + "/impact?from=" + from + "&to=" + to
	get := func() ([]byte, error) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Accept-Language", "fr")
		resp, err := e.client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = &statusError{resp.StatusCode}
		}
		return body, err
	}
	page, err := get()
	if err != nil || !bytes.Contains(page, []byte(`<svg`)) || !bytes.Contains(page, []byte(`id="fig-received"`)) {
		b.Fatalf("the dashboard: %v\n%.500s", err, page)
	}
	b.ReportMetric(float64(len(page)), "bytes")
	var lats latencies
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		t0 := time.Now()
		if _, err := get(); err != nil {
			b.Fatal(err)
		}
		lats = append(lats, time.Since(t0))
	}
	lats.report(b, time.Since(start))
}

type statusError struct{ status int }

func (e *statusError) Error() string { return http.StatusText(e.status) }
