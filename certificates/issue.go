package certificates

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// Issue renders a certificate of kind about a subject (a donation, for donation and erasure
// certificates) in language ("" is French), stores its PDF bytes and their SHA-256 with the
// hash of a fresh 128-bit verification token, and returns it with the token. The subject's
// current certificate of that kind, if any, is superseded by the new one: it keeps its number
// and verifies as superseded. An erasure certificate needs every storage medium of every
// device of the donation to have a passing record in its device's current cycle
// (WipeRequiredError lists those that lack one). Kinds that cannot be issued yet are a field
// error on "kind" (SubjectOf). Staff and administrators only.
func (s *Store) Issue(ctx context.Context, subjectID int64, kind Kind, language string) (*Issued, error) {
	actor, err := auth.Require(ctx, kind.issuers())
	if err != nil {
		return nil, err
	}
	sp, err := specOf(kind)
	if err != nil {
		return nil, err
	}
	if language == "" {
		language = Languages[0]
	}
	if langs := sp.langs(); !slices.Contains(langs, language) {
		return nil, validation.Field("language", "must be one of %s", strings.Join(langs, ", "))
	}
	sub := subjects[sp.subject]
	var out *Issued
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := sub.lock(ctx, tx, subjectID); err != nil {
			return err
		}
		gather := sp.gather
		if sp.byStore {
			gather = s.gatherImpactReport
		}
		g, err := gather(ctx, tx, subjectID)
		if err != nil {
			return err
		}
		g.doc.Kind, g.doc.Language = kind, language
		c, token, err := s.numberAndRender(ctx, tx, sp.prefix, g.doc)
		if err != nil {
			return err
		}
		sub.link(c, subjectID)
		c.FactorSetID = g.factorSetID
		if actor.UserID != 0 {
			c.IssuedBy = &actor.UserID
		}
		if err := insert(ctx, tx, c, g.factors); err != nil {
			return err
		}
		if err := supersede(ctx, tx, c, sub.column, subjectID); err != nil {
			return err
		}
		out = &Issued{Certificate: c, Token: token}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// numberAndRender numbers doc (the next number of its kind in the year, per the Luxembourg calendar)
// with prefix, dates it, gives it a fresh verification token and renders it, and returns the
// certificate to store, not yet linked to its subject, with the token.
func (s *Store) numberAndRender(ctx context.Context, tx bun.IDB, prefix string, doc *Document) (*Certificate, string, error) {
	var now struct {
		Now  time.Time `bun:"now"`
		Year int       `bun:"year"`
	}
	if err := tx.NewRaw("SELECT now() AS now, extract(year FROM now() AT TIME ZONE 'Europe/Luxembourg')::int AS year").Scan(ctx, &now); err != nil {
		return nil, "", dbError("read the time", err)
	}
	var seq int
	err := tx.NewRaw(`INSERT INTO certificate_counters (kind, year, last) VALUES (?, ?, 1)
		ON CONFLICT (kind, year) DO UPDATE SET last = certificate_counters.last + 1 RETURNING last`, doc.Kind, now.Year).Scan(ctx, &seq)
	if err != nil {
		return nil, "", dbError("number certificate", err)
	}
	raw := make([]byte, 16)
	rand.Read(raw)
	token := tokenEncoding.EncodeToString(raw)
	tokenSum := sha256.Sum256(raw)

	doc.Number = fmt.Sprintf("%s-%04d-%05d", prefix, now.Year, seq)
	doc.IssuedAt = now.Now
	doc.TimeZone = s.tz
	doc.VerifyURL = s.VerifyURL(doc.Number, token)
	var buf bytes.Buffer
	if err := Render(&buf, doc); err != nil {
		return nil, "", err
	}
	pdfSum := sha256.Sum256(buf.Bytes())
	c := &Certificate{
		Number: doc.Number, Kind: doc.Kind, Year: now.Year, Seq: seq, Language: doc.Language,
		IssuedAt: now.Now, IssuerName: doc.Org.Name, DeviceCount: len(doc.Devices), DriveCount: len(doc.Drives),
		PDF: buf.Bytes(), SHA256: hex.EncodeToString(pdfSum[:]), TokenHash: tokenSum[:],
	}
	if a := doc.Attendance; a != nil {
		c.PeriodFrom, c.PeriodTo = &a.From, &a.To
	}
	if doc.Donor.Name != "" && !doc.donorIsPerson {
		c.DonorName = &doc.Donor.Name
	}
	return c, token, nil
}

// insert stores a certificate with the impact factors its figures used.
func insert(ctx context.Context, tx bun.IDB, c *Certificate, factors []usedFactor) error {
	if _, err := tx.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
		return dbError("insert certificate", err)
	}
	if len(factors) == 0 {
		return nil
	}
	for i := range factors {
		factors[i].CertificateID = c.ID
	}
	if _, err := tx.NewInsert().Model(&factors).Exec(ctx); err != nil {
		return dbError("freeze impact factors", err)
	}
	return nil
}

// supersede points the subject's other current certificates of c's kind to c.
func supersede(ctx context.Context, tx bun.IDB, c *Certificate, column string, subjectID int64) error {
	_, err := tx.NewUpdate().Table("certificates").Set("superseded_by = ?", c.ID).
		Where("? = ? AND kind = ? AND superseded_by IS NULL AND id <> ?", bun.Ident(column), subjectID, c.Kind, c.ID).Exec(ctx)
	return dbError("supersede certificates", err)
}
