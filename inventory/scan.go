package inventory

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

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
// last events in one statement. The device's columns and the events' (as one array a column)
// come as they are, so pgx decodes them in binary; only the storage media, one or two a device
// with many columns, are folded into JSON (json, not jsonb: it is only read, and building jsonb
// costs the server more). $3 is the donor whose devices alone may be read, or 0 for every
// device.
//
// Neither the events' arrays nor the media's JSON say ORDER BY: on PostgreSQL 15 every ordered
// aggregate sorts its own input, and the seven sorts of 20 events were a third of the
// statement's time. The events come from their index newest first (the subquery's ORDER BY
// with its LIMIT picks them) and are aggregated in that order, as PostgreSQL does for a plain
// aggregate over a sorted subquery; Scan checks the order and sorts whatever is not in it,
// events by id descending and media by id, so the answer never depends on it.
const scanQuery = `
SELECT d.id, d.tag_number, d.tag, d.donation_id, d.kind, d.make, d.model, d.serial_number, d.manufacture_year,
  d.cpu, d.ram_gb, d.screen_inches, d.battery_health_pct, d.os_installed, d.keyboard_layout, d.condition_grade,
  d.weight_kg, d.location, d.donor_asset_tag, d.notes, d.status, d.cycle, d.version, d.received_at, d.updated_at,
  coalesce((SELECT json_agg(json_build_object('medium', to_json(m), 'latest', to_json(w)))
    FROM storage_media m
    LEFT JOIN LATERAL (
      SELECT * FROM wipe_records w WHERE w.medium_id = m.id AND w.cycle = d.cycle
      ORDER BY w.finished_at DESC, w.id DESC LIMIT 1) w ON true
    WHERE m.device_id = d.id), '[]') AS storage,
  e.ids, e.ats, e.kinds, e.froms, e.tos, e.actors, e.notes
FROM devices d
CROSS JOIN LATERAL (
  SELECT array_agg(id) AS ids, array_agg(at) AS ats, array_agg(kind) AS kinds,
    array_agg(from_status) AS froms, array_agg(to_status) AS tos,
    array_agg(actor_id) AS actors, array_agg(note) AS notes
  FROM (SELECT id, at, kind, from_status, to_status, actor_id, note
        FROM device_events WHERE device_id = d.id ORDER BY id DESC LIMIT $2) x) e
WHERE d.tag = $1 AND ($3::bigint = 0 OR d.donation_id IN (SELECT id FROM donations WHERE donor_id = $3))`

// MaxScanEvents bounds the events a scan returns.
const MaxScanEvents = 200

// scanRow is scanQuery's row.
type scanRow struct {
	d       Device
	storage []byte
	ids     []int64
	ats     []time.Time
	kinds   []string
	// The arrays with NULL elements as pgtype's FlatArrays: into []*string pgx decodes by
	// reflection, a twentieth of the server's CPU on a scan.
	froms, tos, notes pgtype.FlatArray[pgtype.Text]
	actors            pgtype.FlatArray[pgtype.Int8]
}

// dest returns where the row's columns go; array wraps the event arrays for database/sql.
func (r *scanRow) dest(array func(any) any) []any {
	d := &r.d
	return []any{&d.ID, &d.TagNumber, &d.Tag, &d.DonationID, &d.Kind, &d.Make, &d.Model, &d.SerialNumber, &d.ManufactureYear,
		&d.CPU, &d.RAMGB, &d.ScreenInches, &d.BatteryHealthPct, &d.OSInstalled, &d.KeyboardLayout, &d.ConditionGrade,
		&d.WeightKG, &d.Location, &d.DonorAssetTag, &d.Notes, &d.Status, &d.Cycle, &d.Version, &d.ReceivedAt, &d.UpdatedAt,
		&r.storage, array(&r.ids), array(&r.ats), array(&r.kinds), array(&r.froms), array(&r.tos), array(&r.actors), array(&r.notes)}
}

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
	var r scanRow
	if s.sqldb != nil {
		// On the pool, pgx itself runs the statement (prepared once per connection and kept,
		// unlike the pool's other statements: see internal/database) and decodes
		// the row in binary into its destinations, without database/sql's conversions.
		err = s.pgx(ctx, func(c *pgx.Conn) error {
			return c.QueryRow(ctx, scanQuery, pgx.QueryExecModeCacheStatement, tag, lastEvents, donor).
				Scan(plannedRow{dest: r.dest(func(v any) any { return v }), plans: s.scanPlans})
		})
	} else {
		m := pgtype.NewMap()
		err = s.db.QueryRowContext(ctx, dollarsToBun(scanQuery), tag, lastEvents, donor).Scan(r.dest(func(v any) any { return m.SQLScanner(v) })...)
	}
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("scan device: %w", err)
	}
	sc := &Scan{Device: &r.d}
	var media []struct {
		Medium StorageMedium `json:"medium"`
		Latest *WipeRecord   `json:"latest"`
	}
	// encoding/json/v2's decoder: half the time of encoding/json's on these records, which was
	// a twentieth of the server's CPU on a scan. The keys are the columns' names, as the tags.
	if err := jsonv2.Unmarshal(r.storage, &media); err != nil {
		return nil, fmt.Errorf("decode storage: %w", err)
	}
	sc.Storage = make([]MediumState, len(media))
	for i, m := range media {
		sc.Storage[i] = MediumState{StorageMedium: m.Medium, Latest: m.Latest}
	}
	sc.Events = make([]Event, len(r.ids))
	for i := range r.ids {
		sc.Events[i] = Event{ID: r.ids[i], DeviceID: r.d.ID, At: r.ats[i], Kind: r.kinds[i],
			FromStatus: (*Status)(textPtr(r.froms[i])), ToStatus: (*Status)(textPtr(r.tos[i])), ActorID: int8Ptr(r.actors[i]), Note: textPtr(r.notes[i])}
	}
	sc.order()
	return sc, nil
}

