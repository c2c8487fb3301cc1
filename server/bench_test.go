package server_test

// Benchmarks of the hot reads on a demo database of REFURB_BENCH_DEVICES devices (default
// 1,000,000; `make bench` sets a smaller number for a quick run), through the whole server
// over HTTP, with a pgbench run of the equivalent SQL as the floor. See docs/performance.md.
//
// The generated database is kept as a template named after its size, the generator's version
// and the migrations' fingerprint, and each test process works on a copy: a second run on the
// same cluster (TEST_DATABASE_URL pointing at a cluster that outlives the run) skips the
// generation.

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/demo"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/migrations"
	"github.com/digital-inclusion/refurb/server"
)

const (
	envBenchDevices = "REFURB_BENCH_DEVICES"
	envBenchEvents  = "REFURB_BENCH_EVENTS_PER_DEVICE"
	// concurrency is how many clients the scan benchmarks run at once, each on its own
	// connection.
	concurrency = 8
	benchEmail  = "bench@" + demo.DemoEmailDomain
	benchPass   = "benchmark password"
)

func TestMain(m *testing.M) {
	code := m.Run()
	bench.close()
	os.Exit(code)
}

// benchEnv is the server on a copy of the demo database, shared by the benchmarks of one
// process.
type benchEnv struct {
	once sync.Once
	err  error

	adminURL, name, url string
	devices             int
	app                 *bun.DB
	srv                 *httptest.Server
	client              *http.Client // signed in as staff, up to concurrency connections
	token               string       // an API token of the same user
	prefix              string
	maxTag              int64
	queries             atomic.Int64 // SQL statements through the application's pool
	// the scan benchmark's throughput, for the pgbench comparison
	scanRate float64
}

var bench benchEnv

// benchDevices returns the number of devices to benchmark on.
func benchDevices() (devices, events int, err error) {
	devices, events = 1000000, 10
	if v := os.Getenv(envBenchDevices); v != "" {
		if devices, err = strconv.Atoi(v); err != nil || devices < 100 {
			return 0, 0, fmt.Errorf("%s=%q: give a number of devices, at least 100", envBenchDevices, v)
		}
	}
	if v := os.Getenv(envBenchEvents); v != "" {
		if events, err = strconv.Atoi(v); err != nil || events < 1 {
			return 0, 0, fmt.Errorf("%s=%q: give a number of events per device", envBenchEvents, v)
		}
	}
	return devices, events, nil
}

func setup(b *testing.B) *benchEnv {
	b.Helper()
	if testing.Short() {
		b.Skip("benchmarks on the demo database do not run with -short")
	}
	bench.once.Do(func() { bench.err = bench.start() })
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return &bench
}

func (e *benchEnv) start() error {
	ctx := context.Background()
	e.adminURL = os.Getenv(pgtest.EnvURL)
	if e.adminURL == "" {
		return errors.New("no " + pgtest.EnvURL + ": run `make bench`, which starts a throwaway PostgreSQL")
	}
	devices, events, err := benchDevices()
	if err != nil {
		return err
	}
	e.devices = devices
	admin, err := pgx.Connect(ctx, e.adminURL)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	tpl := fmt.Sprintf("refurb_demo_%d_%d_v%d_%s", devices, events, demo.Version, migrations.Fingerprint()[:12])
	if err := ensureDemoTemplate(ctx, admin, e.adminURL, tpl, devices, events); err != nil {
		return err
	}
	e.name = "bench_" + randomHex(6)
	t0 := time.Now()
	create := "CREATE DATABASE " + pgx.Identifier{e.name}.Sanitize() + " TEMPLATE " + pgx.Identifier{tpl}.Sanitize()
	var fileCopy bool
	if err := admin.QueryRow(ctx, "SELECT NOT current_setting('fsync')::bool").Scan(&fileCopy); err != nil {
		return err
	}
	if fileCopy {
		create += " STRATEGY FILE_COPY"
	}
	if _, err := admin.Exec(ctx, create); err != nil {
		return fmt.Errorf("copy %s: %w", tpl, err)
	}
	e.url = pgtest.WithDatabase(e.adminURL, e.name)
	fmt.Fprintf(os.Stderr, "bench: copied %s to %s in %v\n", tpl, e.name, time.Since(t0).Round(time.Millisecond))

	if e.app, err = database.Open(ctx, e.url, database.Options{AsApp: true, Tracer: countTracer{&e.queries}}); err != nil {
		return err
	}
	if err := e.app.NewRaw("SELECT max(tag_number) FROM devices").Scan(ctx, &e.maxTag); err != nil {
		return err
	}
	if err := e.app.NewRaw("SELECT value #>> '{}' FROM settings WHERE key = 'tag_prefix'").Scan(ctx, &e.prefix); err != nil {
		return err
	}
	svc, err := auth.NewService(e.app, auth.DefaultLimits)
	if err != nil {
		return err
	}
	svc.CacheCredentials(auth.DefaultCredentialTTL) // as refurb serve does
	if _, err := svc.CreateUser(auth.System(ctx), auth.NewUser{Email: benchEmail, Name: "Benchmark", Role: auth.RoleStaff, Password: benchPass}); err != nil {
		return err
	}
	// The server as refurb serve builds it, logging a line per request as it does (to nowhere).
	h, err := server.Handler(server.Config{GraphQL: graph.Config{}}, server.Deps{
		DB: e.app, Auth: svc, Inventory: inventory.NewStore(e.app), Sessions: auth.NewSessions(e.app.DB, false),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return err
	}
	if e.token, _, err = svc.CreateToken(auth.System(ctx), benchEmail, "benchmark"); err != nil {
		return err
	}
	e.srv = httptest.NewServer(h)
	jar, _ := cookiejar.New(nil)
	e.client = &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}}
	resp, err := e.client.Post(e.srv.URL+"/login", "application/json", strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, benchEmail, benchPass)))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sign in: got status %d", resp.StatusCode)
	}
	return nil
}

