// Package inventorytest builds inventory fixtures for tests on a pgtest database: users of every
// role with their contexts, donors, donations with devices, and devices taken through wipes and
// QA. Builders fail the test on error, so a test reads as the story it tells.
package inventorytest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
)

// Password is the password of every user Users creates, for tests that sign in through the
// login page.
const Password = "correct horse battery"

// Actors are one user of each role, with a context in which each acts.
type Actors struct {
	Admin, Staff, Trainee, Trainee2, Donor, SocialWorker, Anonymous context.Context
	// System is the command line: an administrator with no user behind it.
	System context.Context

	AdminUser, StaffUser, TraineeUser, Trainee2User, DonorUser, SocialWorkerUser *auth.User
	// Donated is the donor that DonorUser acts for.
	Donated *inventory.Donor

	auth   *auth.Service
	byRole map[auth.Role]roleUser // the first user of each role, for Of
}

type roleUser struct {
	user *auth.User
	ctx  context.Context
}

// Users creates a donor and one user of each role (two trainees, for work that needs a second
// person) in db. Their addresses are admin@, staff@, trainee@, trainee2@, donor@ and
// social@example.org, their password Password; the donor is "Banque Exemple S.A.".
func Users(t testing.TB, db *pgtest.DB) *Actors {
	t.Helper()
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	base := t.Context()
	sys := auth.System(base)
	a := &Actors{System: sys, Anonymous: base, auth: svc, byRole: map[auth.Role]roleUser{}}
	a.Donated = Donor(t, inventory.NewStore(db.App), sys, "Banque Exemple S.A.")
	create := func(role auth.Role, name string, donorID *int64) (*auth.User, context.Context) {
		u, err := svc.CreateUser(sys, auth.NewUser{
			Email: name + "@example.org", Name: "Test " + name, Role: role, Password: Password, DonorID: donorID})
		if err != nil {
			t.Fatalf("create %s user: %v", role, err)
		}
		ctx := auth.WithActor(base, u.Actor())
		if _, ok := a.byRole[role]; !ok {
			a.byRole[role] = roleUser{u, ctx}
		}
		return u, ctx
	}
	a.AdminUser, a.Admin = create(auth.RoleAdmin, "admin", nil)
	a.StaffUser, a.Staff = create(auth.RoleStaff, "staff", nil)
	a.TraineeUser, a.Trainee = create(auth.RoleTrainee, "trainee", nil)
	a.Trainee2User, a.Trainee2 = create(auth.RoleTrainee, "trainee2", nil)
	a.DonorUser, a.Donor = create(auth.RoleDonor, "donor", &a.Donated.ID)
	a.SocialWorkerUser, a.SocialWorker = create(auth.RoleSocialWorker, "social", nil)
	return a
}

// Of returns the user of role and the context in which they act (the first trainee for
// RoleTrainee), for tests that go through every role; it fails the test for an unknown role.
func (a *Actors) Of(t testing.TB, role auth.Role) (*auth.User, context.Context) {
	t.Helper()
	if u, ok := a.byRole[role]; ok {
		return u.user, u.ctx
	}
	t.Fatalf("no user of role %q", role)
	return nil, nil
}

// Token returns a new API token of u, for tests that call GraphQL with a bearer token.
func (a *Actors) Token(t testing.TB, u *auth.User) string {
	t.Helper()
	token, _, err := a.auth.CreateToken(a.System, u.Email, "test")
	if err != nil {
		t.Fatalf("create a token for %s: %v", u.Email, err)
	}
	return token
}

// Donor records a company donor named name.
func Donor(t testing.TB, store *inventory.Store, ctx context.Context, name string) *inventory.Donor {
	t.Helper()
	d, err := store.CreateDonor(ctx, inventory.NewDonor{Name: name, Kind: inventory.DonorCompany})
	if err != nil {
		t.Fatalf("create donor %s: %v", name, err)
	}
	return d
}

// Donation records an anonymous donation received today with devices.
func Donation(t testing.TB, store *inventory.Store, ctx context.Context, devices ...inventory.NewDevice) (*inventory.Donation, []inventory.Device) {
	t.Helper()
	return DonationFrom(t, store, ctx, nil, devices...)
}

// DonationFrom records a donation from donorID (nil: anonymous) received today with devices.
func DonationFrom(t testing.TB, store *inventory.Store, ctx context.Context, donorID *int64, devices ...inventory.NewDevice) (*inventory.Donation, []inventory.Device) {
	t.Helper()
	don, ds, err := store.RecordDonation(ctx, inventory.NewDonation{DonorID: donorID, ReceivedOn: Today(), Devices: devices})
	if err != nil {
		t.Fatalf("record donation: %v", err)
	}
	return don, ds
}

