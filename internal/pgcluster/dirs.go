package pgcluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// FindBinDir returns the directory holding the PostgreSQL server programs (postgres, initdb,
// pg_ctl): the one `pg_config --bindir` names if it holds them (pg_config may come from a
// client-only package), else the newest /usr/lib/postgresql/*/bin (Debian and Ubuntu keep the
// server programs off PATH), else the directory of pg_ctl on PATH. It returns ErrNoBinaries if
// none holds all three.
func FindBinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); hasBinaries(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) float64 {
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		if err != nil {
			return -1
		}
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int {
		va, vb := version(a), version(b)
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return 0
	})
	for _, dir := range dirs {
		if hasBinaries(dir) {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if dir := filepath.Dir(p); hasBinaries(dir) {
			return dir, nil
		}
		// Homebrew and similar link pg_ctl into a shared bin directory without the others.
		if real, err := filepath.EvalSymlinks(p); err == nil && hasBinaries(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
	}
	return "", ErrNoBinaries
}

// hasBinaries reports whether dir holds executable postgres, initdb and pg_ctl.
func hasBinaries(dir string) bool {
	if dir == "" {
		return false
	}
	for _, name := range []string{"postgres", "initdb", "pg_ctl"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// osUser is the OS user the server runs as.
type osUser struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32
	// switchTo is set when this process is root and must run PostgreSQL's programs as this
	// user, because PostgreSQL refuses to run as root.
	switchTo bool
}

// credential returns the credential to run programs with, or nil to run them as ourselves.
func (u *osUser) credential() *syscall.Credential {
	if !u.switchTo {
		return nil
	}
	return &syscall.Credential{Uid: u.uid, Gid: u.gid, Groups: u.groups}
}

// inGroup reports whether the user is a member of gid.
func (u *osUser) inGroup(gid uint32) bool {
	return gid == u.gid || slices.Contains(u.groups, gid)
}

// serverUser returns the OS user that runs the server for dataDir: the current user, or, when
// the current user is root, the owner of an existing cluster or else the user postgres.
func serverUser(dataDir string) (*osUser, error) {
	if os.Geteuid() != 0 {
		u := &osUser{name: strconv.Itoa(os.Geteuid()), uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}
		if cur, err := user.Current(); err == nil {
			u.name = cur.Username
		}
		if gids, err := os.Getgroups(); err == nil {
			for _, g := range gids {
				u.groups = append(u.groups, uint32(g))
			}
		}
		return u, nil
	}
	// A cluster that someone initialised as an ordinary user must keep running as that user.
	if fi, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			u, err := user.LookupId(strconv.FormatUint(uint64(st.Uid), 10))
			if err != nil {
				// No passwd entry (a container, a copied directory): the ids are enough.
				return &osUser{name: strconv.FormatUint(uint64(st.Uid), 10), uid: st.Uid, gid: st.Gid, switchTo: true}, nil
			}
			return lookedUp(u)
		}
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL must run as an unprivileged OS user and there is no user postgres (%v): create one (useradd --system postgres) or run refurb as an ordinary user", err)
	}
	return lookedUp(u)
}

// lookedUp converts an os/user entry.
func lookedUp(u *user.User) (*osUser, error) {
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: uid %q: %w", u.Username, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: gid %q: %w", u.Username, u.Gid, err)
	}
	out := &osUser{name: u.Username, uid: uint32(uid), gid: uint32(gid), switchTo: true}
	if gids, err := u.GroupIds(); err == nil {
		for _, g := range gids {
			if n, err := strconv.ParseUint(g, 10, 32); err == nil {
				out.groups = append(out.groups, uint32(n))
			}
		}
	}
	return out, nil
}

// prepareDataDir checks that the server user can reach dataDir and creates the directories
// that are missing. It does not decide whether the directory needs initdb: that takes the
// lock (claimDataDir).
func prepareDataDir(dataDir string, u *osUser) error {
	if err := checkReachable(dataDir, u); err != nil {
		return err
	}
	var missing []string
	for d := dataDir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("PostgreSQL data directory %s: %s is not a directory", dataDir, d)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || d == filepath.Dir(d) {
			return fmt.Errorf("PostgreSQL data directory: %w", err)
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		// Parents we create are made enterable (umask may say otherwise), since the server
		// user must pass through them; the data directory itself is private.
		mode := os.FileMode(0o755)
		if d == dataDir {
			mode = 0o700
		}
		if err := os.Mkdir(d, mode); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("create PostgreSQL data directory: %w", err)
		}
		if err := os.Chmod(d, mode); err != nil {
			return fmt.Errorf("create PostgreSQL data directory: %w", err)
		}
	}
	return nil
}