func (e *benchEnv) close() {
	if e.srv != nil {
		e.srv.Close()
	}
	if e.app != nil {
		e.app.Close()
	}
	if e.name != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if admin, err := pgx.Connect(ctx, e.adminURL); err == nil {
			admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{e.name}.Sanitize()+" WITH (FORCE)") //nolint:errcheck // best effort
			admin.Close(ctx)
		}
	}
}

// countTracer counts the statements the application's connections send, whoever builds them
// (bun, the prepared hot reads, the session store).
type countTracer struct{ n *atomic.Int64 }

func (c countTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c countTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// ensureDemoTemplate generates the demo database tpl unless it exists, as a pgtest template:
// migrated, generated, then vacuumed as autovacuum would leave it.
func ensureDemoTemplate(ctx context.Context, admin *pgx.Conn, adminURL, tpl string, devices, events int) error {
	return pgtest.EnsureTemplate(ctx, admin, adminURL, pgtest.Template{Name: tpl, Family: "refurb_demo_", Build: func(ctx context.Context, dbURL string) error {
		if err := pgtest.Migrate(ctx, dbURL); err != nil {
			return err
		}
		owner, err := database.Open(ctx, dbURL, database.Options{MaxOpenConns: 2})
		if err != nil {
			return err
		}
		defer owner.Close()
		fmt.Fprintf(os.Stderr, "bench: generating %d devices with %d events each on average (cached as %s)\n", devices, events, tpl)
		res, err := demo.Generate(ctx, owner, demo.Options{Devices: devices, EventsPerDevice: events, Seed: 1, Progress: os.Stderr})
		if err != nil {
			return err
		}
		t0 := time.Now()
		// A database as autovacuum leaves it: visibility map set, hint bits written.
		if _, err := owner.ExecContext(ctx, "VACUUM (ANALYZE)"); err != nil {
			return err
		}
		var size string
		if err := owner.NewRaw("SELECT pg_size_pretty(pg_database_size(current_database()))").Scan(ctx, &size); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: generated %d devices, %d events in %v (copy %v, indexes %v, analyze %v), vacuum %v; %s\n",
			res.Devices, res.Events, res.Total.Round(time.Second), res.Load.Round(time.Second), res.Indexes.Round(time.Second),
			res.Analyze.Round(time.Second), time.Since(t0).Round(time.Second), size)
		return nil
	}})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// scanQuery is what the scanning page asks when a label is scanned.
const scanQuery = `query Scan($tag: String!) { device(tag: $tag) { id tag status kind make model serialNumber storage { serialNumber sanitization { result } } events(last: 20) { kind at toStatus } } }`

// post sends a GraphQL request with the session cookie and fails on a transport error, a
// status other than 200 or a GraphQL error.
func (e *benchEnv) post(body []byte) ([]byte, error) { return e.send(body, "") }

// send sends a GraphQL request, with the API token when bearer is set, else with the session
// cookie.
func (e *benchEnv) send(body []byte, bearer string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		return nil, fmt.Errorf("status %d: %.300s", resp.StatusCode, out)
	}
	return out, nil
}

func gqlBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

// latencies collects request times and reports p50, p99 and the rate.
type latencies []time.Duration

func (l latencies) report(b *testing.B, elapsed time.Duration) (rate float64) {
	if len(l) == 0 {
		return 0
	}
	slices.Sort(l)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(l[len(l)*50/100]), "p50-ms")
	b.ReportMetric(ms(l[min(len(l)*99/100, len(l)-1)]), "p99-ms")
	rate = float64(len(l)) / elapsed.Seconds()
	b.ReportMetric(rate, "req/s")
	return rate
}

