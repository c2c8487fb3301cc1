package pgcluster

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestLockDirFreedWithACopyOpen: a released data directory is free for the next start at once,
// even while a child forked elsewhere in the process (not yet at its exec) holds a copy of the
// lock's descriptor; with a close alone the next start waited for that copy.
func TestLockDirFreedWithACopyOpen(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockDir(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("needs /proc")
	}
	copyFD := -1
	for _, e := range entries {
		if target, _ := os.Readlink("/proc/self/fd/" + e.Name()); target == dir {
			fd, _ := strconv.Atoi(e.Name())
			if copyFD, err = syscall.Dup(fd); err != nil {
				t.Fatal(err)
			}
		}
	}
	if copyFD < 0 {
		t.Fatalf("no descriptor of %s open", dir)
	}
	defer syscall.Close(copyFD)
	unlock()
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	again, err := lockDir(ctx, dir)
	if err != nil {
		t.Fatalf("lock after the release: %v", err)
	}
	again()
}
