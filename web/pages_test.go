package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

func TestAnonymousLabelScanShowsNoDetail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, ds := e.donation(nil, laptop("SER-SECRET-1", "DRV-SECRET-1"))
	c := e.client("fr")
	for _, path := range []string{"/D/" + ds[0].Tag, "/d/" + strings.ToLower(ds[0].Tag), "/D/DI-999999-X"} {
		r := c.get(path)
		if r.status != 200 || !strings.Contains(r.body, "Digital Inclusion") || !strings.Contains(r.body, "atelier@example.lu") {
			t.Errorf("%s anonymously: got %d, want 200 naming the organisation and its contact:\n%.400s", path, r.status, r.body)
		}
		for _, secret := range []string{"SER-SECRET-1", "DRV-SECRET-1", "Lenovo", "ThinkPad", "Reçu"} {
			if strings.Contains(r.body, secret) {
				t.Errorf("%s anonymously shows %q", path, secret)
			}
		}
	}
	if r := c.get("/devices/" + ds[0].Tag); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login?next=") {
		t.Errorf("device page anonymously: got %d %q, want a redirect to sign in", r.status, r.location)
	}
}

func TestDonorSeesOnlyOwnDevices(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	donor, err := e.Store.CreateDonor(e.System, inventory.NewDonor{Name: "ACME SA", Kind: inventory.DonorCompany})
	if err != nil {
		t.Fatal(err)
	}
	_, mine := e.donation(&donor.ID, laptop("MINE-1", "MINE-D1"))
	_, other := e.donation(nil, laptop("OTHER-1", "OTHER-D1"))
	e.user("donor@acme.example", auth.RoleDonor, &donor.ID)
	c := e.client("en")
	c.login("donor@acme.example")
	if r := c.get("/D/" + mine[0].Tag); r.status != 200 || !strings.Contains(r.body, "MINE-1") {
		t.Errorf("donor's own device: got %d", r.status)
	}
	if r := c.get("/D/" + other[0].Tag); r.status != http.StatusNotFound || strings.Contains(r.body, "OTHER-1") {
		t.Errorf("another donor's device: got %d, want 404 without its details", r.status)
	}
	r := c.get("/devices")
	if r.status != 200 || !strings.Contains(r.body, mine[0].Tag) || strings.Contains(r.body, other[0].Tag) {
		t.Errorf("donor's device list: got %d, want only their device:\n%s", r.status, r.body)
	}
	// A donor starts on their donations, with what became of each device and the certificates.
	if r := c.get("/"); r.location != "/donations" {
		t.Errorf("donor's start page: got %d %q, want /donations", r.status, r.location)
	}
	if r := c.get("/donations"); r.status != 200 || !strings.Contains(r.body, mine[0].Tag) || strings.Contains(r.body, other[0].Tag) {
		t.Errorf("donor's donations page: got %d, want only their devices", r.status)
	}
}

func TestMistypedTagOnScanPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, ds := e.donation(nil, laptop("S1", "D1"))
	e.Users() // staff@, trainee@example.org and the others, who sign in below
	c := e.client("en")
	c.login("staff@example.org")
	tag := ds[0].Tag
	wrong := tag[:len(tag)-1] + string("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(strings.IndexByte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", tag[len(tag)-1])+1)%36])
	r := c.get("/scan?tag=" + url.QueryEscape(wrong))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "mistyped or misread") {
		t.Errorf("mistyped tag: got %d, want 422 saying it was mistyped:\n%.2000s", r.status, r.body)
	}
	if r := c.get("/D/" + wrong); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "mistyped or misread") {
		t.Errorf("mistyped label URL: got %d", r.status)
	}
	for _, in := range []string{strings.ToLower(tag), "HTTPS://REFURB.EXAMPLE/D/" + tag, strings.ReplaceAll(tag, "-", "")} {
		if r := c.get("/scan?tag=" + url.QueryEscape(in)); r.status != http.StatusSeeOther || r.location != "/devices/"+tag {
			t.Errorf("scan %q: got %d %q, want the device page", in, r.status, r.location)
		}
	}
}

