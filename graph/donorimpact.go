package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/inventory"
)

// addDonorImpact adds Donor.impact: what became of everything a donor gave.
func (b *builder) addDonorImpact() {
	st := func() *impact.Store { return b.deps.Impact }
	factorSet := b.object("ImpactFactorSet")
	donorImpact := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DonorImpact",
		Description: "What became of everything a donor gave, as their donation certificates count it.",
		Fields: graphql.Fields{
			"devices":        of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.Devices }),
			"handedOut":      of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.HandedOut }),
			"recycled":       {Type: nonNull(graphql.Int), Description: "Recycled or dismantled.", Resolve: donorField(func(d *impact.DonorImpact) any { return d.Recycled })},
			"dismantled":     of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.Dismantled }),
			"lost":           of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.Lost }),
			"inStock":        of(nonNull(graphql.Int), func(d *impact.DonorImpact) any { return d.InStock }),
			"kgReused":       of(nonNull(graphql.Float), func(d *impact.DonorImpact) any { return d.KGReused }),
			"kgRecycled":     of(nonNull(graphql.Float), func(d *impact.DonorImpact) any { return d.KGRecycled }),
			"kgInStock":      of(nonNull(graphql.Float), func(d *impact.DonorImpact) any { return d.KGInStock }),
			"co2eAvoidedKg":  of(nonNull(graphql.Float), func(d *impact.DonorImpact) any { return d.CO2eAvoidedKG }),
			"factorSets":     {Type: listOf(factorSet), Resolve: donorField(func(d *impact.DonorImpact) any { return pointers(d.FactorSets) })},
			"peopleEquipped": {Type: nonNull(graphql.Int), Description: "Hand-outs of the donor's devices: a device handed out twice equipped two people.", Resolve: donorField(func(d *impact.DonorImpact) any { return d.PeopleEquipped })},
		},
	})
	b.extend("Donor", graphql.Fields{"impact": {
		Type:        nonNull(donorImpact),
		Description: "The donor's impact: staff, administrators and the donor's users.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return st().Donor(p.Context, p.Source.(*inventory.Donor).ID)
		},
	}})
}

func donorField(get func(*impact.DonorImpact) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) { return get(p.Source.(*impact.DonorImpact)), nil }
}
