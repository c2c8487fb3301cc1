package workshops

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Activity is the category of work an hour entry counts.
type Activity string

// The activities, in the order the bench page offers them.
const (
	ActivityTraining  Activity = "training"  // a session, a course
	ActivityDiagnosis Activity = "diagnosis" // testing what is wrong
	ActivityRepair    Activity = "repair"
	ActivityWipe      Activity = "wipe"
	ActivityQA        Activity = "qa"
	ActivityIntake    Activity = "intake"  // sorting, labelling, storing
	ActivityHandout   Activity = "handout" // preparing and handing out devices
	ActivityOther     Activity = "other"
)

// Activities lists every activity.
var Activities = []Activity{ActivityTraining, ActivityDiagnosis, ActivityRepair, ActivityWipe, ActivityQA,
	ActivityIntake, ActivityHandout, ActivityOther}

// Valid reports whether a is a known activity.
func (a Activity) Valid() bool { return slices.Contains(Activities, a) }

// Source is where an hour entry comes from.
type Source string

// The sources.
const (
	SourceManual     Source = "manual"     // logged by the trainee or staff
	SourceAttendance Source = "attendance" // a session's attendance
	SourceWork       Source = "work"       // proposed from wipes, repairs and QA checks
)

// MaxDayMinutes is the most a trainee's day holds: 12 hours.
const MaxDayMinutes = 12 * 60

// HourEntry is time a trainee spent at the workshop, waiting for review, approved or rejected.
type HourEntry struct {
	bun.BaseModel `bun:"table:hour_entries,alias:h"`

	ID        int64     `bun:"id,pk,autoincrement"`
	TraineeID int64     `bun:"trainee_id"`
	Date      time.Time `bun:"on_date,type:date"`
	// StartMinute is when the hours started, in minutes after midnight; nil when not given.
	// Entries with a start may not overlap.
	StartMinute *int     `bun:"start_minute"`
	Minutes     int      `bun:"minutes"`
	Activity    Activity `bun:"activity"`
	Note        *string  `bun:"note"`
	SessionID   *int64   `bun:"session_id"`
	Source      Source   `bun:"source"`
	Status      Status   `bun:"status"`
	// Reason says why the entry was rejected; the trainee sees it.
	Reason     *string    `bun:"reason"`
	LoggedBy   *int64     `bun:"logged_by"`
	LoggedAt   time.Time  `bun:"logged_at,nullzero,notnull,default:current_timestamp"`
	ReviewedBy *int64     `bun:"reviewed_by"`
	ReviewedAt *time.Time `bun:"reviewed_at"`
}

// End is the minute after midnight the entry ends at, when it has a start.
func (h *HourEntry) End() *int {
	if h.StartMinute == nil {
		return nil
	}
	e := *h.StartMinute + h.Minutes
	return &e
}

// ClockTime formats minutes after midnight as 09:30.
func ClockTime(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// ParseClock reads 9:30 or 09:30 as minutes after midnight.
func ParseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, false
	}
	return hh*60 + mm, true
}

// Duration formats minutes as hours and minutes: 3 h 05, 4 h, 30 min.
func Duration(minutes int) string {
	if minutes > 0 && minutes < 60 {
		return fmt.Sprintf("%d min", minutes)
	}
	if minutes%60 == 0 {
		return fmt.Sprintf("%d h", minutes/60)
	}
	return fmt.Sprintf("%d h %02d", minutes/60, minutes%60)
}

// NewHours is time a trainee logs (or staff log for them).
type NewHours struct {
	TraineeID int64
	Date      time.Time
	// StartMinute is when the hours started, minutes after midnight; nil: not given.
	StartMinute *int
	Minutes     int
	Activity    Activity
	Note        string
	// DeviceIDs are the devices worked on.
	DeviceIDs []int64
}

// maxDevices bounds the devices named on one entry.
const maxDevices = 20

