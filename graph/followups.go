package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/requests"
)

// addFollowUps adds the follow-up of a hand-out (docs/impact.md): three months after it, three
// questions to its social worker. Who may read and answer is package requests'.
func (b *builder) addFollowUps() {
	inUse := newEnum("FollowUpInUse", "Is the device still in use three months after its hand-out?", requests.InUses)
	use := newEnum("FollowUpUse", "What the device is used for.", requests.Uses)
	problem := newEnum("FollowUpProblem", "A problem with the device: NONE, HARDWARE, SOFTWARE, CONNECTIVITY (no internet), SKILLS (needs help to use it), OTHER.", requests.Problems)

	followUp := graphql.NewObject(graphql.ObjectConfig{
		Name:        "FollowUp",
		Description: "Three months after a hand-out, three questions to its social worker; the answers are choices, nothing about the beneficiary.",
		Fields: graphql.Fields{
			"askedAt":    of(nonNull(b.timeT), func(f *requests.FollowUp) any { return f.AskedAt }),
			"answeredAt": of(b.timeT, func(f *requests.FollowUp) any { return f.AnsweredAt }),
			"inUse": {Type: inUse, Resolve: func(p graphql.ResolveParams) (any, error) {
				if v := p.Source.(*requests.FollowUp).InUse; v != nil {
					return *v, nil
				}
				return nil, nil
			}},
			"uses": of(listOf(use), func(f *requests.FollowUp) any { return f.Uses }),
			"problem": {Type: problem, Resolve: func(p graphql.ResolveParams) (any, error) {
				if v := p.Source.(*requests.FollowUp).Problem; v != nil {
					return *v, nil
				}
				return nil, nil
			}},
		},
	})
	b.extend("DeviceRequest", graphql.Fields{"followUp": {
		Type:        followUp,
		Description: "The follow-up, once asked (three months after the hand-out).",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			f, err := b.deps.Requests.FollowUp(p.Context, p.Source.(*requests.Request).ID)
			if f == nil || err != nil {
				return nil, err
			}
			return f, nil
		},
	}})
	answerInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "FollowUpAnswerInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"inUse":   {Type: nonNull(inUse)},
			"uses":    {Type: graphql.NewList(nonNull(use))},
			"problem": {Type: nonNull(problem)},
		},
	})
	b.register(inUse, use, problem, followUp, answerInput)

	b.query["followUpsToAnswer"] = &graphql.Field{
		Type:        listOf(b.object("DeviceRequest")),
		Description: "Requests whose follow-up waits for an answer, oldest first: a social worker's own (a coordinator's organisation's), every one for staff.",
		Args:        graphql.FieldConfigArgument{"first": {Type: graphql.Int, DefaultValue: 50}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			first, _ := p.Args["first"].(int)
			open, err := b.deps.Requests.OpenFollowUps(p.Context, first)
			if err != nil {
				return nil, err
			}
			ids := make([]int64, len(open))
			for i, o := range open {
				ids[i] = o.RequestID
			}
			rs, err := b.deps.Requests.RequestsByID(p.Context, ids)
			if err != nil {
				return nil, err
			}
			out := make([]*requests.Request, 0, len(ids))
			for _, id := range ids {
				if r := rs[id]; r != nil {
					out = append(out, r)
				}
			}
			return out, nil
		},
	}
	b.mutation["answerFollowUp"] = &graphql.Field{
		Type:        nonNull(followUp),
		Description: "Answers a request's follow-up, once: its social worker, their coordinator, or staff.",
		Args: graphql.FieldConfigArgument{
			"requestID": {Type: nonNull(graphql.ID)},
			"input":     {Type: nonNull(answerInput)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("requestID", "DeviceRequest", p.Args["requestID"].(string))
			if err != nil {
				return nil, err
			}
			f, err := b.deps.Requests.AnswerFollowUp(p.Context, id, newFollowUpAnswer(inputMap(p.Args["input"])))
			return f, inArg("input", err)
		},
	}
}

// newFollowUpAnswer reads a FollowUpAnswerInput.
func newFollowUpAnswer(m map[string]any) requests.Answer {
	a := requests.Answer{Uses: inputEnums[requests.Use](m, "uses")}
	a.InUse, _ = m["inUse"].(requests.InUse)
	a.Problem, _ = m["problem"].(requests.Problem)
	return a
}
