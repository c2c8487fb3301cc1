package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/workshops"
)

// addHoursReview adds the review of hour entries: the queue by trainee and week, approving or
// rejecting entries, approving a week.
func (b *builder) addHoursReview() {
	st := b.deps.Workshops
	hourEntry := b.object("HourEntry")
	reviewWeek := graphql.NewObject(graphql.ObjectConfig{
		Name:        "HoursReviewWeek",
		Description: "A trainee's week with entries waiting for review, flagged when it goes over the programme's weekly cap.",
		Fields: graphql.Fields{
			"trainee":         b.traineeField(func(p graphql.ResolveParams) int64 { return p.Source.(*workshops.QueueWeek).TraineeID }),
			"weekStart":       of(nonNull(b.dateT), func(x *workshops.QueueWeek) any { return x.WeekStart }),
			"entries":         of(listOf(hourEntry), func(x *workshops.QueueWeek) any { return pointers(x.Pending) }),
			"pendingMinutes":  of(nonNull(graphql.Int), func(x *workshops.QueueWeek) any { return x.PendingMinutes }),
			"approvedMinutes": of(nonNull(graphql.Int), func(x *workshops.QueueWeek) any { return x.ApprovedMinutes }),
			"capMinutes": of(graphql.Int, func(x *workshops.QueueWeek) any {
				if x.CapMinutes == nil {
					return nil
				}
				return *x.CapMinutes
			}),
			"overCap": of(nonNull(graphql.Boolean), func(x *workshops.QueueWeek) any { return x.OverCap }),
		},
	})
	b.register(reviewWeek)

	b.query["hoursReviewQueue"] = &graphql.Field{
		Type:        listOf(reviewWeek),
		Description: "The pending entries by trainee and week, with each week's totals and whether it goes over the programme's weekly cap. Staff and administrators.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			q, err := st.ReviewQueue(p.Context)
			return pointers(q), err
		},
	}
	b.mutation["reviewHours"] = &graphql.Field{
		Type:        listOf(hourEntry),
		Description: "Approves or rejects pending entries, all or none; a rejection needs a reason, which the trainee sees. Nobody reviews what they logged. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"ids":     {Type: nonNull(graphql.NewList(nonNull(graphql.ID)))},
			"approve": {Type: nonNull(graphql.Boolean)},
			"reason":  {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			ids, err := inputIDs(p.Args, "ids", "HourEntry")
			if err != nil {
				return nil, err
			}
			reason, _ := p.Args["reason"].(string)
			hs, err := st.ReviewHours(p.Context, ids, p.Args["approve"].(bool), reason)
			if err != nil {
				return nil, err
			}
			b.workshopsChanged(p)
			return pointers(hs), nil
		},
	}
	b.mutation["approveHoursWeek"] = &graphql.Field{
		Type:        listOf(hourEntry),
		Description: "Approves a trainee's pending entries of the week of weekOf (Monday to Sunday) that you did not log yourself. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"traineeID": {Type: nonNull(graphql.ID)}, "weekOf": {Type: nonNull(b.dateT)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("traineeID", "Trainee", p.Args["traineeID"].(string))
			if err != nil {
				return nil, err
			}
			day, err := requiredDate(p.Args, "weekOf")
			if err != nil {
				return nil, err
			}
			hs, err := st.ApproveWeek(p.Context, id, day)
			if err != nil {
				return nil, err
			}
			b.workshopsChanged(p)
			return pointers(hs), nil
		},
	}
}
