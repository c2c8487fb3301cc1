package requests

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// Reading requests: who may read them (reader) and which rows they see (scope), one request and
// its events, a page of them, the triage queue, and what lists show beside them.

// Events returns a request's events, oldest first.
func (s *Store) Events(ctx context.Context, requestID int64) ([]Event, error) {
	a, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	var es []Event
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		q, err := scope(a, tx.NewSelect().Model(&es).Join("JOIN device_requests AS r ON r.id = e.request_id"))
		if err != nil {
			return err
		}
		return dbError("select request events", q.Where("e.request_id = ?", requestID).OrderExpr("e.id").Scan(ctx))
	})
	return es, err
}

// reader returns the actor if they may read requests.
func (s *Store) reader(ctx context.Context) (auth.Actor, error) {
	a, err := auth.Require(ctx)
	if err != nil {
		return a, err
	}
	if !MayRead(a) && !a.System {
		return a, auth.ErrForbidden
	}
	return a, nil
}

// scope narrows q, a query of device_requests as r, to what a may see: row-level security
// enforces the same, this makes the query say so (and use the indexes).
func scope(a auth.Actor, q *bun.SelectQuery) (*bun.SelectQuery, error) {
	switch {
	case a.In(auth.Office) || a.System:
		return q, nil
	case a.In(auth.SocialWorkers) && a.Coordinator && a.PartnerID != 0:
		return q.Where("r.partner_id = ?", a.PartnerID), nil
	case a.In(auth.SocialWorkers):
		return q.Where("r.requester_id = ?", a.UserID), nil
	}
	return q, auth.ErrForbidden
}

// Request returns a request the actor may see.
func (s *Store) Request(ctx context.Context, id int64) (*Request, error) {
	rs, err := s.RequestsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if rs[id] == nil {
		return nil, ErrNotFound
	}
	return rs[id], nil
}

// RequestsByID returns the requests with the given ids that the actor may see, by id.
func (s *Store) RequestsByID(ctx context.Context, ids []int64) (map[int64]*Request, error) {
	a, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	var rs []Request
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		q, err := scope(a, tx.NewSelect().Model(&rs).Where("r.id IN (?)", bun.List(ids)))
		if err != nil {
			return err
		}
		return dbError("select requests", q.Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*Request, len(rs))
	for i := range rs {
		out[rs[i].ID] = &rs[i]
	}
	return out, nil
}

// RequestsForDevices returns, by device id, the request that holds or last held each device in
// its current cycle (allocated or handed out), among those the actor may see.
func (s *Store) RequestsForDevices(ctx context.Context, deviceIDs []int64) (map[int64]*Request, error) {
	a, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	var rs []Request
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		q, err := scope(a, tx.NewSelect().Model(&rs).Where("r.device_id IN (?) AND r.status IN (?)", bun.List(deviceIDs),
			bun.List([]Status{StatusAllocated, StatusHandedOut})).OrderExpr("r.device_id, r.device_cycle DESC"))
		if err != nil {
			return err
		}
		return dbError("select requests of devices", q.Scan(ctx))
	})
	if err != nil {
		return nil, err
	}
	out := map[int64]*Request{}
	for i := range rs {
		if _, ok := out[*rs[i].DeviceID]; !ok {
			out[*rs[i].DeviceID] = &rs[i]
		}
	}
	return out, nil
}

// Filter narrows a list of requests. Empty fields do not filter.
type Filter struct {
	Statuses []Status
	// PartnerID keeps one organisation's requests (staff).
	PartnerID int64
	// Mine keeps the actor's own requests, for a coordinator or staff who want theirs only.
	Mine bool
}

// Page asks for at most First items after the opaque cursor After.
type Page struct {
	First int
	After string
}

// MaxPageSize bounds a page.
const MaxPageSize = 500

// RequestPage is one page of a list of requests.
type RequestPage struct {
	Requests    []Request
	TotalCount  int
	HasNextPage bool
	EndCursor   string
}

