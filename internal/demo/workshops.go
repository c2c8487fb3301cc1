package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/digital-inclusion/refurb/auth"
)

// The workshop as a school: three programmes, two dozen trainees (the demo's TRAINEE users
// among them, linked to their records), two sessions a week for a year with attendance, the
// trainees' afternoons at the bench, reviewed by staff (the last two weeks still pending), and
// skills assessed as the weeks go. Added once: a database that holds trainees gets none.

// demoProgrammes are the programmes: name, funder, target hours, weekly cap hours, months
// before and after now.
var demoProgrammes = []struct {
	name, funder  string
	target, cap   int
	before, after int
}{
	{"OTI ADEM — reconditionnement informatique", "ADEM", 480, 40, 7, 1},
	{"Parcours d'insertion numérique", "FSE+", 600, 32, 12, 2},
	{"Atelier numérique pour personnes réfugiées", "Œuvre Nationale de Secours Grande-Duchesse Charlotte", 120, 16, 10, 3},
}

// demoTrainees are the trainees without an account, with their languages.
var demoTrainees = []struct{ name, langs string }{
	{"Lúcia Marques", "{pt,fr}"}, {"Abdullah Noori", "{fa,en}"}, {"Hanna Melnyk", "{uk,de}"}, {"Tesfay Gebremedhin", "{ti,en}"},
	{"Rania Khalil", "{ar,fr}"}, {"João Pereira", "{pt}"}, {"Aisha Bello", "{en,fr}"}, {"Dmytro Bondarenko", "{uk,en}"},
	{"Nour El Amine", "{ar}"}, {"Carla Sousa", "{pt,fr}"}, {"Bilal Haidari", "{fa,de}"}, {"Sophie Wagner", "{lb,de,fr}"},
	{"Omar Jaber", "{ar,en}"}, {"Iryna Savchenko", "{uk}"}, {"Mohamed Diallo", "{fr}"}, {"Beatriz Lopes", "{pt,en}"},
}

// demoTraineeLangs are the languages of the demo's TRAINEE users, in demoUsers' order.
var demoTraineeLangs = []string{"{fa,en}", "{ti,en}", "{fa,fr}", "{uk,en}", "{ar,fr}", "{pt,fr}", "{fr,lb}", "{fr,en}"}

var demoActivities = []string{"repair", "wipe", "qa", "diagnosis", "intake", "repair", "wipe"}

var demoReasons = []string{
	"Tu étais au cours de langue ce jour-là.",
	"L'atelier était fermé l'après-midi.",
	"Heures déjà comptées dans la séance du matin.",
}

// addWorkshops adds the school's data, as the administrator (row-level security).
func (g *generator) addWorkshops(ctx context.Context, tx pgx.Tx, res *Result) error {
	if _, err := tx.Exec(ctx, "SELECT set_config('refurb.role', 'admin', true)"); err != nil {
		return fmt.Errorf("demo: set the actor: %w", err)
	}
	var existing int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM trainees").Scan(&existing); err != nil {
		return fmt.Errorf("demo: count trainees: %w", err)
	}
	if existing > 0 || len(g.staff) == 0 {
		return nil
	}
	// Hours are never in the future, whatever Now says.
	now := g.now
	if real := time.Now(); now.After(real) {
		now = real
	}
	s := &school{g: g, tx: tx, today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
	if err := s.addProgrammes(ctx); err != nil {
		return err
	}
	if err := s.addTrainees(ctx); err != nil {
		return err
	}
	res.Trainees = int64(len(s.trainees))
	if err := s.addSessions(ctx); err != nil {
		return err
	}
	res.Sessions = int64(len(s.sessions))
	entries, err := s.addHourEntries(ctx)
	if err != nil {
		return err
	}
	res.HourEntries = int64(len(entries))
	if err := s.attendAndReview(ctx, entries); err != nil {
		return err
	}
	return s.assessSkills(ctx)
}

