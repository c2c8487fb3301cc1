package requests

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Issuer issues the hand-over receipt of a request that was just handed out, on the hand-out's
// own transaction tx, so that the hand-out and its receipt are one change: package server sets
// certificates' issuer (requests does not import certificates, which reads requests).
type Issuer interface {
	IssueReceipt(ctx context.Context, tx bun.IDB, requestID int64, language string) error
}

// The bounds of a signature image.
const (
	MaxSignatureBytes = 512 << 10 // the PNG as sent
	MaxSignatureSide  = 2000      // pixels, either side
	minSignatureSide  = 40
	// minInk is how many dark pixels make a signature: a blank canvas has none, a stray tap a
	// handful.
	minInk = 40
)

// decodeSignature reads a signature sent as a PNG in base64 or as a data: URL, checks that it
// is a PNG of a sensible size with something drawn on it, and returns it as a grey PNG on
// white: whatever the canvas sent (transparency, colour, metadata), the stored image is just
// the strokes.
func decodeSignature(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "data:"); ok {
		meta, data, ok := strings.Cut(rest, ",")
		if !ok || !strings.HasSuffix(meta, ";base64") {
			return nil, validation.Field("signature", "is not a base64 data: URL")
		}
		if strings.TrimSuffix(meta, ";base64") != "image/png" {
			return nil, validation.Field("signature", "must be a PNG image")
		}
		s = data
	}
	if s == "" {
		return nil, validation.Field("signature", "the beneficiary's signature is required")
	}
	if base64.StdEncoding.DecodedLen(len(s)) > MaxSignatureBytes+3 {
		return nil, validation.Field("signature", "is larger than %d KB", MaxSignatureBytes>>10)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return nil, validation.Field("signature", "is not base64")
		}
	}
	return normaliseSignature(raw)
}

// NormaliseSignature checks a signature PNG as HandOut does (limits, format, ink) and returns
// it as HandOut stores it, grey on white: the demo data's signatures pass through it too.
func NormaliseSignature(raw []byte) ([]byte, error) { return normaliseSignature(raw) }

