package pgcluster

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer collects a logger's lines from several goroutines.
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

// restart starts the cluster again after a crash, with a logger whose lines the test reads.
func restart(t *testing.T, dataDir string, fast bool) (*Cluster, *syncBuffer, error) {
	t.Helper()
	var log syncBuffer
	c, err := Start(t.Context(), Options{DataDir: dataDir, Fast: fast, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err == nil {
		t.Cleanup(func() {
			if err := c.Stop(context.Background()); err != nil {
				t.Errorf("Stop: %v", err)
			}
		})
	}
	return c, &log, err
}

// replacePID rewrites the first line of a lock file, as if its process id now belonged to pid.
func replacePID(t *testing.T, path string, pid int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	if err := os.WriteFile(path, append([]byte(strconv.Itoa(pid)+"\n"), rest...), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A server killed outright leaves postmaster.pid behind; after a restart of the machine or the
// container its process id may belong to another program, which PostgreSQL takes for a running
// server. Start removes such a file and PostgreSQL recovers what was committed.
func TestStartAfterCrash(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	ctx := t.Context()
	dataDir := newDataDir(t)
	// Durable, unlike the other tests' clusters: a commit must be on disk before it returns.
	c, _, err := restart(t, dataDir, false)
	if err != nil {
		t.Fatal(err)
	}
	conn := connect(t, c.URL(Database))
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('committed')"); err != nil {
		t.Fatal(err)
	}
	if err := c.Crash(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, pidFile)); err != nil {
		t.Fatalf("after the crash: %v, want postmaster.pid left behind", err)
	}
	// The dead server's id now names another program of ours.
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Process.Kill(); other.Wait() })
	replacePID(t, filepath.Join(dataDir, pidFile), other.Process.Pid)
	replacePID(t, filepath.Join(c.socketDir, socketName+".lock"), other.Process.Pid)

	t0 := time.Now()
	c2, log, err := restart(t, dataDir, false)
	if err != nil {
		t.Fatalf("Start after a crash: %v", err)
	}
	if !c2.Started() || !strings.Contains(log.String(), "removed the lock file of a PostgreSQL server that stopped without cleaning up") {
		t.Errorf("Start after a crash: started %v, log:\n%s\nwant started, and one line saying why the lock file went", c2.Started(), log)
	}
	var v string
	if err := connect(t, c2.URL(Database)).QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != "committed" {
		t.Errorf("after recovery: got %q, %v; want the committed row", v, err)
	}
	t.Logf("recovered after the crash in %v", time.Since(t0).Round(time.Millisecond))
}

// Backends of a server whose postmaster was killed keep running until they notice, and one in
// a long statement does not: PostgreSQL must not start beside them. Start waits a little, then
// names them.
func TestStartBesideSurvivors(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	saved := survivorWait
	survivorWait = time.Second
	t.Cleanup(func() { survivorWait = saved })
	ctx := t.Context()
	dataDir := newDataDir(t)
	c := start(t, dataDir)
	conn := connect(t, c.URL(Database))
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		t.Fatal(err)
	}
	go conn.Exec(context.Background(), "DO $$ BEGIN LOOP END LOOP; END $$") //nolint:errcheck // killed below
	time.Sleep(100 * time.Millisecond)
	pid, err := c.PID()
	if err != nil || pid == 0 {
		t.Fatalf("PID: %d, %v", pid, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _, err = restart(t, dataDir, true)
	if err == nil || !strings.Contains(err.Error(), "still run ("+strconv.Itoa(backend)) || !strings.Contains(err.Error(), "kill "+strconv.Itoa(backend)) {
		t.Fatalf("Start beside a surviving backend: got %v, want a sentence naming process %d", err, backend)
	}
	t.Logf("refused: %v", err)
	syscall.Kill(backend, syscall.SIGKILL)
	c.started = false // the first Cluster's server is gone
	if _, _, err := restart(t, dataDir, true); err != nil {
		t.Fatalf("Start once the survivor is gone: %v", err)
	}
}

// Supervise starts a server that died again, by itself.
func TestSupervise(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	dataDir := newDataDir(t)
	var log syncBuffer
	c, err := Start(t.Context(), Options{DataDir: dataDir, Fast: true, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Supervise(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	if err := c.Crash(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	for c.ping(t.Context()) != nil {
		if time.Since(t0) > 15*time.Second {
			t.Fatalf("not started again after 15 s; log:\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("answering again %v after the crash", time.Since(t0).Round(time.Millisecond))
	// The server answers a moment before the supervisor, which checks it does, says so.
	for !strings.Contains(log.String(), "started PostgreSQL again") && time.Since(t0) < 30*time.Second {
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{"PostgreSQL stopped unexpectedly: starting it again", "started PostgreSQL again"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}
