package graph

import (
	"strconv"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/validation"
	"github.com/digital-inclusion/refurb/workshops"
)

// addSkillAssessments adds the assessments of trainees' skills: a skill at a level, and the device
// events and sessions it rests on.
func (b *builder) addSkillAssessments() {
	st := b.deps.Workshops
	level := newEnum("SkillLevel", "How far a trainee has come with a skill.", workshops.Levels)
	evidenceKind := newEnum("SkillEvidenceKind", "What an assessment rests on.", []workshops.EvidenceKind{workshops.EvidenceDeviceEvent, workshops.EvidenceSession})

	evidence := graphql.NewObject(graphql.ObjectConfig{
		Name:        "SkillEvidence",
		Description: "A device event (a wipe, repair or QA check; the id DeviceEvent.id gives) or a session an assessment rests on.",
		Fields: graphql.Fields{
			"kind": of(nonNull(evidenceKind), func(x workshops.Evidence) any { return x.Kind }),
			"id": of(nonNull(graphql.ID), func(x workshops.Evidence) any {
				if x.Kind == workshops.EvidenceSession {
					return globalID("WorkshopSession", x.RefID)
				}
				return globalID("DeviceEvent", x.RefID)
			}),
		},
	})

	assessment := graphql.NewObject(graphql.ObjectConfig{
		Name:        "SkillAssessment",
		Description: "A skill at a level, as a staff member saw it on a day.",
		Fields: b.fields("SkillAssessment", func() graphql.Fields {
			return graphql.Fields{
				"id": of(nonNull(graphql.ID), func(x *workshops.Assessment) any { return globalID("SkillAssessment", x.ID) }),
				"skill": {Type: nonNull(b.object("Skill")), Resolve: func(p graphql.ResolveParams) (any, error) {
					m, err := b.skillsByID(p)
					if err != nil {
						return nil, err
					}
					return m[p.Source.(*workshops.Assessment).SkillID], nil
				}},
				"level":      of(nonNull(level), func(x *workshops.Assessment) any { return x.Level }),
				"assessedOn": of(nonNull(b.dateT), func(x *workshops.Assessment) any { return x.AssessedOn }),
				"assessedBy": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
					return &p.Source.(*workshops.Assessment).AssessedBy
				}),
				"note":     of(graphql.String, func(x *workshops.Assessment) any { return x.Note }),
				"evidence": of(listOf(evidence), func(x *workshops.Assessment) any { return x.Evidence }),
			}
		}),
	})
	evidenceInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "SkillEvidenceInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"id": {Type: nonNull(graphql.ID), Description: "A DeviceEvent's id (a wipe, repair or QA check) or a WorkshopSession's."},
		},
	})
	assessInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "AssessSkillInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"traineeID":  {Type: nonNull(graphql.ID)},
			"skillID":    {Type: nonNull(graphql.ID)},
			"level":      {Type: nonNull(level)},
			"assessedOn": {Type: b.dateT, Description: "Default: today."},
			"note":       {Type: graphql.String},
			"evidence":   {Type: graphql.NewList(nonNull(evidenceInput))},
		},
	})
	b.register(level, evidenceKind, evidence, assessment, evidenceInput, assessInput)

	b.extend("Trainee", graphql.Fields{
		"skills": {Type: listOf(assessment), Description: "Every assessment, the latest first.", Resolve: func(p graphql.ResolveParams) (any, error) {
			as, err := b.deps.Workshops.Assessments(p.Context, traineeID(p))
			return pointers(as), err
		}},
	})

	b.mutation["assessSkill"] = &graphql.Field{
		Type:        nonNull(assessment),
		Description: "Records that a trainee showed a skill at a level, with you as assessor and what it rests on. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(assessInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newAssessFrom(inputMap(p.Args["input"]))
			if err != nil {
				return nil, wsInArg("input", err)
			}
			a, err := st.AssessSkill(p.Context, n)
			if err != nil {
				return nil, wsInArg("input", err)
			}
			return a, nil
		},
	}
}

// newAssessFrom reads an AssessSkillInput.
func newAssessFrom(m map[string]any) (workshops.NewAssessment, error) {
	var n workshops.NewAssessment
	var err error
	if n.TraineeID, err = idOf("traineeID", "Trainee", inputString(m, "traineeID")); err != nil {
		return n, err
	}
	if n.SkillID, err = idOf("skillID", "Skill", inputString(m, "skillID")); err != nil {
		return n, err
	}
	n.Level, _ = m["level"].(workshops.Level)
	if t := inputTime(m, "assessedOn"); t != nil {
		n.AssessedOn = *t
	}
	n.Note = inputString(m, "note")
	for i, v := range inputList(m, "evidence") {
		field := "evidence[" + strconv.Itoa(i) + "].id"
		typ, id, err := parseGlobalID(field, inputString(inputMap(v), "id"))
		if err != nil {
			return n, err
		}
		switch typ {
		case "DeviceEvent":
			n.Evidence = append(n.Evidence, workshops.Evidence{Kind: workshops.EvidenceDeviceEvent, RefID: id})
		case "WorkshopSession":
			n.Evidence = append(n.Evidence, workshops.Evidence{Kind: workshops.EvidenceSession, RefID: id})
		default:
			return n, validation.Field(field, "the id of a DeviceEvent or a WorkshopSession")
		}
	}
	return n, nil
}