// school is the workshops' data as it is added, each step reading what the steps before it
// added.
type school struct {
	g          *generator
	tx         pgx.Tx
	today      time.Time
	programmes []schoolProgramme
	trainees   []schoolTrainee
	sessions   []schoolSession
}

type schoolProgramme struct {
	id         int64
	start, end time.Time
	cap        int
}

type schoolTrainee struct {
	id, user   int64
	programme  schoolProgramme
	start, end time.Time
	tutor      int64
}

type schoolSession struct {
	id    int64
	date  time.Time
	seats int
}

// schoolEntry is an hour entry as added.
type schoolEntry struct {
	id, trainee int64
	session     *int64
	date        time.Time
	logged      *int64
}

// addProgrammes adds demoProgrammes, each running from some months before today to some
// after.
func (s *school) addProgrammes(ctx context.Context) error {
	g, today := s.g, s.today
	for i, p := range demoProgrammes {
		start, end := today.AddDate(0, -p.before, 0), today.AddDate(0, p.after, 0)
		var id int64
		if err := s.tx.QueryRow(ctx, `INSERT INTO programmes (name, funder, target_minutes, weekly_cap_minutes, starts_on, ends_on, tutor_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`,
			p.name, p.funder, p.target*60, p.cap*60, start, end, g.staff[i%len(g.staff)]).Scan(&id); err != nil {
			return fmt.Errorf("demo: programme %s: %w", p.name, err)
		}
		s.programmes = append(s.programmes, schoolProgramme{id, start, end, p.cap * 60})
	}
	return nil
}

// addTrainees adds the demo's TRAINEE users' records, then demoTrainees, each enrolled in a
// programme in turn. A quarter of demoTrainees refused to have their records kept: those whose
// enrolment ended more than 90 days ago are anonymised at the server's start
// (docs/workshops.md, "Retention"); the TRAINEE users consented, so that their sign-ins work.
func (s *school) addTrainees(ctx context.Context) error {
	g, tx, today := s.g, s.tx, s.today
	r := g.rng(0x5c1001, 0)
	add := func(name, langs string, user int64) error {
		var id int64
		badge := make([]byte, 10)
		for i := range badge {
			badge[i] = badgeAlphabet[r.IntN(len(badgeAlphabet))]
		}
		if err := tx.QueryRow(ctx, `INSERT INTO trainees (name, languages, consent_keep, consent_recorded_on, badge_token, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, name, langs, r.IntN(4) != 0 || user != 0, today.AddDate(0, -r.IntN(12), 0), string(badge),
			today.AddDate(-1, 0, 0)).Scan(&id); err != nil {
			return fmt.Errorf("demo: trainee: %w", err)
		}
		if user != 0 {
			if _, err := tx.Exec(ctx, "UPDATE users SET trainee_id = $1 WHERE id = $2", id, user); err != nil {
				return fmt.Errorf("demo: link trainee %d: %w", id, err)
			}
		}
		p := s.programmes[len(s.trainees)%len(s.programmes)]
		start := p.start.AddDate(0, 0, r.IntN(60))
		end := start.AddDate(0, 3+r.IntN(4), 0)
		if end.After(p.end) {
			end = p.end
		}
		t := schoolTrainee{id: id, user: user, programme: p, start: start, end: end, tutor: g.staff[r.IntN(len(g.staff))]}
		if _, err := tx.Exec(ctx, `INSERT INTO enrolments (trainee_id, programme_id, starts_on, ends_on, tutor_id) VALUES ($1, $2, $3, $4, $5)`,
			id, p.id, t.start, t.end, t.tutor); err != nil {
			return fmt.Errorf("demo: enrol trainee %d: %w", id, err)
		}
		s.trainees = append(s.trainees, t)
		return nil
	}
	ti := 0
	for _, u := range demoUsers {
		if u.role != auth.RoleTrainee {
			continue
		}
		if ti < len(g.trainees) {
			if err := add(u.name, demoTraineeLangs[ti%len(demoTraineeLangs)], g.trainees[ti]); err != nil {
				return err
			}
		}
		ti++
	}
	for _, t := range demoTrainees {
		if err := add(t.name, t.langs, 0); err != nil {
			return err
		}
	}
	return nil
}

// addSessions adds the sessions: Tuesdays and Thursdays, 9:00 to 12:00, a year back and two
// weeks ahead, their topics the skills in turn.
func (s *school) addSessions(ctx context.Context) error {
	g, tx, today := s.g, s.tx, s.today
	var skills []string
	rows, err := tx.Query(ctx, "SELECT names->>'fr' FROM skills WHERE active ORDER BY position, id")
	if err != nil {
		return fmt.Errorf("demo: read skills: %w", err)
	}
	if skills, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return fmt.Errorf("demo: read skills: %w", err)
	}
	first := today.AddDate(0, 0, -364)
	for d := first; !d.After(today.AddDate(0, 0, 14)); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Tuesday && wd != time.Thursday {
			continue
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO workshop_sessions (on_date, start_minute, end_minute, topic, location, supervisor_id, capacity)
			VALUES ($1, 540, 720, $2, 'Atelier, Bonnevoie', $3, 12) RETURNING id`,
			d, skills[len(s.sessions)%len(skills)], g.staff[len(s.sessions)%len(g.staff)]).Scan(&id); err != nil {
			return fmt.Errorf("demo: session: %w", err)
		}
		s.sessions = append(s.sessions, schoolSession{id: id, date: d})
	}
	return nil
}

