package workshops

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/internal/calendar"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// Level is how far a trainee has come with a skill.
type Level string

// The levels, in order.
const (
	LevelObserved    Level = "observed"    // watched it done
	LevelAssisted    Level = "assisted"    // did it with help
	LevelIndependent Level = "independent" // does it alone
)

// Levels lists the levels from the first to the last.
var Levels = []Level{LevelObserved, LevelAssisted, LevelIndependent}

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return slices.Contains(Levels, l) }

// Rank is the level's place in Levels, from 1; 0 for none.
func (l Level) Rank() int { return slices.Index(Levels, l) + 1 }

// Skill is an entry of the skills catalogue.
type Skill struct {
	bun.BaseModel `bun:"table:skills,alias:sk"`

	ID  int64  `bun:"id,pk,autoincrement"`
	Key string `bun:"key"`
	// Names by language: fr, de and en always, pt and ar for the trainees' pages when given.
	Names map[string]string `bun:"names,type:jsonb"`
	// WorkKind and Keywords say which of a trainee's work evidences the skill: every wipe, or
	// repairs whose description or parts name a keyword, or every QA check.
	WorkKind  *string   `bun:"work_kind"`
	Keywords  []string  `bun:"keywords,array"`
	Position  int       `bun:"position"`
	Active    bool      `bun:"active"`
	CreatedAt time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt time.Time `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// Name returns the skill's name in lang, else in English, else French.
func (s Skill) Name(lang string) string {
	for _, l := range []string{lang, "en", "fr"} {
		if n := s.Names[l]; n != "" {
			return n
		}
	}
	return s.Key
}

// Skills returns the catalogue in its order, inactive skills too when all is set. Staff,
// administrators and trainees.
func (s *Store) Skills(ctx context.Context, all bool) ([]Skill, error) {
	if _, err := auth.Require(ctx, readers); err != nil {
		return nil, err
	}
	var out []Skill
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewSelect().Model(&out)
		if !all {
			q = q.Where("sk.active")
		}
		return dbError("select skills", q.OrderExpr("sk.position, sk.id").Scan(ctx))
	})
	return out, err
}

// NewSkill is an entry of the skills catalogue to add or change.
type NewSkill struct {
	Key      string
	Names    map[string]string
	WorkKind string // wipe, repair, qa or "" for none
	Keywords []string
	Position int
	Active   bool
}

var skillKey = regexp.MustCompile(`^[a-z][a-z0-9_]{1,49}$`)

func (n NewSkill) validate() (*Skill, error) {
	sk := &Skill{Key: strings.TrimSpace(n.Key), Names: map[string]string{}, Keywords: []string{}, Position: n.Position, Active: n.Active}
	if !skillKey.MatchString(sk.Key) {
		return nil, validation.Field("key", "2 to 50 lower-case letters, digits and underscores, starting with a letter")
	}
	for lang, name := range n.Names {
		v, err := text("names."+lang, name, 200)
		if err != nil {
			return nil, err
		}
		if !languageCode.MatchString(lang) {
			return nil, validation.Field("names", "%q is not a language code", lang)
		}
		if v != nil {
			sk.Names[lang] = *v
		}
	}
	for _, l := range []string{"fr", "de", "en"} {
		if sk.Names[l] == "" {
			return nil, validation.Field("names."+l, "a name in French, German and English is required")
		}
	}
	if n.WorkKind != "" {
		if !slices.Contains([]string{"wipe", "repair", "qa"}, n.WorkKind) {
			return nil, validation.Field("workKind", "wipe, repair, qa or none")
		}
		sk.WorkKind = &n.WorkKind
	}
	for _, k := range n.Keywords {
		if k = strings.ToLower(strings.TrimSpace(k)); k != "" && !slices.Contains(sk.Keywords, k) {
			if len(k) > 50 {
				return nil, validation.Field("keywords", "a keyword has at most 50 characters")
			}
			sk.Keywords = append(sk.Keywords, k)
		}
	}
	if len(sk.Keywords) > 30 {
		return nil, validation.Field("keywords", "at most 30 keywords")
	}
	return sk, nil
}

// CreateSkill adds a skill to the catalogue. Administrators.
func (s *Store) CreateSkill(ctx context.Context, n NewSkill) (*Skill, error) {
	if _, err := auth.Require(ctx, auth.Admins); err != nil {
		return nil, err
	}
	sk, err := n.validate()
	if err != nil {
		return nil, err
	}
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(sk).Returning("*").Exec(ctx); err != nil {
			if err = dbError("insert skill", err); isConflict(err) {
				return validation.Field("key", "a skill with this key exists")
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sk, nil
}

// UpdateSkill changes a skill of the catalogue; a skill in use is retired (Active false),
// never deleted, so that its assessments keep their name. Administrators.
func (s *Store) UpdateSkill(ctx context.Context, id int64, n NewSkill) (*Skill, error) {
	if _, err := auth.Require(ctx, auth.Admins); err != nil {
		return nil, err
	}
	sk, err := n.validate()
	if err != nil {
		return nil, err
	}
	sk.ID = id
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model(sk).Column("key", "names", "work_kind", "keywords", "position", "active").
			Set("updated_at = now()").WherePK().Returning("*").Exec(ctx)
		if err != nil {
			if err = dbError("update skill", err); isConflict(err) {
				return validation.Field("key", "a skill with this key exists")
			}
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sk, nil
}

// EvidenceKind is what an assessment rests on.
type EvidenceKind string

// The kinds of evidence.
const (
	EvidenceDeviceEvent EvidenceKind = "device_event" // a wipe, repair or QA check in a device's history
	EvidenceSession     EvidenceKind = "session"
)

// Evidence is one thing an assessment rests on.
type Evidence struct {
	Kind  EvidenceKind `bun:"kind"`
	RefID int64        `bun:"ref_id"`
}

// Assessment is a skill at a level, as a staff member saw it on a day.
type Assessment struct {
	bun.BaseModel `bun:"table:skill_assessments,alias:sa"`

	ID         int64      `bun:"id,pk,autoincrement"`
	TraineeID  int64      `bun:"trainee_id"`
	SkillID    int64      `bun:"skill_id"`
	Level      Level      `bun:"level"`
	AssessedBy int64      `bun:"assessed_by"`
	AssessedOn time.Time  `bun:"assessed_on,type:date"`
	Note       *string    `bun:"note"`
	CreatedAt  time.Time  `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	Evidence   []Evidence `bun:"-"`
}