// validate checks an entry on its own: minutes more than 0 and at most 12 hours, a date not in
// the future, a start that lets the hours end by midnight, a known activity.
func (n NewHours) validate(today time.Time) (*HourEntry, error) {
	h := &HourEntry{TraineeID: n.TraineeID, Date: calendar.Date(n.Date), StartMinute: n.StartMinute, Minutes: n.Minutes,
		Activity: n.Activity, Source: SourceManual, Status: StatusPending}
	if n.TraineeID == 0 {
		return nil, validation.Field("traineeID", "a trainee is required")
	}
	if n.Minutes <= 0 {
		return nil, &RuleError{Rule: RuleMinutes, Field: "minutes", Message: "minutes must be more than 0"}
	}
	if n.Minutes > MaxDayMinutes {
		return nil, &RuleError{Rule: RuleDayCap, Field: "minutes", Message: "a day holds at most 12 hours (720 minutes)"}
	}
	if n.Date.IsZero() || h.Date.Year() < 2000 {
		return nil, validation.Field("date", "a date is required")
	}
	if h.Date.After(today) {
		return nil, &RuleError{Rule: RuleFuture, Field: "date", Message: fmt.Sprintf("%s is in the future: log hours for today or earlier", h.Date.Format(time.DateOnly))}
	}
	if s := n.StartMinute; s != nil {
		if *s < 0 || *s >= 24*60 {
			return nil, validation.Field("startTime", "must be a time of day, 00:00 to 23:59")
		}
		if *s+n.Minutes > 24*60 {
			return nil, validation.Field("startTime", "the hours must end by midnight")
		}
	}
	if !n.Activity.Valid() {
		return nil, validation.Field("activity", "unknown activity %q: use one of %s", n.Activity, activityList())
	}
	var err error
	if h.Note, err = text("note", n.Note, 500); err != nil {
		return nil, err
	}
	if len(n.DeviceIDs) > maxDevices {
		return nil, validation.Field("deviceIDs", "name at most %d devices", maxDevices)
	}
	return h, nil
}

func activityList() string {
	s := make([]string, len(Activities))
	for i, a := range Activities {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// LogHours records a pending hour entry for a trainee: trainees for themselves, staff and
// administrators for anyone. It is refused, with a RuleError saying which rule, when the minutes
// are not more than 0, the date is in the future, the trainee's day would hold more than 12
// hours, or the entry has a start time and overlaps another entry (rejected ones aside). The
// database holds the same rules under a per-trainee lock (docs/workshops.md).
func (s *Store) LogHours(ctx context.Context, n NewHours) (*HourEntry, error) {
	a, err := requireLog(ctx, n.TraineeID)
	if err != nil {
		return nil, err
	}
	h, err := n.validate(s.today())
	if err != nil {
		return nil, err
	}
	if a.UserID != 0 {
		h.LoggedBy = &a.UserID
	}
	devices := uniq(n.DeviceIDs)
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := traineeExists(ctx, tx, n.TraineeID); err != nil {
			return err
		}
		if len(devices) > 0 {
			found, err := inventory.NewStore(tx).DevicesByID(ctx, devices)
			if err != nil {
				return err
			}
			for i, id := range devices {
				if found[id] == nil {
					return validation.Field(fmt.Sprintf("deviceIDs[%d]", i), "no such device")
				}
			}
		}
		if err := checkDay(ctx, tx, h); err != nil {
			return err
		}
		return insertEntry(ctx, tx, h, devices)
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

func uniq(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if !contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// traineeExists answers a field error when the trainee is not there to see.
func traineeExists(ctx context.Context, tx bun.IDB, id int64) error {
	var n int
	if err := tx.NewSelect().Table("trainees").ColumnExpr("count(*)").Where("id = ?", id).Scan(ctx, &n); err != nil {
		return dbError("select trainee", err)
	}
	if n == 0 {
		return validation.Field("traineeID", "no such trainee")
	}
	return nil
}

// checkDay checks the day rules of a new entry under the trainee's hours lock (the trigger's):
// at most 12 hours a day, no overlap with an entry that has a start. The database checks the
// same when the entry is inserted; this says which entry is in the way.
func checkDay(ctx context.Context, tx bun.IDB, h *HourEntry) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('refurb.hours', ?))", h.TraineeID); err != nil {
		return fmt.Errorf("lock the trainee's hours: %w", err)
	}
	var day []HourEntry
	if err := tx.NewSelect().Model(&day).Column("id", "start_minute", "minutes").
		Where("h.trainee_id = ? AND h.on_date = ? AND h.status <> 'rejected'", h.TraineeID, h.Date).Scan(ctx); err != nil {
		return dbError("select the day's hours", err)
	}
	total := 0
	for _, d := range day {
		total += d.Minutes
	}
	if total+h.Minutes > MaxDayMinutes {
		return &RuleError{Rule: RuleDayCap, Field: "minutes", Message: fmt.Sprintf("a day holds at most 12 hours: %s are already logged on %s, %s more would make %s",
			Duration(total), h.Date.Format(time.DateOnly), Duration(h.Minutes), Duration(total+h.Minutes))}
	}
	if h.StartMinute == nil {
		return nil
	}
	for _, d := range day {
		if d.StartMinute != nil && *d.StartMinute < *h.End() && *h.StartMinute < *d.End() {
			return &RuleError{Rule: RuleOverlap, Field: "startTime", Message: fmt.Sprintf("these hours overlap the entry from %s to %s on %s",
				ClockTime(*d.StartMinute), ClockTime(*d.End()), h.Date.Format(time.DateOnly))}
		}
	}
	return nil
}

// insertEntry inserts an entry and the devices it was on.
func insertEntry(ctx context.Context, tx bun.IDB, h *HourEntry, devices []int64) error {
	if _, err := tx.NewInsert().Model(h).Returning("*").Exec(ctx); err != nil {
		return dbError("insert hour entry", err)
	}
	if len(devices) == 0 {
		return nil
	}
	rows := make([]entryDevice, len(devices))
	for i, d := range devices {
		rows[i] = entryDevice{EntryID: h.ID, DeviceID: d}
	}
	_, err := tx.NewInsert().Model(&rows).Exec(ctx)
	return dbError("insert hour entry devices", err)
}

// entryDevice is a device an entry's work was on.
type entryDevice struct {
	bun.BaseModel `bun:"table:hour_entry_devices"`

	EntryID  int64 `bun:"entry_id,pk"`
	DeviceID int64 `bun:"device_id,pk"`
}

// HourFilter narrows a list of hour entries.
type HourFilter struct {
	TraineeID *int64
	Statuses  []Status
	From, To  time.Time // dates, zero: open
}

// HourPage is a page of hour entries.
type HourPage struct {
	Entries     []HourEntry
	TotalCount  int
	HasNextPage bool
	EndCursor   string
}

// HourEntries lists hour entries, the latest first: every trainee's to staff and
// administrators, their own to a trainee (asking for another's is ErrNotFound).
func (s *Store) HourEntries(ctx context.Context, f HourFilter, p Page) (*HourPage, error) {
	a, err := auth.Require(ctx, readers)
	if err != nil {
		return nil, err
	}
	if !a.In(auth.Office) {
		if f.TraineeID != nil && !MaySee(a, *f.TraineeID) || a.TraineeID == 0 {
			return nil, ErrNotFound
		}
		f.TraineeID = &a.TraineeID
	}
	for _, st := range f.Statuses {
		if !st.Valid() {
			return nil, validation.Field("status", "unknown status %q", st)
		}
	}
	limit, offset, err := p.limit(50)
	if err != nil {
		return nil, err
	}
	out := &HourPage{}
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewSelect().Model(&out.Entries)
		if f.TraineeID != nil {
			q = q.Where("h.trainee_id = ?", *f.TraineeID)
		}
		if len(f.Statuses) > 0 {
			q = q.Where("h.status IN (?)", bun.List(f.Statuses))
		}
		if !f.From.IsZero() {
			q = q.Where("h.on_date >= ?", calendar.Date(f.From))
		}
		if !f.To.IsZero() {
			q = q.Where("h.on_date <= ?", calendar.Date(f.To))
		}
		n, err := q.OrderExpr("h.on_date DESC, h.start_minute DESC NULLS LAST, h.id DESC").Limit(int64(limit) + 1).Offset(offset).ScanAndCount(ctx)
		out.TotalCount = int(n)
		return dbError("select hour entries", err)
	})
	if err != nil {
		return nil, err
	}
	if len(out.Entries) > limit {
		out.Entries, out.HasNextPage = out.Entries[:limit], true
	}
	if len(out.Entries) > 0 {
		out.EndCursor = strconv.FormatInt(offset+int64(len(out.Entries)), 10)
	}
	return out, nil
}

