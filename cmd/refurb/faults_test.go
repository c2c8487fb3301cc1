package main

// Faults of the private cluster (docs/operations.md, "Faults"): a PostgreSQL killed under
// `refurb serve`, a stale postmaster.pid after a crash, a full disk, and `refurb serve` started
// twice on one data directory. Each is answered with one clear sentence and corrupts nothing.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/digital-inclusion/refurb/internal/pgcluster"
	"github.com/digital-inclusion/refurb/internal/pgtest"
)

// syncBuffer collects output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// privateDir returns a new directory for a private cluster, which the postgres user can enter
// when the tests run as root.
func privateDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "refurb-faults-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// liveServer is `refurb serve` running in this process, whose output the test reads as it goes.
type liveServer struct {
	t        *testing.T
	url      string
	out, log *syncBuffer
	cancel   context.CancelFunc
	done     chan error
}

func serveLive(t *testing.T, envv map[string]string, args ...string) *liveServer {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &liveServer{t: t, url: "http://" + addr, out: &syncBuffer{}, log: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"serve", "-listen-addr", addr, "-public-url", s.url}, args...),
			func(k string) string { return envv[k] }, strings.NewReader(""), s.out, s.log)
	}()
	t.Cleanup(func() {
		if s.cancel != nil {
			s.stop()
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for s.ready() != http.StatusOK {
		select {
		case err := <-s.done:
			s.cancel = nil
			t.Fatalf("serve stopped before it was ready: %v\n%s", err, s.log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready after 60 s:\n%s", s.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

// stop stops the server as SIGTERM would and returns its error.
func (s *liveServer) stop() error {
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		return err
	case <-time.After(60 * time.Second):
		s.t.Fatalf("serve did not stop within 60 s:\n%s", s.log)
		return nil
	}
}

func (s *liveServer) ready() int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitReady waits until /readyz answers want and returns how long that took.
func (s *liveServer) waitReady(want int, within time.Duration) time.Duration {
	s.t.Helper()
	t0 := time.Now()
	for s.ready() != want {
		if time.Since(t0) > within {
			s.t.Fatalf("/readyz not %d after %v; log:\n%s", want, within, s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(t0)
}

// staffToken creates a staff user with the command line, as an administrator would, and
// returns an API token of theirs.
func staffToken(t *testing.T, envv map[string]string) string {
	t.Helper()
	ctx := context.Background()
	if out, _, err := refurb(t, ctx, envv, "", "users", "create", "--email", "staff@example.org", "--name", "Staff", "--role", "staff"); err != nil {
		t.Fatalf("users create: %v\n%s", err, out)
	}
	out, _, err := refurb(t, ctx, envv, "", "tokens", "create", "--email", "staff@example.org")
	if err != nil {
		t.Fatalf("tokens create: %v", err)
	}
	return strings.TrimSpace(out)
}

// post sends a request with the token and returns the status and body.
func post(t *testing.T, url, token, contentType string, body []byte) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// donation records an empty donation through GraphQL and returns its number.
func donation(t *testing.T, s *liveServer, token string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": `mutation($in: RecordDonationInput!) { recordDonation(input: $in) { number } }`,
		"variables": map[string]any{"in": map[string]any{"receivedOn": time.Now().Format(time.DateOnly), "devices": []any{}}}})
	status, b := post(t, s.url+"/graphql", token, "application/json", body)
	var r struct {
		Data struct{ RecordDonation struct{ Number string } }
	}
	if status != http.StatusOK || json.Unmarshal(b, &r) != nil || r.Data.RecordDonation.Number == "" {
		t.Fatalf("recordDonation: %d %s", status, b)
	}
	return r.Data.RecordDonation.Number
}

// importList posts an asset list of n laptops to POST /imports.
func importList(t *testing.T, s *liveServer, token, number string, n int) (int, []byte) {
	t.Helper()
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("donation", number)
	fw, _ := mw.CreateFormFile("file", "list.csv")
	fmt.Fprint(fw, "Type,Make,Model,Serial Number\r\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(fw, "Laptop,Lenovo,ThinkPad T480,DISK-%05d\r\n", i)
	}
	mw.Close()
	return post(t, s.url+"/imports", token, mw.FormDataContentType(), form.Bytes())
}

func TestServeTwiceOnOneDataDir(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	t.Parallel()
	ctx := context.Background()
	dataDir := filepath.Join(privateDir(t), "postgres")
	envv := map[string]string{"REFURB_DATA_DIR": dataDir}
	first := serveLive(t, envv, "-migrate")

	// A second server on the same data directory would stop the cluster under the first when it
	// exits: it is refused, with the first's process named.
	_, _, err := refurb(t, ctx, envv, "", "serve", "-listen-addr", freeAddr(t))
	want := fmt.Sprintf("another refurb serve (process %d) already serves the private database in %s: stop it first", os.Getpid(), dataDir)
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Count(err.Error(), "\n") > 0 {
		t.Errorf("second serve on one data directory: got %v, want one sentence starting %q", err, want)
	}
	// A server on another database but the first's address is refused too.
	db := pgtest.New(t)
	_, _, err = refurb(t, ctx, map[string]string{"DATABASE_URL": db.URL}, "", "serve", "-listen-addr", strings.TrimPrefix(first.url, "http://"))
	if err == nil || !strings.Contains(err.Error(), "already uses that address") {
		t.Errorf("second serve on the first's address: got %v, want a sentence saying the address is taken", err)
	}
	// The first goes on, other commands still attach to its cluster, nothing is damaged.
	if got := first.ready(); got != http.StatusOK {
		t.Errorf("the first server after the refusals: /readyz %d", got)
	}
	if out, _, err := refurb(t, ctx, envv, "", "users", "list"); err != nil || !strings.Contains(out, "admin@refurb.local") {
		t.Errorf("users list beside the server: %v\n%s", err, out)
	}
	if err := first.stop(); err != nil {
		t.Fatalf("the first server: %v\n%s", err, first.log)
	}
	// Once it stopped, the data directory is free for the next one.
	serveLive(t, envv)
}

func TestServeAfterCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and kills it")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	t.Parallel()
	ctx := context.Background()
	dataDir := filepath.Join(privateDir(t), "postgres")
	envv := map[string]string{"REFURB_DATA_DIR": dataDir}
	s := serveLive(t, envv, "-migrate")
	staffToken(t, envv) // committed before the crashes

	// PostgreSQL killed under the running server: it starts it again by itself.
	attached, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	if err := attached.Crash(); err != nil {
		t.Fatal(err)
	}
	down := s.waitReady(http.StatusServiceUnavailable, 5*time.Second)
	up := s.waitReady(http.StatusOK, 15*time.Second)
	if !strings.Contains(s.log.String(), "PostgreSQL stopped unexpectedly: starting it again") {
		t.Errorf("the server's log does not say what happened:\n%s", s.log)
	}
	t.Logf("PostgreSQL killed under refurb serve: /readyz 503 after %v, 200 again %v later (started again by the server)", down.Round(time.Millisecond), up.Round(time.Millisecond))
	if err := s.stop(); err != nil {
		t.Fatalf("serve: %v\n%s", err, s.log)
	}

	// The whole machine crashed: PostgreSQL killed, its postmaster.pid left behind naming a
	// process id that now belongs to another program (a container restarted). The next serve
	// starts it, says so in one line, and finds what was committed.
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Crash(); err != nil {
		t.Fatal(err)
	}
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Process.Kill(); other.Wait() })
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	if err := os.WriteFile(pidFile, append([]byte(strconv.Itoa(other.Process.Pid)+"\n"), rest...), 0o600); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	s = serveLive(t, envv)
	if n := strings.Count(s.log.String(), "removed the lock file of a PostgreSQL server that stopped without cleaning up"); n != 1 {
		t.Errorf("serve after a crash: got %d lines about the stale lock file, want 1:\n%s", n, s.log)
	}
	if out, _, err := refurb(t, ctx, envv, "", "users", "list"); err != nil || !strings.Contains(out, "staff@example.org") {
		t.Errorf("users list after the crash: %v\n%s", err, out)
	}
	t.Logf("refurb serve after a crash with a stale postmaster.pid: ready in %v", time.Since(t0).Round(time.Millisecond))
}

func TestServeWithFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL on a small file system")
	}
	t.Parallel()
	ctx := context.Background()
	mnt := filepath.Join(privateDir(t), "disk")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	// A file system of its own, small enough to fill: a tmpfs of 160 MB.
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=160m,mode=0755"); err != nil {
		if errors.Is(err, syscall.EPERM) {
			t.Skip("mounting a tmpfs to fill needs root (CAP_SYS_ADMIN); CI runs as root")
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(mnt, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", mnt, err)
		}
	})
	dataDir := filepath.Join(mnt, "postgres")
	envv := map[string]string{"REFURB_DATA_DIR": dataDir}
	s := serveLive(t, envv, "-migrate")
	token := staffToken(t, envv)
	number := donation(t, s, token)

	// The disk fills up.
	filler := filepath.Join(mnt, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for {
		if _, err := f.Write(zeros); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	f.Close()

	// An import cannot be written: refused whole with a sentence, not a 500.
	status, body := importList(t, s, token, number, 10000)
	if status != http.StatusServiceUnavailable || !bytes.Contains(body, []byte("disk is full")) {
		t.Errorf("an import on a full disk: got %d %s, want 503 saying the disk is full", status, body)
	}

	t.Logf("an import on the full disk: %d %s", status, body)

	// The write-ahead log runs out of space: PostgreSQL stops itself (PANIC, then crash recovery
	// cannot write either). Forced here with the superuser: WAL past the current segment.
	conn, err := pgx.Connect(ctx, "postgres://"+pgcluster.Superuser+"@/"+pgcluster.Database+"?host="+dataDir)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		if _, err := conn.Exec(ctx, "SELECT pg_logical_emit_message(false, 'refurb-test', repeat('x', 1000000)), pg_switch_wal()"); err != nil {
			break
		}
	}
	conn.Close(ctx)
	s.waitReady(http.StatusServiceUnavailable, 10*time.Second)
	// The server tries to start it again and says why it cannot, in one sentence.
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(s.log.String(), "PostgreSQL cannot start: the disk holding "+dataDir+" is full") {
		if time.Now().After(deadline) {
			t.Fatalf("no sentence about the full disk in the server's log:\n%s", s.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, line := range strings.Split(s.log.String(), "\n") {
		if strings.Contains(line, "is full") {
			t.Logf("the server's log says: %s", line)
			break
		}
	}
	status, body = post(t, s.url+"/graphql", token, "application/json", []byte(`{"query":"{ devices(first: 1) { totalCount } }"}`))
	if status != http.StatusServiceUnavailable || !bytes.Contains(body, []byte("UNAVAILABLE")) {
		t.Errorf("a query while PostgreSQL is down: got %d %s, want 503 UNAVAILABLE", status, body)
	}

	// Space is freed: the server starts PostgreSQL again by itself and goes on.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	up := s.waitReady(http.StatusOK, 20*time.Second)
	t.Logf("space freed: PostgreSQL started again by refurb serve, /readyz 200 after %v", up.Round(time.Millisecond))
	status, body = importList(t, s, token, number, 10000)
	if status != http.StatusOK {
		t.Fatalf("the import once space was freed: got %d %.300s", status, body)
	}

	// Nothing is corrupt: every table and index of the database checks out.
	bin, err := pgcluster.FindBinDir()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(bin, "pg_amcheck"), "--host", dataDir, "--username", pgcluster.Superuser,
		"--install-missing", "--heapallindexed", "--no-strict-names", pgcluster.Database).CombinedOutput()
	if err != nil {
		t.Errorf("pg_amcheck: %v\n%s", err, out)
	}
	var devices int
	conn, err = pgx.Connect(ctx, "postgres://"+pgcluster.Superuser+"@/"+pgcluster.Database+"?host="+dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM devices").Scan(&devices); err != nil || devices != 10000 {
		t.Errorf("devices: got %d, %v; want the 10,000 of the import sent again, none of the refused one", devices, err)
	}
	if err := s.stop(); err != nil {
		t.Errorf("serve: %v\n%s", err, s.log)
	}
}

// TestServeLockFreedWithACopyOpen: when a server stops, the next one started at once on its
// data directory gets it, even while a child forked by another goroutine of the process (not
// yet at its exec) still holds a copy of the lock's descriptor. A close alone left the lock
// to that copy and refused the next server; it failed TestServeTwiceOnOneDataDir in CI once.
func TestServeLockFreedWithACopyOpen(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "postgres")
	release, err := claimServer(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	copyFD := dupOpenFile(t, dataDir+".serve.lock")
	defer syscall.Close(copyFD)
	release()
	again, err := claimServer(dataDir)
	if err != nil {
		t.Fatalf("the next server after the first released the data directory: %v", err)
	}
	again()
}

// dupOpenFile duplicates this process's descriptor of path, as fork gives a child a copy.
func dupOpenFile(t *testing.T, path string) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("needs /proc")
	}
	for _, e := range entries {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && target == path {
			fd, _ := strconv.Atoi(e.Name())
			dup, err := syscall.Dup(fd)
			if err != nil {
				t.Fatal(err)
			}
			return dup
		}
	}
	t.Fatalf("no descriptor of %s open", path)
	return -1
}
