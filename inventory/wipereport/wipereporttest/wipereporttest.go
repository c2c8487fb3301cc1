// Package wipereporttest builds erasure reports for tests: PDFs laid out as nwipe lays out its
// single-drive report (src/create_single_disc_pdf.c: the same labels at the same places, in
// Helvetica, a standard font in WinAnsiEncoding as PDFGen writes it) and Blancco Drive Eraser
// XML reports. They are made from the formats' source and documentation, not copied from real
// reports; docs/wipes.md says what that leaves unchecked.
package wipereporttest

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/internal/pdf"
)

// Nwipe is what an nwipe report states. Empty fields are left off the page.
type Nwipe struct {
	Version      string // e.g. "0.35"
	Model        string
	Serial       string
	Start        string // as nwipe prints it: 2024/03/18 09:12:01
	End          string
	Status       string // ERASED, FAILED, ABORTED
	Method       string // e.g. "DoD Short", "Fill With Zeros", "PRNG Stream"
	PRNG         string // e.g. "Isaac64 (CSPRNG)", "N/A to method"
	Blank        string // Zeros, None
	Verify       string // Last, All, None
	Rounds       string // completed/requested, e.g. 1/1
	Errors       string // pass/sync/verify, e.g. 0/0/0
	Info         string // the Information line's warning, e.g. "hidden sectors NOT erased"
	System       bool   // a system report of several drives (refused)
	Uncompressed bool   // write the streams as PDFGen does, without compression
	SmartPage    bool   // add a second page of SMART data, as nwipe does
}

// Erased returns a typical passing report of a drive.
func Erased(serial string) Nwipe {
	return Nwipe{Version: "0.35", Model: "WDC WD5000LPLX-75ZNTT0", Serial: serial, Start: "2024/03/18 09:12:01",
		End: "2024/03/18 10:40:33", Status: "ERASED", Method: "PRNG Stream", PRNG: "Isaac64 (CSPRNG)", Blank: "Zeros",
		Verify: "Last", Rounds: "1/1", Errors: "0/0/0", SmartPage: true}
}

// Filename returns the name nwipe gives the report: its end time, model and serial with every
// character that is not a letter or a digit replaced.
func (n Nwipe) Filename() string {
	repl := func(s string, r rune) string {
		return strings.Map(func(c rune) rune {
			if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return c
			}
			return r
		}, s)
	}
	return fmt.Sprintf("nwipe_report_%s_Model_%s_Serial_%s_device_sda.pdf", repl(n.End, '-'), repl(n.Model, '_'), repl(n.Serial, '_'))
}

