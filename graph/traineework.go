package graph

import (
	"strings"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/workshops"
)

// addTraineeWork adds what a trainee did in the inventory through their account (Trainee.work):
// their wipes, repairs and QA checks, and the skills they evidence.
func (b *builder) addTraineeWork() {
	workItem := graphql.NewObject(graphql.ObjectConfig{
		Name:        "TraineeWorkItem",
		Description: "A wipe a trainee operated, a repair they worked on or a QA check they performed.",
		Fields: b.fields("TraineeWorkItem", func() graphql.Fields {
			return graphql.Fields{
				"kind":      of(nonNull(graphql.String), func(x inventory.Work) any { return strings.ToUpper(x.Kind) }),
				"device":    b.deviceField(func(p graphql.ResolveParams) int64 { return p.Source.(inventory.Work).DeviceID }),
				"deviceTag": of(nonNull(graphql.String), func(x inventory.Work) any { return x.DeviceTag }),
				"eventID": of(graphql.ID, func(x inventory.Work) any {
					if x.EventID == nil {
						return nil
					}
					return globalID("DeviceEvent", *x.EventID)
				}),
				"at":          of(nonNull(b.timeT), func(x inventory.Work) any { return x.At }),
				"minutes":     of(nonNull(graphql.Int), func(x inventory.Work) any { return x.Minutes }),
				"description": of(nonNull(graphql.String), func(x inventory.Work) any { return x.Description }),
				"passed":      of(nonNull(graphql.Boolean), func(x inventory.Work) any { return x.Passed }),
			}
		}),
	})
	skillWork := graphql.NewObject(graphql.ObjectConfig{
		Name:        "SkillWork",
		Description: "How much of a trainee's work evidences a skill: \"wiped 25 drives\".",
		Fields: graphql.Fields{
			"skill": of(nonNull(b.object("Skill")), func(x workshops.SkillCount) any { return &x.Skill }),
			"count": of(nonNull(graphql.Int), func(x workshops.SkillCount) any { return x.Count }),
			"work":  of(listOf(workItem), func(x workshops.SkillCount) any { return x.Work }),
		},
	})
	work := graphql.NewObject(graphql.ObjectConfig{
		Name:        "TraineeWork",
		Description: "What a trainee did in the inventory through their account.",
		Fields: graphql.Fields{
			"wipes":    of(nonNull(graphql.Int), func(x *workshops.WorkSummary) any { return x.Wipes }),
			"repairs":  of(nonNull(graphql.Int), func(x *workshops.WorkSummary) any { return x.Repairs }),
			"qaChecks": of(nonNull(graphql.Int), func(x *workshops.WorkSummary) any { return x.QAChecks }),
			"bySkill":  of(listOf(skillWork), func(x *workshops.WorkSummary) any { return x.BySkill }),
			"items": {Type: listOf(workItem), Description: "The latest pieces of work.",
				Args: graphql.FieldConfigArgument{"first": {Type: graphql.Int, DefaultValue: 20}},
				Resolve: func(p graphql.ResolveParams) (any, error) {
					items := p.Source.(*workshops.WorkSummary).Items
					if n, _ := p.Args["first"].(int); n >= 0 && n < len(items) {
						items = items[:n]
					}
					return items, nil
				}},
		},
	})
	b.register(workItem, skillWork, work)

	b.extend("Trainee", graphql.Fields{
		"work": {Type: nonNull(work), Resolve: func(p graphql.ResolveParams) (any, error) {
			return b.deps.Workshops.Work(p.Context, traineeID(p))
		}},
	})
}
