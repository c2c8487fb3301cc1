package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
)

// addRequestPolicy adds the request policy: how requests are rationed and how long their details
// are kept.
func (b *builder) addRequestPolicy() {
	st := b.deps.Requests
	policy := graphql.NewObject(graphql.ObjectConfig{
		Name:        "RequestPolicy",
		Description: "How requests are rationed and how long their details are kept.",
		Fields: b.fields("RequestPolicy", func() graphql.Fields {
			return graphql.Fields{
				"maxOpenPerSocialWorker": {Type: nonNull(graphql.Int), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*requests.Policy).MaxOpen, nil }},
				"openKinds": {Type: listOf(b.enum("DeviceKind")), Description: "The device kinds partners may request now.",
					Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*requests.Policy).OpenKinds, nil }},
				"retentionDays": {Type: nonNull(graphql.Int), Description: "Days after which a closed request is anonymised.",
					Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*requests.Policy).RetentionDays, nil }},
			}
		}),
	})
	b.register(policy)

	b.query["requestPolicy"] = &graphql.Field{
		Type:        nonNull(policy),
		Description: "The request policy. Those who file or triage requests.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return st.Policy(p.Context)
		},
	}
	b.mutation["setRequestPolicy"] = &graphql.Field{
		Type:        nonNull(policy),
		Description: "Replaces the request policy. Administrators only.",
		Args: graphql.FieldConfigArgument{
			"maxOpenPerSocialWorker": {Type: nonNull(graphql.Int)},
			"openKinds":              {Type: listOf(b.enum("DeviceKind"))},
			"retentionDays":          {Type: nonNull(graphql.Int)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return st.SetPolicy(p.Context, requests.Policy{MaxOpen: p.Args["maxOpenPerSocialWorker"].(int),
				OpenKinds: inputEnums[inventory.Kind](p.Args, "openKinds"), RetentionDays: p.Args["retentionDays"].(int)})
		},
	}
}