// checkReachable fails with a sentence naming the first existing ancestor of path that the
// server user cannot enter. It checks only when running as root: an ordinary user runs the
// server as themself, and the programs' own errors then say the same. Directories not yet
// created are skipped; prepareDataDir makes them enterable.
func checkReachable(path string, u *osUser) error {
	if !u.switchTo {
		return nil
	}
	var dirs []string
	for d := filepath.Dir(path); ; d = filepath.Dir(d) {
		dirs = append(dirs, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	// From the root down, so the message names the outermost obstacle.
	for i := len(dirs) - 1; i >= 0; i-- {
		d := dirs[i]
		fi, err := os.Stat(d)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("PostgreSQL data directory: %w", err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			continue
		}
		perm := fi.Mode().Perm()
		var can bool
		switch {
		case st.Uid == u.uid:
			can = perm&0o100 != 0
		case u.inGroup(st.Gid):
			can = perm&0o010 != 0
		default:
			can = perm&0o001 != 0
		}
		if !can {
			return fmt.Errorf("%w: PostgreSQL runs as the OS user %s, which cannot enter %s (mode %04o): choose a directory %s can reach, or allow it in (chmod o+x %s)", ErrUnreachable, u.name, d, perm, u.name, d)
		}
	}
	return nil
}

// claimDataDir reports whether dataDir still needs initdb, and if so hands it to the server
// user. The caller holds the lock on dataDir.
func claimDataDir(dataDir string, u *osUser) (fresh bool, err error) {
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("PostgreSQL data directory: %w", err)
	}
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		return false, fmt.Errorf("PostgreSQL data directory: %w", err)
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("PostgreSQL data directory %s is neither empty nor a PostgreSQL data directory: choose another path", dataDir)
	}
	if u.switchTo {
		if err := os.Chown(dataDir, int(u.uid), int(u.gid)); err != nil {
			return false, fmt.Errorf("hand PostgreSQL data directory to %s: %w", u.name, err)
		}
	}
	// PostgreSQL insists that nobody but its owner can read the data directory.
	if err := os.Chmod(dataDir, 0o700); err != nil {
		return false, fmt.Errorf("PostgreSQL data directory: %w", err)
	}
	return true, nil
}

// socketDirFor returns the directory for the server's socket: the data directory itself, or,
// when that path is too long for a socket address, a directory under os.TempDir() named after
// a hash of the data directory path, so that every process computes the same one.
func socketDirFor(dataDir string) string {
	if len(filepath.Join(dataDir, socketName)) <= maxSocketPath {
		return dataDir
	}
	sum := sha256.Sum256([]byte(dataDir))
	return filepath.Join(os.TempDir(), "refurb-pg-"+hex.EncodeToString(sum[:6]))
}

// socketName is the socket file PostgreSQL creates for port.
const socketName = ".s.PGSQL.5432"

// prepareSocketDir returns the socket directory, creating it if it is not the data directory.
// A directory under os.TempDir() must belong to the server user and be closed to others:
// otherwise someone else could have put a socket there that impersonates our server.
func prepareSocketDir(dataDir string, u *osUser) (string, error) {
	dir := socketDirFor(dataDir)
	if dir == dataDir {
		return dir, nil
	}
	if n := len(filepath.Join(dir, socketName)); n > maxSocketPath {
		return "", fmt.Errorf("PostgreSQL socket path %s is %d bytes long, more than unix sockets allow: use a shorter data directory or TMPDIR", filepath.Join(dir, socketName), n)
	}
	if err := checkReachable(filepath.Join(dir, socketName), u); err != nil {
		return "", err
	}
	if err := os.Mkdir(dir, 0o700); err == nil {
		if u.switchTo {
			if err := os.Chown(dir, int(u.uid), int(u.gid)); err != nil {
				return "", fmt.Errorf("PostgreSQL socket directory: %w", err)
			}
		}
	} else if !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("PostgreSQL socket directory: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL socket directory: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || st.Uid != u.uid || fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("PostgreSQL socket directory %s is not a private directory of the OS user %s: remove it and start again", dir, u.name)
	}
	return dir, nil
}

// lockDir takes an exclusive flock on dir, waiting for other processes until ctx ends. The
// returned function releases it. The descriptor is close-on-exec, so the server that pg_ctl
// starts does not inherit the lock; it is unlocked before the close all the same, since a
// child forked elsewhere in the process holds a copy of the descriptor until its exec.
func lockDir(ctx context.Context, dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // the close releases it too
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// FindProgram returns the path of one of PostgreSQL's client programs (pg_dump, pg_restore,
// pg_amcheck): in the directory FindBinDir finds, so that it matches the server programs, else
// on PATH (a machine with the client programs only, for a PostgreSQL elsewhere).
func FindProgram(name string) (string, error) {
	if dir, err := FindBinDir(); err == nil {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("no PostgreSQL program %s found: install PostgreSQL's client programs (Debian: apt-get install postgresql-client)", name)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
