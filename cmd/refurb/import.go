package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

const importSummary = `refurb import FILE --donation NUMBER [--dry-run] [--lines] [--json]

Imports a donor's asset list, a CSV or XLSX file with one device a row, into a donation. Columns
are found by their header (Type, Make, Model, Serial number, ... in English, French or German).
All or nothing: when a row is wrong, nothing is imported and every wrong row is listed. The same
file imported twice creates nothing new, and rows whose serial number is already in the donation
are skipped. With --dry-run nothing is written.`

// runImport imports a donor's asset list as the command line's administrator.
func runImport(ctx context.Context, e env, args []string) error {
	var (
		db                    dbConfig
		lc                    logConfig
		number                string
		dryRun, lines, asJSON bool
	)
	fs := newFlagSet("import", e, importSummary)
	fs.database(&db)
	fs.logging(&lc)
	fs.StringVar(&number, "donation", "", "number of the donation the devices join, such as DON-2026-00042")
	fs.BoolVar(&dryRun, "dry-run", false, "check the list and say what would be created, writing nothing")
	fs.BoolVar(&lines, "lines", false, "also list each row: the device created (with its tag) or skipped")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	// The file may come before or after the flags.
	var files []string
	for {
		if err := fs.parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		return errors.New("import: name one file: refurb import FILE --donation NUMBER")
	}
	if number == "" {
		return errors.New("import: --donation: say which donation the devices join, such as DON-2026-00042")
	}
	path := files[0]
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if st.IsDir() {
		return fmt.Errorf("import: %s is a directory", path)
	}
	if st.Size() > inventory.MaxImportBytes {
		return fmt.Errorf("import: %s is %.1f MB, over the %d MB limit", path, float64(st.Size())/(1<<20), inventory.MaxImportBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	ctx = auth.System(ctx)
	app, h, err := openApp(ctx, db, lc, e.stderr)
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	store := inventory.NewStore(app)
	don, err := store.DonationByNumber(ctx, number)
	if errors.Is(err, inventory.ErrNotFound) {
		return fmt.Errorf("import: there is no donation %s", strings.ToUpper(strings.TrimSpace(number)))
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}

	bar := newImportBar(e.stderr, filepath.Base(path))
	rep, err := store.ImportAssetListProgress(ctx, don.ID, filepath.Base(path), data, dryRun, bar.update)
	bar.finish()
	if fe, ok := validation.As(err); ok {
		return fmt.Errorf("import: %s: %s", path, fe.Message)
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := printImport(e.stdout, rep, lines); err != nil {
		return err
	}
	if n := wrongRows(rep); n > 0 {
		if dryRun {
			return fmt.Errorf("import: %d wrong row(s)", n)
		}
		return fmt.Errorf("import: %d wrong row(s), nothing imported", n)
	}
	return nil
}

// wrongRows counts the rows with at least one error.
func wrongRows(rep *inventory.ImportReport) int {
	n, last := 0, 0
	for _, e := range rep.Errors {
		if e.Line != last {
			n, last = n+1, e.Line
		}
	}
	return n
}

// printImport writes a report for a person: what was (or would be) done, then a table of the
// wrong rows or, with lines, of every row.
func printImport(w io.Writer, rep *inventory.ImportReport, lines bool) error {
	from := strings.ToUpper(rep.Format)
	if rep.Sheet != "" {
		from += fmt.Sprintf(", sheet %q", rep.Sheet)
	}
	fmt.Fprintf(w, "%s → %s (%s): %d row(s)\n", rep.Filename, rep.DonationNumber, from, rep.Rows)
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintf(w, "Columns not read: %s\n", strings.Join(rep.IgnoredColumns, ", "))
	}
	switch {
	case rep.AlreadyImported:
		fmt.Fprintf(w, "This file was already imported into %s (import %d): nothing new.\n", rep.DonationNumber, rep.ImportID)
		return nil
	case len(rep.Errors) > 0:
		verb := "nothing was imported"
		if rep.DryRun {
			verb = "an import would import nothing"
		}
		fmt.Fprintf(w, "%d row(s) are wrong; %s. Correct them and import the file again:\n\n", wrongRows(rep), verb)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LINE\tCOLUMN\tPROBLEM")
		for _, e := range rep.Errors {
			col := e.Column
			if col == "" {
				col = "-"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\n", e.Line, col, e.Message)
		}
		return tw.Flush()
	case rep.DryRun:
		fmt.Fprintf(w, "Dry run: would create %d device(s) and skip %d whose serial number is already in the donation. Nothing was written.\n", rep.Created, rep.Skipped)
	default:
		fmt.Fprintf(w, "Created %d device(s), skipped %d whose serial number is already in the donation (import %d).\n", rep.Created, rep.Skipped, rep.ImportID)
	}
	if !lines || len(rep.Lines) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tACTION\tTAG\tKIND\tMAKE\tMODEL\tSERIAL")
	for _, l := range rep.Lines {
		action := l.Action
		if rep.DryRun && action == "create" {
			action = "would create"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", l.Line, action, dash(l.Tag), l.Kind, dash(l.Make), dash(l.Model), dash(l.SerialNumber))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// importBar shows the import's progress on a terminal: a spinner while the file is read and
// checked, then a bar as devices are created. It is nil, and shows nothing, when stderr is
// not a terminal.
type importBar struct {
	bar   *progressbar.ProgressBar
	known bool
}

func newImportBar(w io.Writer, name string) *importBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("reading "+name),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
	bar.Add(0)
	return &importBar{bar: bar}
}

func (b *importBar) update(done, total int) {
	if b == nil {
		return
	}
	if !b.known {
		b.known = true
		b.bar.Describe("creating devices")
		b.bar.ChangeMax64(int64(max(total, 1)))
	}
	b.bar.Set64(int64(done))
}

func (b *importBar) finish() {
	if b == nil {
		return
	}
	if !b.known {
		b.bar.ChangeMax64(1)
	}
	b.bar.Finish()
}
