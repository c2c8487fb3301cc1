package wipereport

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Blancco Drive Eraser exports a report as XML whose data are named entries rather than
// elements: <entries name="..."> groups and <entry name="..." type="...">value</entry> leaves.
// The erasures are under root/report/blancco_data/blancco_erasure_report, as
//
//	<entries name="erasures">
//	  <entries name="erasure">
//	    <entry name="state">Successful</entry>
//	    <entry name="erasure_standard_name">NIST 800-88 Purge</entry>
//	    <entry name="start_time">2024-03-18T09:12:01+0100</entry>
//	    <entry name="end_time">...</entry>
//	    <entry name="overwriting_rounds">1</entry> <entry name="firmware_rounds">1</entry>
//	    <entry name="verification">...</entry> (or verified_percentage)
//	    <entries name="target">
//	      <entry name="serial">...</entry> <entry name="model">...</entry> <entry name="vendor">...</entry>
//
// and the product under blancco_software_report (entries "blancco_product" or a "name" and
// "version"). A file may hold several <report> elements, each with several erasures. The
// report's signature (an XML signature over the document) is not checked: its key is Blancco's.

// xmlNode is any element, kept generic since the data are in attributes named name.
type xmlNode struct {
	XMLName  xml.Name
	Name     string    `xml:"name,attr"`
	Text     string    `xml:",chardata"`
	Children []xmlNode `xml:",any"`
}

// maxXMLDepth bounds the nesting the decoder follows; Blancco's reports are about ten deep.
const maxXMLDepth = 64

func parseBlancco(data []byte) (*Report, error) {
	if err := checkXMLDepth(data); err != nil {
		return nil, err
	}
	var root xmlNode
	if err := xml.Unmarshal(data, &root); err != nil {
		return nil, fail("the XML could not be read: %v", err)
	}
	var reports []*xmlNode
	walk(&root, func(n *xmlNode) {
		if n.XMLName.Local == "blancco_data" {
			reports = append(reports, n)
		}
	})
	if len(reports) == 0 {
		return nil, &Error{Msg: "the XML is not a Blancco report: it has no blancco_data", Err: ErrUnknownFormat}
	}
	rep := &Report{Format: BlanccoXML}
	for _, bd := range reports {
		tool := blanccoTool(bd)
		var erasures []*xmlNode
		for i := range bd.Children {
			if bd.Children[i].XMLName.Local == "blancco_erasure_report" {
				walk(&bd.Children[i], func(n *xmlNode) {
					if n.XMLName.Local == "entries" && n.Name == "erasure" {
						erasures = append(erasures, n)
					}
				})
			}
		}
		for i, n := range erasures {
			e, err := blanccoErasure(n, tool)
			if err != nil {
				if len(erasures) > 1 || len(reports) > 1 {
					return nil, fail("erasure %d: %v", i+1, err)
				}
				return nil, err
			}
			rep.Erasures = append(rep.Erasures, *e)
		}
	}
	if len(rep.Erasures) == 0 {
		return nil, fail("the Blancco report has no erasure")
	}
	return rep, nil
}

func blanccoErasure(n *xmlNode, tool string) (*Erasure, error) {
	v := entryValues(n)
	target := map[string]string{}
	for i := range n.Children {
		if c := &n.Children[i]; c.XMLName.Local == "entries" && c.Name == "target" {
			target = entryValues(c)
		}
	}
	e := &Erasure{Tool: tool, Serial: strings.TrimSpace(target["serial"])}
	if e.Serial == "" {
		return nil, errors.New("the erasure names no serial number for its drive")
	}
	e.Model = strings.TrimSpace(strings.TrimSpace(target["vendor"]) + " " + strings.TrimSpace(target["model"]))
	state := strings.TrimSpace(v["state"])
	switch strings.ToLower(state) {
	case "":
		return nil, errors.New("the erasure states no result (state)")
	case "successful", "success", "completed", "erased":
		e.Passed = true
	default:
		e.Warnings = append(e.Warnings, "Blancco state "+state)
	}
	standard := strings.TrimSpace(v["erasure_standard_name"])
	if standard == "" {
		return nil, errors.New("the erasure names no erasure standard")
	}
	over, _ := strconv.Atoi(strings.TrimSpace(v["overwriting_rounds"]))
	firmware, _ := strconv.Atoi(strings.TrimSpace(v["firmware_rounds"]))
	e.Standard = standard
	e.Category = blanccoCategory(standard, over, firmware)
	var parts []string
	if firmware > 0 {
		parts = append(parts, plural(firmware, "firmware erase round"))
	}
	if over > 0 {
		parts = append(parts, plural(over, "overwriting round"))
	}
	e.Technique = "Blancco " + standard
	if len(parts) > 0 {
		e.Technique += ": " + strings.Join(parts, ", ")
	}
	if len(e.Technique) > 200 {
		e.Technique = e.Technique[:200]
	}
	e.Verification = blanccoVerification(v)
	for _, k := range []string{"failed_sectors", "total_errors"} {
		if n, err := strconv.Atoi(strings.TrimSpace(v[k])); err == nil && n > 0 {
			e.Warnings = append(e.Warnings, fmt.Sprintf("%s %d", strings.ReplaceAll(k, "_", " "), n))
			e.Passed = false
		}
	}
	end, err := blanccoTime(v["end_time"])
	if err != nil {
		return nil, fmt.Errorf("end_time: %w", err)
	}
	e.FinishedAt = end
	if strings.TrimSpace(v["start_time"]) != "" {
		start, err := blanccoTime(v["start_time"])
		if err != nil {
			return nil, fmt.Errorf("start_time: %w", err)
		}
		if start.After(end) {
			return nil, errors.New("start_time is after end_time")
		}
		e.StartedAt = &start
	}
	return e, nil
}

