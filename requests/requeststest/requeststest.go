// Package requeststest builds device-request fixtures for tests on a pgtest database: two
// partner organisations with social workers and a coordinator, on top of inventorytest's users
// of every role, ready devices, and requests taken to any status. Builders fail the test on
// error.
package requeststest

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	it "github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/requests"
)

// Env is a test database with the inventory and requests stores and the people of a request's
// story.
type Env struct {
	DB        *pgtest.DB
	Inventory *inventory.Store
	// Store issues receipts through Issuer, which records them.
	Store  *requests.Store
	Issuer *Issuer
	*it.Actors

	// PartnerA and PartnerB are two organisations; WorkerA and WorkerA2 work at A, WorkerB at B,
	// CoordinatorA coordinates A.
	PartnerA, PartnerB                                       *requests.Partner
	WorkerA, WorkerA2, WorkerB, CoordinatorA                 context.Context
	WorkerAUser, WorkerA2User, WorkerBUser, CoordinatorAUser *auth.User
}

// New gives a test its own database with the stores and the people (Users, plus the partner
// organisations and their social workers).
func New(t testing.TB) *Env {
	t.Helper()
	db, inv, actors := it.New(t)
	e := &Env{DB: db, Inventory: inv, Actors: actors, Issuer: &Issuer{}}
	e.Store = requests.NewStore(db.App).WithIssuer(e.Issuer)
	e.PartnerA = Partner(t, e.Store, actors.Admin, "Office social de Hesperange", requests.PartnerSocialOffice)
	e.PartnerB = Partner(t, e.Store, actors.Admin, "Croix-Rouge luxembourgeoise", requests.PartnerRefugeeAgency)
	e.WorkerAUser, e.WorkerA = e.NewSocialWorker(t, "worker.a", e.PartnerA.ID, false)
	e.WorkerA2User, e.WorkerA2 = e.NewSocialWorker(t, "worker.a2", e.PartnerA.ID, false)
	e.WorkerBUser, e.WorkerB = e.NewSocialWorker(t, "worker.b", e.PartnerB.ID, false)
	e.CoordinatorAUser, e.CoordinatorA = e.NewSocialWorker(t, "coordinator.a", e.PartnerA.ID, true)
	return e
}

// NewSocialWorker creates a social worker of partner name@example.org and the context they act in.
func (e *Env) NewSocialWorker(t testing.TB, name string, partnerID int64, coordinator bool) (*auth.User, context.Context) {
	t.Helper()
	svc, err := auth.NewService(e.DB.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(e.System, auth.NewUser{Email: name + "@example.org", Name: "Test " + name, Role: auth.RoleSocialWorker,
		Password: it.Password, PartnerID: &partnerID, Coordinator: coordinator})
	if err != nil {
		t.Fatalf("create social worker %s: %v", name, err)
	}
	return u, auth.WithActor(t.Context(), u.Actor())
}

// Partner creates a partner organisation.
func Partner(t testing.TB, store *requests.Store, ctx context.Context, name string, kind requests.PartnerKind) *requests.Partner {
	t.Helper()
	p, err := store.CreatePartner(ctx, requests.NewPartner{Name: name, Kind: kind, Contact: "+352 00 00 00"})
	if err != nil {
		t.Fatalf("create partner %s: %v", name, err)
	}
	return p
}

// Laptop is a request for a laptop for school under reference ref.
func Laptop(ref string) requests.NewRequest {
	return requests.NewRequest{Reference: ref, Kind: inventory.KindLaptop, Purpose: requests.PurposeSchool, Language: "fr", KeyboardLayout: "FR"}
}

// Submit files n as ctx's actor.
func Submit(t testing.TB, store *requests.Store, ctx context.Context, n requests.NewRequest) *requests.Request {
	t.Helper()
	r, err := store.Submit(ctx, n)
	if err != nil {
		t.Fatalf("submit %s: %v", n.Reference, err)
	}
	return r
}

// Approved files n as ctx's actor and approves it as staff.
func (e *Env) Approved(t testing.TB, ctx context.Context, n requests.NewRequest) *requests.Request {
	t.Helper()
	r := Submit(t, e.Store, ctx, n)
	r, err := e.Store.Decide(e.Staff, r.ID, requests.Approve, "")
	if err != nil {
		t.Fatalf("approve %d: %v", r.ID, err)
	}
	return r
}

// ReadyLaptop records a laptop with a drive under serial and takes it to ready.
func (e *Env) ReadyLaptop(t testing.TB, serial string) *inventory.Device {
	t.Helper()
	return it.Ready(t, e.Inventory, e.Staff, it.Device(t, e.Inventory, e.Staff, it.Laptop(serial, it.SSD("SSD-"+serial))))
}

// Allocated files n as ctx's actor, approves it and allocates d to it, as staff.
func (e *Env) Allocated(t testing.TB, ctx context.Context, n requests.NewRequest, d *inventory.Device) *requests.Request {
	t.Helper()
	r := e.Approved(t, ctx, n)
	r, err := e.Store.Allocate(e.Staff, r.ID, d.ID, d.Version, nil)
	if err != nil {
		t.Fatalf("allocate %s to %d: %v", d.Tag, r.ID, err)
	}
	return r
}

// Issuer records the receipts a hand-out asks for, and issues none.
type Issuer struct {
	mu     sync.Mutex
	Issued []Issued
	// Err, when set, is what IssueReceipt answers: the hand-out must then change nothing.
	Err error
}

// Issued is a receipt asked for.
type Issued struct {
	RequestID int64
	Language  string
}

// IssueReceipt implements requests.Issuer.
func (i *Issuer) IssueReceipt(_ context.Context, _ bun.IDB, requestID int64, language string) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.Err != nil {
		return i.Err
	}
	i.Issued = append(i.Issued, Issued{requestID, language})
	return nil
}
