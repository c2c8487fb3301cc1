package inventory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/validation"
)

// Scan is what the bench needs when a label is scanned: the device, its storage media with
// their latest sanitization record, and its last events.
type Scan struct {
	Device  *Device
	Storage []MediumState
	Events  []Event // newest first, without their Detail (the API does not show it)
}

// scanQuery reads a device, its media (with the latest record of the current cycle) and its
// last events in one statement, the rows folded into JSON (json, not jsonb: it is only sent,
// and building jsonb costs the server more). $3 is the donor whose devices alone
// may be read, or 0 for every device.
const scanQuery = `
SELECT to_json(d) AS device,
  coalesce((SELECT json_agg(json_build_object('medium', to_json(m), 'latest', to_json(w)) ORDER BY m.id)
    FROM storage_media m
    LEFT JOIN LATERAL (
      SELECT * FROM wipe_records w WHERE w.medium_id = m.id AND w.cycle = d.cycle
      ORDER BY w.finished_at DESC, w.id DESC LIMIT 1) w ON true
    WHERE m.device_id = d.id), '[]') AS storage,
  coalesce((SELECT json_agg(e ORDER BY e.id DESC)
    FROM (SELECT id, device_id, at, kind, from_status, to_status, actor_id, note
          FROM device_events WHERE device_id = d.id ORDER BY id DESC LIMIT $2) e), '[]') AS events
FROM devices d
WHERE d.tag = $1 AND ($3::bigint = 0 OR d.donation_id IN (SELECT id FROM donations WHERE donor_id = $3))`

// MaxScanEvents bounds the events a scan returns.
const MaxScanEvents = 200

// Scan finds a device by its tag (as DeviceByTag does) and reads it with its storage and its
// last lastEvents events, in one prepared statement: the lookup the bench makes at every scan.
func (s *Store) Scan(ctx context.Context, tagOrURL string, lastEvents int) (*Scan, error) {
	scope, err := DonorScope(ctx)
	if err != nil {
		return nil, err
	}
	donor := scope.DonorID() // 0 for the whole inventory, as scanQuery's $3 takes it
	if lastEvents < 0 || lastEvents > MaxScanEvents {
		return nil, validation.Field("last", "must be between 0 and %d", MaxScanEvents)
	}
	tag, _, err := ParseTag(tagOrURL)
	if err != nil {
		return nil, tagField("tag", err)
	}
	var device, storage, events []byte
	if s.sqldb != nil {
		err = s.sqldb.QueryRowContext(ctx, scanQuery, tag, lastEvents, donor).Scan(&device, &storage, &events)
	} else {
		err = s.db.QueryRowContext(ctx, dollarsToBun(scanQuery), tag, lastEvents, donor).Scan(&device, &storage, &events)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("scan device: %w", err)
	}
	sc := &Scan{Device: new(Device)}
	if err := json.Unmarshal(device, sc.Device); err != nil {
		return nil, fmt.Errorf("decode device: %w", err)
	}
	var media []struct {
		Medium StorageMedium `json:"medium"`
		Latest *WipeRecord   `json:"latest"`
	}
	if err := json.Unmarshal(storage, &media); err != nil {
		return nil, fmt.Errorf("decode storage: %w", err)
	}
	sc.Storage = make([]MediumState, len(media))
	for i, m := range media {
		sc.Storage[i] = MediumState{StorageMedium: m.Medium, Latest: m.Latest}
	}
	if err := json.Unmarshal(events, &sc.Events); err != nil {
		return nil, fmt.Errorf("decode events: %w", err)
	}
	return sc, nil
}

// dollarsToBun rewrites $1, $2, ... as bun's ? placeholders, for a statement run in a
// transaction through bun.
func dollarsToBun(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] == '$' && i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9' {
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(q[i+1 : j])
			fmt.Fprintf(&b, "?%d", n-1)
			i = j - 1
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}
