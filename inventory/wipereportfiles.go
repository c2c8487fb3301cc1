package inventory

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory/wipereport"
)

// The report files behind the wipe records: each kept once by its SHA-256, shown to who may
// see it, and the uploads held between the check and the confirmed import.

// WipeReport is a stored report file.
type WipeReport struct {
	bun.BaseModel `bun:"table:wipe_reports,alias:wr"`

	ID         int64     `bun:"id,pk,autoincrement"`
	SHA256     string    `bun:"sha256"`
	Filename   string    `bun:"filename"`
	Format     string    `bun:"format"`
	Data       []byte    `bun:"data"`
	UploadedBy int64     `bun:"uploaded_by"`
	CreatedAt  time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
}

// storeReport keeps a report's file, or finds it kept by an earlier import (under the name it
// was first uploaded with).
func storeReport(ctx context.Context, db bun.IDB, res *WipeReportResult, format wipereport.Format, data []byte, uploader int64) (*WipeReport, error) {
	rep := &WipeReport{SHA256: res.SHA256, Filename: res.Filename, Format: string(format), Data: data, UploadedBy: uploader}
	if _, err := db.NewInsert().Model(rep).On("CONFLICT (sha256) DO NOTHING").Returning("id").Exec(ctx); err != nil {
		return nil, dbError("store a wipe report", err)
	}
	if rep.ID == 0 {
		if err := db.NewSelect().Model(rep).Column("id", "filename").Where("sha256 = ?", res.SHA256).Scan(ctx); err != nil {
			return nil, dbError("read a stored wipe report", err)
		}
	}
	return rep, nil
}

// WipeReportOf returns the stored report a sanitization record came from, without its bytes;
// nil when it came from none.
func (s *Store) WipeReportOf(ctx context.Context, w *WipeRecord) (*WipeReport, error) {
	if w.ReportID == nil {
		return nil, nil
	}
	rep := new(WipeReport)
	if err := s.db.NewSelect().Model(rep).ExcludeColumn("data").Where("id = ?", *w.ReportID).Scan(ctx); err != nil {
		return nil, dbError("select wipe report", err)
	}
	return rep, nil
}

// WipeReportFile returns a stored report with its bytes, by SHA-256, to who may see it: those
// who work in the workshop, and the users of a donor one of whose devices has a record from
// it (the report names the drive's serial, which the donor knows, and the workshop's name).
// Anyone else gets ErrNotFound, as for a report that does not exist.
func (s *Store) WipeReportFile(ctx context.Context, sha string) (*WipeReport, error) {
	scope, err := DonorScope(ctx)
	if errors.Is(err, auth.ErrForbidden) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	sha = strings.ToLower(sha)
	if !sha256Re.MatchString(sha) {
		return nil, ErrNotFound
	}
	rep := new(WipeReport)
	if err := s.db.NewSelect().Model(rep).Where("sha256 = ?", sha).Scan(ctx); err != nil {
		return nil, dbError("select wipe report", err)
	}
	if scope.All() {
		return rep, nil
	}
	q := s.db.NewSelect().TableExpr("wipe_records AS w").
		Join("JOIN storage_media AS m ON m.id = w.medium_id").Join("JOIN devices AS d ON d.id = m.device_id").
		Where("w.report_id = ?", rep.ID)
	n, err := scope.WhereDonation(q, "d.donation_id").Count(ctx)
	if err != nil {
		return nil, dbError("check a wipe report's donor", err)
	}
	if n == 0 {
		return nil, ErrNotFound
	}
	return rep, nil
}

// HoldWipeReports keeps checked report files for the acting user until the import is
// confirmed, and returns the token that reads them back (HeldWipeReports). Only the token's
// hash is stored.
func (s *Store) HoldWipeReports(ctx context.Context, files []WipeReportFile) (string, error) {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return "", err
	}
	if actor.UserID == 0 || len(files) == 0 || len(files) > MaxWipeReportFiles {
		return "", fmt.Errorf("hold wipe reports: %w", auth.ErrForbidden)
	}
	token := rand.Text()
	sum := sha256.Sum256([]byte(token))
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().TableExpr("held_wipe_reports").Where("expires_at <= now()").Exec(ctx); err != nil {
			return fmt.Errorf("forget expired wipe reports: %w", err)
		}
		if _, err := tx.NewDelete().TableExpr("held_wipe_reports").Where(`(token_hash, position) IN (
			SELECT token_hash, position FROM held_wipe_reports ORDER BY created_at DESC OFFSET ?)`, maxHeldWipeReports-len(files)).Exec(ctx); err != nil {
			return fmt.Errorf("forget the oldest wipe reports: %w", err)
		}
		for i, f := range files {
			if _, err := tx.ExecContext(ctx, `INSERT INTO held_wipe_reports (token_hash, position, user_id, filename, data, expires_at)
				VALUES (?, ?, ?, ?, ?, now() + ? * interval '1 second')`, sum[:], i, actor.UserID, reportFilename(f.Filename), f.Data,
				int(HoldWipeReportsFor.Seconds())); err != nil {
				return fmt.Errorf("hold wipe reports: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// HeldWipeReports returns the files the acting user checked under token, in their order, or
// ErrNotFound (expired, forgotten, someone else's).
func (s *Store) HeldWipeReports(ctx context.Context, token string) ([]WipeReportFile, error) {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(token))
	var rows []struct {
		Filename string `bun:"filename"`
		Data     []byte `bun:"data"`
	}
	if err := s.db.NewRaw(`SELECT filename, data FROM held_wipe_reports
		WHERE token_hash = ? AND user_id = ? AND expires_at > now() ORDER BY position`, sum[:], actor.UserID).Scan(ctx, &rows); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read held wipe reports: %w", err)
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	files := make([]WipeReportFile, len(rows))
	for i, r := range rows {
		files[i] = WipeReportFile{Filename: r.Filename, Data: r.Data}
	}
	return files, nil
}

// ForgetWipeReports drops the files held under token, once imported.
func (s *Store) ForgetWipeReports(ctx context.Context, token string) error {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(token))
	if _, err := s.db.NewDelete().TableExpr("held_wipe_reports").Where("token_hash = ? AND user_id = ?", sum[:], actor.UserID).Exec(ctx); err != nil {
		return fmt.Errorf("forget held wipe reports: %w", err)
	}
	return nil
}

// PurgeHeldWipeReports deletes the held report files whose time has passed; the daily job runs
// it.
func PurgeHeldWipeReports(ctx context.Context, db bun.IDB) (int64, error) {
	res, err := db.NewDelete().TableExpr("held_wipe_reports").Where("expires_at <= now()").Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge held wipe reports: %w", err)
	}
	return res.RowsAffected()
}
