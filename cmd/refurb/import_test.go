package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgtest"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/assetlist/assetlisttest"
)

func TestImportCommand(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	envv := map[string]string{"DATABASE_URL": db.URL}
	now := time.Now()
	don, _, err := inventory.NewStore(db.App).RecordDonation(auth.System(ctx), inventory.NewDonation{ReceivedOn: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	devices := func() int {
		n, err := db.Owner.NewSelect().Table("devices").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	list := write("acme.csv", "Catégorie;Marque;Modèle;N° de série;Utilisateur\n"+
		"Portable;Dell;Latitude 7490;7XK2L01;Jeanne\n"+
		"Écran;Dell;P2419H;CN0ABC;Paul\n"+
		"Tablette;Apple;iPad 6;DMPX01;Luc\n")

	out, _, err := refurb(t, ctx, envv, "", "import", list, "--donation", don.Number, "--dry-run", "--lines")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"acme.csv → " + don.Number + " (CSV): 3 row(s)", "Columns not read: Utilisateur", "would create 3 device(s)", "Nothing was written", "would create  -"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run: got\n%s\nwant it to say %q", out, want)
		}
	}
	if n := devices(); n != 0 {
		t.Errorf("devices after a dry run: got %d, want 0", n)
	}

	// Flags before the file work as well.
	out, _, err = refurb(t, ctx, envv, "", "import", "--donation", strings.ToLower(don.Number), list)
	if err != nil || !strings.Contains(out, "Created 3 device(s), skipped 0") {
		t.Errorf("import: got %q, %v", out, err)
	}
	out, _, err = refurb(t, ctx, envv, "", "import", list, "--donation", don.Number)
	if err != nil || !strings.Contains(out, "already imported") {
		t.Errorf("the same file again: got %q, %v", out, err)
	}
	if n := devices(); n != 3 {
		t.Errorf("devices: got %d, want 3", n)
	}

	bad := write("bad.csv", "Type,Serial,RAM\nlaptop,B1,8 GB\nserver,B2,8 GB\nlaptop,B3,lots\n")
	out, _, err = refurb(t, ctx, envv, "", "import", bad, "--donation", don.Number)
	if err == nil || !strings.Contains(err.Error(), "2 wrong row(s), nothing imported") {
		t.Errorf("bad rows: got error %v", err)
	}
	for _, want := range []string{"2 row(s) are wrong; nothing was imported", "LINE  COLUMN  PROBLEM", `3     Type    "server" is not a kind of device`, `4     RAM     "lots" is not an amount of memory`} {
		if !strings.Contains(out, want) {
			t.Errorf("bad rows: got\n%s\nwant it to say %q", out, want)
		}
	}

	out, _, err = refurb(t, ctx, envv, "", "import", "--json", "--dry-run", "--donation", don.Number, write("more.csv", "Type,Serial\nlaptop,7XK2L01\nlaptop,NEW1\n"))
	var rep inventory.ImportReport
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.Created != 1 || rep.Skipped != 1 || !rep.DryRun {
		t.Errorf("--json: got %q, %v", out, err)
	}

	png, _ := os.ReadFile("../../inventory/assetlist/testdata/photo.csv")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", write("photo.csv", string(png)), "--donation", don.Number}, "photo.csv: the file is not a CSV or XLSX file (it looks like a PNG image)"},
		{[]string{"import", write("empty.csv", ""), "--donation", don.Number}, "the file is empty"},
		{[]string{"import", write("bomb.xlsx", string(assetlisttest.Bomb(t, 400<<20, 0))), "--donation", don.Number}, "bomb.xlsx: the workbook expands to 401 MB; the limit is 100 MB"},
		{[]string{"import", list, "--donation", "DON-2020-99999"}, "there is no donation DON-2020-99999"},
		{[]string{"import", list}, "--donation: say which donation"},
		{[]string{"import", "--donation", don.Number}, "name one file"},
		{[]string{"import", filepath.Join(dir, "missing.csv"), "--donation", don.Number}, "no such file"},
	} {
		if _, _, err := refurb(t, ctx, envv, "", tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, make([]byte, inventory.MaxImportBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := refurb(t, ctx, envv, "", "import", big, "--donation", don.Number); err == nil || !strings.Contains(err.Error(), "over the 10 MB limit") {
		t.Errorf("a file over the limit: got %v", err)
	}
}
