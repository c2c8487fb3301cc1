package pgcluster

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// diskFull returns the error for a start that failed because the disk is full, judged by the
// server log written since offset from, or nil.
func (c *Cluster) diskFull(from int64) error {
	if !strings.Contains(tailFile(c.LogFile(), from, 50, 16384), "No space left on device") {
		return nil
	}
	return diskFullError(fmt.Sprintf("PostgreSQL cannot start: the disk holding %s is full (%s free): free some space and start again (server log: %s)",
		c.dataDir, freeSpace(c.dataDir), c.LogFile()))
}

// diskFullError is a sentence saying that the disk is full; it is ErrDiskFull.
type diskFullError string

func (e diskFullError) Error() string { return string(e) }

func (e diskFullError) Is(target error) bool { return target == ErrDiskFull }

// freeSpace says how much space is left on the file system holding path, for a person.
func freeSpace(path string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return "unknown"
	}
	free := float64(st.Bavail) * float64(st.Bsize)
	switch {
	case free >= 1<<30:
		return fmt.Sprintf("%.1f GB", free/(1<<30))
	case free >= 1<<20:
		return fmt.Sprintf("%.1f MB", free/(1<<20))
	}
	return fmt.Sprintf("%.0f kB", free/(1<<10))
}

// The supervisor looks every superviseEvery whether the server still runs, and after a failed
// start waits twice as long each time, up to superviseMaxWait.
var (
	superviseEvery   = 2 * time.Second
	superviseMaxWait = 10 * time.Second
)

// Supervise keeps the server running until ctx ends: when its postmaster is gone (killed, out
// of memory, or shut down by PostgreSQL itself after its disk filled up and crash recovery
// could not write), it starts it again, which recovers the cluster from its write-ahead log. A
// start that fails (the disk still full) is logged with its reason and tried again later; the
// application's pool reconnects by itself once the server answers. PostgreSQL restarts crashed
// backends on its own: Supervise only acts when the postmaster itself is gone.
//
// Afterwards the cluster counts as started by this process, and Stop stops it. Do not call Stop
// before Supervise has returned.
func (c *Cluster) Supervise(ctx context.Context) {
	wait := superviseEvery
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if c.running() {
			wait = superviseEvery
			continue
		}
		c.log.Warn("PostgreSQL stopped unexpectedly: starting it again", "data_dir", c.dataDir)
		t0 := time.Now()
		if err := c.restart(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			wait = min(2*wait, superviseMaxWait)
			c.log.Error("PostgreSQL did not start again; trying later", "err", err, "retry_in", wait)
			continue
		}
		wait = superviseEvery
		c.log.Info("started PostgreSQL again", "data_dir", c.dataDir, "duration", time.Since(t0).Round(time.Millisecond))
	}
}

// running reports whether the server's postmaster is alive. It does not ask the server
// anything: a server busy recovering or refusing connections is running.
func (c *Cluster) running() bool {
	pid, err := c.PID()
	if err != nil {
		return true // cannot tell: leave it alone
	}
	return pid != 0 && c.isServer(pid)
}

// restart starts a server that is gone, as Start would, holding the data directory's lock.
func (c *Cluster) restart(ctx context.Context) error {
	unlock, err := lockDir(ctx, c.dataDir)
	if err != nil {
		return fmt.Errorf("start PostgreSQL: lock %s: %w", c.dataDir, err)
	}
	defer unlock()
	if c.running() { // someone else started it meanwhile
		return c.waitReady(ctx, startTimeout)
	}
	if _, err := os.Stat(c.dataDir); err != nil {
		return fmt.Errorf("start PostgreSQL: %w", err)
	}
	if err := c.writeConf(c.fast); err != nil {
		return err
	}
	if err := c.clearStale(ctx); err != nil {
		return err
	}
	return c.start(ctx)
}
