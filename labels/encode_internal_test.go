package labels

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// decodeModules reads a symbol with gozxing's decoder (no detection: the modules as they are),
// which uses its own version, block and alignment tables.
func decodeModules(t *testing.T, modules []bool, size int) (text, level string, corrected int) {
	t.Helper()
	img := make([][]bool, size)
	for y := range img {
		img[y] = modules[y*size : (y+1)*size]
	}
	res, err := decoder.NewDecoder().DecodeBoolMapWithoutHint(img)
	if err != nil {
		t.Fatalf("gozxing cannot decode the %dx%d symbol: %v", size, size, err)
	}
	return res.GetText(), res.GetECLevel(), res.GetErrorsCorrected()
}

var levelNames = map[ecc]string{eccL: "L", eccM: "M", eccQ: "Q", eccH: "H"}

// Every version (1 to 40), every level, both modes, every mask: gozxing decodes the text back
// without correcting a single codeword, so every module is where the standard puts it.
func TestEncodeDecodes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	randText := func(alnum bool, n int) string {
		var b strings.Builder
		for range n {
			if alnum {
				b.WriteByte(alphanumeric[r.IntN(len(alphanumeric))])
			} else {
				b.WriteRune([]rune("abcxyz019-_/?=&é€ßç")[r.IntN(19)])
			}
		}
		return b.String()
	}
	seen := map[string]bool{}
	for _, e := range []ecc{eccL, eccM, eccQ, eccH} {
		for ver := 1; ver <= 40; ver++ {
			for _, alnum := range []bool{true, false} {
				// The longest text of this version: as many characters as its data codewords hold.
				bits := dataCodewords(ver, e)*8 - 4 - 16
				n := bits / 8 / 2 // bytes: leave room for 3-byte runes
				if alnum {
					n = bits * 2 / 11
				}
				text := randText(alnum, max(1, n-r.IntN(max(1, n/4))))
				mask := (ver + int(e)) % 9 // the eighth "mask", -1, lets the penalty choose
				if mask == 8 {
					mask = -1
				}
				modules, size, err := qrEncode(text, e, mask)
				if err != nil {
					t.Fatalf("%s v%d: %v", levelNames[e], ver, err)
				}
				got, level, corrected := decodeModules(t, modules, size)
				if got != text || level != levelNames[e] || corrected != 0 {
					t.Fatalf("%s v%d alnum=%v mask %d (%d chars): decoded %q at %s with %d corrections, want %q at %s with none",
						levelNames[e], ver, alnum, mask, len(text), got, level, corrected, text, levelNames[e])
				}
				seen[fmt.Sprint(size)] = true
			}
		}
	}
	if len(seen) < 35 {
		t.Errorf("only %d symbol sizes exercised", len(seen))
	}
}

// Capacities from the standard's table 7 (characters at the largest size of a version).
func TestEncodeCapacity(t *testing.T) {
	for _, c := range []struct {
		e        ecc
		alnum    bool
		ver, max int
	}{
		{eccM, true, 1, 20}, {eccM, true, 2, 38}, {eccM, true, 3, 61}, {eccM, true, 4, 90}, {eccM, true, 10, 311},
		{eccQ, true, 1, 16}, {eccQ, true, 2, 29}, {eccQ, true, 3, 47}, {eccQ, true, 4, 67}, {eccQ, true, 40, 2420},
		{eccM, false, 1, 14}, {eccM, false, 2, 26}, {eccM, false, 3, 42}, {eccM, false, 40, 2331},
		{eccQ, false, 1, 11}, {eccQ, false, 3, 32}, {eccQ, false, 10, 151},
	} {
		char := "a"
		if c.alnum {
			char = "A"
		}
		_, size, err := qrEncode(strings.Repeat(char, c.max), c.e, 0)
		if err != nil || size != 4*c.ver+17 {
			t.Errorf("%s alnum=%v %d chars: size %d, %v; want version %d", levelNames[c.e], c.alnum, c.max, size, err, c.ver)
		}
		_, size, err = qrEncode(strings.Repeat(char, c.max+1), c.e, 0)
		if c.ver < 40 && (err != nil || size != 4*c.ver+21) {
			t.Errorf("%s alnum=%v %d chars: size %d, %v; want version %d", levelNames[c.e], c.alnum, c.max+1, size, err, c.ver+1)
		}
		if c.ver == 40 && err == nil {
			t.Errorf("%s alnum=%v %d chars: no error past version 40", levelNames[c.e], c.alnum, c.max+1)
		}
	}
}

// The penalty picks a mask, and a different text can pick another: all eight come up.
func TestEncodeChoosesMasks(t *testing.T) {
	masks := map[int]bool{}
	for i := range 400 {
		modules, size, err := qrEncode(QRURL("https://refurb.example", fmt.Sprintf("DI-%06d-K", i)), eccM, -1)
		if err != nil {
			t.Fatal(err)
		}
		// The mask is in the format information: bits 10-12 of the first copy, unmasked.
		v := 0
		for i, p := range [][2]int{{8, 0}, {8, 1}, {8, 2}, {8, 3}, {8, 4}, {8, 5}, {8, 7}, {8, 8}, {7, 8}, {5, 8}, {4, 8}, {3, 8}, {2, 8}, {1, 8}, {0, 8}} {
			if modules[p[1]*size+p[0]] {
				v |= 1 << i
			}
		}
		masks[(v^0x5412)>>10&7] = true
	}
	if len(masks) != 8 {
		t.Errorf("masks chosen for 400 URLs: %v, want all 8", masks)
	}
}

func BenchmarkEncode(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := encode(QRURL("https://refurb.example", fmt.Sprintf("DI-%06d-K", i)), LevelQ); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
