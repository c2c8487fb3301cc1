package requeststest

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Signature returns a signature as the hand-out page's canvas sends it: a transparent 600x200
// PNG with a dark stroke, as a data: URL.
func Signature() string { return dataURL(draw(true)) }

// BlankSignature returns a transparent canvas with nothing drawn on it, as a data: URL.
func BlankSignature() string { return dataURL(draw(false)) }

func draw(stroke bool) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	if stroke {
		ink := color.NRGBA{R: 17, G: 17, B: 17, A: 255}
		for x := 40; x < 560; x++ {
			y := 100 + int(40*math.Sin(float64(x)/30))
			for dy := -2; dy <= 2; dy++ {
				img.SetNRGBA(x, y+dy, ink)
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func dataURL(png []byte) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
}
