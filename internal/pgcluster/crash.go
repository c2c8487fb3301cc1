package pgcluster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pidFile is the lock file the postmaster writes into the data directory while it runs: its
// first line is the postmaster's process id, its second the data directory.
const pidFile = "postmaster.pid"

// PID returns the process id the data directory's postmaster.pid names, or 0 when there is no
// such file (the server is stopped, or stopped cleanly).
func (c *Cluster) PID() (int, error) {
	return readPID(filepath.Join(c.dataDir, pidFile))
}

// readPID reads the process id on the first line of a PostgreSQL lock file, or 0.
func readPID(path string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, nil // being written, or cut short by a full disk
	}
	pid, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
	if err != nil || pid <= 0 {
		return 0, nil // not a pid: nothing runs under it
	}
	return pid, nil
}

// Crash kills the server and every process it started with SIGKILL, as the kernel's OOM killer
// or `kill -9` would, leaving postmaster.pid, the socket's lock file and the shared memory's key
// behind, and waits until they are gone. It is for fault tests (Linux only: it reads /proc);
// the next Start recovers the cluster. Afterwards Stop does nothing.
func (c *Cluster) Crash() error {
	pid, err := c.PID()
	if err != nil {
		return fmt.Errorf("crash PostgreSQL: %w", err)
	}
	if pid == 0 {
		return errors.New("crash PostgreSQL: it is not running")
	}
	procs := append([]int{pid}, children(pid)...)
	for _, p := range procs {
		syscall.Kill(p, syscall.SIGKILL) //nolint:errcheck // it may have exited meanwhile
	}
	c.started = false
	deadline := time.Now().Add(10 * time.Second)
	for _, p := range procs {
		for alive(p) {
			if time.Now().After(deadline) {
				return fmt.Errorf("crash PostgreSQL: process %d still runs 10 s after SIGKILL", p)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return nil
}

// children returns the processes whose parent is pid, from /proc.
func children(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, _, ok := procStat(p); ok && ppid == pid {
			out = append(out, p)
		}
	}
	return out
}

// procStat returns a process's parent and state from /proc/PID/stat.
func procStat(pid int) (ppid int, state byte, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0, false
	}
	// pid (comm) state ppid ...: comm may hold spaces and parentheses, so cut at the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return ppid, f[0][0], err == nil
}

// alive reports whether pid runs (a zombie, dead but not yet reaped, does not).
func alive(pid int) bool {
	if _, state, ok := procStat(pid); ok {
		return state != 'Z' && state != 'X'
	}
	return syscall.Kill(pid, 0) == nil
}

// survivorWait is how long Start waits for processes of a server that died to end by
// themselves: a backend notices its postmaster's death at its next wait, within moments,
// unless it is in the middle of a long statement.
var survivorWait = 10 * time.Second

// clearStale prepares a data directory whose server died without cleaning up (kill -9, the OOM
// killer, a container stopped): PostgreSQL replaces a postmaster.pid whose process is gone by
// itself, but not one whose process id now belongs to a zombie (a container without an init
// that reaps) or to another program of the same user (ids are reused after a restart), and it
// must not start while processes of the dead server still use the data directory. It removes
// such a stale postmaster.pid, waits a little for survivors, and otherwise says what to do. It
// knows processes through /proc and does nothing where there is none.
func (c *Cluster) clearStale(ctx context.Context) error {
	pid, err := c.PID()
	if err != nil || pid == 0 {
		return err
	}
	if _, err := os.Stat("/proc/self/cwd"); err != nil {
		return nil
	}
	deadline := time.Now().Add(survivorWait)
	for {
		procs := c.serverProcesses()
		if slices.Contains(procs, pid) {
			return nil // the server runs (starting, recovering, stopping): start() waits for it
		}
		if len(procs) == 0 {
			break
		}
		if time.Now().After(deadline) {
			ids := fmt.Sprint(procs)
			return fmt.Errorf("PostgreSQL cannot start in %s: processes of its previous server, which is gone, still run (%s): stop them (kill %s) and start again",
				c.dataDir, strings.Trim(ids, "[]"), strings.Trim(ids, "[]"))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	// A zombie, another program or nothing: the server that wrote the lock files is gone. Its
	// socket's lock file names it too, and PostgreSQL checks it the same way.
	var removed []string
	for _, lock := range []string{filepath.Join(c.dataDir, pidFile), filepath.Join(c.socketDir, socketName+".lock")} {
		owner, err := readPID(lock)
		if err != nil || owner == 0 {
			continue
		}
		if err := os.Remove(lock); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("PostgreSQL cannot start in %s: remove the lock file %s of its previous server (process %d, gone): %w", c.dataDir, lock, owner, err)
		}
		removed = append(removed, lock)
	}
	if len(removed) > 0 {
		c.log.Warn("removed the lock file of a PostgreSQL server that stopped without cleaning up", "pid", pid, "files", removed)
	}
	return nil
}

// isServer reports whether pid is a live PostgreSQL process working in the data directory; where
// there is no /proc to tell, whether it is a live process.
func (c *Cluster) isServer(pid int) bool {
	if !alive(pid) {
		return false
	}
	if _, err := os.Stat("/proc/self/cwd"); err != nil {
		return true
	}
	return slices.Contains(c.serverProcesses(pid), pid)
}

// serverProcesses returns the live PostgreSQL processes working in the data directory (a
// postmaster and its backends chdir there): all of them, or among only those given.
func (c *Cluster) serverProcesses(only ...int) []int {
	dir, err := filepath.EvalSymlinks(c.dataDir)
	if err != nil {
		dir = c.dataDir
	}
	pids := only
	if len(only) == 0 {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if p, err := strconv.Atoi(e.Name()); err == nil {
				pids = append(pids, p)
			}
		}
	}
	var out []int
	for _, p := range pids {
		if !alive(p) {
			continue
		}
		proc := filepath.Join("/proc", strconv.Itoa(p))
		if cwd, err := os.Readlink(filepath.Join(proc, "cwd")); err != nil || cwd != dir {
			continue
		}
		if exe, err := os.Readlink(filepath.Join(proc, "exe")); err != nil || !strings.HasPrefix(filepath.Base(exe), "postgres") {
			continue
		}
		out = append(out, p)
	}
	return out
}
