package certificates

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/internal/reqinfo"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Store issues, lists, serves and verifies certificates. It holds a bun.IDB so the same code
// runs on the pool or inside a caller's transaction.
type Store struct {
	db        bun.IDB
	publicURL string
	tz        *time.Location
	limiter   *limiter
}

// NewStore returns a Store on db (connected as the application role). publicURL is where
// people reach the server, without a trailing slash: QR codes point there.
func NewStore(db bun.IDB, publicURL string) *Store {
	tz, err := time.LoadLocation("Europe/Luxembourg")
	if err != nil {
		tz = time.UTC
	}
	return &Store{db: db, publicURL: strings.TrimRight(publicURL, "/"), tz: tz, limiter: newLimiter(DefaultVerifyLimit)}
}

// VerifyLimit bounds verifications per client address: Burst at once, then PerMinute.
type VerifyLimit struct {
	PerMinute int
	Burst     int
}

// DefaultVerifyLimit lets a person scan and re-check a few certificates, and stops anyone
// from trying tokens.
var DefaultVerifyLimit = VerifyLimit{PerMinute: 30, Burst: 20}

// SetVerifyLimit changes the verification rate limit (tests and benchmarks raise it).
func (s *Store) SetVerifyLimit(l VerifyLimit) { s.limiter = newLimiter(l) }

// VerifyURL is the public page a certificate's QR code opens.
func (s *Store) VerifyURL(number, token string) string {
	return s.publicURL + "/verify/" + number + "?t=" + token
}

// PDFURL is where a certificate's PDF is downloaded (signed in).
func (s *Store) PDFURL(number string) string {
	return s.publicURL + "/certificates/" + number + ".pdf"
}

// tokenEncoding writes tokens in upper-case base32 without padding: 26 characters for 128 bits,
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

// NormalizeNumber reads a certificate number as typed: trimmed, any case.
func NormalizeNumber(number string) string {
	return strings.ToUpper(strings.TrimSpace(number))
}

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

// gather reads what a certificate of kind shows about a donation, with the inventory's own
// readers on the issuing transaction.
func (s *Store) gather(ctx context.Context, tx bun.IDB, donationID int64, kind Kind) (*Document, []usedFactor, *int64, error) {
	inv := inventory.NewStore(tx)
	don, err := inv.Donation(ctx, donationID)
	if errors.Is(err, inventory.ErrNotFound) {
		return nil, nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, nil, err
	}
	doc := &Document{Donation: DonationInfo{Number: don.Number, ReceivedOn: don.ReceivedOn}}
	if don.DonorReference != nil {
		doc.Donation.DonorReference = *don.DonorReference
	}
	if err := tx.NewSelect().Table("collection_points").Column("name").Where("id = ?", don.CollectionPointID).Scan(ctx, &doc.Donation.Place); err != nil {
		return nil, nil, nil, dbError("read collection point", err)
	}
	if don.DonorID != nil {
		donors, err := inv.DonorsByID(ctx, []int64{*don.DonorID})
		if err != nil {
			return nil, nil, nil, err
		}
		if d := donors[*don.DonorID]; d != nil {
			doc.Donor.Name = d.Name
			doc.donorIsPerson = d.Kind == inventory.DonorIndividual
			if d.RegistrationNumber != nil {
				doc.Donor.RegistrationNumber = *d.RegistrationNumber
			}
			var addr []string
			if d.Address != nil {
				addr = append(addr, *d.Address)
			}
			city := strings.TrimSpace(deref(d.PostalCode) + " " + deref(d.City))
			if city != "" {
				addr = append(addr, city)
			}
			doc.Donor.Address = strings.Join(addr, "\n")
		}
	}
	org, err := organisation(ctx, tx)
	if err != nil {
		return nil, nil, nil, err
	}
	doc.Org = *org

	// Every device of the donation, in tag order, a page at a time.
	var devices []inventory.Device
	for p := (inventory.Page{First: inventory.MaxPageSize}); ; {
		page, err := inv.Devices(ctx, inventory.DeviceFilter{DonationID: donationID}, inventory.SortTagAsc, p)
		if err != nil {
			return nil, nil, nil, err
		}
		devices = append(devices, page.Devices...)
		if !page.HasNextPage {
			break
		}
		p.After = page.EndCursor
	}
	ids := make([]int64, len(devices))
	for i, d := range devices {
		ids[i] = d.ID
		row := DeviceRow{Tag: d.Tag, DonorAssetTag: deref(d.DonorAssetTag), Kind: d.Kind, Make: deref(d.Make),
			Model: deref(d.Model), Serial: deref(d.SerialNumber), Status: d.Status, WeightKG: d.WeightKG}
		if d.ScreenInches != nil {
			row.ScreenInches = *d.ScreenInches
		}
		doc.Devices = append(doc.Devices, row)
	}
	if len(ids) > 0 {
		media, err := inv.Storage(ctx, ids)
		if err != nil {
			return nil, nil, nil, err
		}
		if kind == KindErasure {
			missing, err := inv.WipeMissing(ctx, ids)
			if err != nil {
				return nil, nil, nil, err
			}
			if len(missing) > 0 {
				e := &WipeRequiredError{}
				for _, d := range devices {
					for _, mid := range missing[d.ID] {
						mw := MissingWipe{DeviceTag: d.Tag, MediumID: mid}
						for _, m := range media[d.ID] {
							if m.ID == mid {
								mw.Serial = deref(m.SerialNumber)
							}
						}
						e.Missing = append(e.Missing, mw)
					}
				}
				return nil, nil, nil, e
			}
		}
		var mediumIDs []int64
		for _, d := range devices {
			for _, m := range media[d.ID] {
				mediumIDs = append(mediumIDs, m.ID)
			}
		}
		wipes := map[int64]*inventory.WipeRecord{}
		if len(mediumIDs) > 0 {
			if wipes, err = inv.LatestWipes(ctx, mediumIDs); err != nil {
				return nil, nil, nil, err
			}
		}
		names, err := userNames(ctx, tx, wipes)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, d := range devices {
			for _, m := range media[d.ID] {
				row := DriveRow{Serial: deref(m.SerialNumber), Kind: m.Kind, Make: deref(m.Make), Model: deref(m.Model),
					DeviceTag: d.Tag, DeviceSerial: deref(d.SerialNumber)}
				if m.CapacityGB != nil {
					row.CapacityGB = *m.CapacityGB
				}
				if w := wipes[m.ID]; w != nil {
					row.Wipe = &WipeInfo{Method: w.Method, Technique: w.Technique, Standard: deref(w.Standard),
						Tool: deref(w.Tool), Verification: w.Verification, FinishedAt: w.FinishedAt, Result: w.Result,
						Operator: names[w.OperatorID]}
					if w.VerifierID != nil {
						row.Wipe.Verifier = names[*w.VerifierID]
					}
				}
				doc.Drives = append(doc.Drives, row)
			}
		}
	}
	if kind == KindErasure && len(doc.Drives) == 0 {
		return nil, nil, nil, validation.Field("kind", "the donation has no storage media: there is no erasure to certify")
	}
	var setID *int64
	var used []usedFactor
	if kind == KindDonation {
		set, err := currentFactorSet(ctx, tx)
		if err != nil {
			return nil, nil, nil, err
		}
		if set != nil {
			setID = &set.ID
		}
		doc.Impact, used = computeImpact(doc.Devices, set)
	}
	return doc, used, setID, nil
}

