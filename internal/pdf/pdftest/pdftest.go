// Package pdftest reads back PDFs in tests with poppler-utils: pdftoppm rasterises pages to
// PNG, pdftotext extracts the text. .ci/run installs poppler-utils; without it the tests fail
// (they skip only under -short), as the database tests do.
package pdftest

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

// Need skips t under -short and fails it when the poppler tools are missing.
func Need(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("rasterises PDFs with poppler-utils; skipped under -short")
	}
	for _, tool := range []string{"pdftoppm", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install poppler-utils (apt-get install poppler-utils)", tool)
		}
	}
}

// Rasterize renders every page of doc at dpi dots per inch and returns the pages in order.
func Rasterize(t testing.TB, doc []byte, dpi int) []image.Image {
	t.Helper()
	Need(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdftoppm", "-r", fmt.Sprint(dpi), "-png", in, filepath.Join(dir, "page"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	names, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	// page-1.png ... page-10.png: pdftoppm pads the numbers to the same width, so names sort.
	sort.Strings(names)
	pages := make([]image.Image, 0, len(names))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pages = append(pages, img)
	}
	if len(pages) == 0 {
		t.Fatal("pdftoppm wrote no pages")
	}
	return pages
}

// Text extracts the text of doc with pdftotext, keeping the physical layout.
func Text(t testing.TB, doc []byte) string {
	t.Helper()
	Need(t)
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(doc)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.Bytes())
	}
	return string(out)
}

// Image is one image embedded in a PDF, as pdfimages -list describes it.
type Image struct {
	Page          int
	Width, Height int
	Type, Color   string // e.g. "image", "gray"; "smask" for a transparency mask
}

// Images lists the images embedded in doc with pdfimages.
func Images(t testing.TB, doc []byte) []Image {
	t.Helper()
	Need(t)
	if _, err := exec.LookPath("pdfimages"); err != nil {
		t.Fatal("pdfimages not found: install poppler-utils (apt-get install poppler-utils)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfimages", "-list", in).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v: %s", err, out)
	}
	var imgs []Image
	// page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
	for i, line := range bytes.Split(out, []byte("\n")) {
		var im Image
		var num int
		if i < 2 || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if _, err := fmt.Sscan(string(line), &im.Page, &num, &im.Type, &im.Width, &im.Height, &im.Color); err != nil {
			t.Fatalf("pdfimages line %q: %v", line, err)
		}
		imgs = append(imgs, im)
	}
	return imgs
}
