package wipereport

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// nwipe's single-drive report (nwipe 0.34 and later, src/create_pdf.c and, from 0.36,
// src/create_single_disc_pdf.c) draws its first page as labels in grey with their values in
// bold to their right on the same line: "Make/Model:", "Serial:", "Start time:", "End time:",
// "Status:", "Method:", "PRNG algorithm:", "Final Pass(Zeros/Ones/None):", "Verify
// Pass(Last/All/None):", "Rounds(completed/requested):", "Errors(pass/sync/verify):",
// "Information:", and in the footer "Disc Erasure by NWIPE version 0.35". The following pages
// are the drive's SMART data. The file is named
// nwipe_report_<end time>_Model_<model>_Serial_<serial>_device_<dev>.pdf, every character of
// the end time, model and serial that is not a letter or a digit replaced.

// nwipeLabels are the labels of the erasure page, by the field they introduce.
var nwipeLabels = map[string]string{
	"make/model:":                  "model",
	"serial:":                      "serial",
	"bus:":                         "bus",
	"size(apparent):":              "size",
	"size(real):":                  "size_real",
	"start time:":                  "start",
	"end time:":                    "end",
	"duration:":                    "duration",
	"status:":                      "status",
	"method:":                      "method",
	"prng algorithm:":              "prng",
	"final pass(zeros/ones/none):": "blank",
	"verify pass(last/all/none):":  "verify",
	"*bytes erased:":               "bytes",
	"rounds(completed/requested):": "rounds",
	"hpa/dco:":                     "hpa",
	"hpa/dco size:":                "hpa_size",
	"throughput:":                  "throughput",
	"errors(pass/sync/verify):":    "errors",
	"information:":                 "information",
	"name/id:":                     "operator",
	"business name:":               "business",
	"business address:":            "address",
	"contact name:":                "contact",
	"contact phone:":               "phone",
	"name:":                        "customer",
	"address:":                     "customer_address",
	"signature:":                   "signature",
	"technician/operator id":       "",
	"disk erasure details":         "",
	"disk information":             "",
	"customer details":             "",
	"organisation performing the disk erasure": "",
}

// nwipeMethods are nwipe's method labels (src/method.c), with their category and the standard
// they name. Overwrites are CLEAR; the drive's own erase commands (nwipe 0.39 and later) are
// PURGE, except its sanitize overwrite, an overwrite all the same.
var nwipeMethods = []struct {
	label, category, standard string
}{
	{"Fill With Zeros", Clear, ""},
	{"Fill With Ones", Clear, ""},
	{"Quick Erase", Clear, ""},
	{"RCMP TSSIT OPS-II", Clear, "RCMP TSSIT OPS-II"},
	{"DoD Short", Clear, "DoD 5220.22-M (short)"},
	{"DoD 5220.22-M", Clear, "DoD 5220.22-M"},
	{"DoD 5220.22M", Clear, "DoD 5220.22-M"},
	{"Gutmann Wipe", Clear, "Gutmann"},
	{"PRNG Stream", Clear, ""},
	{"HMG IS5 Enhanced", Clear, "HMG IS5 (enhanced)"},
	{"Bruce Schneier 7-Pass", Clear, ""},
	{"BMB21-2019", Clear, "BMB21-2019"},
	{"Secure Erase (ATA/NVMe)", Purge, ""},
	{"Secure Erase + PRNG + Verify", Purge, ""},
	{"Sanitize Crypto Erase (ATA/SCSI/NVMe)", Purge, ""},
	{"Sanitize Block Erase (ATA/SCSI/NVMe)", Purge, ""},
	{"Sanitize Overwrite (ATA/SCSI/NVMe)", Clear, ""},
}

var (
	nwipeFileRe    = regexp.MustCompile(`(?i)^nwipe_report_([0-9-]+)_Model_(.*)_Serial_(.*)_device_([A-Za-z0-9_]*)\.pdf$`)
	nwipeVersionRe = regexp.MustCompile(`(?i)nwipe version\s*([0-9][0-9A-Za-z.\-]*)`)
	nwipeTimeRe    = regexp.MustCompile(`^(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})$`)
	roundsRe       = regexp.MustCompile(`^(\d+)/(\d+)$`)
	errorsRe       = regexp.MustCompile(`^(\d+)/(\d+)/(\d+)$`)
)

