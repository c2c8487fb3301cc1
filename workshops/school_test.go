package workshops_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/inventory/inventorytest"
	"github.com/digital-inclusion/refurb/workshops"
	"github.com/digital-inclusion/refurb/workshops/workshopstest"
)

// TestAttendance: ticking or scanning a badge creates a pending entry worth the session, once;
// a full session and a future session are refused.
func TestAttendance(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	st, staff := e.Store, e.Actors.Staff
	yesterday := workshopstest.Today().AddDate(0, 0, -1)
	ses, err := st.CreateSession(staff, workshops.NewSession{ProgrammeID: &e.Programme.ID, Date: yesterday, StartMinute: 9 * 60,
		EndMinute: 12*60 + 30, Topic: "Replacing a laptop screen", Location: "Workshop", SupervisorID: e.Actors.StaffUser.ID, Capacity: 1})
	if err != nil {
		t.Fatal(err)
	}
	at, err := st.MarkAttendance(staff, ses.ID, e.Alice.ID, workshops.ViaTick)
	if err != nil || at.Already {
		t.Fatalf("mark Alice: %+v, %v", at, err)
	}
	h, err := st.HourEntry(e.AliceCtx, at.HourEntryID)
	if err != nil || h.Minutes != 210 || *h.StartMinute != 540 || h.Source != workshops.SourceAttendance || h.LoggedBy != nil ||
		h.Activity != workshops.ActivityTraining || h.Status != workshops.StatusPending {
		t.Errorf("the session's entry: got %+v, %v", h, err)
	}
	again, err := st.MarkAttendance(staff, ses.ID, e.Alice.ID, workshops.ViaBadge)
	if err != nil || !again.Already || again.HourEntryID != at.HourEntryID {
		t.Errorf("badge scanned twice: got %+v, %v", again, err)
	}
	wantRule(t, "a full session", func() error { _, err := st.MarkAttendance(staff, ses.ID, e.Bruno.ID, workshops.ViaTick); return err }(),
		workshops.RuleSessionFull, "every place")
	// The staff member who took attendance may approve it: attendance is logged by nobody.
	if _, err := st.ReviewHours(staff, []int64{at.HourEntryID}, true, ""); err != nil {
		t.Errorf("approve attendance: %v", err)
	}
	// By badge: the token, or the URL its QR code carries.
	got, err := st.TraineeByBadge(staff, "https://refurb.example/T/"+strings.ToLower(*e.Bruno.BadgeToken))
	if err != nil || got.ID != e.Bruno.ID {
		t.Errorf("Bruno's badge: got %+v, %v", got, err)
	}
	if _, err := st.TraineeByBadge(e.AliceCtx, *e.Bruno.BadgeToken); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a trainee reads a badge: got %v", err)
	}
	renewed, err := st.RenewBadge(staff, e.Bruno.ID)
	if err != nil || *renewed.BadgeToken == *e.Bruno.BadgeToken {
		t.Fatalf("renew: %+v, %v", renewed, err)
	}
	if _, err := st.TraineeByBadge(staff, *e.Bruno.BadgeToken); !errors.Is(err, workshops.ErrNotFound) {
		t.Errorf("the old badge: got %v, want not found", err)
	}
	tomorrow, err := st.CreateSession(staff, workshops.NewSession{Date: yesterday.AddDate(0, 0, 2), StartMinute: 600, EndMinute: 660,
		Topic: "OS installation", SupervisorID: e.Actors.StaffUser.ID, Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	wantRule(t, "a future session", func() error {
		_, err := st.MarkAttendance(staff, tomorrow.ID, e.Bruno.ID, workshops.ViaTick)
		return err
	}(),
		workshops.RuleFuture, "not taken place")
	list, err := st.Attendees(staff, ses.ID)
	if err != nil || len(list) != 1 || list[0].TraineeName != "Alice Example" || list[0].EntryStatus != workshops.StatusApproved {
		t.Errorf("attendees: %+v, %v", list, err)
	}
}

// TestWorkEvidencesSkillsAndProposesHours: Alice's wipes, repairs and QA checks count as her
// evidence and propose hours once.
func TestWorkEvidencesSkillsAndProposesHours(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	inv := inventory.NewStore(e.DB.App)
	_, ds := inventorytest.Donation(t, inv, e.Actors.Staff,
		inventorytest.Laptop("W-1", inventorytest.SSD("W-1-D1"), inventorytest.HDD("W-1-D2")), inventorytest.Laptop("W-2", inventorytest.SSD("W-2-D1")))
	for _, d := range ds {
		inventorytest.Wipe(t, inv, e.AliceCtx, d.ID)
	}
	if _, _, err := inv.RecordRepair(e.AliceCtx, inventory.NewRepair{DeviceID: ds[0].ID, Description: "Replaced the cracked screen",
		Minutes: 50, Outcome: inventory.OutcomeFixed, WorkerIDs: []int64{e.AliceUser.ID, e.BrunoUser.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := inv.RecordRepair(e.Actors.Staff, inventory.NewRepair{DeviceID: ds[1].ID, Description: "Installed Linux Mint",
		Outcome: inventory.OutcomeFixed, WorkerIDs: []int64{e.AliceUser.ID}}); err != nil {
		t.Fatal(err)
	}
	inventorytest.QA(t, inv, e.AliceCtx, inventorytest.Reload(t, inv, e.Actors.Staff, ds[0].ID), true)

	w, err := e.Store.Work(e.AliceCtx, e.Alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w.Wipes != 3 || w.Repairs != 2 || w.QAChecks != 1 {
		t.Errorf("Alice's work: %d wipes, %d repairs, %d QA checks; want 3, 2, 1", w.Wipes, w.Repairs, w.QAChecks)
	}
	counts := map[string]int{}
	for _, sc := range w.BySkill {
		counts[sc.Skill.Key] = sc.Count
		for _, item := range sc.Work {
			if item.EventID == nil || item.DeviceTag == "" {
				t.Errorf("%s: work without its device event: %+v", sc.Skill.Key, item)
			}
		}
	}
	want := map[string]int{"data_wiping": 3, "screen_replacement": 1, "os_installation": 1, "hardware_diagnosis": 1}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("evidence of %s: %d, want %d (all: %v)", k, counts[k], n, counts)
		}
	}
	if _, err := e.Store.Work(e.BrunoCtx, e.Alice.ID); !errors.Is(err, workshops.ErrNotFound) {
		t.Errorf("Bruno reads Alice's work: %v", err)
	}

	proposed, err := e.Store.ProposeFromWork(e.AliceCtx, e.Alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	minutes := map[workshops.Activity]int{}
	for _, h := range proposed {
		minutes[h.Activity] += h.Minutes
		if h.Source != workshops.SourceWork || h.Status != workshops.StatusPending {
			t.Errorf("proposed entry: %+v", h)
		}
	}
	if minutes[workshops.ActivityWipe] != 45 || minutes[workshops.ActivityRepair] != 80 || minutes[workshops.ActivityQA] != 15 {
		t.Errorf("proposed minutes: %v; want 45 for 3 wipes, 80 for 2 repairs (50 + 30), 15 for a QA check", minutes)
	}
	devs, err := e.Store.EntryDevices(e.AliceCtx, []int64{proposed[0].ID})
	if err != nil || len(devs[proposed[0].ID]) == 0 {
		t.Errorf("devices of a proposed entry: %v, %v", devs, err)
	}
	again, err := e.Store.ProposeFromWork(e.AliceCtx, e.Alice.ID)
	if err != nil || len(again) != 0 {
		t.Errorf("proposing again: %d entries, %v; want none", len(again), err)
	}
	// Bruno worked on the screen too.
	bruno, err := e.Store.ProposeFromWork(e.Actors.Staff, e.Bruno.ID)
	if err != nil || len(bruno) != 1 || bruno[0].Minutes != 50 {
		t.Errorf("Bruno's proposals: %+v, %v", bruno, err)
	}
}

// TestSkillsAndProgress: assessments at levels with evidence, progress by week against the
// programme's cap, and the timeline.
func TestSkillsAndProgress(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	st, staff := e.Store, e.Actors.Staff
	skills, err := st.Skills(e.AliceCtx, false)
	if err != nil || len(skills) != 9 {
		t.Fatalf("catalogue: %d skills, %v; want the 9 of domain.md", len(skills), err)
	}
	var screen workshops.Skill
	for _, s := range skills {
		if s.Key == "screen_replacement" {
			screen = s
		}
	}
	if screen.Name("ar") != "استبدال الشاشة" || screen.Name("xx") != "Screen replacement" {
		t.Errorf("names: %q, %q", screen.Name("ar"), screen.Name("xx"))
	}
	ses, err := st.CreateSession(staff, workshops.NewSession{Date: workshopstest.Today(), StartMinute: 600, EndMinute: 660, Topic: "Screens",
		SupervisorID: e.Actors.StaffUser.ID, Capacity: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AssessSkill(staff, workshops.NewAssessment{TraineeID: e.Alice.ID, SkillID: screen.ID, Level: workshops.LevelObserved,
		AssessedOn: workshopstest.Today().AddDate(0, 0, -10)}); err != nil {
		t.Fatal(err)
	}
	a2, err := st.AssessSkill(staff, workshops.NewAssessment{TraineeID: e.Alice.ID, SkillID: screen.ID, Level: workshops.LevelAssisted,
		Evidence: []workshops.Evidence{{Kind: workshops.EvidenceSession, RefID: ses.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AssessSkill(staff, workshops.NewAssessment{TraineeID: e.Alice.ID, SkillID: screen.ID, Level: workshops.LevelIndependent,
		Evidence: []workshops.Evidence{{Kind: workshops.EvidenceDeviceEvent, RefID: 999999}}}); err == nil {
		t.Error("evidence that does not exist accepted")
	}
	if _, err := st.AssessSkill(e.AliceCtx, workshops.NewAssessment{TraineeID: e.Alice.ID, SkillID: screen.ID, Level: workshops.LevelIndependent}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a trainee assesses herself: %v", err)
	}
	if _, err := st.CreateSkill(staff, workshops.NewSkill{Key: "soldering", Names: map[string]string{"fr": "Soudure", "de": "Löten", "en": "Soldering"}, Active: true}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("staff edit the catalogue: %v", err)
	}
	if _, err := st.CreateSkill(e.Actors.Admin, workshops.NewSkill{Key: "soldering", Names: map[string]string{"fr": "Soudure", "de": "Löten", "en": "Soldering"}, Active: true}); err != nil {
		t.Errorf("an administrator adds a skill: %v", err)
	}

	monday := workshops.WeekStart(workshopstest.Today()).AddDate(0, 0, -14)
	var ids []int64
	for i := range 5 {
		h := workshopstest.Hours(t, st, e.AliceCtx, workshops.NewHours{TraineeID: e.Alice.ID, Date: monday.AddDate(0, 0, i), Minutes: 9 * 60})
		ids = append(ids, h.ID)
	}
	if _, err := st.ReviewHours(staff, ids[:4], true, ""); err != nil {
		t.Fatal(err)
	}
	p, err := st.Progress(e.AliceCtx, e.Alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.ApprovedMinutes != 4*9*60 || p.PendingMinutes != 9*60 || *p.TargetMinutes != 200*60 || p.Percent() != 18 {
		t.Errorf("progress: %d approved, %d pending of %v (%d%%)", p.ApprovedMinutes, p.PendingMinutes, p.TargetMinutes, p.Percent())
	}
	if len(p.Weeks) != 1 || !p.Weeks[0].Start.Equal(monday) || !p.Weeks[0].OverCap || *p.Weeks[0].CapMinutes != 2400 {
		t.Errorf("weeks: %+v; want one week of 45 hours flagged over its 40-hour cap", p.Weeks)
	}
	if len(p.Skills) != 1 || p.Skills[0].ID != a2.ID || p.Skills[0].Level != workshops.LevelAssisted || len(p.Skills[0].Evidence) != 1 {
		t.Errorf("current skills: %+v; want screen replacement, assisted, with its session", p.Skills)
	}
	if len(p.Timeline) == 0 || p.Timeline[0].Kind != workshops.TimelineApproved && p.Timeline[0].Kind != workshops.TimelineSkill {
		t.Errorf("timeline: %+v", p.Timeline)
	}
	queue, err := st.ReviewQueue(staff)
	if err != nil || len(queue) != 1 || !queue[0].OverCap || queue[0].PendingMinutes != 540 || queue[0].ApprovedMinutes != 4*540 {
		t.Errorf("review queue: %+v, %v; want Alice's week, over its cap", queue, err)
	}

	cd, err := st.CertificateData(staff, e.Alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cd.TraineeName != "Alice Example" || cd.Programme != "Employability track" || cd.TotalMinutes != 4*540 || len(cd.Weeks) != 1 ||
		cd.TutorName != "Test staff" || len(cd.Skills) != 1 || cd.Skills[0].Assessor != "Test staff" || cd.Skills[0].Level != workshops.LevelAssisted {
		t.Errorf("certificate data: %+v", cd)
	}
	if _, err := st.CertificateData(e.AliceCtx, e.Alice.ID); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a trainee reads certificate data: %v", err)
	}
}

// TestHoursReport: approved hours per programme, month and trainee, as CSV and XLSX.
func TestHoursReport(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	st, staff := e.Store, e.Actors.Staff
	first := workshops.MonthStart(workshopstest.Today()).AddDate(0, -1, 0)
	var ids []int64
	for _, c := range []struct {
		trainee int64
		day     int
		minutes int
	}{{e.Alice.ID, 2, 120}, {e.Alice.ID, 3, 60}, {e.Bruno.ID, 2, 240}, {e.Alice.ID, -3, 30}} {
		h := workshopstest.Hours(t, st, staff, workshops.NewHours{TraineeID: c.trainee, Date: first.AddDate(0, 0, c.day), Minutes: c.minutes})
		ids = append(ids, h.ID)
	}
	workshopstest.Hours(t, st, staff, workshops.NewHours{TraineeID: e.Bruno.ID, Date: first.AddDate(0, 0, 5), Minutes: 45}) // pending: not counted
	if _, err := st.ReviewHours(e.Actors.Admin, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	rows, err := st.HoursReport(staff, first, first, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Trainee != "Alice Example" || rows[0].ApprovedMinutes != 180 || rows[0].Programme != "Employability track" ||
		rows[1].ApprovedMinutes != 240 || !rows[0].Month.Equal(first) {
		t.Errorf("report of one month: %+v", rows)
	}
	if _, err := st.HoursReport(e.AliceCtx, first, first, nil); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a trainee reads the report: %v", err)
	}
	var buf bytes.Buffer
	if err := workshops.WriteReportCSV(&buf, rows, workshops.EnglishLabels); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 4 || recs[1][4] != "3.00" || recs[3][0] != "Total" || recs[3][4] != "7.00" {
		t.Errorf("CSV: %q, %v", recs, err)
	}
	buf.Reset()
	if err := workshops.WriteReportXLSX(&buf, rows, workshops.EnglishLabels); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	xrows, err := f.GetRows("Hours")
	if err != nil || len(xrows) != 4 || xrows[0][0] != "Programme" || xrows[2][3] != "Bruno Exemplo" || xrows[3][5] != "420" {
		t.Errorf("XLSX: %q, %v", xrows, err)
	}
}

// TestBenchAndPIN: the names show on an open bench only, a PIN signs a trainee in, and wrong
// PINs lock.
func TestBenchAndPIN(t *testing.T) {
	t.Parallel()
	e := workshopstest.New(t)
	st := e.Store
	if err := e.Auth.SetTraineePIN(e.Actors.Staff, e.Alice.ID, "2580"); err != nil {
		t.Fatal(err)
	}
	if err := e.Auth.SetTraineePIN(e.AliceCtx, e.Bruno.ID, "2580"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("Alice sets Bruno's PIN: %v", err)
	}
	if err := e.Auth.SetTraineePIN(e.BrunoCtx, e.Bruno.ID, "1234"); err == nil {
		t.Error("an easy PIN accepted")
	}
	if _, err := st.BenchTrainees(e.Actors.Anonymous, ""); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("names without a bench: %v", err)
	}
	if _, err := st.BenchTrainees(e.AliceCtx, ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("names to a trainee: %v", err)
	}
	if _, err := st.BenchTrainees(e.Actors.Anonymous, "NOTABENCHTOKEN"); !errors.Is(err, workshops.ErrNotFound) {
		t.Errorf("names on an unknown bench: %v", err)
	}
	token, bench, err := st.OpenBench(e.Actors.Staff, "Bench 1")
	if err != nil {
		t.Fatal(err)
	}
	names, err := st.BenchTrainees(e.Actors.Anonymous, token)
	if err != nil || len(names) != 1 || names[0].Name != "Alice Example" || names[0].Language != "fr" {
		t.Errorf("names on the bench: %+v, %v; want Alice, the only one with a PIN", names, err)
	}
	u, err := e.Auth.LoginPIN(e.Actors.Anonymous, e.Alice.ID, "2580")
	if err != nil || u.ID != e.AliceUser.ID || u.Actor().TraineeID != e.Alice.ID {
		t.Errorf("Alice's PIN: %+v, %v", u, err)
	}
	for range 5 {
		if _, err := e.Auth.LoginPIN(e.Actors.Anonymous, e.Alice.ID, "0000"); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("a wrong PIN: %v", err)
		}
	}
	if _, err := e.Auth.LoginPIN(e.Actors.Anonymous, e.Alice.ID, "2580"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("the right PIN after 5 wrong ones: %v, want locked", err)
	}
	if _, err := e.Auth.LoginPIN(e.Actors.Anonymous, e.Bruno.ID, "2580"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("Bruno, without a PIN: %v", err)
	}
	if err := st.CloseBench(e.Actors.Staff, bench.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.BenchTrainees(e.Actors.Anonymous, token); !errors.Is(err, workshops.ErrNotFound) {
		t.Errorf("names on a closed bench: %v", err)
	}
	if _, err := st.BenchByToken(e.Actors.Anonymous, token); !errors.Is(err, workshops.ErrNotFound) {
		t.Errorf("a closed bench: %v", err)
	}
}