// PDF renders the report.
func (n Nwipe) PDF(t testing.TB) []byte {
	t.Helper()
	d := pdf.New(pdf.A4Width, pdf.A4Height)
	d.SetCompression(!n.Uncompressed)
	// nwipe places text in points from the bottom left of an A4 page (595 x 842).
	at := func(size float64, x, y float64, s string) {
		if s == "" {
			return
		}
		d.SetFont("Helvetica", "", size)
		d.Text(x*25.4/72, (842-y)*25.4/72, s)
	}
	title := "Disk Erasure Report"
	if n.System {
		title = "System Erasure Report"
	}
	header := func(page string) {
		at(12, 200, 30, "Disc Erasure by NWIPE version "+n.Version)
		at(24, 180, 765, title)
		at(14, 230, 745, page)
		at(11, 200, 696, " Disk Model: "+n.Model+" ")
		at(11, 200, 681, " Disk S/N: "+n.Serial+" ")
	}
	d.AddPage()
	header("Page 1 - Erasure Status")
	at(12, 50, 630, "Organisation Performing The Disk Erasure")
	at(12, 60, 610, "Business Name:")
	at(10, 153, 610, "Digital Inclusion asbl")
	at(12, 50, 530, "Customer Details")
	at(12, 60, 510, "Name:")
	at(12, 50, 430, "Disk Information")
	at(12, 60, 410, "Make/Model:")
	at(10, 135, 410, n.Model)
	at(12, 340, 410, "Serial:")
	at(10, 380, 410, n.Serial)
	at(12, 340, 390, "Bus:")
	at(10, 370, 390, "ATA")
	at(12, 50, 330, "Disk Erasure Details")
	at(12, 60, 310, "Start time:")
	at(10, 120, 310, n.Start)
	at(12, 300, 310, "End time:")
	at(10, 360, 310, n.End)
	at(12, 60, 290, "Duration:")
	at(10, 115, 290, "01:28:32")
	at(12, 300, 290, "Status:")
	at(12, 365, 290, n.Status)
	at(12, 60, 270, "Method:")
	at(10, 110, 270, n.Method)
	at(12, 300, 270, "PRNG algorithm:")
	at(10, 395, 270, n.PRNG)
	at(12, 60, 250, "Final Pass(Zeros/Ones/None):")
	at(10, 230, 250, n.Blank)
	at(12, 300, 250, "Verify Pass(Last/All/None):")
	at(10, 450, 250, n.Verify)
	at(12, 60, 230, "*Bytes Erased:")
	at(10, 150, 230, "500107862016, (100.00%)")
	at(12, 300, 230, "Rounds(completed/requested):")
	at(10, 470, 230, n.Rounds)
	at(12, 60, 210, "HPA/DCO:")
	at(12, 300, 210, "HPA/DCO Size:")
	at(10, 130, 210, "No hidden sectors")
	at(12, 300, 190, "Throughput:")
	at(10, 370, 190, "95 MB/sec")
	at(12, 60, 190, "Errors(pass/sync/verify):")
	at(10, 195, 190, n.Errors)
	at(12, 60, 170, "Information:")
	if n.Info != "" {
		at(10, 140, 170, "Warning")
		at(10, 200, 170, n.Info)
	}
	at(10, 60, 137, "* bytes erased: The amount of drive that's been erased at least once")
	at(12, 50, 100, "Technician/Operator ID")
	at(12, 60, 80, "Name/ID:")
	at(12, 300, 100, "Signature:")
	if n.SmartPage {
		d.AddPage()
		header("Page 2 - Smart Data")
		// SMART lines in Courier from the left margin, some at the heights of page 1's labels.
		y := 640.0
		for _, line := range []string{"smartctl 7.3 2022-02-28 r5338", "=== START OF INFORMATION SECTION ===",
			"model family:     Western Digital Blue Mobile", "serial number:    " + n.Serial, "method:   not a label here"} {
			d.SetFont("Courier", "", 8)
			d.Text(115*25.4/72, (842-y)*25.4/72, line) // right of page 1's labels
			y -= 370
			if y < 60 {
				y = 270
			}
		}
	}
	var b bytes.Buffer
	if err := d.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Blancco is one erasure of a Blancco report.
type Blancco struct {
	Serial, Vendor, Model string
	State                 string // Successful, Failed
	Standard              string // e.g. "NIST 800-88 Clear", "NIST 800-88 Purge"
	Overwriting, Firmware int
	Start, End            string // e.g. 2024-03-18T09:12:01+0100
	Verified              string // verified_percentage, e.g. 100
	FailedSectors         int
}

// BlanccoXML returns a Blancco Drive Eraser report of the erasures.
func BlanccoXML(product, version string, erasures ...Blancco) []byte {
	var b strings.Builder
	e := html.EscapeString
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<root><report><blancco_data>\n")
	b.WriteString(`<description><document_id>5f2b6a7c-0000-4000-8000-000000000001</document_id></description>` + "\n")
	b.WriteString("<blancco_erasure_report><entries name=\"erasures\">\n")
	for _, x := range erasures {
		fmt.Fprintf(&b, `<entries name="erasure">
<entry name="state" type="string">%s</entry>
<entry name="erasure_standard_name" type="string">%s</entry>
<entry name="overwriting_rounds" type="uint">%d</entry>
<entry name="firmware_rounds" type="uint">%d</entry>
<entry name="start_time" type="string">%s</entry>
<entry name="end_time" type="string">%s</entry>
<entry name="verified_percentage" type="string">%s</entry>
<entry name="failed_sectors" type="uint">%d</entry>
<entries name="target">
<entry name="serial" type="string">%s</entry>
<entry name="vendor" type="string">%s</entry>
<entry name="model" type="string">%s</entry>
<entry name="type" type="string">disk</entry>
</entries>
</entries>
`, e(x.State), e(x.Standard), x.Overwriting, x.Firmware, e(x.Start), e(x.End), e(x.Verified), x.FailedSectors, e(x.Serial), e(x.Vendor), e(x.Model))
	}
	b.WriteString("</entries></blancco_erasure_report>\n")
	fmt.Fprintf(&b, `<blancco_software_report><entries name="blancco_product"><entry name="name" type="string">%s</entry><entry name="version" type="string">%s</entry></entries></blancco_software_report>`+"\n", e(product), e(version))
	b.WriteString("</blancco_data><user_data/></report><signature>not checked</signature></root>\n")
	return []byte(b.String())
}