// labelKey is how a label is compared: trimmed, any case, single spaces.
func labelKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func parseNwipe(filename string, data []byte, loc *time.Location) (*Report, error) {
	pages, err := extractPages(data)
	if err != nil {
		if e, ok := err.(*Error); ok {
			return nil, e
		}
		return nil, fail("the PDF could not be read: %v", err)
	}
	page, all, err := nwipeErasurePage(pages)
	if err != nil {
		return nil, err
	}
	v := nwipeValues(page)

	e := Erasure{Model: v["model"], Serial: v["serial"]}
	if e.Serial == "" || strings.EqualFold(e.Serial, "unknown") {
		return nil, fail("the report names no serial number for the drive")
	}
	if m := nwipeFileRe.FindStringSubmatch(filename); m != nil {
		if fileKey(m[3]) != fileKey(e.Serial) {
			return nil, fail("the file name says serial %s but the report inside says %s: was the file renamed?", m[3], e.Serial)
		}
	}
	e.Tool = nwipeTool(all)
	if err := nwipeStatus(&e, v); err != nil {
		return nil, err
	}
	if err := nwipeMethod(&e, v); err != nil {
		return nil, err
	}
	if err := nwipeVerification(&e, v); err != nil {
		return nil, err
	}
	nwipeProblems(&e, v)
	if err := nwipeTimes(&e, v, loc); err != nil {
		return nil, err
	}
	return &Report{Format: NwipePDF, Erasures: []Erasure{e}}, nil
}

// nwipeErasurePage finds the erasure page among the pages, and returns it with the text of
// every page.
func nwipeErasurePage(pages [][]textItem) (page, all []textItem, err error) {
	// The erasure page is the one with the erasure's labels; a system report (several drives
	// in one file) has several and is refused.
	found := 0
	for _, p := range pages {
		var method, status bool
		for _, it := range p {
			switch labelKey(it.text) {
			case "method:":
				method = true
			case "status:":
				status = true
			}
		}
		if method && status {
			found++
			if page == nil {
				page = p
			}
		}
	}
	all = slices.Concat(pages...)
	for _, it := range all {
		if labelKey(it.text) == "system erasure report" {
			return nil, nil, fail("this is an nwipe system report, with several drives in one file: upload the report of each drive (nwipe_report_…_Serial_…pdf)")
		}
	}
	if found == 0 {
		if len(all) == 0 {
			return nil, nil, &Error{Msg: "the PDF has no text this reader can see: it is not an nwipe report, or was printed to PDF again (upload the file nwipe wrote)", Err: ErrUnknownFormat}
		}
		return nil, nil, &Error{Msg: "the PDF is not an nwipe erasure report: it has no Method and Status", Err: ErrUnknownFormat}
	}
	if found > 1 {
		return nil, nil, fail("the PDF has %d erasure pages: upload the report of each drive", found)
	}
	return page, all, nil
}

// nwipeTool is the tool and its version, from the footer.
func nwipeTool(all []textItem) string {
	for _, it := range all {
		if m := nwipeVersionRe.FindStringSubmatch(it.text); m != nil {
			return "nwipe " + strings.TrimRight(m[1], ".")
		}
	}
	return "nwipe"
}

// nwipeStatus reads whether nwipe says the drive was erased.
func nwipeStatus(e *Erasure, v map[string]string) error {
	status := strings.ToUpper(firstWord(v["status"]))
	switch status {
	case "":
		return fail("the report states no status (ERASED or FAILED)")
	case "ERASED":
		e.Passed = true
	default:
		e.Warnings = append(e.Warnings, "nwipe status "+status)
	}
	return nil
}

