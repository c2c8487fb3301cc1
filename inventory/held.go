package inventory

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
)

// A donor's asset list goes through two steps on the intake page: the file is checked (a dry
// run whose report the user reads), then imported when the user confirms. In between it is
// held in the database (held_imports), for its uploader only, for HoldImportFor: the confirmation
// may reach another server instance than the check, or the same one after a restart.

// HoldImportFor is how long a checked asset list waits for its confirmation.
const HoldImportFor = 30 * time.Minute

// maxHeldImports bounds the files held at once, across users: past it the oldest goes.
const maxHeldImports = 50

// HeldImport is an asset list checked and waiting to be imported.
type HeldImport struct {
	DonationID int64
	Filename   string
	Data       []byte
}

// HoldImport keeps a checked asset list for the acting user and returns the token that takes
// it back (TakeImport). Only the token's hash is stored.
func (s *Store) HoldImport(ctx context.Context, donationID int64, filename string, data []byte) (string, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return "", err
	}
	if actor.UserID == 0 {
		return "", fmt.Errorf("hold an asset list: %w", auth.ErrForbidden)
	}
	token := rand.Text()
	sum := sha256.Sum256([]byte(token))
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().TableExpr("held_imports").Where("expires_at <= now()").Exec(ctx); err != nil {
			return fmt.Errorf("forget expired asset lists: %w", err)
		}
		if _, err := tx.NewDelete().TableExpr("held_imports").Where(`token_hash IN (
			SELECT token_hash FROM held_imports ORDER BY created_at DESC OFFSET ?)`, maxHeldImports-1).Exec(ctx); err != nil {
			return fmt.Errorf("forget the oldest asset lists: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO held_imports (token_hash, user_id, donation_id, filename, data, expires_at)
			VALUES (?, ?, ?, ?, ?, now() + ? * interval '1 second')`, sum[:], actor.UserID, donationID, filename, data, int(HoldImportFor.Seconds()))
		if err != nil {
			return fmt.Errorf("hold an asset list: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// TakeImport returns and forgets the asset list the acting user checked for donationID under
// token, or ErrNotFound when there is none (expired, already imported, someone else's, or
// another donation's).
func (s *Store) TakeImport(ctx context.Context, token string, donationID int64) (*HeldImport, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(token))
	h := &HeldImport{DonationID: donationID}
	err = s.db.QueryRowContext(ctx, `DELETE FROM held_imports
		WHERE token_hash = ? AND user_id = ? AND donation_id = ? AND expires_at > now()
		RETURNING filename, data`, sum[:], actor.UserID, donationID).Scan(&h.Filename, &h.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("take a held asset list: %w", err)
	}
	return h, nil
}

// PurgeHeldImports deletes the asset lists whose time has passed; the daily job runs it.
func PurgeHeldImports(ctx context.Context, db bun.IDB) (int64, error) {
	res, err := db.NewDelete().TableExpr("held_imports").Where("expires_at <= now()").Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge held asset lists: %w", err)
	}
	return res.RowsAffected()
}
