package requests

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/digital-inclusion/refurb/internal/fuzztest"
	"github.com/digital-inclusion/refurb/validation"
)

// FuzzSignaturePNG feeds the hand-out's signature check PNG files: what the hand-out page's
// canvas sends (a transparent NRGBA image with a dark stroke), and greys, palettes, 16-bit
// colour and a blank canvas, mutated. A signature it takes comes back as a grey PNG of the same
// size with enough ink on it; anything else is a field error on "signature". `make fuzz` runs it
// for a while; the seeds and testdata/fuzz run in `make test`.
func FuzzSignaturePNG(f *testing.F) {
	for _, img := range signatureSeeds() {
		f.Add(encodePNG(f, img))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		stop := fuzztest.Watch(fuzztest.Hang, "normaliseSignature(%d bytes)", len(raw))
		out, err := normaliseSignature(raw)
		stop()
		checkSignature(t, raw, out, err)
		// The same bytes sent as the page sends them: a data: URL.
		if len(raw) <= MaxSignatureBytes {
			out2, err2 := decodeSignature("data:image/png;base64," + base64.StdEncoding.EncodeToString(raw))
			if (err == nil) != (err2 == nil) || !bytes.Equal(out, out2) {
				t.Fatalf("as a data: URL: %v, %d bytes; as bytes: %v, %d bytes", err2, len(out2), err, len(out))
			}
		}
	})
}

// FuzzSignatureInput feeds decodeSignature the text a client sends for signature: data: URLs
// of every shape, bare base64 with and without padding, and other text.
func FuzzSignatureInput(f *testing.F) {
	canvas := encodePNG(f, signatureSeeds()[0])
	b64 := base64.StdEncoding.EncodeToString(canvas)
	for _, s := range []string{
		"data:image/png;base64," + b64,
		"  data:image/png;base64," + b64 + "\n",
		b64,
		strings.TrimRight(b64, "="),
		"data:image/gif;base64,R0lGODlhAQABAAAAACw=",
		"data:image/png," + b64,
		"data:image/png;base64,",
		"data:;base64,AAAA",
		"not base64 at all",
		"",
		"data:image/png;base64,iVBORw0KGgo=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		stop := fuzztest.Watch(fuzztest.Hang, "decodeSignature(%d bytes)", len(s))
		out, err := decodeSignature(s)
		stop()
		if err != nil {
			if fe, ok := validation.As(err); !ok || fe.Field != "signature" {
				t.Fatalf("decodeSignature: %v, want a field error on signature", err)
			}
			return
		}
		if _, format, err := image.DecodeConfig(bytes.NewReader(out)); err != nil || format != "png" {
			t.Fatalf("decodeSignature returned %d bytes that are no PNG: %v", len(out), err)
		}
	})
}

// checkSignature checks normaliseSignature's answer for raw.
func checkSignature(t *testing.T, raw, out []byte, err error) {
	t.Helper()
	if err != nil {
		if fe, ok := validation.As(err); !ok || fe.Field != "signature" || out != nil {
			t.Fatalf("normaliseSignature: %v (%d bytes), want a field error on signature", err, len(out))
		}
		return
	}
	in, _, cerr := image.DecodeConfig(bytes.NewReader(raw))
	if cerr != nil || len(raw) > MaxSignatureBytes || in.Width > MaxSignatureSide || in.Height > MaxSignatureSide || in.Width < minSignatureSide || in.Height < minSignatureSide {
		t.Fatalf("normaliseSignature took %d bytes of %dx%d (%v)", len(raw), in.Width, in.Height, cerr)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the stored signature is no PNG: %v", err)
	}
	gray, ok := img.(*image.Gray)
	if !ok || gray.Bounds() != image.Rect(0, 0, in.Width, in.Height) {
		t.Fatalf("stored signature: %T of %v, want a grey image of %dx%d", img, img.Bounds(), in.Width, in.Height)
	}
	ink := 0
	for _, v := range gray.Pix {
		if v < 128 {
			ink++
		}
	}
	if ink < minInk {
		t.Fatalf("stored signature has %d dark pixels, under %d", ink, minInk)
	}
}

// signatureSeeds are signature images as clients send them; the first is the canvas's.
func signatureSeeds() []image.Image {
	stroke := func(set func(x, y int)) {
		for x := 40; x < 200; x++ {
			y := 50 + int(20*math.Sin(float64(x)/15))
			for dy := -2; dy <= 2; dy++ {
				set(x, y+dy)
			}
		}
	}
	canvas := image.NewNRGBA(image.Rect(0, 0, 240, 100))
	stroke(func(x, y int) { canvas.SetNRGBA(x, y, color.NRGBA{R: 17, G: 17, B: 17, A: 255}) })
	gray := image.NewGray(image.Rect(0, 0, 240, 100))
	for i := range gray.Pix {
		gray.Pix[i] = 255
	}
	stroke(func(x, y int) { gray.SetGray(x, y, color.Gray{Y: 20}) })
	pal := image.NewPaletted(image.Rect(0, 0, 64, 48), color.Palette{color.White, color.Black})
	for x := 4; x < 60; x++ {
		pal.SetColorIndex(x, 24, 1)
	}
	deep := image.NewRGBA64(image.Rect(0, 0, 80, 40))
	for x := range 80 {
		deep.SetRGBA64(x, 20, color.RGBA64{A: 0xffff})
	}
	blank := image.NewNRGBA(image.Rect(0, 0, 240, 100))
	tooSmall := image.NewGray(image.Rect(0, 0, 20, 20))
	return []image.Image{canvas, gray, pal, deep, blank, tooSmall}
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
