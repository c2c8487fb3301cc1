package server_test

// PostgreSQL killed with SIGKILL under a running `refurb serve` (during a 10,000-row asset list,
// a burst of device moves and certificate issuing), and `refurb serve` itself killed during an
// import: nothing is half-written, requests in flight are answered 503 rather than hanging or
// failing with a 500, /readyz says 503 while the database is away and 200 within 5 s of its
// return, and the server goes on by itself (docs/operations.md, "Faults").

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/pgcluster"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// faultDB is a PostgreSQL cluster of the test's own, which it may kill and restart: the shared
// cluster of `make test` serves every other test. It keeps PostgreSQL's durable settings
// (unlike the shared one's fast mode), so that what a client was told is committed survives the
// kill, and lives in memory (/dev/shm) when it can, so that syncing costs nothing.
type faultDB struct {
	t       *testing.T
	dataDir string
	cluster *pgcluster.Cluster
	url     string     // the superuser's URL of the database refurb
	db      *pgtest.DB // pools as the owner and as refurb_app, which reconnect after a crash
}

func newFaultDB(t *testing.T) *faultDB {
	t.Helper()
	base := ""
	if os.Getenv("TMPDIR") == "" {
		var st syscall.Statfs_t
		if syscall.Statfs("/dev/shm", &st) == nil && st.Bavail*uint64(st.Bsize) > 1<<30 {
			base = "/dev/shm"
		}
	}
	dir, err := os.MkdirTemp(base, "refurb-faults-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil { // the postgres user must enter it when we are root
		t.Fatal(err)
	}
	f := &faultDB{t: t, dataDir: filepath.Join(dir, "data")}
	f.start()
	t.Cleanup(func() {
		if f.db != nil {
			f.db.App.Close()
			f.db.Owner.Close()
		}
		if err := f.cluster.Stop(context.Background()); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
	})
	ctx := t.Context()
	if err := pgtest.Migrate(ctx, f.url); err != nil {
		t.Fatal(err)
	}
	f.db = &pgtest.DB{URL: f.url, Name: pgcluster.Database}
	if f.db.App, err = database.Open(ctx, f.url, database.Options{AsApp: true, MaxOpenConns: 4}); err != nil {
		t.Fatal(err)
	}
	if f.db.Owner, err = database.Open(ctx, f.url, database.Options{MaxOpenConns: 4}); err != nil {
		t.Fatal(err)
	}
	return f
}

// start starts (or, after a crash, recovers) the cluster and returns how long it took.
func (f *faultDB) start() time.Duration {
	f.t.Helper()
	t0 := time.Now()
	c, err := pgcluster.Start(f.t.Context(), pgcluster.Options{DataDir: f.dataDir})
	if err != nil {
		f.t.Fatalf("start PostgreSQL: %v", err)
	}
	f.cluster, f.url = c, c.URL(pgcluster.Database)
	return time.Since(t0)
}

