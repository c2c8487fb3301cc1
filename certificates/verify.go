package certificates

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/ratelimit"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/validation"
)

// VerifyLimit bounds verifications per client address: PerMinute in each minute, counted in
// the database across every server instance (internal/ratelimit).
type VerifyLimit struct {
	PerMinute int
}

// DefaultVerifyLimit lets a person scan and re-check a few certificates, and stops anyone
// from trying tokens.
var DefaultVerifyLimit = VerifyLimit{PerMinute: 30}

// SetVerifyLimit changes the verification rate limit (tests and benchmarks raise it).
func (s *Store) SetVerifyLimit(l VerifyLimit) {
	s.limiter = ratelimit.New(s.db, "verify:", l.PerMinute, time.Minute)
}

// allowVerify counts a verification from the request's client address. Calls without an
// address (the command line, in-process calls) are not limited.
func (s *Store) allowVerify(ctx context.Context) error {
	addr := reqinfo.From(ctx).ClientAddr
	if addr == "" {
		return nil
	}
	ok, retry, err := s.limiter.Allow(ctx, addr)
	if err != nil {
		return err
	}
	if !ok {
		return &auth.RateLimitError{RetryAfter: retry}
	}
	return nil
}

// easy to type and read aloud, and accepted in any case.
var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func hashToken(token string) []byte {
	raw, err := tokenEncoding.DecodeString(strings.ToUpper(strings.TrimSpace(token)))
	if err != nil || len(raw) != 16 {
		return nil
	}
	sum := sha256.Sum256(raw)
	return sum[:]
}

// Verify tells anyone holding a certificate's number and token whether it is genuine and
// current. A wrong token and an unknown number get the same answer (StatusUnknown), so
// numbers reveal nothing without their token. Calls are limited per client address
// (auth.RateLimitError).
func (s *Store) Verify(ctx context.Context, number, token string) (*Verification, error) {
	if err := s.allowVerify(ctx); err != nil {
		return nil, err
	}
	v, _, err := s.verify(ctx, number, token)
	return v, err
}

func (s *Store) verify(ctx context.Context, number, token string) (*Verification, *Certificate, error) {
	number = NormalizeNumber(number)
	unknown := &Verification{Status: StatusUnknown, Number: number}
	hash := hashToken(token)
	if hash == nil {
		return unknown, nil, nil
	}
	c, v, err := s.lookup(ctx, number)
	if err != nil || c == nil || subtle.ConstantTimeCompare(c.TokenHash, hash) != 1 {
		return unknown, nil, err
	}
	return v, c, nil
}

// lookup reads a certificate by number, without its PDF, and what verifying it shows; nil
// when no certificate has the number.
func (s *Store) lookup(ctx context.Context, number string) (*Certificate, *Verification, error) {
	if !plausibleNumber(number) {
		return nil, nil, nil
	}
	var row struct {
		Certificate
		Successor *string `bun:"successor"`
	}
	err := s.db.NewSelect().Model(&row.Certificate).Column(listColumns...).ColumnExpr("c.token_hash").
		ColumnExpr("(SELECT s.number FROM certificates s WHERE s.id = c.superseded_by) AS successor").
		Where("c.number = ?", number).Scan(ctx, &row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, dbError("select certificate", err)
	}
	c := &row.Certificate
	v := &Verification{Status: StatusValid, Number: c.Number}
	if c.SupersededBy != nil {
		v.Status = StatusSuperseded
		v.SupersededBy = deref(row.Successor)
	}
	v.Kind, v.IssuedAt, v.IssuerName, v.SHA256 = c.Kind, c.IssuedAt, c.IssuerName, c.SHA256
	v.DonorName = deref(c.DonorName)
	v.DeviceCount, v.DriveCount = c.DeviceCount, c.DriveCount
	return c, v, nil
}

// MaxPDFSize bounds an uploaded file checked against a certificate.
const MaxPDFSize = 64 << 20

// CheckPDF tells whether file is byte for byte the PDF issued under number (PDFMatches), by
// comparing SHA-256 digests. With the certificate's token it verifies as Verify does and then
// compares. Without a token, the file itself is the proof: a file whose digest matches shows
// the certificate's verification, any other shows StatusUnknown, so that nothing is learnt
// about a number without its token or its exact file.
func (s *Store) CheckPDF(ctx context.Context, number, token string, file io.Reader) (*Verification, error) {
	if err := s.allowVerify(ctx); err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(file, MaxPDFSize+1))
	if err != nil {
		return nil, fmt.Errorf("read uploaded file: %w", err)
	}
	if n > MaxPDFSize {
		return nil, validation.Field("file", "is larger than %d MiB", MaxPDFSize>>20)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	number = NormalizeNumber(number)
	var v *Verification
	if strings.TrimSpace(token) != "" {
		if v, _, err = s.verify(ctx, number, token); err != nil {
			return nil, err
		}
	} else {
		var c *Certificate
		if c, v, err = s.lookup(ctx, number); err != nil {
			return nil, err
		}
		if c == nil || subtle.ConstantTimeCompare([]byte(c.SHA256), []byte(sum)) != 1 {
			v = &Verification{Status: StatusUnknown, Number: number}
		}
	}
	match := v.Status != StatusUnknown && sum == v.SHA256
	v.PDFMatches = &match
	return v, nil
}