// userNames reads the names of the operators and verifiers of wipes. Only names are read, and
// they are printed on the erasure certificate as the people who did and checked the work.
func userNames(ctx context.Context, db bun.IDB, wipes map[int64]*inventory.WipeRecord) (map[int64]string, error) {
	set := map[int64]bool{}
	for _, w := range wipes {
		set[w.OperatorID] = true
		if w.VerifierID != nil {
			set[*w.VerifierID] = true
		}
	}
	out := map[int64]string{}
	if len(set) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	var rows []struct {
		ID   int64  `bun:"id"`
		Name string `bun:"name"`
	}
	if err := db.NewSelect().Table("users").Column("id", "name").Where("id IN (?)", bun.List(ids)).Scan(ctx, &rows); err != nil {
		return nil, dbError("read operators", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// currentFactorSet returns the newest impact factor set with its factors, or nil when there is
// none.
func currentFactorSet(ctx context.Context, db bun.IDB) (*FactorSet, error) {
	var sets []FactorSet
	if err := db.NewSelect().Model(&sets).OrderExpr("id DESC").Limit(1).Scan(ctx); err != nil {
		return nil, dbError("read factor set", err)
	}
	if len(sets) == 0 {
		return nil, nil
	}
	set := &sets[0]
	if err := db.NewSelect().Model(&set.Factors).Where("set_id = ?", set.ID).Order("id").Scan(ctx); err != nil {
		return nil, dbError("read factors", err)
	}
	return set, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// organisation reads the settings org.*.
func organisation(ctx context.Context, db bun.IDB) (*Organisation, error) {
	var rows []struct {
		Key   string `bun:"key"`
		Value string `bun:"value"`
	}
	if err := db.NewSelect().Table("settings").ColumnExpr("key, value::text AS value").Where("key LIKE 'org.%'").Scan(ctx, &rows); err != nil {
		return nil, dbError("read organisation settings", err)
	}
	org := &Organisation{}
	for _, r := range rows {
		var err error
		switch r.Key {
		case "org.name":
			err = json.Unmarshal([]byte(r.Value), &org.Name)
		case "org.address":
			err = json.Unmarshal([]byte(r.Value), &org.Address)
		case "org.registration_number":
			err = json.Unmarshal([]byte(r.Value), &org.RegistrationNumber)
		case "org.logo":
			var l *struct {
				Type string `json:"type"`
				Data string `json:"data"`
			}
			if err = json.Unmarshal([]byte(r.Value), &l); err == nil && l != nil && l.Data != "" {
				data, derr := base64.StdEncoding.DecodeString(l.Data)
				if derr != nil {
					return nil, fmt.Errorf("setting org.logo: %w", derr)
				}
				org.Logo = &Logo{Type: l.Type, Data: data}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("setting %s: %w", r.Key, err)
		}
	}
	if strings.TrimSpace(org.Name) == "" {
		org.Name = "Refurb"
	}
	return org, nil
}

// Organisation returns the issuer printed on certificates.
func (s *Store) Organisation(ctx context.Context) (*Organisation, error) {
	return organisation(ctx, s.db)
}

// SetOrganisation changes the issuer printed on certificates issued from now on. A logo is a
// PNG or JPEG file of at most 512 KiB. Administrators only.
func (s *Store) SetOrganisation(ctx context.Context, org Organisation) error {
	if _, err := auth.Require(ctx, auth.Admins); err != nil {
		return err
	}
	org.Name = strings.TrimSpace(org.Name)
	if org.Name == "" || len([]rune(org.Name)) > 200 {
		return validation.Field("name", "must have between 1 and 200 characters")
	}
	values := map[string]any{"org.name": org.Name, "org.address": strings.TrimSpace(org.Address),
		"org.registration_number": strings.TrimSpace(org.RegistrationNumber), "org.logo": nil}
	if l := org.Logo; l != nil && len(l.Data) > 0 {
		if len(l.Data) > 512<<10 {
			return validation.Field("logo", "is larger than 512 KiB")
		}
		t := strings.ToLower(l.Type)
		if t != "png" && t != "jpg" && t != "jpeg" {
			return validation.Field("logo", "must be a PNG or JPEG image")
		}
		values["org.logo"] = map[string]string{"type": t, "data": base64.StdEncoding.EncodeToString(l.Data)}
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for k, v := range values {
			b, _ := json.Marshal(v)
			if _, err := tx.NewUpdate().Table("settings").Set("value = ?::jsonb", string(b)).Set("updated_at = now()").Where("key = ?", k).Exec(ctx); err != nil {
				return dbError("update setting "+k, err)
			}
		}
		return nil
	})
}

// PDF returns a certificate with its PDF bytes, to the donor's users, staff and administrators.
// A donor's user asking for a certificate that is not theirs gets auth.ErrForbidden whether or
// not the number exists, so that numbers reveal nothing.
func (s *Store) PDF(ctx context.Context, number string) (*Certificate, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !a.In(auth.Office | auth.Donors) {
		return nil, auth.ErrForbidden
	}
	c := new(Certificate)
	q := s.db.NewSelect().Model(c).Where("c.number = ?", NormalizeNumber(number))
	if a.Role == auth.RoleDonor {
		q = q.Where("c.donation_id IN (SELECT id FROM donations WHERE donor_id = ?)", a.DonorID)
	}
	if err := q.Scan(ctx); err != nil {
		err = dbError("select certificate", err)
		if errors.Is(err, ErrNotFound) && a.Role == auth.RoleDonor {
			return nil, auth.ErrForbidden
		}
		return nil, err
	}
	return c, nil
}

// ForDonations returns the certificates of donations, newest first, without their PDF bytes,
// by donation id. Staff and administrators see every donation's; a donor's users their
// donor's; other roles none (auth.ErrForbidden).
func (s *Store) ForDonations(ctx context.Context, donationIDs []int64) (map[int64][]Certificate, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var cs []Certificate
	q := s.db.NewSelect().Model(&cs).Column(listColumns...).Where("c.donation_id IN (?)", bun.List(donationIDs))
	switch a.Role {
	case auth.RoleAdmin, auth.RoleStaff:
	case auth.RoleDonor:
		q = q.Where("c.donation_id IN (SELECT id FROM donations WHERE donor_id = ?)", a.DonorID)
	default:
		return nil, auth.ErrForbidden
	}
	if err := q.OrderExpr("c.donation_id, c.id DESC").Scan(ctx); err != nil {
		return nil, dbError("select certificates", err)
	}
	out := make(map[int64][]Certificate, len(donationIDs))
	for _, c := range cs {
		out[*c.DonationID] = append(out[*c.DonationID], c)
	}
	return out, nil
}

// Verify tells anyone holding a certificate's number and token whether it is genuine and
// current. A wrong token and an unknown number get the same answer (StatusUnknown), so
// numbers reveal nothing without their token. Calls are limited per client address
// (auth.RateLimitError).
func (s *Store) Verify(ctx context.Context, number, token string) (*Verification, error) {
	if err := s.limiter.allow(reqinfo.From(ctx).ClientAddr, time.Now()); err != nil {
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
	if len(number) > 40 {
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
	if err := s.limiter.allow(reqinfo.From(ctx).ClientAddr, time.Now()); err != nil {
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