// Today is today's date at midnight UTC, as donations are received.
func Today() time.Time {
	now := time.Now()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// Laptop describes a laptop with a serial and drives.
func Laptop(serial string, drives ...inventory.NewStorage) inventory.NewDevice {
	return inventory.NewDevice{Kind: inventory.KindLaptop, Make: "Lenovo", Model: "ThinkPad T480", SerialNumber: serial, Storage: drives}
}

// HDD describes a 500 GB hard disk with a serial.
func HDD(serial string) inventory.NewStorage {
	return inventory.NewStorage{Kind: inventory.StorageHDD, Make: "Seagate", SerialNumber: serial, CapacityGB: ptr(500.0)}
}

// SSD describes a 256 GB SSD with a serial.
func SSD(serial string) inventory.NewStorage {
	return inventory.NewStorage{Kind: inventory.StorageSSD, Make: "Samsung", SerialNumber: serial, CapacityGB: ptr(256.0)}
}

// Device records a donation of one device and returns the device.
func Device(t testing.TB, store *inventory.Store, ctx context.Context, n inventory.NewDevice) *inventory.Device {
	t.Helper()
	_, ds := Donation(t, store, ctx, n)
	return &ds[0]
}

// Media returns a device's storage media, oldest first.
func Media(t testing.TB, store *inventory.Store, ctx context.Context, deviceID int64) []inventory.StorageMedium {
	t.Helper()
	ms, err := store.Storage(ctx, []int64{deviceID})
	if err != nil {
		t.Fatalf("read storage: %v", err)
	}
	return ms[deviceID]
}

// PassingWipe is a passing one-pass overwrite of a medium.
func PassingWipe(mediumID int64) inventory.NewWipe {
	return inventory.NewWipe{MediumID: mediumID, Method: inventory.MethodClear, Technique: "1-pass zero overwrite",
		Tool: "nwipe 0.38", Verification: "full", Result: inventory.ResultPassed}
}

// Wipe records a passing wipe of every medium of a device that lacks one in its current cycle
// and returns the device as it is afterwards (wiped, if it was received).
func Wipe(t testing.TB, store *inventory.Store, ctx context.Context, deviceID int64) *inventory.Device {
	t.Helper()
	missing, err := store.WipeMissing(ctx, []int64{deviceID})
	if err != nil {
		t.Fatalf("read missing wipes: %v", err)
	}
	for _, id := range missing[deviceID] {
		if _, _, err := store.RecordWipe(ctx, PassingWipe(id)); err != nil {
			t.Fatalf("wipe medium %d: %v", id, err)
		}
	}
	return Reload(t, store, ctx, deviceID)
}

// Reload reads a device again.
func Reload(t testing.TB, store *inventory.Store, ctx context.Context, deviceID int64) *inventory.Device {
	t.Helper()
	d, err := store.Device(ctx, deviceID)
	if err != nil {
		t.Fatalf("read device %d: %v", deviceID, err)
	}
	return d
}

// QA records a QA check of a device in which every item of its checklist has the result
// passed, and returns the device as it is afterwards.
func QA(t testing.TB, store *inventory.Store, ctx context.Context, d *inventory.Device, passed bool) *inventory.Device {
	t.Helper()
	template, err := store.QATemplate(ctx, d.Kind)
	if err != nil {
		t.Fatalf("read QA template: %v", err)
	}
	items := make([]inventory.QAItem, len(template))
	for i, it := range template {
		items[i] = inventory.QAItem{Key: it.Key, Passed: passed}
	}
	_, d, err = store.RecordQACheck(ctx, inventory.NewQACheck{DeviceID: d.ID, Items: items})
	if err != nil {
		t.Fatalf("record QA check: %v", err)
	}
	return d
}

// Move moves a device to a status, failing the test if it cannot.
func Move(t testing.TB, store *inventory.Store, ctx context.Context, d *inventory.Device, to inventory.Status) *inventory.Device {
	t.Helper()
	d, err := store.Transition(ctx, d.ID, d.Version, to, "")
	if err != nil {
		t.Fatalf("move to %s: %v", to, err)
	}
	return d
}

// Ready takes a received device through wipes, a passed QA check and the move to ready.
func Ready(t testing.TB, store *inventory.Store, ctx context.Context, d *inventory.Device) *inventory.Device {
	t.Helper()
	d = Wipe(t, store, ctx, d.ID)
	if d.Status == inventory.StatusReceived {
		d = Move(t, store, ctx, d, inventory.StatusWiped)
	}
	d = QA(t, store, ctx, d, true)
	return Move(t, store, ctx, d, inventory.StatusReady)
}

// Serial returns a distinct serial number for the n-th device of a test.
func Serial(prefix string, n int) string { return fmt.Sprintf("%s%05d", prefix, n) }

func ptr[T any](v T) *T { return &v }

// New gives a test its own database, a store on it connected as the application role, and one
// user of each role.
func New(t testing.TB) (*pgtest.DB, *inventory.Store, *Actors) {
	t.Helper()
	db := pgtest.New(t)
	return db, inventory.NewStore(db.App), Users(t, db)
}
