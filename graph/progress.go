package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/workshops"
)

// addProgress adds where a trainee stands (Trainee.progress): their minutes against the target,
// week by week, and their skills.
func (b *builder) addProgress() {
	week := graphql.NewObject(graphql.ObjectConfig{
		Name:        "WeekHours",
		Description: "A trainee's minutes in one week, Monday to Sunday.",
		Fields: graphql.Fields{
			"weekStart":       of(nonNull(b.dateT), func(x *workshops.WeekMinutes) any { return x.Start }),
			"approvedMinutes": of(nonNull(graphql.Int), func(x *workshops.WeekMinutes) any { return x.Approved }),
			"pendingMinutes":  of(nonNull(graphql.Int), func(x *workshops.WeekMinutes) any { return x.Pending }),
			"capMinutes": {Type: graphql.Int, Description: "The weekly cap of the trainee's programme that week; null when not enrolled.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					if c := p.Source.(*workshops.WeekMinutes).CapMinutes; c != nil {
						return *c, nil
					}
					return nil, nil
				}},
			"overCap": of(nonNull(graphql.Boolean), func(x *workshops.WeekMinutes) any { return x.OverCap }),
		},
	})

	progress := graphql.NewObject(graphql.ObjectConfig{
		Name:        "TraineeProgress",
		Description: "Where a trainee stands: approved minutes against the target, week by week, and skills at their latest level.",
		Fields: b.fields("TraineeProgress", func() graphql.Fields {
			return graphql.Fields{
				"approvedMinutes": of(nonNull(graphql.Int), func(x *workshops.Progress) any { return x.ApprovedMinutes }),
				"pendingMinutes":  of(nonNull(graphql.Int), func(x *workshops.Progress) any { return x.PendingMinutes }),
				"targetMinutes": of(graphql.Int, func(x *workshops.Progress) any {
					if x.TargetMinutes == nil {
						return nil
					}
					return *x.TargetMinutes
				}),
				"percent": of(nonNull(graphql.Int), func(x *workshops.Progress) any { return x.Percent() }),
				"weeks":   of(listOf(week), func(x *workshops.Progress) any { return pointers(x.Weeks) }),
				"skills":  of(listOf(b.object("SkillAssessment")), func(x *workshops.Progress) any { return pointers(x.Skills) }),
			}
		}),
	})
	b.register(week, progress)

	b.extend("Trainee", graphql.Fields{
		"progress": {Type: nonNull(progress), Resolve: func(p graphql.ResolveParams) (any, error) {
			return b.deps.Workshops.Progress(p.Context, traineeID(p))
		}},
	})
}
