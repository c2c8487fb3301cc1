package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/reqinfo"
)

// AuditEntry is one row of the append-only audit log: who did what to which subject, when and
// from where. The application role may insert and read these rows, never change or delete them.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`

	ID         int64          `bun:"id,pk,autoincrement"`
	At         time.Time      `bun:"at,nullzero,notnull,default:current_timestamp"`
	ActorID    *int64         `bun:"actor_id"`
	Action     string         `bun:"action"`
	SubjectID  *int64         `bun:"subject_id"`
	AccountKey *string        `bun:"account_key"`
	ClientAddr *string        `bun:"client_addr,type:inet"`
	Detail     map[string]any `bun:"detail,type:jsonb,notnull"`
}

// audit appends an entry in db (the caller's transaction), with the client address taken from
// the request.
func (s *Service) audit(ctx context.Context, db bun.IDB, actor Actor, action string, subjectID int64, detail map[string]any) error {
	e := &AuditEntry{Action: action, Detail: detail}
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	if actor.UserID != 0 {
		e.ActorID = &actor.UserID
	}
	if actor.System {
		e.Detail["via"] = "cli"
	}
	if actor.TokenID != 0 {
		e.Detail["token_id"] = actor.TokenID
	}
	if subjectID != 0 {
		e.SubjectID = &subjectID
	}
	if addr := reqinfo.From(ctx).ClientAddr; addr != "" {
		e.ClientAddr = &addr
	}
	return insertAudit(ctx, db, e)
}

func insertAudit(ctx context.Context, db bun.IDB, e *AuditEntry) error {
	if _, err := db.NewInsert().Model(e).Returning("id, at").Exec(ctx); err != nil {
		return fmt.Errorf("append audit entry %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog returns the latest audit entries, newest first. Administrators only.
func (s *Service) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	if _, err := Require(ctx, Admins); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var es []AuditEntry
	if err := s.db.NewSelect().Model(&es).Order("id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("select audit log: %w", err)
	}
	return es, nil
}