// NewAssessment records a skill at a level.
type NewAssessment struct {
	TraineeID, SkillID int64
	Level              Level
	// AssessedOn is the day it was seen; zero: today.
	AssessedOn time.Time
	Note       string
	Evidence   []Evidence
}

// maxEvidence bounds what one assessment names.
const maxEvidence = 50

// AssessSkill records that a trainee showed a skill at a level, with the actor as assessor and
// the device events and sessions it rests on. A later assessment of the same skill supersedes
// it; none is ever changed. Staff and administrators.
func (s *Store) AssessSkill(ctx context.Context, n NewAssessment) (*Assessment, error) {
	a, err := auth.Require(ctx, auth.Office)
	if err != nil {
		return nil, err
	}
	if a.UserID == 0 {
		return nil, validation.Field("assessedBy", "an assessment needs a signed-in staff member")
	}
	if !n.Level.Valid() {
		return nil, validation.Field("level", "unknown level %q: observed, assisted or independent", n.Level)
	}
	as := &Assessment{TraineeID: n.TraineeID, SkillID: n.SkillID, Level: n.Level, AssessedBy: a.UserID, AssessedOn: calendar.Date(n.AssessedOn)}
	if n.AssessedOn.IsZero() {
		as.AssessedOn = s.today()
	}
	if as.AssessedOn.After(s.today()) {
		return nil, validation.Field("assessedOn", "cannot be in the future")
	}
	if as.Note, err = text("note", n.Note, 500); err != nil {
		return nil, err
	}
	if len(n.Evidence) > maxEvidence {
		return nil, validation.Field("evidence", "name at most %d pieces of evidence", maxEvidence)
	}
	for _, e := range n.Evidence {
		if !slices.Contains(as.Evidence, e) {
			as.Evidence = append(as.Evidence, e)
		}
	}
	err = s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := traineeExists(ctx, tx, n.TraineeID); err != nil {
			return err
		}
		var active bool
		if err := tx.NewSelect().Table("skills").Column("active").Where("id = ?", n.SkillID).Scan(ctx, &active); err != nil || !active {
			if err = dbError("select skill", err); err == nil || errors.Is(err, ErrNotFound) {
				return validation.Field("skillID", "no such skill in the catalogue")
			}
			return err
		}
		if err := checkEvidence(ctx, tx, as.Evidence); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(as).Returning("*").Exec(ctx); err != nil {
			return dbError("insert assessment", err)
		}
		if len(as.Evidence) == 0 {
			return nil
		}
		rows := make([]evidenceRow, len(as.Evidence))
		for i, e := range as.Evidence {
			rows[i] = evidenceRow{AssessmentID: as.ID, Evidence: e}
		}
		_, err := tx.NewInsert().Model(&rows).Exec(ctx)
		return dbError("insert evidence", err)
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}