// normaliseSignature checks a PNG signature (size first, from its header, before decoding it)
// and redraws it in grey on white.
func normaliseSignature(raw []byte) ([]byte, error) {
	if len(raw) > MaxSignatureBytes {
		return nil, validation.Field("signature", "is larger than %d KB", MaxSignatureBytes>>10)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil || format != "png" {
		return nil, validation.Field("signature", "must be a PNG image")
	}
	if cfg.Width > MaxSignatureSide || cfg.Height > MaxSignatureSide || cfg.Width < minSignatureSide || cfg.Height < minSignatureSide {
		return nil, validation.Field("signature", "must be between %d and %d pixels on each side", minSignatureSide, MaxSignatureSide)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, validation.Field("signature", "is not a readable PNG image")
	}
	b := img.Bounds()
	gray := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	ink := 0
	// over puts a pixel over white paper: transparent is white, opaque keeps its luminance.
	over := func(x, y int, r, g, bl, a uint8) {
		lum := (299*uint32(r) + 587*uint32(g) + 114*uint32(bl)) / 1000
		v := 255 - uint32(a)*(255-lum)/255
		if v < 128 {
			ink++
		}
		gray.Pix[(y-b.Min.Y)*gray.Stride+(x-b.Min.X)] = uint8(v)
	}
	if nrgba, ok := img.(*image.NRGBA); ok {
		// What a canvas sends: read the pixels directly, without a conversion each.
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := nrgba.Pix[(y-b.Min.Y)*nrgba.Stride:]
			for x := 0; x < b.Dx(); x++ {
				p := row[4*x : 4*x+4]
				over(x+b.Min.X, y, p[0], p[1], p[2], p[3])
			}
		}
	} else {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				over(x, y, c.R, c.G, c.B, c.A)
			}
		}
	}
	if ink < minInk {
		return nil, validation.Field("signature", "is empty: the beneficiary signs on the pad")
	}
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&out, gray); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// HandOut records that the beneficiary received the device allocated to a request and signed
// for it: the signature (a PNG, base64 or a data: URL; an empty or non-PNG one is a field error)
// is stored with the time, the request and the device move to handed_out, and the hand-over
// receipt is issued in language (default: the request's language when a receipt can be written
// in it, else French) through the Store's Issuer, all in one transaction. A request that is not
// allocated (handed out already) is a StateError. Staff and administrators only; the social
// worker is notified.
func (s *Store) HandOut(ctx context.Context, id int64, signature, language string) (*Request, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	language = strings.ToLower(strings.TrimSpace(language))
	if language != "" && !slices.Contains(Languages, language) {
		return nil, validation.Field("language", "must be one of %s", strings.Join(Languages, ", "))
	}
	var r *Request
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		if r, err = lock(ctx, tx, id); err != nil {
			return err
		}
		if r.Status != StatusAllocated {
			return &StateError{From: r.Status, To: StatusHandedOut, Reason: "only an allocated request is handed out, once"}
		}
		// Checked after the state, so that a second hand-out says it is one whatever it sends.
		img, err := decodeSignature(signature)
		if err != nil {
			return err
		}
		if s.issuer == nil {
			return errNoIssuer
		}
		_, err = inventory.NewStore(tx).MoveForRequest(ctx, *r.DeviceID, 0, inventory.StatusHandedOut, "handed out for device request #"+itoa(r.ID),
			func(ctx context.Context, tx bun.IDB, d *inventory.Device) error {
				from := r.Status
				r.Status, r.HandedOutBy = StatusHandedOut, nil
				if a.UserID != 0 {
					r.HandedOutBy = &a.UserID
				}
				if _, err := tx.NewUpdate().Model(r).Column("status", "handed_out_by").
					Set("handed_out_at = now(), closed_at = now(), version = version + 1, updated_at = now()").WherePK().
					Returning("version, updated_at, handed_out_at, closed_at").Exec(ctx); err != nil {
					return dbError("hand out", err)
				}
				if _, err := tx.NewRaw("INSERT INTO device_request_signatures (request_id, png, recorded_by) VALUES (?, ?, ?)",
					r.ID, img, r.HandedOutBy).Exec(ctx); err != nil {
					return dbError("store the signature", err)
				}
				if err := appendEvent(ctx, tx, a, r, "handed_out", from, StatusHandedOut, map[string]any{"device_id": d.ID}); err != nil {
					return err
				}
				return enqueue(ctx, tx, "request_handed_out", r)
			})
		if err != nil {
			return err
		}
		if language == "" {
			language = "fr"
			if r.Language != nil && slices.Contains(Languages, *r.Language) {
				language = *r.Language
			}
		}
		return s.issuer.IssueReceipt(ctx, tx, r.ID, language)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

type issuerError struct{}

func (issuerError) Error() string { return "requests: no receipt issuer configured (Store.WithIssuer)" }

var errNoIssuer error = issuerError{}

// Receipt is what a hand-over receipt shows about its request.
type Receipt struct {
	Request   *Request
	Partner   *Partner
	Signature []byte // grey PNG
	SignedAt  time.Time
}

// Receipt reads what the hand-over receipt of a handed-out request shows, and locks the request
// for the issuing transaction the Store runs on (certificates' gatherer calls it with a Store on
// its transaction). ErrNotFound for a request that is unknown or not handed out, ErrAnonymised
// for one whose signature anonymisation deleted. Staff and administrators only.
func (s *Store) Receipt(ctx context.Context, id int64) (*Receipt, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	out := &Receipt{}
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		if out.Request, err = lock(ctx, tx, id); err != nil {
			return err
		}
		if out.Request.Status != StatusHandedOut {
			return ErrNotFound
		}
		if out.Request.AnonymisedAt != nil {
			return ErrAnonymised
		}
		var sig struct {
			PNG      []byte    `bun:"png"`
			SignedAt time.Time `bun:"signed_at"`
		}
		if err := tx.NewRaw("SELECT png, signed_at FROM device_request_signatures WHERE request_id = ?", id).Scan(ctx, &sig); err != nil {
			return dbError("read the signature", err)
		}
		out.Signature, out.SignedAt = sig.PNG, sig.SignedAt
		out.Partner = new(Partner)
		return dbError("read the partner", tx.NewSelect().Model(out.Partner).Where("p.id = ?", out.Request.PartnerID).Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Lock takes request id's row for the transaction the Store runs on: certificates issues one
// receipt of a request at a time. ErrNotFound when the actor may not see it.
func (s *Store) Lock(ctx context.Context, id int64) error {
	a, err := auth.Require(ctx)
	if err != nil {
		return err
	}
	return s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		_, err := lock(ctx, tx, id)
		return err
	})
}
