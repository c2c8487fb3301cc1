package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/inventory/wipereport/wipereporttest"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
	"github.com/digital-inclusion/refurb/server"
	"github.com/digital-inclusion/refurb/server/servertest"
	"github.com/digital-inclusion/refurb/workshops"
	wt "github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// The authorisation tests (authz_test.go, authz_routes_test.go) run on one world: the office
// (an administrator and staff) and two sides, A and B, each with a donor and its user, a partner
// organisation and its social worker, and a trainee with an account, and each party's objects.
// The roles of the matrix act on side A's objects, which are their own; side B's are another
// party's, which they must never reach.
//
// Every text of a side's objects carries a marker: ZQ, the side (A or B) and the kind of party
// it belongs to, D for a donor (donors, donations, devices, media, wipes, certificates), R for a
// partner organisation (requests, organisations), T for a trainee (trainees, hour entries); a
// user is told by the end of their e-mail address (b@example.org). An answer that holds ZQBD
// was shown a donor B's data.

// The columns of the matrix: anonymous, then one user of each role, acting on side A.
var azRoles = []string{"anonymous", "admin", "staff", "trainee", "donor", "social"}

// azKind is the kind of party an object belongs to.
type azKind string

const (
	kindDonor   azKind = "D"
	kindRequest azKind = "R"
	kindTrainee azKind = "T"
	kindUser    azKind = "U"
	kindShared  azKind = "" // the workshop's: programmes, sessions, skills
)

// azSide is one side's parties and objects.
type azSide struct {
	name string // "A" or "B"
	// The donor and its user, a donation from it with a laptop whose SSD was wiped, an import
	// and the donation certificate.
	donor       *inventory.Donor
	donorUser   *auth.User
	donation    *inventory.Donation
	device      *inventory.Device
	medium      inventory.StorageMedium
	wipe        *inventory.WipeRecord
	certificate *certificates.Issued
	// A Blancco report of a drive of the donor's, imported: its SHA-256.
	wipeReport string
	// The partner organisation, its social worker, a submitted request and one handed out with
	// its receipt (a HANDOVER certificate).
	partner    *requests.Partner
	workerUser *auth.User
	request    *requests.Request
	handedOut  *requests.Request
	receipt    string
	// The trainee, enrolled, with an account, a pending hour entry and an attendance certificate.
	trainee     *workshops.Trainee
	traineeUser *auth.User
	hours       *workshops.HourEntry
	attendance  string
	// tokens are API tokens of the side's users, by role column ("donor", "social", "trainee").
	tokens map[string]string
}

// marker returns the marker of the side's objects of kind. Users are told by their e-mail
// addresses (donora@, workera@, traineea@example.org), which every user's text holds.
func (s *azSide) marker(k azKind) string {
	if k == kindUser {
		return strings.ToLower(s.name) + "@example.org"
	}
	return "ZQ" + s.name + string(k)
}

// azWorld is the server and the world it serves.
type azWorld struct {
	t   *testing.T
	srv *servertest.Server
	inv *inventory.Store
	req *requests.Store
	ws  *workshops.Store
	crt *certificates.Store

	staff, admin context.Context
	staffUser    *auth.User
	adminUser    *auth.User
	programme    *workshops.Programme
	session      *workshops.Session
	skills       []workshops.Skill
	a, b         *azSide
	// tokens are the API tokens of the matrix's roles ("" for anonymous).
	tokens map[string]string
	seq    atomic.Int64
}

const azPublicURL = "https://refurb.example"

func newAZWorld(t *testing.T) *azWorld {
	t.Helper()
	srv := servertest.New(t, servertest.Options{Config: server.Config{PublicURL: azPublicURL,
		GraphQL: graph.Config{IntrospectionSignedIn: true}}})
	actors := srv.Users()
	certs := certificates.NewStore(srv.DB.App, azPublicURL)
	w := &azWorld{t: t, srv: srv, inv: srv.Store, crt: certs, ws: workshops.NewStore(srv.DB.App),
		req: requests.NewStore(srv.DB.App).WithIssuer(certs), staff: actors.Staff, admin: actors.Admin,
		staffUser: actors.StaffUser, adminUser: actors.AdminUser}
	if _, err := w.req.SetPolicy(w.admin, requests.Policy{MaxOpen: requests.MaxOpenLimit, RetentionDays: 365,
		OpenKinds: []inventory.Kind{inventory.KindLaptop, inventory.KindDesktop, inventory.KindTablet}}); err != nil {
		t.Fatal(err)
	}
	today := wt.Today()
	w.programme = wt.Programme(t, w.ws, w.staff, "Employability track", w.staffUser.ID, today.AddDate(-2, 0, 0), today.AddDate(0, 6, 0))
	ses, err := w.ws.CreateSession(w.staff, workshops.NewSession{ProgrammeID: &w.programme.ID, Date: today.AddDate(0, 0, -1),
		StartMinute: 9 * 60, EndMinute: 12 * 60, Topic: "OS installation", SupervisorID: w.staffUser.ID, Capacity: 200})
	if err != nil {
		t.Fatal(err)
	}
	w.session = ses
	if w.skills, err = w.ws.Skills(w.staff, false); err != nil || len(w.skills) == 0 {
		t.Fatalf("skills: %v", err)
	}
	w.a, w.b = w.side("A"), w.side("B")
	w.tokens = map[string]string{"anonymous": "", "admin": srv.Token(w.adminUser), "staff": srv.Token(w.staffUser)}
	for role, tok := range w.a.tokens {
		w.tokens[role] = tok
	}
	return w
}