func TestStaleVersionIsNeverOverwritten(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.Users().StaffUser
	_, ds := e.donation(nil, laptop("S1", "D1"))
	e.wipe(staff, &ds[0])
	d := e.device(ds[0].Tag) // wiped now
	c := e.client("en")
	c.login("staff@example.org")
	// Someone else moves it first.
	if _, err := e.Store.Transition(e.As(staff), d.ID, d.Version, inventory.StatusInRepair, ""); err != nil {
		t.Fatal(err)
	}
	r := c.post("/devices/"+d.Tag+"/transition", url.Values{"version": {strconv.Itoa(d.Version)}, "to": {"lost"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "changed since you opened it") || !strings.Contains(r.body, "In repair") {
		t.Errorf("stale transition: got %d, want 409 with the new state:\n%.3000s", r.status, r.body)
	}
	if got := e.device(d.Tag).Status; got != inventory.StatusInRepair {
		t.Errorf("status after a stale form: got %s, want in_repair", got)
	}
	media, _ := e.Store.Storage(e.System, []int64{d.ID})
	r = c.post("/devices/"+d.Tag+"/wipe", url.Values{"version": {strconv.Itoa(d.Version)}, "medium": {strconv.FormatInt(media[d.ID][0].ID, 10)},
		"method": {"purge"}, "technique": {"x"}, "result": {"failed"}})
	if r.status != http.StatusConflict {
		t.Errorf("stale wipe: got %d, want 409", r.status)
	}
}

func TestLanguageNegotiation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for lang, want := range map[string]string{
		"de-LU,de;q=0.9": "Passwort", "fr-LU": "Mot de passe", "en-GB": "Password",
		"lb-LU,pt;q=0.8": "Mot de passe", // none of ours: the organisation's French
	} {
		if r := e.client(lang).get("/login"); !strings.Contains(r.body, want) {
			t.Errorf("Accept-Language %s: page lacks %q", lang, want)
		}
	}
	c := e.client("fr")
	r := c.post("/lang", url.Values{"lang": {"de"}, "next": {"/login?next=/bench"}})
	if r.status != http.StatusSeeOther || r.location != "/login?next=/bench" {
		t.Fatalf("language switch: got %d %q", r.status, r.location)
	}
	if r := c.get("/login"); !strings.Contains(r.body, `lang="de"`) || !strings.Contains(r.body, "Passwort") {
		t.Errorf("after switching to German the page is not German")
	}
	if r := c.post("/lang", url.Values{"lang": {"de"}, "next": {"//evil.example/"}}); r.location != "/" {
		t.Errorf("language switch to another site: got %q, want /", r.location)
	}
}

func TestDevicesListFiltersAndCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.Users().StaffUser
	don, ds := e.donation(nil, laptop("A1", "AD1"), laptop("A2", "AD2"), laptop("A3", "AD3"))
	e.donation(nil, inventory.NewDevice{Kind: inventory.KindMonitor, Make: "Dell", SerialNumber: "MON1"})
	e.wipe(staff, &ds[0])
	c := e.client("en")
	c.login("staff@example.org")
	r := c.get("/devices")
	if !strings.Contains(r.body, "Received (3)") || !strings.Contains(r.body, "Wiped (1)") || !strings.Contains(r.body, "All (4)") {
		t.Errorf("counts per status missing:\n%s", r.body)
	}
	for q, want := range map[string][]string{
		"status=wiped":                   {ds[0].Tag},
		"kind=monitor":                   {"MON1"},
		"donation=" + don.Number:         {ds[0].Tag, ds[1].Tag, ds[2].Tag},
		"q=a2":                           {ds[1].Tag},
		"donation=" + don.Number + "&q=": {"3 devices"},
	} {
		r := c.get("/devices?" + q)
		for _, w := range want {
			if !strings.Contains(r.body, w) {
				t.Errorf("/devices?%s lacks %s", q, w)
			}
		}
	}
	if r := c.get("/devices?status=wiped"); strings.Contains(r.body, ds[1].Tag) {
		t.Errorf("status filter lets other statuses through")
	}
}

