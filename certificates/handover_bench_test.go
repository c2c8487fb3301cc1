package certificates

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/requests/requeststest"
)

// BenchmarkRenderHandover renders a hand-over receipt with its signature, in French (the Go
// fonts) and in Arabic (DejaVu Sans embedded, text shaped and reordered).
func BenchmarkRenderHandover(b *testing.B) {
	// The signature as requests stores it: grey, without transparency.
	s := requeststest.Signature()
	raw, _ := base64.StdEncoding.DecodeString(s[strings.Index(s, ",")+1:])
	img, _ := png.Decode(bytes.NewReader(raw))
	gray := image.NewGray(img.Bounds())
	draw.Draw(gray, gray.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(gray, gray.Bounds(), img, image.Point{}, draw.Over)
	var g bytes.Buffer
	png.Encode(&g, gray)
	sig := g.Bytes()
	for _, lang := range []string{"fr", "ar"} {
		b.Run(lang, func(b *testing.B) {
			doc := &Document{Kind: KindHandover, Number: "HC-2026-00001", Language: lang, IssuedAt: time.Now(),
				Org:       Organisation{Name: "Digital Inclusion asbl", Address: "1, rue de l'Exemple\nL-1234 Luxembourg"},
				VerifyURL: "https://refurb.example/verify/HC-2026-00001?t=ABCDEFGHIJKLMNOPQRSTUVWXYZ",
				Devices:   []DeviceRow{{Tag: "DI-000123-K", Kind: "laptop", Make: "Lenovo", Model: "ThinkPad T480", Serial: "PF12345"}},
				Handover:  &HandoverInfo{OS: "Linux Mint 22", CPU: "Intel Core i5-8250U", RAMGB: 8, HandedOutAt: time.Now(), Support: "Atelier 26 00 00 00", Signature: sig, SignedAt: time.Now()}}
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := Render(&buf, doc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "pdf-bytes")
		})
	}
}
