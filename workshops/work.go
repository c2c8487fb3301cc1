package workshops

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/inventory"
)

// A trainee's real work is in the inventory: the wipes they operated, the repairs that name
// them as workers, the QA checks they performed, recorded under their TRAINEE account. It
// evidences their skills ("wiped 25 drives, replaced 6 screens", each linked to its device
// event) and proposes hour entries for them to be reviewed like any other.

// SkillCount is how much of a trainee's work evidences a skill.
type SkillCount struct {
	Skill Skill
	Count int
	// Work are the pieces of work, the latest first.
	Work []inventory.Work
}

// WorkSummary is what a trainee did in the inventory.
type WorkSummary struct {
	// Items is the work, the latest first.
	Items []inventory.Work
	// Wipes counts passed wipes, Repairs repairs, QAChecks QA checks.
	Wipes, Repairs, QAChecks int
	// BySkill is the work that evidences each skill of the catalogue, in its order, skills
	// without work left out.
	BySkill []SkillCount
}

// Evidences reports whether a piece of work evidences a skill: a passed wipe evidences the
// skills of kind wipe, a QA check those of kind qa, a repair those of kind repair whose
// keywords its description or parts name (every repair when the skill has none).
func Evidences(sk *Skill, w *inventory.Work) bool {
	if sk.WorkKind == nil || *sk.WorkKind != w.Kind {
		return false
	}
	switch w.Kind {
	case "wipe":
		return w.Passed
	case "repair":
		if len(sk.Keywords) == 0 {
			return true
		}
		text := strings.ToLower(w.Description + " " + w.PartsUsed)
		return slices.ContainsFunc(sk.Keywords, func(k string) bool { return strings.Contains(text, k) })
	}
	return true
}

// workSince is how far back a trainee's work is read.
const workSince = 5 * 366 * 24 * time.Hour