// blanccoCategory reads a Blancco erasure standard as a NIST SP 800-88 category: PURGE only
// when the standard says so (NIST 800-88 Purge, a cryptographic or firmware erase) and the
// drive's own command ran; an overwrite alone is CLEAR whatever the standard's name.
func blanccoCategory(standard string, overwriting, firmware int) string {
	s := strings.ToLower(standard)
	purge := strings.Contains(s, "purge") || strings.Contains(s, "crypto") || strings.Contains(s, "sanitize") ||
		strings.Contains(s, "secure erase") || strings.Contains(s, "firmware")
	if purge && (firmware > 0 || overwriting == 0) {
		return Purge
	}
	return Clear
}

// blanccoVerification reads the verification: a percentage read back (100 is full), or a
// word.
func blanccoVerification(v map[string]string) string {
	for _, k := range []string{"verified_percentage", "verification_percentage"} {
		if p, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v[k]), "%"), 64); err == nil {
			switch {
			case p >= 100:
				return VerifyFull
			case p > 0:
				return "sample"
			}
			return VerifyNone
		}
	}
	switch s := strings.ToLower(strings.TrimSpace(v["verification"])); {
	case s == "" || s == "none" || s == "no" || s == "0" || s == "false":
		return VerifyNone
	case strings.Contains(s, "full") || s == "100" || s == "100%" || s == "true" || s == "yes":
		return VerifyFull
	default:
		return "sample"
	}
}

var blanccoLayouts = []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05.999999999-0700", "2006-01-02 15:04:05-0700", "2006-01-02T15:04:05Z0700"}

func blanccoTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("missing")
	}
	for _, l := range blanccoLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time with its zone such as 2024-03-18T09:12:01+0100", s)
}

// blanccoTool returns the product and version that wrote a report, "Blancco" when unknown.
func blanccoTool(bd *xmlNode) string {
	for i := range bd.Children {
		sw := &bd.Children[i]
		if sw.XMLName.Local != "blancco_software_report" {
			continue
		}
		var name, version string
		walk(sw, func(n *xmlNode) {
			if n.XMLName.Local != "entry" {
				return
			}
			switch n.Name {
			case "name":
				if name == "" {
					name = strings.TrimSpace(n.Text)
				}
			case "version":
				if version == "" {
					version = strings.TrimSpace(n.Text)
				}
			}
		})
		if name == "" {
			name = "Blancco"
		} else if !strings.Contains(strings.ToLower(name), "blancco") {
			name = "Blancco " + name
		}
		return strings.TrimSpace(name + " " + version)
	}
	return "Blancco"
}

// entryValues returns the values of a group's own entries, by name.
func entryValues(n *xmlNode) map[string]string {
	out := map[string]string{}
	for i := range n.Children {
		c := &n.Children[i]
		if c.XMLName.Local == "entry" && c.Name != "" {
			if _, dup := out[c.Name]; !dup {
				out[c.Name] = strings.TrimSpace(c.Text)
			}
		}
	}
	return out
}

// walk calls f on n and every element under it, depth first, without recursion.
func walk(n *xmlNode, f func(*xmlNode)) {
	stack := []*xmlNode{n}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		f(top)
		for i := len(top.Children) - 1; i >= 0; i-- {
			stack = append(stack, &top.Children[i])
		}
	}
}

// checkXMLDepth refuses documents nested deeper than maxXMLDepth before they are decoded into
// a tree (the decoder itself recurses for each level).
func checkXMLDepth(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fail("the XML could not be read: %v", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return fail("the XML is nested over %d levels deep", maxXMLDepth)
			}
		case xml.EndElement:
			depth--
		case xml.Directive:
			// A DOCTYPE: entities are not expanded by encoding/xml, but nothing needs one.
		}
	}
}
