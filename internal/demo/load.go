package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Loading: donors and donations by COPY, then the devices and all that hangs off them chunk by
// chunk, each chunk copied while the next is generated.

// chunk is a batch of devices with everything that hangs off them.
type chunk struct {
	devices []deviceRow
	media   []mediumRow
	wipes   []wipeRow
	repairs []repairRow
	workers [][2]int64
	qa      []qaRow
	flags   []flagRow
	events  []eventRow

	requests      []requestRow
	requestEvents []requestEventRow
	signatures    []signatureRow
}

// load copies the donors and donations, then the devices chunk by chunk while the next chunk
// is being generated.
func (g *generator) load(ctx context.Context, tx pgx.Tx, res *Result) error {
	if err := copyRows(ctx, tx, res, "donors", donorColumns, g.donors, (*donorRow).values, &res.Donors); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "donations", donationColumns, g.donations, (*donationRow).values, &res.Donations); err != nil {
		return err
	}

	var err error
	if g.signaturePNGs, err = g.signatures(); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *chunk, 1)
	genErr := make(chan error, 1)
	go func() {
		defer close(chunks)
		genErr <- g.chunks(ctx, chunks)
	}()
	start := time.Now()
	lastReport := start
	for c := range chunks {
		if err := g.copyChunk(ctx, tx, c, res); err != nil {
			cancel()
			for range chunks { // let the generator finish
			}
			return err
		}
		if time.Since(lastReport) > 2*time.Second || res.Devices == int64(g.opts.Devices) {
			lastReport = time.Now()
			el := time.Since(start)
			fmt.Fprintf(g.opts.Progress, "demo: %d/%d devices (%d%%), %d events, %v\n", res.Devices, g.opts.Devices,
				res.Devices*100/int64(g.opts.Devices), res.Events, el.Round(time.Second))
		}
	}
	if err := <-genErr; err != nil {
		return err
	}
	// The requests that hold no device: the queue, and closed ones.
	return g.copyRequests(ctx, tx, g.queue(), res)
}

func (g *generator) copyChunk(ctx context.Context, tx pgx.Tx, c *chunk, res *Result) error {
	if err := copyRows(ctx, tx, res, "devices", deviceColumns, c.devices, (*deviceRow).values, &res.Devices); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "storage_media", mediumColumns, c.media, (*mediumRow).values, &res.Media); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "wipe_records", wipeColumns, c.wipes, (*wipeRow).values, &res.Wipes); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "repair_logs", repairColumns, c.repairs, (*repairRow).values, &res.Repairs); err != nil {
		return err
	}
	var n int64
	if err := copyRows(ctx, tx, res, "repair_workers", workerColumns, c.workers, func(w *[2]int64, v []any) { v[0], v[1] = w[0], w[1] }, &n); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "qa_checks", qaColumns, c.qa, (*qaRow).values, &res.QAChecks); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "device_flags", flagColumns, c.flags, (*flagRow).values, &res.Flags); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, res, "device_events", eventColumns, c.events, (*eventRow).values, &res.Events); err != nil {
		return err
	}
	return g.copyRequests(ctx, tx, c, res)
}

// copyRequests copies a chunk's device requests, their events and signatures, after the devices
// they hold.
func (g *generator) copyRequests(ctx context.Context, tx pgx.Tx, c *chunk, res *Result) error {
	if err := copyRows(ctx, tx, res, "device_requests", requestColumns, c.requests, (*requestRow).values, &res.Requests); err != nil {
		return err
	}
	var n int64
	if err := copyRows(ctx, tx, res, "device_request_events", requestEventColumns, c.requestEvents, (*requestEventRow).values, &n); err != nil {
		return err
	}
	return copyRows(ctx, tx, res, "device_request_signatures", signatureColumns, c.signatures, (*signatureRow).values, &res.Signatures)
}

func copyRows[T any](ctx context.Context, tx pgx.Tx, res *Result, table string, columns []string, rows []T, values func(*T, []any), count *int64) error {
	if len(rows) == 0 {
		return nil
	}
	t0 := time.Now()
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, newSource(rows, columns, values))
	if err != nil {
		return fmt.Errorf("demo: copy into %s: %w", table, err)
	}
	if res.CopyTimes == nil {
		res.CopyTimes = map[string]time.Duration{}
	}
	res.CopyTimes[table] += time.Since(t0)
	*count += n
	return nil
}

// chunks generates the devices donation by donation and sends them in chunks.
func (g *generator) chunks(ctx context.Context, out chan<- *chunk) error {
	c := &chunk{}
	send := func() error {
		g.finishChunk(c)
		select {
		case out <- c:
		case <-ctx.Done():
			return ctx.Err()
		}
		c = &chunk{}
		return nil
	}
	g.eventTarget = 0
	for i := range g.donations {
		dn := &g.donations[i]
		for pos := range dn.size {
			if err := g.device(c, dn, pos); err != nil {
				return err
			}
			if len(c.devices) >= chunkDevices {
				if err := send(); err != nil {
					return err
				}
			}
		}
	}
	if len(c.devices) > 0 {
		return send()
	}
	return nil
}

// finishChunk orders the chunk's events by time, as a live database would hold them (one
// device's events spread among others'), and numbers them.
func (g *generator) finishChunk(c *chunk) {
	slices.SortStableFunc(c.events, func(a, b eventRow) int { return cmp.Compare(a.at.UnixNano(), b.at.UnixNano()) })
	for i := range c.events {
		c.events[i].id = g.next.event
		g.next.event++
	}
}
