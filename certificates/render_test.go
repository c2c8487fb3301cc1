package certificates

import (
	"bytes"
	"os"
	"testing"
)

func TestRenderWritesFiles(t *testing.T) {
	dir := os.Getenv("CERT_OUT")
	if dir == "" {
		t.Skip("set CERT_OUT to write sample certificates")
	}
	for _, c := range []struct {
		kind          Kind
		lang          string
		devices, drvs int
	}{{KindDonation, "fr", 12, 9}, {KindErasure, "de", 12, 30}, {KindDonation, "en", 80, 60}} {
		var buf bytes.Buffer
		if err := Render(&buf, sampleDocument(c.kind, c.lang, c.devices, c.drvs)); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dir+"/"+string(c.kind)+"-"+c.lang+".pdf", buf.Bytes(), 0o644)
	}
}