// run sends b.N requests from clients concurrent clients and reports the latencies, the SQL
// statements per request, and where the CPU time went: this process (client, server, GraphQL,
// drivers) and the PostgreSQL backends serving this database.
func (e *benchEnv) run(b *testing.B, clients int, body func(r *mathrand.Rand) []byte) float64 {
	return e.runAs(b, clients, "", body)
}

// runAs is run with an API token instead of the session when bearer is set.
func (e *benchEnv) runAs(b *testing.B, clients int, bearer string, body func(r *mathrand.Rand) []byte) float64 {
	e.queries.Store(0)
	goCPU0, pgCPU0 := processCPU(), e.backendCPU()
	var next atomic.Int64
	lats := make([]latencies, clients)
	var wg sync.WaitGroup
	var failed atomic.Pointer[error]
	b.ResetTimer()
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			r := mathrand.New(mathrand.NewPCG(uint64(c), uint64(b.N)))
			for next.Add(1) <= int64(b.N) {
				req := body(r)
				t0 := time.Now()
				if _, err := e.send(req, bearer); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				lats[c] = append(lats[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	var all latencies
	for _, l := range lats {
		all = append(all, l...)
	}
	b.ReportMetric(float64(e.queries.Load())/float64(b.N), "sql/op")
	b.ReportMetric(float64((processCPU()-goCPU0).Microseconds())/1000/float64(b.N), "go-cpu-ms/op")
	if pg := e.backendCPU() - pgCPU0; pg > 0 {
		b.ReportMetric(float64(pg.Microseconds())/1000/float64(b.N), "pg-cpu-ms/op")
	}
	return all.report(b, elapsed)
}

// processCPU returns the CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendCPU returns the CPU time used by the PostgreSQL backends connected to the benchmark
// database, from /proc (Linux; 0 elsewhere). The application's pool keeps its connections, so
// the difference over a run is what serving it cost.
func (e *benchEnv) backendCPU() time.Duration {
	stats, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var ticks int64
	for _, p := range stats {
		cmd, err := os.ReadFile(p)
		if err != nil || !bytes.HasPrefix(cmd, []byte("postgres: ")) || !bytes.Contains(cmd, []byte(" "+e.name+" ")) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(filepath.Dir(p), "stat"))
		if err != nil {
			continue
		}
		// The fields after the command name in parentheses: utime and stime are the 12th and 13th.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			ticks += u + s
		}
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ is 100 on Linux
}

// BenchmarkScan is a label scanned at the bench: the device by its tag with its storage and
// sanitization and its last 20 events, through HTTP, at 8 concurrent connections, for random
// existing tags; then the same as one SQL statement run by pgbench, the floor.
func BenchmarkScan(b *testing.B) {
	e := setup(b)
	tagBody := func(r *mathrand.Rand) []byte {
		return gqlBody(scanQuery, map[string]any{"tag": inventory.FormatTag(e.prefix, 1+r.Int64N(e.maxTag))})
	}
	// Check the answer once and warm the document cache and the pools.
	out, err := e.post(tagBody(mathrand.New(mathrand.NewPCG(1, 1))))
	if err != nil || !bytes.Contains(out, []byte(`"events"`)) {
		b.Fatalf("scan query: got %s, %v", out, err)
	}
	b.Run("http", func(b *testing.B) {
		e.scanRate = e.run(b, concurrency, tagBody)
	})
	b.Run("pgbench", func(b *testing.B) {
		rate := e.pgbench(b, concurrency)
		if e.scanRate > 0 && rate > 0 {
			b.ReportMetric(e.scanRate/rate, "http/floor")
		}
	})
	// With an API token rather than the browser's session (which scs writes back on every
	// request, to move its idle deadline).
	b.Run("http-token", func(b *testing.B) { e.runAs(b, concurrency, e.token, tagBody) })
	// One connection: the latency of a scan when nothing else is going on.
	b.Run("http-1conn", func(b *testing.B) { e.run(b, 1, tagBody) })
	b.Run("pgbench-1conn", func(b *testing.B) { e.pgbench(b, 1) })
}

// floorSQL is the scan as one statement: the device, each medium's latest sanitization record
// of the current cycle, and the last 20 events, as JSON. It looks the device up by tag number
// (the same unique index lookup as by tag, without computing the check character in SQL).
const floorSQL = `\set n random(1, %d)
SELECT d.id, d.tag, d.status, d.kind, d.make, d.model, d.serial_number,
  (SELECT json_agg(json_build_object('serialNumber', m.serial_number, 'result', w.result) ORDER BY m.id)
     FROM storage_media m
     LEFT JOIN LATERAL (SELECT w.result FROM wipe_records w WHERE w.medium_id = m.id AND w.cycle = d.cycle
                        ORDER BY w.finished_at DESC, w.id DESC LIMIT 1) w ON true
    WHERE m.device_id = d.id) AS storage,
  (SELECT json_agg(json_build_object('kind', e.kind, 'at', e.at, 'toStatus', e.to_status))
     FROM (SELECT kind, at, to_status FROM device_events WHERE device_id = d.id ORDER BY id DESC LIMIT 20) e) AS events
FROM devices d WHERE d.tag_number = :n;
`

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench runs b.N executions of floorSQL, prepared, from clients clients, and reports their
// latencies from pgbench's per-transaction log.
func (e *benchEnv) pgbench(b *testing.B, clients int) float64 {
	bin := findPgbench()
	if bin == "" {
		b.Skip("pgbench not found (Debian: apt-get install postgresql-client)")
	}
	dir := b.TempDir()
	script := filepath.Join(dir, "scan.sql")
	if err := os.WriteFile(script, fmt.Appendf(nil, floorSQL, e.maxTag), 0o644); err != nil {
		b.Fatal(err)
	}
	perClient := (b.N + clients - 1) / clients
	cmd := exec.Command(bin, "-n", "-M", "prepared", "-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(clients, 2)),
		"-t", strconv.Itoa(perClient), "-f", script, "-l", "--log-prefix="+filepath.Join(dir, "log"), e.url)
	cmd.Dir = dir
	b.ResetTimer()
	out, err := cmd.CombinedOutput()
	b.StopTimer()
	if err != nil {
		b.Fatalf("pgbench: %v\n%s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		b.Fatalf("pgbench: no tps in its output:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	logs, _ := filepath.Glob(filepath.Join(dir, "log.*"))
	var lat latencies
	for _, name := range logs {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// client_id transaction_no time_us script_no time_epoch time_us
			fields := strings.Fields(sc.Text())
			if len(fields) >= 3 {
				us, _ := strconv.Atoi(fields[2])
				lat = append(lat, time.Duration(us)*time.Microsecond)
			}
		}
		f.Close()
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	if len(lat) > 0 {
		b.ReportMetric(ms(lat[len(lat)*50/100]), "p50-ms")
		b.ReportMetric(ms(lat[min(len(lat)*99/100, len(lat)-1)]), "p99-ms")
	}
	b.ReportMetric(tps, "req/s")
	return tps
}

// findPgbench returns the pgbench of the newest PostgreSQL installed, or "".
func findPgbench() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(a))))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(b))))
		return cmp.Compare(vb, va)
	})
	if len(dirs) > 0 {
		return dirs[0]
	}
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p
	}
	return ""
}