// addHourEntries adds the entries: a session's morning, or an afternoon at the bench, on the
// days of each enrolment before today.
func (s *school) addHourEntries(ctx context.Context) ([]schoolEntry, error) {
	g, today, sessions := s.g, s.today, s.sessions
	var (
		eTrainee, eLogged, eSession []*int64
		eDate                       []time.Time
		eStart, eMinutes            []int32
		eActivity, eSource          []string
	)
	byDate := map[time.Time]int{}
	for i := range sessions {
		byDate[sessions[i].date] = i
	}
	for _, t := range s.trainees {
		tr := g.rng(0x5c1002, uint64(t.id))
		for d := t.start; !d.After(t.end) && d.Before(today); d = d.AddDate(0, 0, 1) {
			tid := t.id
			switch d.Weekday() {
			case time.Tuesday, time.Thursday:
				i, ok := byDate[d]
				if !ok || tr.IntN(4) == 0 || sessions[i].seats >= 12 {
					continue
				}
				sessions[i].seats++
				sid := sessions[i].id
				eTrainee, eLogged, eSession = append(eTrainee, &tid), append(eLogged, nil), append(eSession, &sid)
				eDate, eStart, eMinutes = append(eDate, d), append(eStart, 540), append(eMinutes, 180)
				eActivity, eSource = append(eActivity, "training"), append(eSource, "attendance")
			case time.Monday, time.Wednesday, time.Friday:
				if tr.IntN(10) < 3 {
					continue
				}
				logger := g.staff[tr.IntN(len(g.staff))]
				if t.user != 0 && tr.IntN(3) != 0 {
					logger = t.user
				}
				eTrainee, eLogged, eSession = append(eTrainee, &tid), append(eLogged, &logger), append(eSession, nil)
				eDate, eStart, eMinutes = append(eDate, d), append(eStart, 780), append(eMinutes, int32(120+30*tr.IntN(5)))
				eActivity, eSource = append(eActivity, demoActivities[tr.IntN(len(demoActivities))]), append(eSource, "manual")
			}
		}
	}
	rows, err := s.tx.Query(ctx, `INSERT INTO hour_entries (trainee_id, logged_by, session_id, on_date, start_minute, minutes, activity, source, logged_at)
		SELECT t, l, s, d, st, m, a, src, d + make_interval(hours => 18)
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::date[], $5::int[], $6::int[], $7::text[], $8::text[]) AS x(t, l, s, d, st, m, a, src)
		RETURNING id, trainee_id, session_id, on_date, logged_by`,
		eTrainee, eLogged, eSession, eDate, eStart, eMinutes, eActivity, eSource)
	if err != nil {
		return nil, fmt.Errorf("demo: hour entries: %w", err)
	}
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (schoolEntry, error) {
		var e schoolEntry
		return e, row.Scan(&e.id, &e.trainee, &e.session, &e.date, &e.logged)
	})
	if err != nil {
		return nil, fmt.Errorf("demo: hour entries: %w", err)
	}
	return entries, nil
}