// writing waits until a transaction of the server (not ours) has written something and is not
// yet committed, so that a kill lands in its middle. It reports false if none appeared.
func (f *faultDB) writing(within time.Duration) bool {
	f.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var n int
		err := f.db.Owner.QueryRowContext(f.t.Context(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&n)
		if err == nil && n > 0 {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// settled waits until no transaction of anyone else has an id any more: after a client was
// killed, its backend may still be finishing a statement before it sees the connection gone.
func (f *faultDB) settled() {
	f.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var n int
		if err := f.db.Owner.QueryRowContext(f.t.Context(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatal("a transaction is still open 15 s after its client was killed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// count runs a count query as the owner, who sees every row.
func (f *faultDB) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.Owner.QueryRowContext(f.t.Context(), query, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// consistent checks what must hold whatever was cut short: every device's status is the one
// its last status event moved it to (or received, without one), every device has its intake
// event, every import's record matches the devices it created.
func (f *faultDB) consistent() {
	f.t.Helper()
	if n := f.count(`SELECT count(*) FROM devices d WHERE d.status IS DISTINCT FROM coalesce(
		(SELECT e.to_status FROM device_events e WHERE e.device_id = d.id AND e.kind = 'status' ORDER BY e.id DESC LIMIT 1), 'received')`); n != 0 {
		f.t.Errorf("%d devices' status differs from their last status event", n)
	}
	if n := f.count(`SELECT count(*) FROM devices d WHERE NOT EXISTS (SELECT FROM device_events e WHERE e.device_id = d.id AND e.kind = 'intake')`); n != 0 {
		f.t.Errorf("%d devices without their intake event", n)
	}
	if n := f.count(`SELECT count(*) FROM devices d WHERE d.version <> 1 + (SELECT count(*) FROM device_events e WHERE e.device_id = d.id AND e.kind = 'status')`); n != 0 {
		f.t.Errorf("%d devices whose version does not count their moves", n)
	}
	if n := f.count(`SELECT count(*) FROM imports i WHERE i.created <> (SELECT count(*) FROM devices d WHERE d.donation_id = i.donation_id)`); n != 0 {
		f.t.Errorf("%d imports whose record does not match the devices of their donation", n)
	}
}

// apiClient calls the server with an API token, like a script or the workshop's scanner app. A
// request that takes longer than timeout fails the test: nothing may hang.
type apiClient struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

const requestTimeout = 20 * time.Second

func newAPIClient(t *testing.T, base, token string) *apiClient {
	return &apiClient{t: t, base: base, token: token, http: &http.Client{Timeout: requestTimeout}}
}

// answer is what a request got: its status, its body and how long it took.
type answer struct {
	status int
	body   []byte
	took   time.Duration
	err    error // transport: the connection dropped or the request timed out
}

func (a answer) String() string {
	if a.err != nil {
		return fmt.Sprintf("error after %v: %v", a.took.Round(time.Millisecond), a.err)
	}
	return fmt.Sprintf("%d after %v: %.300s", a.status, a.took.Round(time.Millisecond), a.body)
}

func (c *apiClient) do(req *http.Request) answer {
	req.Header.Set("Authorization", "Bearer "+c.token)
	t0 := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{err: err, took: time.Since(t0)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: body, took: time.Since(t0), err: err}
}

func (c *apiClient) gql(query string, vars map[string]any) answer {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return c.do(req)
}

// gqlData decodes a GraphQL answer's data, failing on any error.
func (c *apiClient) gqlData(query string, vars map[string]any, out any) {
	c.t.Helper()
	a := c.gql(query, vars)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if a.err != nil || a.status != http.StatusOK || json.Unmarshal(a.body, &r) != nil || len(r.Errors) > 0 {
		c.t.Fatalf("%.60s: %v", query, a)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		c.t.Fatal(err)
	}
}

// importList posts an asset list to POST /imports.
func (c *apiClient) importList(number string, csv []byte) answer {
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("donation", number)
	fw, _ := mw.CreateFormFile("file", "list.csv")
	fw.Write(csv)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/imports", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// ready asks /readyz once.
func (c *apiClient) ready() int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// unavailable reports whether an answer is the 503 a request gets when the database went away:
// the status, when to retry and a sentence, from whichever layer noticed (GraphQL's
// UNAVAILABLE, a JSON route's error, the authentication's).
func unavailable(a answer) bool {
	return a.err == nil && a.status == http.StatusServiceUnavailable && !bytes.Contains(a.body, []byte("goroutine")) &&
		(bytes.Contains(a.body, []byte("UNAVAILABLE")) || bytes.Contains(a.body, []byte("unavailable")))
}

// outage is what one kill of PostgreSQL showed.
type outage struct {
	readyDown time.Duration // from the kill to /readyz answering 503
	refused   answer        // a new request while the database is away
	restart   time.Duration // PostgreSQL's crash recovery, until it accepts connections
	readyUp   time.Duration // from then to /readyz answering 200
}

func (o outage) String() string {
	return fmt.Sprintf("/readyz 503 %v after the kill; a request meanwhile got %d in %v; PostgreSQL recovered in %v; /readyz 200 %v after that",
		o.readyDown.Round(time.Millisecond), o.refused.status, o.refused.took.Round(time.Millisecond),
		o.restart.Round(time.Millisecond), o.readyUp.Round(time.Millisecond))
}

// crashAndRecover kills PostgreSQL with SIGKILL, checks the server's answers while it is away
// (/readyz 503, a new request a prompt 503), keeps it away for down, restarts it, and waits for
// /readyz to answer 200, which must take under 5 s.
func (f *faultDB) crashAndRecover(c *apiClient, down time.Duration) outage {
	f.t.Helper()
	var o outage
	killed := time.Now()
	if err := f.cluster.Crash(); err != nil {
		f.t.Fatal(err)
	}
	for c.ready() != http.StatusServiceUnavailable {
		if time.Since(killed) > 5*time.Second {
			f.t.Fatal("/readyz still not 503 5 s after PostgreSQL was killed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	o.readyDown = time.Since(killed)
	o.refused = c.gql(`{ devices(first: 1) { totalCount } }`, nil)
	if !unavailable(o.refused) || o.refused.took > 5*time.Second {
		f.t.Errorf("a request while the database is away: got %v, want a prompt 503 with a sentence", o.refused)
	}
	time.Sleep(down - time.Since(killed))
	o.restart = f.start()
	up := time.Now()
	for c.ready() != http.StatusOK {
		if time.Since(up) > 5*time.Second {
			f.t.Fatalf("/readyz not 200 5 s after PostgreSQL came back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	o.readyUp = time.Since(up)
	return o
}

// buildRefurb builds the refurb binary into the test's temporary directory.
func buildRefurb(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "refurb")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/digital-inclusion/refurb/cmd/refurb").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// assetList returns a CSV asset list of n laptops with serials prefix-00001 and on.
func assetList(prefix string, n int) []byte {
	var b bytes.Buffer
	b.WriteString("Type,Make,Model,Serial Number\r\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "Laptop,Lenovo,ThinkPad T480,%s-%05d\r\n", prefix, i)
	}
	return b.Bytes()
}

func TestPostgresKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs its own PostgreSQL and refurb serve, and kills them")
	}
	t.Parallel()
	f := newFaultDB(t)
	bin := buildRefurb(t)
	users := inventorytest.Users(t, f.db)
	store := inventory.NewStore(f.db.App)
	if err := certificates.NewStore(f.db.App, "").SetOrganisation(users.System, certificates.Organisation{Name: "Refurb Test asbl", Address: "1 rue de l'Essai, Luxembourg"}); err != nil {
		t.Fatal(err)
	}
	srv := startInstance(t, bin, "serve", f.url, "http://localhost")
	c := newAPIClient(t, srv.url.String(), users.Token(t, users.StaffUser))

	t.Run("import", func(t *testing.T) {
		f.t = t
		don, _ := inventorytest.Donation(t, store, users.Staff)
		list := assetList("KILLPG", 10000)
		done := make(chan answer, 1)
		t0 := time.Now()
		go func() { done <- c.importList(don.Number, list) }()
		if !f.writing(20 * time.Second) {
			t.Fatalf("the import never started writing: %v", <-done)
		}
		into := time.Since(t0)
		o := f.crashAndRecover(c, time.Second)
		a := <-done
		if !unavailable(a) {
			t.Errorf("the import in flight: got %v, want 503 with a sentence", a)
		}
		inFlight := a
		devices := f.count("SELECT count(*) FROM devices WHERE donation_id = ?", don.ID)
		if devices != 0 || f.count("SELECT count(*) FROM imports WHERE donation_id = ?", don.ID) != 0 {
			t.Errorf("after the kill: %d devices in the donation, want none: the import was cut %v in and did not commit", devices, into.Round(time.Millisecond))
		}
		f.consistent()
		// The client sends it again, as it was told: all of it arrives once.
		a = c.importList(don.Number, list)
		if a.status != http.StatusOK || f.count("SELECT count(*) FROM devices WHERE donation_id = ?", don.ID) != 10000 {
			t.Fatalf("the import sent again: got %v, want 10,000 devices", a)
		}
		f.consistent()
		t.Logf("killed %v into the import, which was answered %d %v after it was sent; %v", into.Round(time.Millisecond), inFlight.status, inFlight.took.Round(time.Millisecond), o)
	})

	t.Run("transitions", func(t *testing.T) {
		f.t = t
		var nd []inventory.NewDevice
		for i := range 24 {
			nd = append(nd, inventory.NewDevice{Kind: inventory.KindMonitor, Make: "Dell", Model: "P2419H", SerialNumber: fmt.Sprintf("KILLPG-MOVE-%02d", i)})
		}
		don, devices := inventorytest.Donation(t, store, users.Staff, nd...)
		const workers = 6
		var (
			mu      sync.Mutex
			byCode  = map[string]int{}
			acked   = map[int64]int{} // the highest version the server confirmed, by device
			stop    = make(chan struct{})
			wg      sync.WaitGroup
			slowest time.Duration
		)
		const move = `mutation($id: ID!, $v: Int!, $to: DeviceStatus!) { transitionDevice(id: $id, version: $v, to: $to) { version status } }`
		const load = `query($id: ID!) { node(id: $id) { ... on Device { version status } } }`
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				type state struct {
					version int
					status  string
				}
				mine := map[int64]*state{}
				for i := w; i < len(devices); i += workers {
					mine[devices[i].ID] = &state{1, "RECEIVED"}
				}
				for {
					for id, s := range mine {
						select {
						case <-stop:
							return
						default:
						}
						to := "LOST"
						if s.status == "LOST" {
							to = "RECEIVED"
						}
						a := c.gql(move, map[string]any{"id": gid("Device", id), "v": s.version, "to": to})
						var r struct {
							Data struct {
								TransitionDevice *struct {
									Version int
									Status  string
								}
							}
							Errors []struct{ Extensions map[string]any }
						}
						json.Unmarshal(a.body, &r)
						code := strconv.Itoa(a.status)
						if len(r.Errors) > 0 {
							code += " " + fmt.Sprint(r.Errors[0].Extensions["code"])
						}
						if a.err != nil {
							code = "transport error"
						}
						mu.Lock()
						byCode[code]++
						slowest = max(slowest, a.took)
						if d := r.Data.TransitionDevice; d != nil {
							acked[id] = max(acked[id], d.Version)
							s.version, s.status = d.Version, d.Status
						}
						mu.Unlock()
						if r.Data.TransitionDevice == nil {
							// Refused, stale after an answer lost in the crash, or the database away:
							// read the device again (waiting while the database is away).
							time.Sleep(50 * time.Millisecond)
							var n struct {
								Data struct {
									Node *struct {
										Version int
										Status  string
									}
								}
							}
							if json.Unmarshal(c.gql(load, map[string]any{"id": gid("Device", id)}).body, &n) == nil && n.Data.Node != nil {
								s.version, s.status = n.Data.Node.Version, n.Data.Node.Status
							}
						}
					}
				}
			}()
		}
		time.Sleep(time.Second)
		o := f.crashAndRecover(c, time.Second)
		time.Sleep(time.Second) // the burst goes on after the return
		close(stop)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for code, n := range byCode {
			if code != "200" && code != "503 UNAVAILABLE" && code != "503" && code != "200 CONFLICT" {
				t.Errorf("%d answers %q: want only 200, 503 and CONFLICT (a move whose answer was lost)", n, code)
			}
		}
		if byCode["200"] < 50 || byCode["503 UNAVAILABLE"]+byCode["503"] == 0 {
			t.Errorf("answers %v: want many moves and some refused while the database was away", byCode)
		}
		if slowest > 10*time.Second {
			t.Errorf("the slowest answer took %v: requests must not hang while the database is away", slowest)
		}
		// Every move the server confirmed is there, and nothing is half-done.
		for id, v := range acked {
			if got := f.count("SELECT version FROM devices WHERE id = ?", id); got < v {
				t.Errorf("device %d: version %d, but the server confirmed version %d before the kill", id, got, v)
			}
		}
		f.consistent()
		t.Logf("%d devices of %s moved by %d clients: answers %v, slowest %v; %v", len(devices), don.Number, workers, byCode, slowest.Round(time.Millisecond), o)
	})

	t.Run("certificates", func(t *testing.T) {
		f.t = t
		var dons []int64
		for i := range 8 {
			don, _ := inventorytest.DonationFrom(t, store, users.Staff, &users.Donated.ID, inventorytest.Laptop(fmt.Sprintf("KILLPG-CERT-%02d", i)))
			dons = append(dons, don.ID)
		}
		var (
			mu     sync.Mutex
			byCode = map[string]int{}
			issued = map[string]bool{} // numbers the server confirmed
			stop   = make(chan struct{})
			wg     sync.WaitGroup
		)
		const issue = `mutation($id: ID!) { issueCertificate(subjectID: $id, kind: DONATION, language: "en") { number } }`
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; ; i += 4 {
					select {
					case <-stop:
						return
					default:
					}
					a := c.gql(issue, map[string]any{"id": gid("Donation", dons[i%len(dons)])})
					var r struct {
						Data struct{ IssueCertificate *struct{ Number string } }
					}
					json.Unmarshal(a.body, &r)
					mu.Lock()
					byCode[strconv.Itoa(a.status)]++
					if r.Data.IssueCertificate != nil {
						issued[r.Data.IssueCertificate.Number] = true
					}
					mu.Unlock()
					if a.status != http.StatusOK {
						time.Sleep(50 * time.Millisecond)
					}
				}
			}()
		}
		for f.count("SELECT count(*) FROM certificates") < 4 {
			time.Sleep(20 * time.Millisecond)
		}
		f.writing(5 * time.Second) // most likely one is being issued: kill it halfway
		o := f.crashAndRecover(c, time.Second)
		time.Sleep(500 * time.Millisecond)
		close(stop)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for code, n := range byCode {
			if code != "200" && code != "503" {
				t.Errorf("%d answers %s: want only 200 and 503", n, code)
			}
		}
		for number := range issued {
			if f.count("SELECT count(*) FROM certificates WHERE number = ?", number) != 1 {
				t.Errorf("certificate %s was confirmed but is not there", number)
			}
		}
		// Nothing partial: every certificate has its PDF and its hash, numbers follow the counter
		// without a gap, and each donation has one current certificate of a kind.
		if n := f.count(`SELECT count(*) FROM certificates WHERE pdf_sha256 <> encode(sha256(pdf), 'hex')`); n != 0 {
			t.Errorf("%d certificates whose PDF does not match its hash", n)
		}
		if n := f.count(`SELECT count(*) FROM certificate_counters k WHERE k.last <> (SELECT count(*) FROM certificates c WHERE c.kind = k.kind AND c.year = k.year)
			OR k.last <> (SELECT coalesce(max(seq), 0) FROM certificates c WHERE c.kind = k.kind AND c.year = k.year)`); n != 0 {
			t.Errorf("%d certificate counters out of step with their certificates", n)
		}
		if n := f.count(`SELECT count(*) FROM (SELECT donation_id FROM certificates WHERE superseded_by IS NULL GROUP BY donation_id, kind HAVING count(*) > 1) x`); n != 0 {
			t.Errorf("%d donations with two current certificates of a kind", n)
		}
		f.consistent()
		t.Logf("%d certificates issued, answers %v; %v", f.count("SELECT count(*) FROM certificates"), byCode, o)
	})

	// The server recovered by itself: the same process answers as before.
	var me struct{ Me struct{ Email string } }
	c.gqlData(`{ me { email } }`, nil, &me)
	if me.Me.Email != users.StaffUser.Email {
		t.Errorf("me after the kills: got %q", me.Me.Email)
	}
}

func TestServerKilledDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs refurb serve and kills it")
	}
	t.Parallel()
	db := pgtest.New(t)
	bin := buildRefurb(t)
	users := inventorytest.Users(t, db)
	store := inventory.NewStore(db.App)
	token := users.Token(t, users.StaffUser)
	f := &faultDB{t: t, db: db}
	srv := startInstance(t, bin, "first", db.URL, "http://localhost")
	c := newAPIClient(t, srv.url.String(), token)

	don, _ := inventorytest.Donation(t, store, users.Staff)
	list := assetList("KILLSRV", 10000)
	done := make(chan answer, 1)
	t0 := time.Now()
	go func() { done <- c.importList(don.Number, list) }()
	if !f.writing(20 * time.Second) {
		t.Fatalf("the import never started writing: %v", <-done)
	}
	into := time.Since(t0)
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	if a := <-done; a.err == nil {
		t.Errorf("the import's client: got %v, want the connection dropped", a)
	}
	f.settled()
	if n := f.count("SELECT count(*) FROM devices WHERE donation_id = ?", don.ID); n != 0 {
		t.Errorf("after the kill %v into the import: %d devices, want none", into.Round(time.Millisecond), n)
	}
	f.consistent()

	// Another server takes over; the list sent again arrives whole.
	srv2 := startInstance(t, bin, "second", db.URL, "http://localhost")
	c2 := newAPIClient(t, srv2.url.String(), token)
	if a := c2.importList(don.Number, list); a.status != http.StatusOK || f.count("SELECT count(*) FROM devices WHERE donation_id = ?", don.ID) != 10000 {
		t.Fatalf("the import sent again: got %v, want 10,000 devices", a)
	}
	f.consistent()
	t.Logf("refurb serve killed %v into a 10,000-row import: nothing committed; sent again, all of it", into.Round(time.Millisecond))
}
