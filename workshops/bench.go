package workshops

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// A bench is a shared device at the workshop where a staff member opened bench mode: until it
// closes, it lists the trainees enrolled today who have a PIN, by name, and a trainee signs in
// there by picking their name and typing their PIN (docs/workshops.md, "Signing in at the
// bench"). The device keeps a random token; the database only its SHA-256.

// BenchLifetime is how long a bench stays open: a working day.
const BenchLifetime = 12 * time.Hour

// Bench is a shared device in bench mode.
type Bench struct {
	bun.BaseModel `bun:"table:trainee_benches,alias:b"`

	ID        int64      `bun:"id,pk,autoincrement"`
	TokenHash []byte     `bun:"token_hash"`
	Name      string     `bun:"name"`
	OpenedBy  int64      `bun:"opened_by"`
	OpenedAt  time.Time  `bun:"opened_at,nullzero,notnull,default:current_timestamp"`
	ExpiresAt time.Time  `bun:"expires_at"`
	ClosedBy  *int64     `bun:"closed_by"`
	ClosedAt  *time.Time `bun:"closed_at"`
}

func benchHash(token string) []byte {
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return sum[:]
}

// OpenBench puts a device in bench mode for BenchLifetime and returns the token it keeps (in a
// cookie): the only copy. Staff and administrators, signed in.
func (s *Store) OpenBench(ctx context.Context, name string) (string, *Bench, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return "", nil, err
	}
	if a.UserID == 0 {
		return "", nil, validation.Field("openedBy", "a bench is opened by a signed-in staff member")
	}
	n, err := required("name", name, 100)
	if err != nil {
		return "", nil, err
	}
	token := rand.Text()
	b := &Bench{TokenHash: benchHash(token), Name: n, OpenedBy: a.UserID, ExpiresAt: s.now().Add(BenchLifetime)}
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(b).Returning("*").Exec(ctx)
		return dbError("insert bench", err)
	})
	if err != nil {
		return "", nil, err
	}
	return token, b, nil
}

// CloseBench ends a device's bench mode. Staff and administrators.
func (s *Store) CloseBench(ctx context.Context, id int64) error {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return err
	}
	return s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model((*Bench)(nil)).Set("closed_at = now()").Where("id = ? AND closed_at IS NULL", id)
		if a.UserID != 0 {
			q = q.Set("closed_by = ?", a.UserID)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return dbError("close bench", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// OpenBenches lists the benches open now, the latest first. Staff and administrators.
func (s *Store) OpenBenches(ctx context.Context) ([]Bench, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	var out []Bench
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select benches", tx.NewSelect().Model(&out).Where("b.closed_at IS NULL AND b.expires_at > now()").
			OrderExpr("b.opened_at DESC").Scan(ctx))
	})
	return out, err
}

// BenchByToken returns the open bench a device's token names, ErrNotFound when it is unknown,
// closed or expired. Anyone: the device is not signed in.
func (s *Store) BenchByToken(ctx context.Context, token string) (*Bench, error) {
	if strings.TrimSpace(token) == "" {
		return nil, ErrNotFound
	}
	b := new(Bench)
	err := s.runAs(ctx, rls{}, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select bench", tx.NewSelect().Model(b).
			Where("b.token_hash = ? AND b.closed_at IS NULL AND b.expires_at > now()", benchHash(token)).Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// BenchTrainee is a name on a bench's list: nothing more of the trainee's record.
type BenchTrainee struct {
	ID   int64  `bun:"id"`
	Name string `bun:"name"`
	// Language is the trainee's first language, for the page after they pick their name.
	Language string `bun:"language"`
}

// BenchTrainees lists, by name, the trainees enrolled today whose account has a PIN: on the
// bench whose token is given (no one signed in), or to staff and administrators (token "").
// Anyone else gets ErrNotFound, so that the list of names never shows elsewhere.
func (s *Store) BenchTrainees(ctx context.Context, token string) ([]BenchTrainee, error) {
	who := rls{}
	if token != "" {
		who.bench = benchHash(token)
	} else {
		if _, err := auth.Require(ctx, auth.Office); err != nil {
			return nil, err
		}
		who = rlsOf(ctx)
	}
	var out []BenchTrainee
	err := s.runAs(ctx, who, func(ctx context.Context, tx bun.Tx) error {
		if token != "" {
			var open bool
			if err := tx.NewRaw("SELECT workshops_bench_open()").Scan(ctx, &open); err != nil {
				return dbError("check bench", err)
			}
			if !open {
				return ErrNotFound
			}
		}
		var all []BenchTrainee
		if err := tx.NewRaw(`SELECT t.id, t.name, coalesce(t.languages[1], '') AS language FROM trainees t
			WHERE EXISTS (SELECT 1 FROM enrolments e WHERE e.trainee_id = t.id AND ? BETWEEN e.starts_on AND e.ends_on)
			ORDER BY lower(t.name), t.id`, s.today()).Scan(ctx, &all); err != nil {
			return dbError("select bench trainees", err)
		}
		if len(all) == 0 {
			return nil
		}
		ids := make([]int64, len(all))
		for i, t := range all {
			ids[i] = t.ID
		}
		with, err := auth.PINEnabled(ctx, tx, ids...)
		if err != nil {
			return err
		}
		for _, t := range all {
			if contains(with, t.ID) {
				out = append(out, t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BenchTraineeByID returns one name of the bench's list (BenchTrainees), ErrNotFound when the
// trainee is not on it.
func (s *Store) BenchTraineeByID(ctx context.Context, token string, id int64) (*BenchTrainee, error) {
	list, err := s.BenchTrainees(ctx, token)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, ErrNotFound
}

// BenchTraineeByBadge returns the name on a bench's list whose badge carries badge (its token
// or its QR code's URL), so that a trainee may scan their badge instead of finding their name.
// ErrNotFound when the badge is unknown or its trainee is not on the list.
func (s *Store) BenchTraineeByBadge(ctx context.Context, token, badge string) (*BenchTrainee, error) {
	badge = NormalizeBadge(badge)
	if badge == "" || token == "" {
		return nil, ErrNotFound
	}
	var id int64
	err := s.runAs(ctx, rls{bench: benchHash(token)}, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select trainee", tx.NewSelect().Table("trainees").Column("id").Where("badge_token = ?", badge).Scan(ctx, &id))
	})
	if err != nil {
		return nil, err
	}
	return s.BenchTraineeByID(ctx, token, id)
}