// HourEntriesByID returns the entries the actor may see among ids, by id.
func (s *Store) HourEntriesByID(ctx context.Context, ids []int64) (map[int64]*HourEntry, error) {
	if _, err := auth.Require(ctx, readers); err != nil {
		return nil, err
	}
	var es []HourEntry
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select hour entries", tx.NewSelect().Model(&es).Where("h.id IN (?)", bun.List(ids)).Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*HourEntry, len(es))
	for i := range es {
		out[es[i].ID] = &es[i]
	}
	return out, nil
}

// HourEntry returns one entry the actor may see, ErrNotFound otherwise.
func (s *Store) HourEntry(ctx context.Context, id int64) (*HourEntry, error) {
	es, err := s.HourEntriesByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if e := es[id]; e != nil {
		return e, nil
	}
	return nil, ErrNotFound
}

// EntryDevices returns the devices each entry the actor may see was on, by entry id.
func (s *Store) EntryDevices(ctx context.Context, entryIDs []int64) (map[int64][]int64, error) {
	if _, err := auth.Require(ctx, readers); err != nil {
		return nil, err
	}
	var rows []struct {
		EntryID  int64 `bun:"entry_id"`
		DeviceID int64 `bun:"device_id"`
	}
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		return dbError("select entry devices", tx.NewSelect().Table("hour_entry_devices").Column("entry_id", "device_id").
			Where("entry_id IN (?)", bun.List(entryIDs)).Order("entry_id", "device_id").Scan(ctx, &rows))
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]int64, len(entryIDs))
	for _, r := range rows {
		out[r.EntryID] = append(out[r.EntryID], r.DeviceID)
	}
	return out, nil
}
