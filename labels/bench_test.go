package labels_test

import (
	"bytes"
	"testing"

	"github.com/digital-inclusion/refurb/labels"
)

// Targets (performance notes): 1,000 labels under 1 s and 50 MB allocated; an A4 sheet under
// 30 ms.

func BenchmarkPNG(b *testing.B) {
	item := labels.Item{Tag: "DI-000123-K", Detail: "Laptop · Lenovo ThinkPad T480"}
	opts := labels.Options{BaseURL: baseURL, OrgName: "Digital Inclusion"}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := labels.WritePNG(&buf, item, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "file-bytes")
}

func BenchmarkSheetL7160(b *testing.B) { benchPDF(b, 21) }

func BenchmarkPDF1000(b *testing.B) { benchPDF(b, 1000) }

func benchPDF(b *testing.B, n int) {
	items := sampleItems(n)
	opts := labels.Options{BaseURL: baseURL, OrgName: "Digital Inclusion"}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := labels.WritePDF(&buf, items, labels.Stocks["L7160"], opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "file-bytes")
}
