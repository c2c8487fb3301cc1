package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"time"

	"github.com/digital-inclusion/refurb/requests"
)

// Signatures: a hand-out stores the beneficiary's signature, which its receipt prints, and
// anonymisation deletes it (docs/requests.md). The demo draws a few squiggles once from the
// seed, as a finger would on the counter page's pad, passes each through the check and
// redrawing a real hand-out applies (requests.NormaliseSignature), and gives one of them to
// every hand-out within the retention period: one PNG each would cost a million devices
// seconds, and nobody compares two beneficiaries' signatures. The grey image a hand-out would
// store is compressed harder (the same pixels in some 1.8 KB rather than 2.8): a million devices
// hold about 180,000 of them.

// signatureVariants is how many different squiggles the demo draws.
const signatureVariants = 8

// The counter page's pad (web/templates/handout.html), in pixels.
const padWidth, padHeight = 600, 200

// signatures draws the demo's signatures from the seed, as a hand-out stores them.
func (g *generator) signatures() ([][]byte, error) {
	out := make([][]byte, signatureVariants)
	for i := range out {
		img := squiggle(g.rng(streamSignature, uint64(i)))
		var raw bytes.Buffer
		if err := png.Encode(&raw, img); err != nil {
			return nil, fmt.Errorf("demo: draw a signature: %w", err)
		}
		grey, err := requests.NormaliseSignature(raw.Bytes())
		if err != nil {
			return nil, fmt.Errorf("demo: signature %d: %w", i, err)
		}
		decoded, err := png.Decode(bytes.NewReader(grey))
		if err != nil {
			return nil, fmt.Errorf("demo: signature %d: %w", i, err)
		}
		var small bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&small, decoded); err != nil {
			return nil, fmt.Errorf("demo: signature %d: %w", i, err)
		}
		out[i] = small.Bytes()
	}
	return out, nil
}

// squiggle draws a signature as a canvas sends it: dark strokes on a transparent pad. A
// signature is a run of loops drifting right (the name), sometimes a second shorter run (a
// first name's initial), and a flourish under it.
func squiggle(r *rand.Rand) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, padWidth, padHeight))
	ink := color.NRGBA{R: 20, G: 20, B: 40, A: 255}
	pen := 1.6 + r.Float64()
	dot := func(x, y float64) {
		for dy := -pen; dy <= pen; dy++ {
			for dx := -pen; dx <= pen; dx++ {
				if dx*dx+dy*dy <= pen*pen {
					img.SetNRGBA(int(x+dx), int(y+dy), ink)
				}
			}
		}
	}
	// stroke draws a path of n points from f(t), t in [0, 1], with no gap between dots.
	stroke := func(n int, f func(t float64) (float64, float64)) {
		px, py := f(0)
		for i := 1; i <= n; i++ {
			x, y := f(float64(i) / float64(n))
			steps := int(math.Max(math.Abs(x-px), math.Abs(y-py))) + 1
			for s := 1; s <= steps; s++ {
				k := float64(s) / float64(steps)
				dot(px+(x-px)*k, py+(y-py)*k)
			}
			px, py = x, y
		}
	}
	x0 := 50 + r.Float64()*60
	if r.IntN(2) == 0 {
		// An initial: one tall loop and a dot.
		h := 45 + r.Float64()*25
		stroke(120, func(t float64) (float64, float64) {
			a := 2 * math.Pi * t
			return x0 + 18*math.Sin(a) + 10*t, 105 - h*math.Sin(a/2)
		})
		dot(x0+38, 112)
		x0 += 60
	}
	loops := 4 + r.IntN(5)
	width := 260 + r.Float64()*(padWidth-x0-300)
	rx, ry := 12+r.Float64()*10, 22+r.Float64()*20
	slant, wobble, phase := 0.3+r.Float64()*0.4, 6+r.Float64()*10, r.Float64()*math.Pi
	stroke(60*loops, func(t float64) (float64, float64) {
		a := 2*math.Pi*float64(loops)*t + phase
		y := 100 - ry*math.Sin(a) - wobble*math.Sin(math.Pi*t*1.7)
		return x0 + width*t + rx*math.Cos(a) + slant*(100-y), y
	})
	// The flourish: a long shallow stroke under the name, back to the left.
	y1 := 150 + r.Float64()*20
	stroke(80, func(t float64) (float64, float64) {
		return x0 + width + 10 - (width+20)*t, y1 - 18*math.Sin(math.Pi*t) + 8*t
	})
	return img
}

// signatureColumns are device_request_signatures' columns the demo writes.
var signatureColumns = []string{"request_id", "png", "signed_at", "recorded_by"}

// signatureRow is the signature of a demo hand-out.
type signatureRow struct {
	requestID  int64
	png        []byte
	signedAt   time.Time
	recordedBy int64
}

func (s *signatureRow) values(v []any) {
	v[0], v[1], v[2], v[3] = s.requestID, s.png, s.signedAt, id(s.recordedBy)
}
