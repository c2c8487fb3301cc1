// Command withpg runs a command with TEST_DATABASE_URL pointing at a throwaway PostgreSQL
// cluster, so that one cluster serves a whole `make test`:
//
//	go run ./internal/pgtest/withpg -- go test ./...
//
// It starts the cluster (internal/pgcluster, in fast mode) in a new temporary directory, runs
// the command with its standard streams, then stops the cluster, removes the directory and
// exits with the command's exit code. If TEST_DATABASE_URL is already set, it only runs the
// command. Each test then gets its own database from internal/pgtest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/digital-inclusion/refurb/internal/pgcluster"
	"github.com/digital-inclusion/refurb/internal/pgtest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stderr))
}

// run returns the exit code rather than exiting, so that the cluster is stopped and its
// directory removed on every path.
func run(args []string, getenv func(string) string, stderr io.Writer) int {
	flags := flag.NewFlagSet("withpg", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: withpg -- command [args...]")
		fmt.Fprintln(stderr, "Runs command with "+pgtest.EnvURL+" set to a throwaway PostgreSQL cluster, unless it is already set.")
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	command := flags.Args()
	if len(command) == 0 {
		flags.Usage()
		return 2
	}

	// Catch the signals from the start: an interrupt while the cluster starts must still
	// lead to the cleanup below, not leave a server running in a deleted directory.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	if getenv(pgtest.EnvURL) != "" {
		return runCommand(command, os.Environ(), sigs, stderr)
	}

	dir, err := os.MkdirTemp(baseDir(getenv), "refurb-test-pg-")
	if err != nil {
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// MkdirTemp makes it private to us; when we are root the server runs as postgres, which
	// must pass through it to reach its data directory inside.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		return 1
	}

	ctx, cancel := context.WithCancelCause(context.Background())
	startDone := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cancel(signalError{sig})
		case <-startDone:
		}
	}()
	t0 := time.Now()
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: filepath.Join(dir, "data"), Fast: true})
	close(startDone)
	var interrupted signalError
	if errors.As(context.Cause(ctx), &interrupted) {
		fmt.Fprintf(stderr, "withpg: %v while starting PostgreSQL\n", interrupted.sig)
		return 128 + int(interrupted.sig.(syscall.Signal))
	}
	cancel(nil)
	if err != nil {
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		return 1
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := cluster.Stop(ctx); err != nil {
			fmt.Fprintf(stderr, "withpg: %v\n", err)
		}
	}()
	url := cluster.URL("postgres")
	fmt.Fprintf(stderr, "withpg: test PostgreSQL in %s, started in %v: %s=%s\n",
		cluster.DataDir(), time.Since(t0).Round(time.Millisecond), pgtest.EnvURL, url)

	return runCommand(command, append(os.Environ(), pgtest.EnvURL+"="+url), sigs, stderr)
}

// signalError says which signal cancelled the start.
type signalError struct{ sig os.Signal }

func (e signalError) Error() string { return e.sig.String() }

// runCommand runs command with env and returns its exit code, forwarding the signals that
// arrive on sigs. The command is in our process group, so an interrupt typed at the terminal
// reaches it directly as well; forwarding covers a signal sent to withpg alone (kill, a CI
// runner's timeout).
func runCommand(command, env []string, sigs <-chan os.Signal, stderr io.Writer) int {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		return 127
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-sigs:
				cmd.Process.Signal(sig) //nolint:errcheck // it may have exited meanwhile
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exitErr.ExitCode()
	default:
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		return 1
	}
}

// minShm is the free space /dev/shm must have for the cluster to go there: Docker gives
// containers 64 MB by default, which a few dozen parallel test databases would fill.
const minShm = 1 << 30

// baseDir returns where to put the cluster: the default temporary directory if TMPDIR says
// where that is, else /dev/shm when it is a roomy tmpfs, else "" (the default). Creating a test database copies its template's ~8 MB of files;
// on a virtual machine's disk that took 250 ms per test, in memory 15 ms, and initdb drops
// from about 2 s to under 1 s.
func baseDir(getenv func(string) string) string {
	const shm = "/dev/shm"
	if getenv("TMPDIR") != "" {
		return ""
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(shm, &st); err != nil || st.Bavail*uint64(st.Bsize) < minShm {
		return ""
	}
	if syscall.Access(shm, 0o2|0o1) != nil { // W_OK|X_OK
		return ""
	}
	return shm
}
