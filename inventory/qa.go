package inventory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// QAItem is one line of a QA checklist, and its result in a check.
type QAItem struct {
	Key    string `json:"key"`
	Label  string `json:"label,omitempty"`
	Passed bool   `json:"passed"`
	Note   string `json:"note,omitempty"`
}

// QACheck is a device checked against its kind's checklist.
type QACheck struct {
	bun.BaseModel `bun:"table:qa_checks"`

	ID          int64     `bun:"id,pk,autoincrement"`
	DeviceID    int64     `bun:"device_id"`
	Cycle       int       `bun:"cycle"`
	Items       []QAItem  `bun:"items,type:jsonb"`
	Passed      bool      `bun:"passed"`
	PerformedBy int64     `bun:"performed_by"`
	VerifiedBy  *int64    `bun:"verified_by"`
	Note        *string   `bun:"note"`
	CreatedAt   time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
}

// NewQACheck is a device checked against its kind's checklist.
type NewQACheck struct {
	DeviceID int64
	// Items answer every item of the checklist once, by key; labels are taken from the template.
	Items []QAItem
	// VerifiedBy is a second person who checked the result, optionally.
	VerifiedBy *int64
	Note       string
	// Version is the device version the caller saw: if the device changed since, nothing is
	// recorded and ErrConflict says so. 0 records whatever the version, for callers that read
	// none (GraphQL's recordQACheck takes no version).
	Version int
}

// batteryKey is the checklist item that the device's recorded battery health decides.
const batteryKey = "battery"

// qaTemplate reads the checklist of a device kind.
func qaTemplate(ctx context.Context, db bun.IDB, kind Kind) ([]QAItem, error) {
	var raw string
	if err := db.NewSelect().Table("qa_templates").Column("items").Where("device_kind = ?", kind).Scan(ctx, &raw); err != nil {
		return nil, dbError("read QA template", err)
	}
	var items []QAItem
	if err := json.Unmarshal([]byte(raw), &items); err != nil {
		return nil, fmt.Errorf("read QA template of %s: %w", kind, err)
	}
	return items, nil
}

// QATemplate returns the QA checklist of a device kind: the items a check must answer, with
// their labels. Staff, administrators and trainees.
func (s *Store) QATemplate(ctx context.Context, kind Kind) ([]QAItem, error) {
	if _, err := auth.Require(ctx, auth.Workshop); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		return nil, validation.Field("kind", "unknown device kind %q", kind)
	}
	return qaTemplate(ctx, s.db, kind)
}

// RecordQACheck records a QA check of a device in the workshop, with the actor as the one who
// performed it, and appends a qa event. Every item of the kind's checklist must be answered
// exactly once. The check passes when every item passes; the battery item fails by itself when
// the device's recorded battery health is below the setting qa.battery_min_pct. A ready device
// that fails its check goes back to in_repair, with its status event: ready means "passed
// QA". Staff, administrators and trainees.
func (s *Store) RecordQACheck(ctx context.Context, n NewQACheck) (*QACheck, *Device, error) {
	actor, err := auth.Require(ctx, auth.Workshop)
	if err != nil {
		return nil, nil, err
	}
	if actor.UserID == 0 {
		return nil, nil, validation.Field("performedBy", "a QA check needs a signed-in user")
	}
	q := &QACheck{DeviceID: n.DeviceID, PerformedBy: actor.UserID, VerifiedBy: n.VerifiedBy}
	if q.Note, err = text("note", n.Note, 2000); err != nil {
		return nil, nil, err
	}
	if n.VerifiedBy != nil && *n.VerifiedBy == actor.UserID {
		return nil, nil, validation.Field("verifiedBy", "the verifier must be someone other than the person who performed the check")
	}
	answers := map[string]QAItem{}
	for i, it := range n.Items {
		key := strings.TrimSpace(it.Key)
		if _, dup := answers[key]; dup {
			return nil, nil, validation.Field(fmt.Sprintf("items[%d].key", i), "item %q is answered twice", key)
		}
		note, err := text(fmt.Sprintf("items[%d].note", i), it.Note, 500)
		if err != nil {
			return nil, nil, err
		}
		it.Key, it.Note = key, ""
		if note != nil {
			it.Note = *note
		}
		answers[key] = it
	}

	d, err := s.changeDevice(ctx, n.DeviceID, seen(n.Version), func(ctx context.Context, tx bun.Tx, d *Device) error {
		if !slices.Contains(workshopStatuses, d.Status) {
			return notInWorkshop(d.Status, "a QA check")
		}
		template, err := qaTemplate(ctx, tx, d.Kind)
		if err != nil {
			return err
		}
		for i, it := range n.Items {
			key := strings.TrimSpace(it.Key)
			if !slices.ContainsFunc(template, func(t QAItem) bool { return t.Key == key }) {
				return validation.Field(fmt.Sprintf("items[%d].key", i), "%q is not on the %s checklist", key, d.Kind)
			}
		}
		var minBattery int
		if err := s.setting(ctx, tx, "qa.battery_min_pct", &minBattery); err != nil {
			return err
		}
		q.Passed = true
		var failed []string
		for _, t := range template {
			a, ok := answers[t.Key]
			if !ok {
				return validation.Field("items", "item %q (%s) is not answered", t.Key, t.Label)
			}
			a.Label = t.Label
			if t.Key == batteryKey && d.BatteryHealthPct != nil && *d.BatteryHealthPct < minBattery && a.Passed {
				a.Passed = false
				a.Note = strings.TrimSpace(fmt.Sprintf("battery health %d%% is below the %d%% minimum. %s", *d.BatteryHealthPct, minBattery, a.Note))
			}
			if !a.Passed {
				q.Passed = false
				failed = append(failed, t.Key)
			}
			q.Items = append(q.Items, a)
		}
		if n.VerifiedBy != nil {
			if err := workshopUsers(ctx, tx, "verifiedBy", []int64{*n.VerifiedBy}); err != nil {
				return err
			}
		}
		q.Cycle = d.Cycle
		if _, err := tx.NewInsert().Model(q).Returning("*").Exec(ctx); err != nil {
			return dbError("insert QA check", err)
		}
		detail := map[string]any{"qa_check_id": q.ID, "passed": q.Passed}
		if len(failed) > 0 {
			detail["failed"] = failed
		}
		if err := appendEvent(ctx, tx, &Event{DeviceID: d.ID, Kind: "qa", Note: q.Note, Detail: detail}); err != nil {
			return err
		}
		if !q.Passed && d.Status == StatusReady {
			return settle(ctx, tx, d, StatusInRepair, "failed QA: "+strings.Join(failed, ", "))
		}
		return touch(ctx, tx, d)
	})
	if err != nil {
		return nil, nil, err
	}
	return q, d, nil
}

// QAChecks returns the QA checks of devices the actor may see, by device id, newest first.
func (s *Store) QAChecks(ctx context.Context, deviceIDs []int64) (map[int64][]QACheck, error) {
	visible, err := scopeDevices(ctx, s.db.NewSelect().TableExpr("devices AS d").Column("d.id").Where("d.id IN (?)", bun.List(deviceIDs)), "d")
	if err != nil {
		return nil, err
	}
	var qs []QACheck
	if err := s.db.NewSelect().Model(&qs).Where("device_id IN (?)", visible).OrderExpr("device_id, id DESC").Scan(ctx); err != nil {
		return nil, dbError("select QA checks", err)
	}
	out := make(map[int64][]QACheck, len(deviceIDs))
	for _, q := range qs {
		out[q.DeviceID] = append(out[q.DeviceID], q)
	}
	return out, nil
}
