package server_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
	"github.com/digital-inclusion/refurb/server"
)

// TestJobsAnonymiseAtStart: the server's background work anonymises closed requests past their
// retention when it starts, and logs their ids (never their details).
func TestJobsAnonymiseAtStart(t *testing.T) {
	t.Parallel()
	e := rt.New(t)
	r := rt.Submit(t, e.Store, e.WorkerA, rt.Laptop("JOB-REF-1"))
	if _, err := e.Store.Cancel(e.WorkerA, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Owner.NewRaw("UPDATE device_requests SET closed_at = now() - interval '2 years' WHERE id = ?", r.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		server.RunJobs(ctx, server.JobsConfig{}, e.DB.App, slog.New(slog.NewTextHandler(&log, nil)))
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(log.String(), "anonymised device requests") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	if !strings.Contains(log.String(), "request_ids=["+strconv.FormatInt(r.ID, 10)+"]") || strings.Contains(log.String(), "JOB-REF-1") {
		t.Errorf("log: %s", log.String())
	}
	got, err := e.Store.Request(e.Staff, r.ID)
	if err != nil || got.Reference != nil || got.Status != requests.StatusCancelled {
		t.Errorf("after the job: %+v, %v", got, err)
	}
}