// Work returns what a trainee did in the inventory through their account, with the skills it
// evidences: to staff, administrators and the trainee. A trainee without an account has none.
func (s *Store) Work(ctx context.Context, traineeID int64) (*WorkSummary, error) {
	if _, err := requireSee(ctx, traineeID); err != nil {
		return nil, err
	}
	out := &WorkSummary{}
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		work, err := traineeWork(ctx, tx, traineeID, s.now().Add(-workSince))
		if err != nil {
			return err
		}
		out.Items = work
		var skills []Skill
		if err := tx.NewSelect().Model(&skills).Where("sk.active AND sk.work_kind IS NOT NULL").OrderExpr("sk.position, sk.id").Scan(ctx); err != nil {
			return dbError("select skills", err)
		}
		summarise(out, skills)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// summarise counts work by kind and by skill.
func summarise(out *WorkSummary, skills []Skill) {
	for i := range out.Items {
		switch w := &out.Items[i]; w.Kind {
		case "wipe":
			if w.Passed {
				out.Wipes++
			}
		case "repair":
			out.Repairs++
		case "qa":
			out.QAChecks++
		}
	}
	for i := range skills {
		sc := SkillCount{Skill: skills[i]}
		for j := range out.Items {
			if Evidences(&skills[i], &out.Items[j]) {
				sc.Count++
				sc.Work = append(sc.Work, out.Items[j])
			}
		}
		if sc.Count > 0 {
			out.BySkill = append(out.BySkill, sc)
		}
	}
}

// traineeWork reads a trainee's work through their account, on tx.
func traineeWork(ctx context.Context, tx bun.IDB, traineeID int64, since time.Time) ([]inventory.Work, error) {
	users, err := auth.TraineeUsers(ctx, tx, traineeID)
	if err != nil {
		return nil, err
	}
	uid, ok := users[traineeID]
	if !ok {
		return nil, nil
	}
	return inventory.NewStore(tx).WorkBy(ctx, []int64{uid}, since)
}

// The time work proposes [approximation: what a piece usually takes a trainee, to be corrected
// by the reviewer]: a repair its recorded minutes (30 when none), a wipe 15 minutes of handling
// per drive, a QA check 15 minutes.
const (
	repairDefaultMinutes = 30
	wipeMinutes          = 15
	qaMinutes            = 15
)

// proposalWindow is how far back work proposes hours.
const proposalWindow = 90 * 24 * time.Hour

// ProposeFromWork turns a trainee's work of the last 90 days that proposed nothing yet into
// pending hour entries, one a day and kind of work (wipe, repair, QA), with the devices and the
// work they come from, and returns them. A day that would go over 12 hours gets what is left of
// it, or nothing. Each piece of work proposes hours once, even when the entry is rejected.
// Staff, administrators and the trainee.
func (s *Store) ProposeFromWork(ctx context.Context, traineeID int64) ([]HourEntry, error) {
	a, err := requireLog(ctx, traineeID)
	if err != nil {
		return nil, err
	}
	var out []HourEntry
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		work, err := traineeWork(ctx, tx, traineeID, s.now().Add(-proposalWindow))
		if err != nil || len(work) == 0 {
			return err
		}
		var done []struct {
			Kind     string `bun:"kind"`
			RecordID int64  `bun:"record_id"`
		}
		if err := tx.NewSelect().Table("hour_entry_work").Column("kind", "record_id").Where("trainee_id = ?", traineeID).Scan(ctx, &done); err != nil {
			return dbError("select proposed work", err)
		}
		proposed := map[[2]any]bool{}
		for _, d := range done {
			proposed[[2]any{d.Kind, d.RecordID}] = true
		}
		type key struct {
			day  time.Time
			kind string
		}
		groups := map[key][]inventory.Work{}
		var keys []key
		for _, w := range work {
			if proposed[[2]any{w.Kind, w.RecordID}] {
				continue
			}
			k := key{calendar.Date(w.At.In(s.tz)), w.Kind}
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], w)
		}
		slices.SortFunc(keys, func(x, y key) int {
			if c := x.day.Compare(y.day); c != 0 {
				return c
			}
			return strings.Compare(x.kind, y.kind)
		})
		for _, k := range keys {
			ws := groups[k]
			h := &HourEntry{TraineeID: traineeID, Date: k.day, Activity: Activity(k.kind), Source: SourceWork, Status: StatusPending}
			if a.UserID != 0 {
				h.LoggedBy = &a.UserID
			}
			var devices []int64
			for _, w := range ws {
				switch w.Kind {
				case "repair":
					h.Minutes += max(w.Minutes, 0)
					if w.Minutes == 0 {
						h.Minutes += repairDefaultMinutes
					}
				case "wipe":
					h.Minutes += wipeMinutes
				default:
					h.Minutes += qaMinutes
				}
				if !contains(devices, w.DeviceID) && len(devices) < maxDevices {
					devices = append(devices, w.DeviceID)
				}
			}
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('refurb.hours', ?))", traineeID); err != nil {
				return err
			}
			var used int
			if err := tx.NewSelect().Table("hour_entries").ColumnExpr("coalesce(sum(minutes), 0)").
				Where("trainee_id = ? AND on_date = ? AND status <> 'rejected'", traineeID, k.day).Scan(ctx, &used); err != nil {
				return dbError("select the day's hours", err)
			}
			h.Minutes = min(h.Minutes, MaxDayMinutes-used)
			if h.Minutes <= 0 {
				continue
			}
			if err := insertEntry(ctx, tx, h, devices); err != nil {
				return err
			}
			rows := make([]entryWork, len(ws))
			for i, w := range ws {
				rows[i] = entryWork{EntryID: h.ID, TraineeID: traineeID, Kind: w.Kind, RecordID: w.RecordID}
			}
			if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
				return dbError("insert proposed work", err)
			}
			out = append(out, *h)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// entryWork is a piece of work an entry was proposed from.
type entryWork struct {
	bun.BaseModel `bun:"table:hour_entry_work"`

	EntryID   int64  `bun:"entry_id"`
	TraineeID int64  `bun:"trainee_id,pk"`
	Kind      string `bun:"kind,pk"`
	RecordID  int64  `bun:"record_id,pk"`
}
