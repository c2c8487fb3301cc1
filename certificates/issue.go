package certificates

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// Issue renders a certificate of kind for a donation in language ("" is French), stores its PDF
// bytes and their SHA-256 with the hash of a fresh 128-bit verification token, and returns it
// with the token. The donation's current certificate of that kind, if any, is superseded by the
// new one: it keeps its number and verifies as superseded. An erasure certificate needs every
// storage medium of every device of the donation to have a passing record in its device's
// current cycle (WipeRequiredError lists those that lack one). Staff and administrators only.
func (s *Store) Issue(ctx context.Context, donationID int64, kind Kind, language string) (*Issued, error) {
	actor, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	if language == "" {
		language = Languages[0]
	}
	if _, ok := langOf(language); !ok {
		return nil, validation.Field("language", "must be one of %s", strings.Join(Languages, ", "))
	}
	switch kind {
	case KindDonation, KindErasure:
	case KindHandover, KindAttendance:
		return nil, validation.Field("kind", "%s certificates are not available yet", strings.ToUpper(string(kind)))
	default:
		return nil, validation.Field("kind", "unknown kind %q", kind)
	}
	var out *Issued
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// One issue per donation at a time, so that exactly one certificate of a kind stays
		// current. NO KEY UPDATE does not hold back intake adding devices to the donation.
		var locked int64
		if err := tx.NewSelect().Table("donations").Column("id").Where("id = ?", donationID).For("NO KEY UPDATE").Scan(ctx, &locked); err != nil {
			return dbError("lock donation", err)
		}
		doc, used, setID, err := s.gather(ctx, tx, donationID, kind)
		if err != nil {
			return err
		}
		var now struct {
			Now  time.Time `bun:"now"`
			Year int       `bun:"year"`
		}
		if err := tx.NewRaw("SELECT now() AS now, extract(year FROM now() AT TIME ZONE 'Europe/Luxembourg')::int AS year").Scan(ctx, &now); err != nil {
			return dbError("read the time", err)
		}
		var seq int
		err = tx.NewRaw(`INSERT INTO certificate_counters (kind, year, last) VALUES (?, ?, 1)
			ON CONFLICT (kind, year) DO UPDATE SET last = certificate_counters.last + 1 RETURNING last`, kind, now.Year).Scan(ctx, &seq)
		if err != nil {
			return dbError("number certificate", err)
		}
		raw := make([]byte, 16)
		rand.Read(raw)
		token := tokenEncoding.EncodeToString(raw)
		sum := sha256.Sum256(raw)

		doc.Kind = kind
		doc.Language = language
		doc.Number = fmt.Sprintf("%s-%04d-%05d", kind.prefix(), now.Year, seq)
		doc.IssuedAt = now.Now
		doc.TimeZone = s.tz
		doc.VerifyURL = s.VerifyURL(doc.Number, token)
		var buf bytes.Buffer
		if err := Render(&buf, doc); err != nil {
			return err
		}
		pdfSum := sha256.Sum256(buf.Bytes())
		c := &Certificate{
			Number: doc.Number, Kind: kind, Year: now.Year, Seq: seq, DonationID: &donationID, Language: language,
			IssuedAt: now.Now, IssuerName: doc.Org.Name, DeviceCount: len(doc.Devices), DriveCount: len(doc.Drives),
			FactorSetID: setID, PDF: buf.Bytes(), SHA256: hex.EncodeToString(pdfSum[:]), TokenHash: sum[:],
		}
		if actor.UserID != 0 {
			c.IssuedBy = &actor.UserID
		}
		if doc.Donor.Name != "" && !doc.donorIsPerson {
			c.DonorName = &doc.Donor.Name
		}
		if _, err := tx.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
			return dbError("insert certificate", err)
		}
		if kind == KindDonation && len(used) > 0 {
			for i := range used {
				used[i].CertificateID = c.ID
			}
			if _, err := tx.NewInsert().Model(&used).Exec(ctx); err != nil {
				return dbError("freeze impact factors", err)
			}
		}
		_, err = tx.NewUpdate().Table("certificates").Set("superseded_by = ?", c.ID).
			Where("donation_id = ? AND kind = ? AND superseded_by IS NULL AND id <> ?", donationID, kind, c.ID).Exec(ctx)
		if err != nil {
			return dbError("supersede certificates", err)
		}
		out = &Issued{Certificate: c, Token: token}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
