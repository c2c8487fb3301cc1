package wipereport_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/digital-inclusion/refurb/inventory/wipereport"
	"github.com/digital-inclusion/refurb/inventory/wipereport/wipereporttest"
)

var lux, _ = time.LoadLocation("Europe/Luxembourg")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006/01/02 15:04:05", s, lux)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

func TestNwipe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		report func(n *wipereporttest.Nwipe)
		want   wipereport.Erasure
	}{
		{"PRNG stream, verified, passed", func(n *wipereporttest.Nwipe) {}, wipereport.Erasure{
			Serial: "WD-WX41A12B3456", Model: "WDC WD5000LPLX-75ZNTT0", Category: "clear",
			Technique: "nwipe PRNG Stream: PRNG Isaac64 (CSPRNG), final pass zeros, 1 round", Tool: "nwipe 0.35",
			Verification: "full", StartedAt: ptr(at("2024/03/18 09:12:01")), FinishedAt: at("2024/03/18 10:40:33"), Passed: true,
		}},
		{"DoD short, no verification, uncompressed like PDFGen", func(n *wipereporttest.Nwipe) {
			n.Method, n.Verify, n.Rounds, n.Uncompressed, n.SmartPage = "DoD Short", "None", "2/2", true, false
		}, wipereport.Erasure{
			Serial: "WD-WX41A12B3456", Model: "WDC WD5000LPLX-75ZNTT0", Category: "clear", Standard: "DoD 5220.22-M (short)",
			Technique: "nwipe DoD Short: PRNG Isaac64 (CSPRNG), final pass zeros, 2 rounds", Tool: "nwipe 0.35",
			Verification: "none", StartedAt: ptr(at("2024/03/18 09:12:01")), FinishedAt: at("2024/03/18 10:40:33"), Passed: true,
		}},
		{"zeros on a flash drive is still an overwrite: clear", func(n *wipereporttest.Nwipe) {
			n.Method, n.PRNG, n.Verify, n.Model = "Fill With Zeros", "N/A to method", "All", "Samsung SSD 860 EVO 250GB"
		}, wipereport.Erasure{
			Serial: "WD-WX41A12B3456", Model: "Samsung SSD 860 EVO 250GB", Category: "clear",
			Technique: "nwipe Fill With Zeros: final pass zeros, 1 round", Tool: "nwipe 0.35",
			Verification: "full", StartedAt: ptr(at("2024/03/18 09:12:01")), FinishedAt: at("2024/03/18 10:40:33"), Passed: true,
		}},
		{"failed with verify errors", func(n *wipereporttest.Nwipe) {
			n.Status, n.Errors, n.Method = "FAILED", "0/0/12", "Gutmann Wipe"
		}, wipereport.Erasure{
			Serial: "WD-WX41A12B3456", Model: "WDC WD5000LPLX-75ZNTT0", Category: "clear", Standard: "Gutmann",
			Technique: "nwipe Gutmann Wipe: PRNG Isaac64 (CSPRNG), final pass zeros, 1 round", Tool: "nwipe 0.35",
			Verification: "full", StartedAt: ptr(at("2024/03/18 09:12:01")), FinishedAt: at("2024/03/18 10:40:33"),
			Warnings: []string{"nwipe status FAILED", "errors (pass/sync/verify) 0/0/12"},
		}},
		{"erased but hidden sectors left: failed", func(n *wipereporttest.Nwipe) {
			n.Info = "Visible sectors erased as requested, however hidden sectors NOT erased"
		}, wipereport.Erasure{
			Serial: "WD-WX41A12B3456", Model: "WDC WD5000LPLX-75ZNTT0", Category: "clear",
			Technique: "nwipe PRNG Stream: PRNG Isaac64 (CSPRNG), final pass zeros, 1 round", Tool: "nwipe 0.35",
			Verification: "full", StartedAt: ptr(at("2024/03/18 09:12:01")), FinishedAt: at("2024/03/18 10:40:33"),
			Warnings: []string{"Warning Visible sectors erased as requested, however hidden sectors NOT erased"},
		}},
		{"aborted after one of three rounds", func(n *wipereporttest.Nwipe) {
			n.Status, n.Rounds = "ABORTED", "1/3"
		}, wipereport.Erasure{
			Serial: "WD-WX41A12B3456", Model: "WDC WD5000LPLX-75ZNTT0", Category: "clear",
			Technique: "nwipe PRNG Stream: PRNG Isaac64 (CSPRNG), final pass zeros, 3 rounds", Tool: "nwipe 0.35",
			Verification: "full", StartedAt: ptr(at("2024/03/18 09:12:01")), FinishedAt: at("2024/03/18 10:40:33"),
			Warnings: []string{"nwipe status ABORTED", "1 of 3 rounds completed"},
		}},
		{"the drive's sanitize command is purge", func(n *wipereporttest.Nwipe) {
			n.Method, n.PRNG, n.Version = "Sanitize Crypto Erase (ATA/SCSI/NVMe)", "N/A to method", "0.39"
		}, wipereport.Erasure{
			Serial: "WD-WX41A12B3456", Model: "WDC WD5000LPLX-75ZNTT0", Category: "purge",
			Technique: "nwipe Sanitize Crypto Erase (ATA/SCSI/NVMe): final pass zeros, 1 round", Tool: "nwipe 0.39",
			Verification: "full", StartedAt: ptr(at("2024/03/18 09:12:01")), FinishedAt: at("2024/03/18 10:40:33"), Passed: true,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := wipereporttest.Erased("WD-WX41A12B3456")
			tt.report(&n)
			rep, err := wipereport.Parse(n.Filename(), n.PDF(t), lux)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if rep.Format != wipereport.NwipePDF {
				t.Errorf("format %s, want %s", rep.Format, wipereport.NwipePDF)
			}
			if diff := cmp.Diff([]wipereport.Erasure{tt.want}, rep.Erasures); diff != "" {
				t.Errorf("erasures (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNwipeRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		filename string
		report   func(n *wipereporttest.Nwipe)
		data     []byte
		want     string
	}{
		{name: "verify only", report: func(n *wipereporttest.Nwipe) { n.Method = "Verify Zeros (0x00)" }, want: "only reads the drive back"},
		{name: "unknown method", report: func(n *wipereporttest.Nwipe) { n.Method = "Unknown Method (FIXME)" }, want: "did not know its method"},
		{name: "new method", report: func(n *wipereporttest.Nwipe) { n.Method = "Some Future Method" }, want: "record this wipe by hand"},
		{name: "no serial", report: func(n *wipereporttest.Nwipe) { n.Serial = "Unknown" }, filename: "report.pdf", want: "names no serial"},
		{name: "no status", report: func(n *wipereporttest.Nwipe) { n.Status = "" }, want: "no status"},
		{name: "bad end time", report: func(n *wipereporttest.Nwipe) { n.End = "2024/13/45 10:00:00" }, filename: "r.pdf", want: "end time"},
		{name: "start after end", report: func(n *wipereporttest.Nwipe) { n.Start = "2024/03/19 09:00:00" }, want: "is after the end time"},
		{name: "system report", report: func(n *wipereporttest.Nwipe) { n.System = true }, want: "system report"},
		{name: "renamed to another serial", filename: "nwipe_report_2024-03-18-10-40-33_Model_WDC_Serial_OTHER123_device_sda.pdf", want: "file name says serial OTHER123"},
		{name: "a PDF without text", data: []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"), want: "no text"},
		{name: "encrypted", data: []byte("%PDF-1.4\ntrailer\n<< /Encrypt 5 0 R >>\n"), want: "encrypted"},
		{name: "truncated", data: []byte("%PDF-1.4\n1 0 obj\n<< /Length 500 >>\nstream\nBT 10 10 Td (Meth"), want: "no text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := tt.data
			n := wipereporttest.Erased("WD-WX41A12B3456")
			if data == nil {
				if tt.report != nil {
					tt.report(&n)
				}
				data = n.PDF(t)
			}
			name := tt.filename
			if name == "" {
				name = n.Filename()
			}
			_, err := wipereport.Parse(name, data, lux)
			var e *wipereport.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *wipereport.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestBlancco(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, 3, 18, 9, 12, 1, 0, time.FixedZone("", 3600))
	end := time.Date(2024, 3, 18, 11, 2, 0, 0, time.FixedZone("", 3600))
	data := wipereporttest.BlanccoXML("Blancco Drive Eraser", "7.9.0",
		wipereporttest.Blancco{Serial: "S3Z9NB0K123456", Vendor: "Samsung", Model: "SSD 860 EVO", State: "Successful",
			Standard: "NIST 800-88 Purge", Firmware: 1, Start: "2024-03-18T09:12:01+0100", End: "2024-03-18T11:02:00+01:00", Verified: "100"},
		wipereporttest.Blancco{Serial: "WD-WX41A12B3456", Vendor: "WDC", Model: "WD5000", State: "Successful",
			Standard: "NIST 800-88 Purge", Overwriting: 1, Start: "2024-03-18T09:12:01+0100", End: "2024-03-18T11:02:00+0100", Verified: "10"},
		wipereporttest.Blancco{Serial: "Z1D2E3", Vendor: "Seagate", Model: "ST1000", State: "Failed",
			Standard: "NIST 800-88 Clear", Overwriting: 1, End: "2024-03-18T11:02:00+0100", FailedSectors: 3},
	)
	rep, err := wipereport.Parse("blancco report.xml", data, lux)
	if err != nil {
		t.Fatal(err)
	}
	want := []wipereport.Erasure{
		{Serial: "S3Z9NB0K123456", Model: "Samsung SSD 860 EVO", Category: "purge", Standard: "NIST 800-88 Purge",
			Technique: "Blancco NIST 800-88 Purge: 1 firmware erase round", Tool: "Blancco Drive Eraser 7.9.0",
			Verification: "full", StartedAt: &start, FinishedAt: end, Passed: true},
		// A "purge" that only overwrote is an overwrite: clear.
		{Serial: "WD-WX41A12B3456", Model: "WDC WD5000", Category: "clear", Standard: "NIST 800-88 Purge",
			Technique: "Blancco NIST 800-88 Purge: 1 overwriting round", Tool: "Blancco Drive Eraser 7.9.0",
			Verification: "sample", StartedAt: &start, FinishedAt: end, Passed: true},
		{Serial: "Z1D2E3", Model: "Seagate ST1000", Category: "clear", Standard: "NIST 800-88 Clear",
			Technique: "Blancco NIST 800-88 Clear: 1 overwriting round", Tool: "Blancco Drive Eraser 7.9.0",
			Verification: "none", FinishedAt: end, Warnings: []string{"Blancco state Failed", "failed sectors 3"}},
	}
	if rep.Format != wipereport.BlanccoXML {
		t.Errorf("format %s, want %s", rep.Format, wipereport.BlanccoXML)
	}
	if diff := cmp.Diff(want, rep.Erasures, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("erasures (-want +got):\n%s", diff)
	}
}

func TestBlanccoRefused(t *testing.T) {
	t.Parallel()
	ok := wipereporttest.Blancco{Serial: "S1", State: "Successful", Standard: "NIST 800-88 Clear", Overwriting: 1, End: "2024-03-18T11:02:00+0100"}
	with := func(f func(b *wipereporttest.Blancco)) []byte {
		b := ok
		f(&b)
		return wipereporttest.BlanccoXML("Blancco Drive Eraser", "7.9", b)
	}
	deep := strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not blancco", []byte(`<?xml version="1.0"?><html><body/></html>`), "not a Blancco report"},
		{"broken XML", []byte(`<root><report><blancco_data>`), "could not be read"},
		{"too deep", []byte(deep), "nested over"},
		{"no serial", with(func(b *wipereporttest.Blancco) { b.Serial = " " }), "names no serial"},
		{"no state", with(func(b *wipereporttest.Blancco) { b.State = "" }), "states no result"},
		{"no standard", with(func(b *wipereporttest.Blancco) { b.Standard = "" }), "no erasure standard"},
		{"no end", with(func(b *wipereporttest.Blancco) { b.End = "" }), "end_time: missing"},
		{"time without zone", with(func(b *wipereporttest.Blancco) { b.End = "2024-03-18 11:02" }), "end_time"},
		{"no erasure", wipereporttest.BlanccoXML("Blancco Drive Eraser", "7.9"), "has no erasure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := wipereport.Parse("r.xml", tt.data, lux)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestParseRefusesOtherFiles(t *testing.T) {
	t.Parallel()
	for name, data := range map[string][]byte{
		"empty":   {},
		"spaces":  []byte("  \n"),
		"text":    []byte("serial,method\nX,zeros\n"),
		"png":     []byte("\x89PNG\r\n\x1a\n"),
		"too big": bytes.Repeat([]byte("%"), wipereport.MaxBytes+1),
	} {
		if _, err := wipereport.Parse(name, data, lux); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	_, err := wipereport.Parse("big.pdf", bytes.Repeat([]byte("%"), wipereport.MaxBytes+1), lux)
	if !errors.Is(err, wipereport.ErrTooLarge) {
		t.Errorf("a file over the limit: got %v, want ErrTooLarge", err)
	}
	_, err = wipereport.Parse("x.txt", []byte("hello"), lux)
	if !errors.Is(err, wipereport.ErrUnknownFormat) {
		t.Errorf("a text file: got %v, want ErrUnknownFormat", err)
	}
}

// A PDF whose one stream inflates to more than the extractor allows is refused, not read.
func TestPDFBomb(t *testing.T) {
	t.Parallel()
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := bytes.Repeat([]byte("BT 1 1 Td (x) Tj ET\n"), 1<<15)
	for i := 0; i < 64; i++ { // 40 MB of content
		w.Write(chunk)
	}
	w.Close()
	pdf := fmt.Appendf(nil, "%%PDF-1.4\n1 0 obj\n<< /Filter /FlateDecode /Length %d >>\nstream\n", z.Len())
	pdf = append(pdf, z.Bytes()...)
	pdf = append(pdf, "\nendstream\nendobj\n%%EOF\n"...)
	_, err := wipereport.Parse("bomb.pdf", pdf, lux)
	if !errors.Is(err, wipereport.ErrTooLarge) && (err == nil || !strings.Contains(err.Error(), "over")) {
		t.Errorf("got %v, want a refusal", err)
	}
}

func TestSerialKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"WD-WX 41a": "wd-wx41a", " s3z9 nb0k\t123 ": "s3z9nb0k123", "": ""} {
		if got := wipereport.SerialKey(in); got != want {
			t.Errorf("SerialKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse feeds Parse arbitrary bytes: it returns a report or an error, never panics or hangs.
func FuzzParse(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n1 0 obj\n<< /Length 20 >>\nstream\nBT 1 1 Td (Method:) Tj ET\nendstream\nendobj\n"))
	f.Add([]byte("%PDF-1.4\n1 0 obj\n<< /Length 4 >>\nstream\n[[[[(\nendstream\nendobj\n<< /Type /Page /Contents [1 0 R] >>"))
	f.Add(wipereporttest.BlanccoXML("Blancco", "1", wipereporttest.Blancco{Serial: "S", State: "Successful", Standard: "x", End: "2024-03-18T11:02:00+0100"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		wipereport.Parse("f.pdf", data, lux)
	})
}
