package graph_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
)

// TestImpact is the ledger through GraphQL: today's intake and hand-out in its figures, an
// empty year with null medians, a bad period on "to", the office only; a donor's impact for
// their users; the follow-up of a hand-out answered once by its social worker; the annual
// report issued.
func TestImpact(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t)
	staff := e.tokens["staff"]
	ctx := context.Background()
	inv := e.rt.Inventory

	// The donor's donation: a laptop taken to ready and handed out to worker A's request.
	donorID := e.rt.Donated.ID
	_, devs := it.DonationFrom(t, inv, e.rt.Staff, &donorID, it.Laptop("IMP-1", it.SSD("IMP-SSD-1")),
		inventory.NewDevice{Kind: inventory.KindSmartphone, ManufactureYear: ptrTo(2021)})
	d := it.Ready(t, inv, e.rt.Staff, it.Wipe(t, inv, e.rt.Staff, devs[0].ID))
	r := e.rt.Allocated(t, e.rt.WorkerA, rt.Laptop("IMP-REF-1"), d)
	if _, err := e.rt.Store.HandOut(e.rt.Staff, r.ID, rt.Signature(), "fr"); err != nil {
		t.Fatal(err)
	}

	today := time.Now().In(mustLux(t)).Format(time.DateOnly)
	const q = `query($from: Date!, $to: Date!) { impact(from: $from, to: $to) {
		from to devicesReceived devicesHandedOut devicesRecycled kgReused kgRecycled co2eAvoidedKg requestsHandedOut
		medianDaysRequestToHandOut p90DaysRequestToHandOut approvedTraineeMinutes spansFactorSets
		factorSets { name version devices co2eAvoidedKg } age { atIntakeYears intakeDated extraYears lifetimeFactor }
		months { month received handedOut } kinds { kind received handedOut age { atHandOutYears } }
		handOuts { partnerKind purpose handedOut } queue { date waiting waitlisted }
		followUps { asked answered inUse { answer count } } certificates { kind issued } downloads { table csvURL xlsxURL } } }`
	var got struct {
		Impact struct {
			From, To                                            string
			DevicesReceived, DevicesHandedOut, DevicesRecycled  int
			KgReused, KgRecycled, Co2eAvoidedKg                 float64
			RequestsHandedOut                                   int
			MedianDaysRequestToHandOut, P90DaysRequestToHandOut *float64
			ApprovedTraineeMinutes                              int
			SpansFactorSets                                     bool
			FactorSets                                          []struct {
				Name, Version string
				Devices       int
			}
			Age struct {
				AtIntakeYears *float64
				IntakeDated   int
				ExtraYears    float64
			}
			Months []struct {
				Month               string
				Received, HandedOut int
			}
			Kinds []struct {
				Kind                string
				Received, HandedOut int
			}
			HandOuts []struct {
				PartnerKind, Purpose string
				HandedOut            int
			}
			Queue []struct {
				Date                string
				Waiting, Waitlisted int
			}
			Downloads []struct{ Table, CsvURL, XlsxURL string }
		}
	}
	e.ok(staff, q, map[string]any{"from": today, "to": today}, &got)
	im := got.Impact
	// The two devices received, the laptop handed out.
	if im.From != today || im.DevicesReceived != 2 || im.DevicesHandedOut != 1 || im.RequestsHandedOut != 1 || im.DevicesRecycled != 0 {
		t.Errorf("today: got %+v", im)
	}
	if math.Abs(im.Co2eAvoidedKg-132.7) > 1e-9 || im.KgReused <= 0 || im.MedianDaysRequestToHandOut == nil || *im.MedianDaysRequestToHandOut != 0 {
		t.Errorf("today's CO2e %v, kg %v, median %v: want 132.7 (a medium laptop), some kg, 0 days", im.Co2eAvoidedKg, im.KgReused, im.MedianDaysRequestToHandOut)
	}
	if im.SpansFactorSets || len(im.FactorSets) != 1 || im.FactorSets[0].Devices != 1 || im.Age.IntakeDated != 1 || im.Age.AtIntakeYears == nil {
		t.Errorf("factor sets %+v, age %+v", im.FactorSets, im.Age)
	}
	if len(im.HandOuts) != 1 || im.HandOuts[0].PartnerKind != "SOCIAL_OFFICE" || im.HandOuts[0].Purpose != "SCHOOL" {
		t.Errorf("hand-outs: got %+v", im.HandOuts)
	}
	if len(im.Months) != 1 || im.Months[0].HandedOut != 1 || len(im.Queue) != 1 || len(im.Downloads) != 10 ||
		!strings.HasPrefix(im.Downloads[0].CsvURL, publicURL+"/impact/months.csv?from=") {
		t.Errorf("months %+v, queue %+v, downloads %+v", im.Months, im.Queue, im.Downloads)
	}

	// An empty year: zeros and null medians.
	e.ok(staff, q, map[string]any{"from": "2001-01-01", "to": "2001-12-31"}, &got)
	if im := got.Impact; im.DevicesReceived != 0 || im.MedianDaysRequestToHandOut != nil || im.P90DaysRequestToHandOut != nil || len(im.Months) != 12 || len(im.FactorSets) != 0 {
		t.Errorf("2001: got %+v", im)
	}
	// A period ending before it starts, on "to".
	if err := e.fails(staff, q, map[string]any{"from": "2026-02-01", "to": "2026-01-01"}, "BAD_USER_INPUT"); err.Extensions["field"] != "to" {
		t.Errorf("a backwards period: got %+v", err)
	}
	// The office only.
	for _, role := range []string{"trainee", "donor", "workerA"} {
		e.fails(e.tokens[role], q, map[string]any{"from": today, "to": today}, "FORBIDDEN")
	}

	// A donor's impact, for their users; another donor's is nobody's business.
	const dq = `query($id: ID!) { node(id: $id) { ... on Donor { impact { devices handedOut inStock kgReused co2eAvoidedKg peopleEquipped } } } }`
	var di struct {
		Node struct {
			Impact struct {
				Devices, HandedOut, InStock int
				KgReused, Co2eAvoidedKg     float64
				PeopleEquipped              int
			}
		}
	}
	e.ok(e.tokens["donor"], dq, map[string]any{"id": gid("Donor", donorID)}, &di)
	if x := di.Node.Impact; x.Devices != 2 || x.HandedOut != 1 || x.InStock != 1 || x.PeopleEquipped != 1 || math.Abs(x.Co2eAvoidedKg-132.7) > 1e-9 {
		t.Errorf("the donor's impact: got %+v", x)
	}
	other := it.Donor(t, inv, e.rt.Staff, "Another donor")
	var none struct{ Node *struct{} }
	e.ok(e.tokens["donor"], dq, map[string]any{"id": gid("Donor", other.ID)}, &none)
	if none.Node != nil {
		t.Errorf("another donor's impact: got %+v, want no donor", none.Node)
	}

	// The follow-up, as the daily job would ask it three months later.
	if _, err := e.rt.DB.Owner.ExecContext(ctx, "INSERT INTO request_follow_ups (request_id) VALUES (?)", r.ID); err != nil {
		t.Fatal(err)
	}
	var open struct{ FollowUpsToAnswer []struct{ ID string } }
	e.ok(e.tokens["workerA"], `{ followUpsToAnswer { id } }`, nil, &open)
	if len(open.FollowUpsToAnswer) != 1 || open.FollowUpsToAnswer[0].ID != gid("DeviceRequest", r.ID) {
		t.Fatalf("follow-ups to answer: got %+v", open)
	}
	e.ok(e.tokens["workerB"], `{ followUpsToAnswer { id } }`, nil, &open)
	if len(open.FollowUpsToAnswer) != 0 {
		t.Errorf("another social worker's follow-ups: got %+v", open)
	}
	const answer = `mutation($r: ID!) { answerFollowUp(requestID: $r, input: {inUse: YES, uses: [SCHOOL, COMMUNICATION, SCHOOL], problem: CONNECTIVITY}) { answeredAt inUse uses problem } }`
	e.fails(e.tokens["workerB"], answer, map[string]any{"r": gid("DeviceRequest", r.ID)}, "NOT_FOUND")
	var ans struct {
		AnswerFollowUp struct {
			AnsweredAt *string
			InUse      string
			Uses       []string
			Problem    string
		}
	}
	e.ok(e.tokens["workerA"], answer, map[string]any{"r": gid("DeviceRequest", r.ID)}, &ans)
	if a := ans.AnswerFollowUp; a.AnsweredAt == nil || a.InUse != "YES" || strings.Join(a.Uses, ",") != "SCHOOL,COMMUNICATION" || a.Problem != "CONNECTIVITY" {
		t.Errorf("answered: got %+v", a)
	}
	e.fails(e.tokens["workerA"], answer, map[string]any{"r": gid("DeviceRequest", r.ID)}, "CONFLICT")
	var fu struct {
		Impact struct {
			FollowUps struct {
				Asked, Answered int
				InUse           []struct {
					Answer string
					Count  int
				}
			}
		}
	}
	e.ok(staff, `query($d: Date!) { impact(from: $d, to: $d) { followUps { asked answered inUse { answer count } } } }`, map[string]any{"d": today}, &fu)
	if f := fu.Impact.FollowUps; f.Asked != 1 || f.Answered != 1 || f.InUse[0].Answer != "YES" || f.InUse[0].Count != 1 {
		t.Errorf("the ledger's follow-ups: got %+v", f)
	}

	// The annual report.
	year := time.Now().In(mustLux(t)).Year()
	var rep struct {
		IssueImpactReport struct{ Number, Kind, PdfURL string }
	}
	const issue = `mutation($y: Int!) { issueImpactReport(year: $y, language: "de") { number kind pdfURL } }`
	e.ok(staff, issue, map[string]any{"y": year}, &rep)
	if !strings.HasPrefix(rep.IssueImpactReport.Number, "IR-"+strconv.Itoa(year)+"-") || rep.IssueImpactReport.Kind != "IMPACT_REPORT" {
		t.Errorf("issued: got %+v", rep)
	}
	e.fails(e.tokens["trainee"], issue, map[string]any{"y": year}, "FORBIDDEN")
	if err := e.fails(staff, issue, map[string]any{"y": year + 1}, "BAD_USER_INPUT"); err.Extensions["field"] != "year" {
		t.Errorf("next year's report: got %+v", err)
	}
}

func ptrTo[T any](v T) *T { return &v }

func mustLux(t *testing.T) *time.Location {
	tz, err := time.LoadLocation("Europe/Luxembourg")
	if err != nil {
		t.Fatal(err)
	}
	return tz
}