// pageQuery is the device list's first page with what each row shows.
const pageQuery = `query Page { devices(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { id tag status kind make model
  donation { number receivedOn donor { name } } storage { serialNumber sanitization { result } } events(last: 1) { kind at toStatus } } } }`

// BenchmarkDevicePage is the device list's first page of 100 with donation, donor, storage and
// last event, one client at a time.
func BenchmarkDevicePage(b *testing.B) {
	e := setup(b)
	body := gqlBody(pageQuery, nil)
	if out, err := e.post(body); err != nil || !bytes.Contains(out, []byte(`"totalCount":`+strconv.Itoa(e.devices))) {
		b.Fatalf("page query: got %.300s, %v", out, err)
	}
	e.run(b, 1, func(*mathrand.Rand) []byte { return body })
}

// searchQuery is the search box of the device list.
const searchQuery = `query Search($q: String!) { devices(filter: {search: $q}, first: 20) { totalCount nodes { id tag kind make model serialNumber status } } }`

// BenchmarkSearchSerial searches devices by six characters from the middle of a serial
// number, one client at a time.
func BenchmarkSearchSerial(b *testing.B) {
	e := setup(b)
	var serials []string
	if err := e.app.NewRaw("SELECT serial_number FROM devices WHERE length(serial_number) >= 8 ORDER BY random() LIMIT 1000").
		Scan(context.Background(), &serials); err != nil || len(serials) == 0 {
		b.Fatalf("sample serials: got %d, %v", len(serials), err)
	}
	body := func(r *mathrand.Rand) []byte {
		s := serials[r.IntN(len(serials))]
		i := 1 + r.IntN(len(s)-7)
		return gqlBody(searchQuery, map[string]any{"q": strings.ToLower(s[i : i+6])})
	}
	if out, err := e.post(body(mathrand.New(mathrand.NewPCG(1, 1)))); err != nil || bytes.Contains(out, []byte(`"totalCount":0`)) {
		b.Fatalf("search query: got %.300s, %v", out, err)
	}
	e.run(b, 1, body)
}