// nwipeMethod reads the method into the category, the standard and the technique, refusing
// methods that sanitize nothing or that this reader does not know.
func nwipeMethod(e *Erasure, v map[string]string) error {
	label := v["method"]
	if label == "" {
		return fail("the report states no method")
	}
	if strings.HasPrefix(strings.ToLower(label), "verify") {
		return fail("the method %q only reads the drive back: it sanitizes nothing", label)
	}
	if strings.Contains(strings.ToLower(label), "unknown") {
		return fail("nwipe did not know its method (%q)", label)
	}
	known := false
	for _, m := range nwipeMethods {
		if labelKey(m.label) == labelKey(label) {
			e.Category, e.Standard, known = m.category, m.standard, true
			break
		}
	}
	if !known {
		return fail("the method %q is not one this reader knows: record this wipe by hand", label)
	}
	var details []string
	if p := v["prng"]; p != "" && !strings.HasPrefix(strings.ToLower(p), "n/a") {
		details = append(details, "PRNG "+p)
	}
	if b := v["blank"]; b != "" {
		details = append(details, "final pass "+strings.ToLower(b))
	}
	if m := roundsRe.FindStringSubmatch(v["rounds"]); m != nil {
		done, _ := strconv.Atoi(m[1])
		asked, _ := strconv.Atoi(m[2])
		details = append(details, plural(asked, "round"))
		if done < asked {
			e.Warnings = append(e.Warnings, fmt.Sprintf("%d of %d rounds completed", done, asked))
			e.Passed = false
		}
	}
	e.Technique = "nwipe " + label
	if len(details) > 0 {
		e.Technique += ": " + strings.Join(details, ", ")
	}
	if len(e.Technique) > 200 {
		e.Technique = e.Technique[:200]
	}
	return nil
}

// nwipeVerification reads whether nwipe read the drive back.
func nwipeVerification(e *Erasure, v map[string]string) error {
	switch labelKey(v["verify"]) {
	case "last", "all":
		// nwipe reads the whole drive back after the last pass, or after every pass.
		e.Verification = VerifyFull
	case "", "none":
		e.Verification = VerifyNone
	default:
		return fail("the verification %q is not Last, All or None", v["verify"])
	}
	return nil
}

// nwipeProblems turns the errors and the information nwipe reports into warnings.
func nwipeProblems(e *Erasure, v map[string]string) {
	if m := errorsRe.FindStringSubmatch(v["errors"]); m != nil && m[0] != "0/0/0" {
		e.Warnings = append(e.Warnings, "errors (pass/sync/verify) "+m[0])
		e.Passed = false
	}
	if info := v["information"]; info != "" {
		e.Warnings = append(e.Warnings, info)
		// Hidden sectors left as they were: the drive is not sanitized whole.
		if strings.Contains(strings.ToLower(info), "not erased") {
			e.Passed = false
		}
	}
}

// nwipeTimes reads the end time and, if the report has one, the start time.
func nwipeTimes(e *Erasure, v map[string]string, loc *time.Location) error {
	end, err := nwipeTime(v["end"], loc)
	if err != nil {
		return fail("end time: %v", err)
	}
	e.FinishedAt = end
	if v["start"] != "" {
		start, err := nwipeTime(v["start"], loc)
		if err != nil {
			return fail("start time: %v", err)
		}
		if start.After(end) {
			return fail("the start time %s is after the end time %s", v["start"], v["end"])
		}
		e.StartedAt = &start
	}
	return nil
}

// nwipeValues reads each label's value: the text to its right on its line, up to the next
// label.
func nwipeValues(page []textItem) map[string]string {
	out := map[string]string{}
	for _, l := range page {
		field, ok := nwipeLabels[labelKey(l.text)]
		if !ok || field == "" || out[field] != "" {
			continue
		}
		var line []textItem
		for _, it := range page {
			if it.x > l.x+1 && abs(it.y-l.y) < 3 {
				line = append(line, it)
			}
		}
		slices.SortStableFunc(line, func(a, b textItem) int {
			switch {
			case a.x < b.x:
				return -1
			case a.x > b.x:
				return 1
			}
			return 0
		})
		var words []string
		for _, it := range line {
			if _, isLabel := nwipeLabels[labelKey(it.text)]; isLabel {
				break
			}
			if t := strings.TrimSpace(it.text); t != "" {
				words = append(words, t)
			}
		}
		out[field] = strings.Join(words, " ")
	}
	return out
}

func nwipeTime(s string, loc *time.Location) (time.Time, error) {
	m := nwipeTimeRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		if s == "" {
			return time.Time{}, fmt.Errorf("missing")
		}
		return time.Time{}, fmt.Errorf("%q is not a time such as 2024/03/18 14:05:09", s)
	}
	n := make([]int, 6)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, loc)
	if t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] || n[3] > 23 || n[4] > 59 || n[5] > 59 {
		return time.Time{}, fmt.Errorf("%q is not a valid date and time", s)
	}
	return t, nil
}

// fileKey is a serial as nwipe writes it into a file name: every character that is not a
// letter or a digit replaced by an underscore, compared in any case.
func fileKey(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '_'
	}, strings.TrimSpace(s)))
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
