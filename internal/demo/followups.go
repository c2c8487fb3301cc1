package demo

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// addFollowUps asks the follow-up (docs/impact.md) of every request of this load that a social
// worker filed and that was handed out three months or more before the end of the data, as the
// daily job would have, and answers seven in ten of those asked early enough: still in use
// mostly, for the request's purpose and sometimes to keep in touch, a problem now and then
// [invented shares]. Walk-ins have nobody to ask. The answers are drawn from a hash of the
// request's id, so that a seed gives the same data.
func (g *generator) addFollowUps(ctx context.Context, tx pgx.Tx, firstRequest int64, res *Result) error {
	// The follow-ups are behind the requests' row-level security: the loader acts as the system.
	if _, err := tx.Exec(ctx, "SELECT set_config('refurb.role', 'system', true)"); err != nil {
		return fmt.Errorf("demo: act as the system: %w", err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO request_follow_ups (request_id, asked_at)
		SELECT r.id, r.handed_out_at + interval '3 months' FROM device_requests r JOIN users u ON u.id = r.requester_id
		WHERE r.id >= $1 AND r.status = 'handed_out' AND u.role = 'social_worker' AND r.handed_out_at <= $2::timestamptz - interval '3 months'`,
		firstRequest, g.now)
	if err != nil {
		return fmt.Errorf("demo: ask follow-ups: %w", err)
	}
	res.FollowUps = tag.RowsAffected()
	if _, err := tx.Exec(ctx, `UPDATE request_follow_ups f SET
			answered_at = f.asked_at + x.delay, answered_by = r.requester_id,
			in_use = CASE WHEN x.h < 80 THEN 'yes' WHEN x.h < 92 THEN 'no' ELSE 'unknown' END,
			uses = CASE WHEN x.h >= 80 THEN '{}'::text[]
			            WHEN x.k < 40 THEN ARRAY[r.purpose, 'communication'] ELSE ARRAY[r.purpose] END,
			problem = CASE WHEN x.k % 50 < 35 THEN 'none' WHEN x.k % 50 < 40 THEN 'connectivity' WHEN x.k % 50 < 44 THEN 'skills'
			               WHEN x.k % 50 < 47 THEN 'hardware' WHEN x.k % 50 < 49 THEN 'software' ELSE 'other' END
		FROM device_requests r,
		     LATERAL (SELECT abs(hashint8(r.id)) % 100 AS h, abs(hashint8(r.id * 7 + 3)) % 100 AS k,
		                     (1 + abs(hashint8(r.id * 13)) % 20) * interval '1 day' AS delay) x
		WHERE r.id = f.request_id AND f.request_id >= $1 AND abs(hashint8(r.id * 31)) % 10 < 7 AND f.asked_at + x.delay <= $2::timestamptz`,
		firstRequest, g.now); err != nil {
		return fmt.Errorf("demo: answer follow-ups: %w", err)
	}
	return nil
}