func TestBenchWithoutJavaScript(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.Users().StaffUser
	_, ds := e.donation(nil, laptop("B1", "BD1"), laptop("B2", "BD2"))
	e.wipe(staff, &ds[0])
	c := e.client("en")
	c.login("staff@example.org")
	scan := func(code string) string {
		t.Helper()
		if r := c.post("/bench", url.Values{"code": {code}}); r.status != http.StatusSeeOther || r.location != "/bench" {
			t.Fatalf("bench scan %s: got %d %q, want a redirect to /bench", code, r.status, r.location)
		}
		return c.get("/bench").body
	}
	if body := scan(ds[0].Tag); !strings.Contains(body, "scan a mode card first") {
		t.Errorf("device scanned before a mode card: no warning")
	}
	if body := scan("MODE:LOST"); !strings.Contains(body, "every device scanned now moves to Lost") {
		t.Errorf("mode card: not armed")
	}
	scan(ds[0].Tag)
	body := scan(ds[1].Tag) // received, not wiped: lost needs no wipe, so it moves too
	if !strings.Contains(body, ds[0].Tag+": Wiped → Lost") || !strings.Contains(body, ds[1].Tag+": Received → Lost") {
		t.Errorf("bench results missing:\n%s", body)
	}
	if body := scan(ds[1].Tag); !strings.Contains(body, "is already Lost") {
		t.Errorf("second scan of the same device: no 'already' line")
	}
	if body := scan("MODE:READY"); !strings.Contains(body, "Ready") {
		t.Errorf("re-arming failed")
	}
	body = scan(ds[0].Tag) // lost → ready is not a move
	if !strings.Contains(body, `class="bad" data-latest="fail"`) {
		t.Errorf("a wrong move is not a failed line:\n%s", body)
	}
	if got := e.device(ds[0].Tag).Status; got != inventory.StatusLost {
		t.Errorf("after a refused bench move: got %s, want lost", got)
	}
}

func TestNotesAndFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.Users() // staff@, trainee@example.org and the others, who sign in below
	_, ds := e.donation(nil, laptop("N1", "ND1"))
	c := e.client("en")
	c.login("staff@example.org")
	tag := ds[0].Tag
	version := func() string { return strconv.Itoa(e.device(tag).Version) }
	if r := c.post("/devices/"+tag+"/note", url.Values{"version": {version()}, "note": {"Sticker residue on the lid"}}); r.status != http.StatusSeeOther {
		t.Fatalf("note: got %d:\n%s", r.status, r.body)
	}
	if r := c.get("/devices/" + tag); !strings.Contains(r.body, "Sticker residue on the lid") || !strings.Contains(r.body, "Note added.") {
		t.Errorf("the note is not in the timeline")
	}
	old := version()
	if r := c.post("/devices/"+tag+"/flag", url.Values{"version": {old}, "flag": {"needs_part"}, "action": {"set"}, "note": {"hinge"}}); r.status != http.StatusSeeOther {
		t.Fatalf("set flag: got %d:\n%s", r.status, r.body)
	}
	if r := c.get("/devices/" + tag); !strings.Contains(r.body, "Needs a part") || !strings.Contains(r.body, "hinge") {
		t.Errorf("the flag is not shown")
	}
	// The same form sent again, at the old version, changes nothing.
	if r := c.post("/devices/"+tag+"/flag", url.Values{"version": {old}, "flag": {"needs_part"}, "action": {"clear"}}); r.status != http.StatusConflict {
		t.Errorf("stale flag form: got %d, want 409", r.status)
	}
	if r := c.post("/devices/"+tag+"/note", url.Values{"version": {old}, "note": {"late"}}); r.status != http.StatusConflict {
		t.Errorf("stale note form: got %d, want 409", r.status)
	}
	if r := c.post("/devices/"+tag+"/flag", url.Values{"version": {version()}, "flag": {"needs_part"}, "action": {"clear"}}); r.status != http.StatusSeeOther {
		t.Errorf("clear flag: got %d", r.status)
	}
	if r := c.get("/devices/" + tag); strings.Contains(r.body, "<h2>Flags</h2>") {
		t.Errorf("a cleared flag is still shown")
	}
}

func TestTraineeAndDonorSeeNoForbiddenForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.Users() // staff@, trainee@example.org and the others, who sign in below
	_, ds := e.donation(nil, laptop("T1", "TD1"))
	c := e.client("en")
	c.login("trainee@example.org")
	r := c.get("/devices/" + ds[0].Tag)
	if !strings.Contains(r.body, "Record a wipe") || strings.Contains(r.body, `value="lost"`) {
		t.Errorf("trainee's device page: want the wipe form and no move to lost (trainees do not decide where devices go)")
	}
	if r := c.get("/intake"); r.status != http.StatusForbidden {
		t.Errorf("trainee on the intake page: got %d, want 403", r.status)
	}
}