// checkEvidence checks that every piece of evidence exists: sessions here, device events in the
// inventory.
func checkEvidence(ctx context.Context, tx bun.IDB, ev []Evidence) error {
	var sessions, events []int64
	for i, e := range ev {
		switch e.Kind {
		case EvidenceSession:
			sessions = append(sessions, e.RefID)
		case EvidenceDeviceEvent:
			events = append(events, e.RefID)
		default:
			return validation.Field(fmt.Sprintf("evidence[%d].kind", i), "unknown kind %q: device_event or session", e.Kind)
		}
	}
	if len(sessions) > 0 {
		var n int
		if err := tx.NewSelect().Table("workshop_sessions").ColumnExpr("count(*)").Where("id IN (?)", bun.List(sessions)).Scan(ctx, &n); err != nil {
			return dbError("select sessions", err)
		}
		if n != len(sessions) {
			return validation.Field("evidence", "no such session")
		}
	}
	if len(events) > 0 {
		found, err := inventory.NewStore(tx).EventsByID(ctx, events)
		if err != nil {
			return err
		}
		if len(found) != len(events) {
			return validation.Field("evidence", "no such device event")
		}
	}
	return nil
}

// Assessments returns a trainee's assessments, the latest first, with their evidence: to staff,
// administrators and the trainee.
func (s *Store) Assessments(ctx context.Context, traineeID int64) ([]Assessment, error) {
	if _, err := requireSee(ctx, traineeID); err != nil {
		return nil, err
	}
	var out []Assessment
	err := s.run(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = assessments(ctx, tx, traineeID)
		return err
	})
	return out, err
}

func assessments(ctx context.Context, tx bun.IDB, traineeID int64) ([]Assessment, error) {
	var out []Assessment
	if err := tx.NewSelect().Model(&out).Where("sa.trainee_id = ?", traineeID).
		OrderExpr("sa.assessed_on DESC, sa.id DESC").Scan(ctx); err != nil {
		return nil, dbError("select assessments", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	var ev []evidenceRow
	if err := tx.NewSelect().Model(&ev).Where("assessment_id IN (?)", bun.List(ids)).Order("assessment_id", "kind", "ref_id").Scan(ctx); err != nil {
		return nil, dbError("select evidence", err)
	}
	for _, e := range ev {
		for i := range out {
			if out[i].ID == e.AssessmentID {
				out[i].Evidence = append(out[i].Evidence, e.Evidence)
			}
		}
	}
	return out, nil
}

// Current returns the latest assessment of each skill among assessments (latest first, as
// Assessments returns them), in the catalogue's order of skills.
func Current(assessments []Assessment, skills []Skill) []Assessment {
	seen := map[int64]bool{}
	var latest []Assessment
	for _, a := range assessments {
		if !seen[a.SkillID] {
			seen[a.SkillID] = true
			latest = append(latest, a)
		}
	}
	pos := map[int64]int{}
	for i, sk := range skills {
		pos[sk.ID] = i
	}
	slices.SortStableFunc(latest, func(x, y Assessment) int { return pos[x.SkillID] - pos[y.SkillID] })
	return latest
}

// evidenceRow is a piece of evidence of an assessment.
type evidenceRow struct {
	bun.BaseModel `bun:"table:skill_evidence"`

	AssessmentID int64 `bun:"assessment_id,pk"`
	Evidence
}