// Requests lists the requests the actor may see, newest first, one page at a time: a social
// worker their own, a coordinator their organisation's, staff every one.
func (s *Store) Requests(ctx context.Context, f Filter, p Page) (*RequestPage, error) {
	a, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	if p.First < 0 || p.First > MaxPageSize {
		return nil, validation.Field("first", "must be between 0 and %d", MaxPageSize)
	}
	for _, st := range f.Statuses {
		if !st.Valid() {
			return nil, validation.Field("status", "unknown status %q", st)
		}
	}
	var after *struct {
		at time.Time
		id int64
	}
	if p.After != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.After)
		ts, idStr, ok := strings.Cut(string(raw), "|")
		at, err1 := time.Parse(time.RFC3339Nano, ts)
		id, err2 := strconv.ParseInt(idStr, 10, 64)
		if err != nil || !ok || err1 != nil || err2 != nil {
			return nil, validation.Field("after", "is not a cursor from this list")
		}
		after = &struct {
			at time.Time
			id int64
		}{at, id}
	}
	page := &RequestPage{}
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		filter := func(q *bun.SelectQuery) (*bun.SelectQuery, error) {
			q, err := scope(a, q)
			if err != nil {
				return nil, err
			}
			if len(f.Statuses) > 0 {
				q = q.Where("r.status IN (?)", bun.List(f.Statuses))
			}
			if f.PartnerID != 0 {
				q = q.Where("r.partner_id = ?", f.PartnerID)
			}
			if f.Mine {
				q = q.Where("r.requester_id = ?", a.UserID)
			}
			return q, nil
		}
		q, err := filter(tx.NewSelect().Model(&page.Requests))
		if err != nil {
			return err
		}
		if after != nil {
			q = q.Where("(r.submitted_at, r.id) < (?, ?)", after.at, after.id)
		}
		if err := q.OrderExpr("r.submitted_at DESC, r.id DESC").Limit(int64(p.First + 1)).Scan(ctx); err != nil {
			return dbError("select requests", err)
		}
		cq, err := filter(tx.NewSelect().TableExpr("device_requests AS r"))
		if err != nil {
			return err
		}
		n, err := cq.Count(ctx)
		page.TotalCount = int(n)
		return dbError("count requests", err)
	})
	if err != nil {
		return nil, err
	}
	if len(page.Requests) > p.First {
		page.HasNextPage = true
		page.Requests = page.Requests[:p.First]
	}
	if n := len(page.Requests); n > 0 {
		last := page.Requests[n-1]
		page.EndCursor = base64.RawURLEncoding.EncodeToString([]byte(last.SubmittedAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(last.ID, 10)))
	}
	return page, nil
}

// urgencyRank is the triage order of urgencies in SQL, the expression of the queue's index.
const urgencyRank = "(CASE r.urgency WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END)"

// QueueStatuses are the statuses the triage queue shows by default: to decide, and approved
// requests waiting for a device.
var QueueStatuses = []Status{StatusSubmitted, StatusWaitlisted, StatusApproved}

// Queue returns the open requests in statuses (QueueStatuses when none), most urgent first and,
// within an urgency, longest waiting first: what staff work through. At most limit (1 to
// MaxPageSize). Staff and administrators only. Allocated requests, which hold a reserved device,
// have an index of their own: ask for them apart from the others.
func (s *Store) Queue(ctx context.Context, statuses []Status, limit int) ([]Request, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	if len(statuses) == 0 {
		statuses = QueueStatuses
	}
	for _, st := range statuses {
		if !st.Open() {
			return nil, validation.Field("status", "%s requests are not in the queue", st)
		}
	}
	if limit < 1 || limit > MaxPageSize {
		return nil, validation.Field("first", "must be between 1 and %d", MaxPageSize)
	}
	var rs []Request
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		// The rank is the queue indexes' own expression (device_requests_triage_idx,
		// device_requests_allocated_idx).
		return dbError("select the queue", tx.NewSelect().Model(&rs).
			Where("r.status IN (?)", bun.List(statuses)).
			OrderExpr(urgencyRank+", r.submitted_at, r.id").Limit(int64(limit)).Scan(ctx))
	})
	return rs, err
}

// RequesterNames returns the name of the person who filed each request (a social worker, or a
// staff member for a walk-in), by request id, for the requests the actor may see: staff see
// the name and organisation of a social worker, never their contact details.
func (s *Store) RequesterNames(ctx context.Context, requestIDs []int64) (map[int64]string, error) {
	a, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(requestIDs))
	err = s.tx(ctx, a, func(ctx context.Context, tx bun.Tx) error {
		var rows []struct {
			ID          int64 `bun:"id"`
			RequesterID int64 `bun:"requester_id"`
		}
		q, err := scope(a, tx.NewSelect().TableExpr("device_requests AS r").Column("r.id", "r.requester_id").Where("r.id IN (?)", bun.List(requestIDs)))
		if err != nil {
			return err
		}
		if err := q.Scan(ctx, &rows); err != nil {
			return dbError("select requesters", err)
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.RequesterID
		}
		names, err := auth.Names(ctx, tx, ids...)
		if err != nil {
			return err
		}
		for _, r := range rows {
			out[r.ID] = names[r.RequesterID]
		}
		return nil
	})
	return out, err
}
