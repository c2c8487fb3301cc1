package certificates

import (
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/internal/ratelimit"
)

// Store issues, lists, serves and verifies certificates. It holds a bun.IDB so the same code
// runs on the pool or inside a caller's transaction.
type Store struct {
	db        bun.IDB
	publicURL string
	tz        *time.Location
	limiter   *ratelimit.Limiter
	// reporter gathers annual impact reports (WithImpactReports).
	reporter ImpactReporter
}

// NewStore returns a Store on db (connected as the application role). publicURL is where
// people reach the server, without a trailing slash: QR codes point there.
func NewStore(db bun.IDB, publicURL string) *Store {
	s := &Store{db: db, publicURL: strings.TrimRight(publicURL, "/"), tz: calendar.Zone()}
	s.SetVerifyLimit(DefaultVerifyLimit)
	return s
}

// VerifyURL is the public page a certificate's QR code opens.
func (s *Store) VerifyURL(number, token string) string {
	return s.publicURL + "/verify/" + number + "?t=" + token
}

// PDFURL is where a certificate's PDF is downloaded (signed in).
func (s *Store) PDFURL(number string) string {
	return s.publicURL + "/certificates/" + number + ".pdf"
}

// tokenEncoding writes tokens in upper-case base32 without padding: 26 characters for 128 bits,
// NormalizeNumber reads a certificate number as typed: trimmed, any case.
func NormalizeNumber(number string) string {
	return strings.ToUpper(strings.TrimSpace(number))
}

// numberShape is what a normalised certificate number looks like: DC-2026-00042.
var numberShape = regexp.MustCompile(`^[A-Z]{2}-[0-9]{4}-[0-9]{5,10}$`)

// plausibleNumber reports whether a normalised number can be a certificate's. Other text is
// looked up nowhere: a number comes from a URL anyone may type, and text PostgreSQL cannot
// hold (a NUL byte) made the lookup fail as an internal error (found by FuzzVerify).
func plausibleNumber(number string) bool { return numberShape.MatchString(number) }

func dbError(doing string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == pgcode.UniqueViolation || pgErr.Code == pgcode.SupersedeRefused) {
		return ErrConflict
	}
	return fmt.Errorf("%s: %w", doing, err)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