// attendAndReview adds the attendance of the session entries, and the reviews: approved or,
// now and then, rejected with a reason, by a staff member who did not log the entry; the last
// two weeks wait for review.
func (s *school) attendAndReview(ctx context.Context, entries []schoolEntry) error {
	g, tx, today := s.g, s.tx, s.today
	var aSession, aTrainee, aEntry, rID, rBy []int64
	var rStatus []string
	var rReason []*string
	for _, e := range entries {
		if e.session != nil {
			aSession, aTrainee, aEntry = append(aSession, *e.session), append(aTrainee, e.trainee), append(aEntry, e.id)
		}
		if !e.date.Before(today.AddDate(0, 0, -14)) {
			continue
		}
		er := g.rng(0x5c1003, uint64(e.id))
		// A reviewer other than who logged it (none when the only staff member did).
		var by int64
		for k, n := er.IntN(len(g.staff)), 0; n < len(g.staff); k, n = (k+1)%len(g.staff), n+1 {
			if e.logged == nil || *e.logged != g.staff[k] {
				by = g.staff[k]
				break
			}
		}
		status, reason := "approved", (*string)(nil)
		if er.IntN(12) == 0 {
			status, reason = "rejected", &demoReasons[er.IntN(len(demoReasons))]
		}
		rID, rBy, rStatus, rReason = append(rID, e.id), append(rBy, by), append(rStatus, status), append(rReason, reason)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO attendance (session_id, trainee_id, via, marked_by, marked_at, hour_entry_id)
		SELECT s, t, CASE WHEN e % 3 = 0 THEN 'badge' ELSE 'tick' END, NULL, now(), e
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS x(s, t, e)`, aSession, aTrainee, aEntry); err != nil {
		return fmt.Errorf("demo: attendance: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE hour_entries h SET status = x.st, reason = x.r, reviewed_by = nullif(x.b, 0),
		reviewed_at = h.on_date + interval '9 days'
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS x(id, b, st, r) WHERE h.id = x.id`,
		rID, rBy, rStatus, rReason); err != nil {
		return fmt.Errorf("demo: reviews: %w", err)
	}
	return nil
}

// assessSkills adds a few skills per trainee, observed, then with help, then alone, as the
// weeks go.
func (s *school) assessSkills(ctx context.Context) error {
	tx, today := s.tx, s.today
	var skillIDs []int64
	rows, err := tx.Query(ctx, "SELECT id FROM skills WHERE active ORDER BY position, id")
	if err != nil {
		return fmt.Errorf("demo: read skills: %w", err)
	}
	if skillIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return fmt.Errorf("demo: read skills: %w", err)
	}
	for _, t := range s.trainees {
		sr := s.g.rng(0x5c1004, uint64(t.id))
		for k := 0; k < 2+sr.IntN(3); k++ {
			skill := skillIDs[sr.IntN(len(skillIDs))]
			for step, level := range []string{"observed", "assisted", "independent"} {
				on := t.start.AddDate(0, 0, 14+step*35+sr.IntN(14))
				if !on.Before(today) || on.After(t.end) {
					break
				}
				if _, err := tx.Exec(ctx, `INSERT INTO skill_assessments (trainee_id, skill_id, level, assessed_by, assessed_on, created_at)
					VALUES ($1, $2, $3, $4, $5, $5::date + interval '16 hours')`, t.id, skill, level, t.tutor, on); err != nil {
					return fmt.Errorf("demo: assessment: %w", err)
				}
			}
		}
	}
	return nil
}

// badgeAlphabet is a badge token's: base32, upper case.
const badgeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
