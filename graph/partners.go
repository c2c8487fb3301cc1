package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/requests"
)

// addPartners adds the partner organisations, whose social workers request devices.
func (b *builder) addPartners() {
	st := b.deps.Requests
	partnerKind := newEnum("PartnerKind", "What sort of organisation a partner is.", requests.PartnerKinds)

	partner := graphql.NewObject(graphql.ObjectConfig{
		Name:        "PartnerOrganisation",
		Description: "An organisation whose social workers request devices for the people they follow.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: b.fields("PartnerOrganisation", func() graphql.Fields {
			return graphql.Fields{
				"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
					return globalID("PartnerOrganisation", p.Source.(*requests.Partner).ID), nil
				}},
				"name":    {Type: nonNull(graphql.String)},
				"kind":    {Type: nonNull(partnerKind)},
				"address": {Type: graphql.String},
				"contact": {Type: graphql.String},
				"walkIn":  {Type: nonNull(graphql.Boolean), Description: "The workshop's own organisation for people who come without a social worker."},
			}
		}),
	})
	addNode(b, partner, func(p graphql.ResolveParams, id int64) (*requests.Partner, error) {
		ps, err := st.PartnersByID(p.Context, []int64{id})
		return foundRequest(ps[id], err)
	})
	b.register(partnerKind)

	b.query["partnerOrganisations"] = &graphql.Field{
		Type:        listOf(partner),
		Description: "Partner organisations by name: every one for staff and administrators, their own for a social worker.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			ps, err := st.Partners(p.Context)
			return pointers(ps), err
		},
	}
	b.mutation["createPartnerOrganisation"] = &graphql.Field{
		Type:        nonNull(partner),
		Description: "Creates a partner organisation. Administrators only.",
		Args: graphql.FieldConfigArgument{
			"name":    {Type: nonNull(graphql.String)},
			"kind":    {Type: nonNull(partnerKind)},
			"address": {Type: graphql.String},
			"contact": {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			kind, _ := p.Args["kind"].(requests.PartnerKind)
			return st.CreatePartner(p.Context, requests.NewPartner{Name: p.Args["name"].(string), Kind: kind,
				Address: inputString(p.Args, "address"), Contact: inputString(p.Args, "contact")})
		},
	}
}