// side builds one side's parties and objects.
func (w *azWorld) side(name string) *azSide {
	t := w.t
	s := &azSide{name: name, tokens: map[string]string{}}
	var err error
	s.donor = it.Donor(t, w.inv, w.staff, "Donor "+s.marker(kindDonor)+" S.A.")
	if s.donorUser, err = w.srv.Auth.CreateUser(auth.System(t.Context()), auth.NewUser{Email: "donor" + strings.ToLower(name) + "@example.org",
		Name: "Donor user " + name, Role: auth.RoleDonor, Password: it.Password, DonorID: &s.donor.ID}); err != nil {
		t.Fatal(err)
	}
	s.donation, s.device = w.donation(s)
	s.medium = it.Media(t, w.inv, w.staff, s.device.ID)[0]
	if s.wipe, _, err = w.inv.RecordWipe(w.staff, it.PassingWipe(s.medium.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.inv.ImportAssetList(w.staff, s.donation.ID, "list-"+s.marker(kindDonor)+".csv",
		[]byte("Type,Make,Model,Serial\nlaptop,HP,EliteBook,SN-"+s.marker(kindDonor)+"-LIST\n"), false); err != nil {
		t.Fatal(err)
	}
	if s.certificate, err = w.crt.Issue(w.staff, s.donation.ID, certificates.KindDonation, "en"); err != nil {
		t.Fatal(err)
	}
	_, d := w.donation(s)
	report := w.blancco(t, it.Media(t, w.inv, w.staff, d.ID)[0])
	if _, err := w.inv.ImportWipeReports(w.staff, []inventory.WipeReportFile{{Filename: "blancco.xml", Data: report}}, nil, false); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(report)
	s.wipeReport = hex.EncodeToString(sum[:])

	s.partner = rt.Partner(t, w.req, w.admin, "Partner "+s.marker(kindRequest), requests.PartnerSocialOffice)
	if s.workerUser, err = w.srv.Auth.CreateUser(auth.System(t.Context()), auth.NewUser{Email: "worker" + strings.ToLower(name) + "@example.org",
		Name: "Worker " + name, Role: auth.RoleSocialWorker, Password: it.Password, PartnerID: &s.partner.ID}); err != nil {
		t.Fatal(err)
	}
	s.request = w.request(s)
	s.handedOut = w.allocated(s)
	if s.handedOut, err = w.req.HandOut(w.staff, s.handedOut.ID, rt.Signature(), "en"); err != nil {
		t.Fatal(err)
	}
	var num string
	if err := w.srv.DB.Owner.NewRaw("SELECT number FROM certificates WHERE device_request_id = ?", s.handedOut.ID).Scan(t.Context(), &num); err != nil {
		t.Fatalf("the receipt of request %d: %v", s.handedOut.ID, err)
	}
	s.receipt = num
	w.askFollowUp(s.handedOut)

	s.trainee = wt.Trainee(t, w.ws, w.staff, "Trainee "+s.marker(kindTrainee))
	wt.Enrol(t, w.ws, w.staff, s.trainee.ID, w.programme.ID)
	s.traineeUser, _ = wt.Account(t, w.srv.Auth, s.trainee.ID, "trainee"+strings.ToLower(name)+"@example.org")
	s.hours = w.hours(s)
	approved := w.hours(s)
	if _, err := w.ws.ReviewHours(w.staff, []int64{approved.ID}, true, ""); err != nil {
		t.Fatal(err)
	}
	att, err := w.crt.Issue(w.staff, s.trainee.ID, certificates.KindAttendance, "en")
	if err != nil {
		t.Fatal(err)
	}
	s.attendance = att.Number

	for role, u := range map[string]*auth.User{"donor": s.donorUser, "social": s.workerUser, "trainee": s.traineeUser} {
		s.tokens[role] = w.srv.Token(u)
	}
	return s
}

// n returns a number unique in the world, for names and serials that must differ.
func (w *azWorld) n() int64 { return w.seq.Add(1) }

// donation records a donation from the side's donor with a laptop with an SSD.
func (w *azWorld) donation(s *azSide) (*inventory.Donation, *inventory.Device) {
	n := w.n()
	m := s.marker(kindDonor)
	don, ds := it.DonationFrom(w.t, w.inv, w.staff, &s.donor.ID, inventory.NewDevice{Kind: inventory.KindLaptop, Make: "Lenovo",
		Model: "T480 " + m, SerialNumber: fmt.Sprintf("SN-%s-%d", m, n), Notes: "notes " + m,
		Storage: []inventory.NewStorage{it.SSD(fmt.Sprintf("SSD-%s-%d", m, n))}})
	return don, &ds[0]
}

// device adds a device of kind without storage to a new donation of the side's donor.
func (w *azWorld) device(s *azSide, kind inventory.Kind) *inventory.Device {
	n := w.n()
	m := s.marker(kindDonor)
	_, ds := it.DonationFrom(w.t, w.inv, w.staff, &s.donor.ID, inventory.NewDevice{Kind: kind, Make: "Eizo", Model: "FlexScan " + m,
		SerialNumber: fmt.Sprintf("SN-%s-%d", m, n)})
	return &ds[0]
}

// blancco returns a Blancco report of a passed erasure of medium.
func (w *azWorld) blancco(t *testing.T, m inventory.StorageMedium) []byte {
	return wipereporttest.BlanccoXML("Blancco Drive Eraser", "7.9.0", wipereporttest.Blancco{Serial: *m.SerialNumber, Vendor: "Samsung",
		Model: "SSD 860", State: "Successful", Standard: "NIST 800-88 Purge", Firmware: 1,
		Start: "2024-03-18T09:12:01+0100", End: "2024-03-18T11:02:00+0100", Verified: "100"})
}

// askFollowUp dates a handed-out request's hand-out back past requests.FollowUpAfter and asks
// its follow-up, as the daily job does.
func (w *azWorld) askFollowUp(r *requests.Request) {
	w.t.Helper()
	if _, err := w.srv.DB.Owner.NewRaw("UPDATE device_requests SET handed_out_at = now() - ?::interval - interval '1 day' WHERE id = ?",
		requests.FollowUpAfter, r.ID).Exec(w.t.Context()); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.req.AskFollowUps(auth.System(w.t.Context())); err != nil {
		w.t.Fatal(err)
	}
}

// handedOut files, allocates and hands out a request of the side's worker, its follow-up asked.
func (w *azWorld) handedOutWithFollowUp(s *azSide) *requests.Request {
	r, err := w.req.HandOut(w.staff, w.allocated(s).ID, rt.Signature(), "en")
	if err != nil {
		w.t.Fatal(err)
	}
	w.askFollowUp(r)
	return r
}

// request files a request as the side's social worker.
func (w *azWorld) request(s *azSide) *requests.Request {
	ctx := auth.WithActor(w.t.Context(), s.workerUser.Actor())
	return rt.Submit(w.t, w.req, ctx, rt.Laptop(fmt.Sprintf("REF-%s-%d", s.marker(kindRequest), w.n())))
}

// approved files and approves a request of the side's social worker.
func (w *azWorld) approved(s *azSide) *requests.Request {
	r, err := w.req.Decide(w.staff, w.request(s).ID, requests.Approve, "")
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// ready records an anonymous laptop and takes it to READY.
func (w *azWorld) ready() *inventory.Device {
	n := w.n()
	return it.Ready(w.t, w.inv, w.staff, it.Device(w.t, w.inv, w.staff, it.Laptop(fmt.Sprintf("READY-%d", n), it.SSD(fmt.Sprintf("SSD-READY-%d", n)))))
}

// allocated files, approves and allocates a ready laptop to a request of the side's worker.
func (w *azWorld) allocated(s *azSide) *requests.Request {
	d := w.ready()
	r, err := w.req.Allocate(w.staff, w.approved(s).ID, d.ID, d.Version, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// hours logs a pending entry of 30 minutes as the side's trainee, on a day of its own.
func (w *azWorld) hours(s *azSide) *workshops.HourEntry {
	day := wt.Today().AddDate(0, 0, -int(2+w.n()))
	ctx := auth.WithActor(w.t.Context(), s.traineeUser.Actor())
	return wt.Hours(w.t, w.ws, ctx, workshops.NewHours{TraineeID: s.trainee.ID, Date: day, Minutes: 30, Note: "note " + s.marker(kindTrainee)})
}

// freshTrainee records a trainee of the side (not enrolled, no account).
func (w *azWorld) freshTrainee(s *azSide) *workshops.Trainee {
	return wt.Trainee(w.t, w.ws, w.staff, fmt.Sprintf("Trainee %s %d", s.marker(kindTrainee), w.n()))
}

// azID is the global id GraphQL gives an object (graph/ids.go).
func azID(typ string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + strconv.FormatInt(id, 10)))
}

// azResult is a GraphQL answer.
type azResult struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Raw string
}

// code returns the first error's code, "" without errors.
func (r azResult) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// gql sends a GraphQL request with token ("" for anonymous).
func (w *azWorld) gql(t *testing.T, token, query string, vars map[string]any) azResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := azResult{Status: resp.StatusCode, Raw: string(raw)}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("response %d is not GraphQL JSON: %s", resp.StatusCode, raw)
	}
	return r
}

// day is a date as GraphQL takes it.
func day(t time.Time) string { return t.Format(time.DateOnly) }
