package main

import (
	"bufio"
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
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/assetlist/assetlisttest"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
)

// maxImportRSS bounds the peak resident memory of `refurb serve` (some 33 MB idle) while it
// refuses hostile asset lists, one or four at once; the worst, a worksheet of 100,000 rows and
// more, peaks at about 110 MB alone and 140 MB four at once (it was 380 MB before imports took
// turns to parse). docs/operations.md has the figures.
const maxImportRSS = 200 << 20

// TestServeRefusesHostileAssetLists posts asset lists built to hurt to POST /imports of a real
// `refurb serve` process: ZIP bombs disguised as XLSX workbooks (with honest and lying headers),
// a worksheet of half a million rows within the unzip limit, a CSV file of a million short rows
// within the size limit, and a file of 100 MB, each to a server of its own, then four of the
// worksheets at once. Each is refused with 413 and a sentence that says which limit, nothing is
// written, and the server's peak resident memory (VmHWM) stays under maxImportRSS. The figures are logged (go test -v -run
// TestServeRefusesHostileAssetLists ./cmd/refurb) and kept in docs/operations.md.
func TestServeRefusesHostileAssetLists(t *testing.T) {
	if testing.Short() {
		t.Skip("builds refurb and starts it")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs Linux's /proc to measure the server's memory")
	}
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	sys := auth.System(ctx)
	svc, err := auth.NewService(db.App, auth.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(sys, auth.NewUser{Email: "staff@example.org", Name: "Staff", Role: auth.RoleStaff, Password: inventorytest.Password}); err != nil {
		t.Fatal(err)
	}
	token, _, err := svc.CreateToken(sys, "staff@example.org", "abuse")
	if err != nil {
		t.Fatal(err)
	}
	don, _ := inventorytest.Donation(t, inventory.NewStore(db.App), sys)

	bin := filepath.Join(t.TempDir(), "refurb")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	header := "Type,Make,Model,Serial Number\n"
	cases := []struct {
		name, filename string
		size           int64     // bytes sent as the file
		file           io.Reader // nil: data
		data           []byte
		message        string
	}{
		{name: "ZIP bomb, 1.5 MB unzipping to 400 MB, honest headers", filename: "bomb.xlsx", data: assetlisttest.Bomb(t, 400<<20, 0),
			message: "the workbook expands to 401 MB; the limit is 100 MB"},
		{name: "ZIP bomb, 1.5 MB unzipping to 400 MB, headers saying 1 MB", filename: "bomb.xlsx", data: assetlisttest.Bomb(t, 400<<20, 1<<20),
			message: "the workbook expands to more than 100 MB; the limit is 100 MB"},
		{name: "worksheet of 440,000 rows unzipping to 99 MB", filename: "rows.xlsx", data: assetlisttest.Bomb(t, 99<<20, 0),
			message: `worksheet "Devices" has more rows than the limit of 100,000`},
		{name: "CSV of 1,000,000 rows in 8 MB", filename: "million.csv", data: []byte("Type,Serial\n" + strings.Repeat("laptop,\n", 1_000_000)),
			message: "the file has more rows than the limit of 100,000"},
		{name: "CSV of 100 MB", filename: "huge.csv", size: 100 << 20,
			file:    io.MultiReader(strings.NewReader(header), &repeatReader{line: []byte("Laptop,HP,EliteBook 840 G5,5CG8421XYZ\n"), left: 100<<20 - int64(len(header))}),
			message: "the file is larger than the 10 MB limit"},
	}
	for _, tc := range cases {
		if tc.file == nil {
			tc.file, tc.size = bytes.NewReader(tc.data), int64(len(tc.data))
		}
		// A server of its own for each file, so that each peak is that file's.
		base, pid, stop := startServe(t, bin, db.URL)
		before := readRSS(t, pid, "VmRSS")
		start := time.Now()
		status, body := postImport(t, base, token, don.Number, tc.filename, tc.file)
		took := time.Since(start)
		peak := readRSS(t, pid, "VmHWM")
		stop()
		var answer struct{ Error, Field string }
		json.Unmarshal(body, &answer)
		t.Logf("%-58s %10d bytes: %d %q in %s; RSS idle %d MB, peak %d MB", tc.name, tc.size, status, answer.Error, took.Round(time.Millisecond), before>>20, peak>>20)
		if status != http.StatusRequestEntityTooLarge || answer.Field != "file" || answer.Error != tc.message {
			t.Errorf("%s: got %d %s, want 413 on file saying %q", tc.name, status, body, tc.message)
		}
		if peak > maxImportRSS {
			t.Errorf("%s: peak RSS %d MB, want under %d MB", tc.name, peak>>20, maxImportRSS>>20)
		}
	}
	// Four at once.
	base, pid, stop := startServe(t, bin, db.URL)
	rows := assetlisttest.Bomb(t, 99<<20, 0)
	before := readRSS(t, pid, "VmRSS")
	start := time.Now()
	done := make(chan int)
	for range 4 {
		go func() {
			status, _ := postImport(t, base, token, don.Number, "rows.xlsx", bytes.NewReader(rows))
			done <- status
		}()
	}
	for range 4 {
		if status := <-done; status != http.StatusRequestEntityTooLarge {
			t.Errorf("four worksheets at once: got %d, want 413", status)
		}
	}
	peak := readRSS(t, pid, "VmHWM")
	stop()
	t.Logf("%-58s %10d bytes: in %s; RSS idle %d MB, peak %d MB", "4 worksheets of 440,000 rows at once", 4*len(rows), time.Since(start).Round(time.Millisecond), before>>20, peak>>20)
	if peak > maxImportRSS {
		t.Errorf("four worksheets at once: peak RSS %d MB, want under %d MB", peak>>20, maxImportRSS>>20)
	}

	for _, table := range []string{"devices", "imports"} {
		if n, err := db.Owner.NewSelect().Table(table).Count(ctx); err != nil || n != 0 {
			t.Errorf("%s: got %d (%v), want 0", table, n, err)
		}
	}
}

// startServe starts `refurb serve` (bin) on databaseURL and waits until it is ready; stop
// stops it as Ctrl-C would.
func startServe(t *testing.T, bin, databaseURL string) (base string, pid int, stop func()) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "-listen-addr", addr, "-log-level", "warn")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+databaseURL)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		}
	}
	t.Cleanup(stop)
	base = "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd.Process.Pid, stop
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("refurb serve is not ready: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// postImport streams file to POST /imports as the multipart form the API guide describes.
func postImport(t *testing.T, base, token, donation, filename string, file io.Reader) (int, []byte) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("donation", donation)
		fw, _ := mw.CreateFormFile("file", filename)
		_, err := io.Copy(fw, file)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, base+"/imports", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /imports %s: %v", filename, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	pr.Close() // the server may answer before reading the whole file
	return resp.StatusCode, body
}

// readRSS reads a size in bytes (VmRSS, VmHWM) from /proc/pid/status.
func readRSS(t *testing.T, pid int, field string) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// repeatReader reads line again and again, left bytes in all.
type repeatReader struct {
	line []byte
	left int64
	at   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:min(len(p), n+int(min(r.left, int64(len(r.line)-r.at))))], r.line[r.at:])
		n += c
		r.left -= int64(c)
		r.at = (r.at + c) % len(r.line)
	}
	return n, nil
}
