package workshops_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/workshops"
	"github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// reportPercentiles adds p50 and p99 in milliseconds to the benchmark's output.
func reportPercentiles(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	at := func(q float64) float64 { return float64(ds[int(q*float64(len(ds)-1))]) / 1e6 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// dailyEntries gives a trainee an approved entry of 6 hours a day (rejected one day in ten)
// for the days days before today, in SQL as the owner: a pending insert and its review, as the
// triggers want.
func dailyEntries(b *testing.B, e *workshopstest.Env, traineeID int64, days int) {
	ctx := context.Background()
	_, err := e.DB.Owner.ExecContext(ctx, `
		INSERT INTO hour_entries (trainee_id, on_date, start_minute, minutes, activity, logged_by)
		SELECT ?, current_date - d, 540, 360, (ARRAY['repair','wipe','qa','training'])[1 + d % 4], ?
		FROM generate_series(1, ?) AS d`, traineeID, e.AliceUser.ID, days)
	if err != nil {
		b.Fatal(err)
	}
	_, err = e.DB.Owner.ExecContext(ctx, `
		UPDATE hour_entries SET status = CASE WHEN id % 10 = 0 THEN 'rejected' ELSE 'approved' END,
		  reason = CASE WHEN id % 10 = 0 THEN 'not at the workshop' END, reviewed_by = ?, reviewed_at = now()
		WHERE trainee_id = ? AND status = 'pending' AND on_date < current_date - 7`, e.Actors.StaffUser.ID, traineeID)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.DB.Owner.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkProgress reads a trainee's progress (weeks, skills, timeline) after two years of
// daily entries: under 10 ms.
func BenchmarkProgress(b *testing.B) {
	e := workshopstest.New(b)
	dailyEntries(b, e, e.Alice.ID, 730)
	skills, _ := e.Store.Skills(e.Actors.Staff, false)
	for _, sk := range skills[:5] {
		if _, err := e.Store.AssessSkill(e.Actors.Staff, workshops.NewAssessment{TraineeID: e.Alice.ID, SkillID: sk.ID, Level: workshops.LevelAssisted}); err != nil {
			b.Fatal(err)
		}
	}
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		p, err := e.Store.Progress(e.AliceCtx, e.Alice.ID)
		ds = append(ds, time.Since(start))
		if err != nil || len(p.Weeks) < 100 {
			b.Fatalf("%d weeks, %v", len(p.Weeks), err)
		}
	}
	reportPercentiles(b, ds)
}

// BenchmarkFunderReport reads a month's report over 500 trainees enrolled in 4 programmes,
// with a year of daily entries each (180,000 entries): under 200 ms.
func BenchmarkFunderReport(b *testing.B) {
	e := workshopstest.New(b)
	ctx := context.Background()
	_, err := e.DB.Owner.ExecContext(ctx, `
		WITH p AS (
		  INSERT INTO programmes (name, funder, target_minutes, weekly_cap_minutes, starts_on, ends_on, tutor_id)
		  SELECT 'Programme ' || i, (ARRAY['ADEM','FSE+','Ville','Œuvre'])[i], 60000, 2400, current_date - 400, current_date + 30, ?
		  FROM generate_series(1, 4) AS i RETURNING id),
		t AS (
		  INSERT INTO trainees (name, languages) SELECT 'Trainee ' || i, '{fr}' FROM generate_series(1, 500) AS i RETURNING id)
		INSERT INTO enrolments (trainee_id, programme_id, starts_on, ends_on, tutor_id)
		SELECT t.id, (SELECT id FROM p ORDER BY id OFFSET t.id % 4 LIMIT 1), current_date - 400, current_date + 30, ?
		FROM t`, e.Actors.StaffUser.ID, e.Actors.StaffUser.ID)
	if err != nil {
		b.Fatal(err)
	}
	_, err = e.DB.Owner.ExecContext(ctx, `
		INSERT INTO hour_entries (trainee_id, on_date, minutes, activity, status, reviewed_by, reviewed_at)
		SELECT t.id, current_date - d, 300 + (t.id + d) % 120, 'repair', 'pending', NULL, NULL
		FROM trainees t, generate_series(1, 360) AS d
		WHERE (t.id + d) % 7 NOT IN (0, 1)`)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.DB.Owner.ExecContext(ctx, `UPDATE hour_entries SET status = 'approved', reviewed_by = ?, reviewed_at = now()`, e.Actors.StaffUser.ID); err != nil {
		b.Fatal(err)
	}
	if _, err := e.DB.Owner.ExecContext(ctx, "VACUUM ANALYZE hour_entries"); err != nil {
		b.Fatal(err)
	}
	month := workshops.MonthStart(time.Now()).AddDate(0, -1, 0)
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		rows, err := e.Store.HoursReport(e.Actors.Staff, month, month, nil)
		ds = append(ds, time.Since(start))
		if err != nil || len(rows) < 500 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
	reportPercentiles(b, ds)
}

// BenchmarkAttendanceCertificate issues a trainee's certificate after six months of hours and
// nine skills assessed: gather, render, number and store, under 50 ms.
func BenchmarkAttendanceCertificate(b *testing.B) {
	e := workshopstest.New(b)
	dailyEntries(b, e, e.Alice.ID, 180)
	skills, _ := e.Store.Skills(e.Actors.Staff, false)
	for _, sk := range skills {
		if _, err := e.Store.AssessSkill(e.Actors.Staff, workshops.NewAssessment{TraineeID: e.Alice.ID, SkillID: sk.ID, Level: workshops.LevelIndependent}); err != nil {
			b.Fatal(err)
		}
	}
	certs := certificates.NewStore(e.DB.App, "https://refurb.example")
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		c, err := certs.Issue(e.Actors.Staff, e.Alice.ID, certificates.KindAttendance, "fr")
		ds = append(ds, time.Since(start))
		if err != nil || len(c.PDF) == 0 {
			b.Fatal(err)
		}
	}
	reportPercentiles(b, ds)
}