func textPtr(t pgtype.Text) *string {
	if !t.Valid {
		return nil
	}
	return &t.String
}

func int8Ptr(n pgtype.Int8) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

// order puts the media by id and the events newest first (by id descending), the order
// scanQuery's comment promises whatever order PostgreSQL aggregated them in.
func (sc *Scan) order() {
	byID := func(a, b MediumState) int { return cmp.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(sc.Storage, byID) {
		slices.SortFunc(sc.Storage, byID)
	}
	newestFirst := func(a, b Event) int { return cmp.Compare(b.ID, a.ID) }
	if !slices.IsSortedFunc(sc.Events, newestFirst) {
		slices.SortFunc(sc.Events, newestFirst)
	}
}

// plannedRow decodes a row into dest with plans kept across queries (rowPlans).
type plannedRow struct {
	dest  []any
	plans *rowPlans
}

// ScanRow implements pgx.RowScanner.
func (p plannedRow) ScanRow(rows pgx.Rows) error {
	fields, values := rows.FieldDescriptions(), rows.RawValues()
	if len(fields) != len(p.dest) {
		return fmt.Errorf("%d columns for %d destinations", len(fields), len(p.dest))
	}
	plans := p.plans.get(rows.Conn().TypeMap(), fields, p.dest)
	for i, dst := range p.dest {
		if err := plans[i].Scan(values[i], dst); err != nil {
			return pgx.ScanArgError{ColumnIndex: i, FieldName: fields[i].Name, Err: err}
		}
	}
	return nil
}

// rowPlans keeps pgx's plans for decoding one statement's rows into the same destination
// types, a set for each connection (a plan is made with, and may use, its connection's type
// map, which is not safe for concurrent use: a set is only used by the request holding that
// connection). pgx plans every column afresh for every query; for the scan's 33 columns that
// was a twentieth of the server's CPU.
type rowPlans struct {
	mu   sync.Mutex
	sets map[*pgtype.Map]*planSet
}

// planSet is the plans for one connection, with the column types they were made for: a
// statement described again (after a schema change) gets new plans if its types changed.
type planSet struct {
	oids    []uint32
	formats []int16
	plans   []pgtype.ScanPlan
}

// maxPlanSets bounds the sets kept, beyond any pool's size: the sets of connections closed
// since are dropped together when it is reached.
const maxPlanSets = 256

func newRowPlans() *rowPlans { return &rowPlans{sets: make(map[*pgtype.Map]*planSet)} }

func (p *rowPlans) get(m *pgtype.Map, fields []pgconn.FieldDescription, dest []any) []pgtype.ScanPlan {
	p.mu.Lock()
	set := p.sets[m]
	p.mu.Unlock()
	if set != nil && set.fits(fields) {
		return set.plans
	}
	set = &planSet{oids: make([]uint32, len(fields)), formats: make([]int16, len(fields)), plans: make([]pgtype.ScanPlan, len(fields))}
	for i, f := range fields {
		set.oids[i], set.formats[i] = f.DataTypeOID, f.Format
		set.plans[i] = m.PlanScan(f.DataTypeOID, f.Format, dest[i])
	}
	p.mu.Lock()
	if len(p.sets) >= maxPlanSets {
		clear(p.sets)
	}
	p.sets[m] = set
	p.mu.Unlock()
	return set.plans
}

func (s *planSet) fits(fields []pgconn.FieldDescription) bool {
	if len(fields) != len(s.oids) {
		return false
	}
	for i, f := range fields {
		if f.DataTypeOID != s.oids[i] || f.Format != s.formats[i] {
			return false
		}
	}
	return true
}

// pgx runs f on one of the pool's connections as pgx sees it, for the hot reads that pgx
// decodes faster than database/sql can.
func (s *Store) pgx(ctx context.Context, f func(*pgx.Conn) error) error {
	conn, err := s.sqldb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return fmt.Errorf("the database driver is %T, not pgx's", dc)
		}
		return f(sc.Conn())
	})
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
