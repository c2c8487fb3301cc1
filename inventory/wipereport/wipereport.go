// Package wipereport reads the reports that erasure tools write about the drives they
// sanitized: nwipe's (and so ShredOS's) PDF report, one drive a file, and Blancco Drive
// Eraser's XML report, one or more drives a file. Each erasure it finds becomes an Erasure:
// the drive's serial and model as the tool saw them, the NIST SP 800-88 category, technique,
// tool and version, verification, start and end, and whether it passed, with the tool's
// warnings.
//
// It parses only: it holds no database and does not decide which storage medium a report is
// about, which package inventory does by serial. It imports nothing of Refurb's, so that
// inventory can import it; the categories and verifications it returns are inventory's
// values ("clear", "purge"; "none", "sample", "full").
//
// The categories are conservative. An nwipe overwrite, whatever its method and passes, is
// CLEAR, never PURGE (an overwrite cannot reach a flash drive's spare blocks, domain.md
// section 3); only the drive's own sanitize or secure-erase commands, which newer nwipe
// versions and Blancco can send, are PURGE. A verify-only run sanitizes nothing and is refused.
//
// docs/wipes.md says which parts of the formats were checked against what.
package wipereport

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Format is the kind of report a file holds.
type Format string

// The formats.
const (
	NwipePDF   Format = "nwipe_pdf"
	BlanccoXML Format = "blancco_xml"
)

// MaxBytes is the largest report file Parse reads: an nwipe report with its SMART data pages
// is some 100 to 300 KB, a Blancco XML report less.
const MaxBytes = 5 << 20

// ErrTooLarge is wrapped by the error of a file over MaxBytes, or whose compressed streams
// inflate to too much.
var ErrTooLarge = errors.New("too large")

// ErrUnknownFormat is wrapped by the error of a file that is neither an nwipe PDF report nor
// a Blancco XML report.
var ErrUnknownFormat = errors.New("not an nwipe or Blancco report")

// Categories, as inventory names them.
const (
	Clear = "clear"
	Purge = "purge"
)

// Verifications, as inventory names them.
const (
	VerifyNone = "none"
	VerifyFull = "full"
)

// Report is what one file says.
type Report struct {
	Format   Format
	Erasures []Erasure // at least one
}

// Erasure is one drive's sanitization as a report states it.
type Erasure struct {
	Serial       string // as written in the report, trimmed
	Model        string
	Category     string // Clear or Purge
	Technique    string // e.g. "nwipe DoD Short: PRNG Isaac64, final pass zeros, 1 round"
	Standard     string // e.g. "DoD 5220.22-M", when the method names one
	Tool         string // tool and version, e.g. "nwipe 0.35"
	Verification string // VerifyNone or VerifyFull
	StartedAt    *time.Time
	FinishedAt   time.Time
	Passed       bool
	Warnings     []string // what the tool warned about, in its words
}

// Error is why a file could not be read as a report, in words a person can act on.
type Error struct {
	Msg string
	Err error // ErrTooLarge, ErrUnknownFormat, or nil
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

func fail(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// Parse reads one report file. filename is the name it was uploaded under: nwipe puts the
// drive's model and serial in it, which Parse checks against the text inside. Times written
// without a zone (nwipe's) are read in loc, the workshop's time zone.
func Parse(filename string, data []byte, loc *time.Location) (*Report, error) {
	if len(data) > MaxBytes {
		return nil, &Error{Msg: fmt.Sprintf("the file is larger than the %d MB limit", MaxBytes>>20), Err: ErrTooLarge}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail("the file is empty")
	}
	if loc == nil {
		loc = time.UTC
	}
	head := bytes.TrimLeft(data[:min(len(data), 1024)], "\xef\xbb\xbf\x00\t\r\n ")
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return parseNwipe(filepath.Base(strings.ReplaceAll(filename, `\`, "/")), data, loc)
	case bytes.HasPrefix(head, []byte("<")):
		return parseBlancco(data)
	}
	return nil, &Error{Msg: "the file is neither a PDF (nwipe, ShredOS) nor an XML report (Blancco)", Err: ErrUnknownFormat}
}

// SerialKey is how serials are compared: without spaces, in any case ("WD-WX 41" matches
// "wd-wx41").
func SerialKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
