package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addDonors adds the donors: who gives devices, with their donations.
func (b *builder) addDonors() {
	st := b.deps.Inventory
	donorKind := newEnum("DonorKind", "Who gave.", inventory.DonorKinds)
	donor := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Donor",
		Description: "A company, public body, association or person who gives devices.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: b.fields("Donor", func() graphql.Fields {
			return graphql.Fields{
				"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
					return globalID("Donor", p.Source.(*inventory.Donor).ID), nil
				}},
				"name":               {Type: nonNull(graphql.String)},
				"kind":               {Type: nonNull(donorKind)},
				"registrationNumber": {Type: graphql.String},
				"contactName":        {Type: graphql.String},
				"email":              {Type: graphql.String},
				"phone":              {Type: graphql.String},
				"address":            {Type: graphql.String},
				"postalCode":         {Type: graphql.String},
				"city":               {Type: graphql.String},
				"country":            {Type: nonNull(graphql.String), Description: "ISO 3166 alpha-2 code."},
				"notes":              {Type: graphql.String},
				"createdAt":          {Type: nonNull(b.timeT)},
				"donations":          b.donorDonations(),
			}
		}),
	})
	addNode(b, donor, func(p graphql.ResolveParams, id int64) (*inventory.Donor, error) {
		ds, err := st.DonorsByID(p.Context, []int64{id})
		return found(ds[id], err)
	})
	donorConnection := b.newConnection("DonorConnection", donor)
	b.register(donorKind, donorConnection)

	b.query["donors"] = &graphql.Field{
		Type:        nonNull(donorConnection),
		Description: "Donors in the order they were recorded, optionally those whose name contains search. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"search": {Type: graphql.String},
			"first":  {Type: graphql.Int, DefaultValue: 50},
			"after":  {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			search, _ := p.Args["search"].(string)
			pg, err := st.Donors(p.Context, search, page(p, 50))
			if err != nil {
				return nil, err
			}
			return connection(pointers(pg.Donors), pg.HasNextPage, pg.EndCursor, pg.TotalCount), nil
		},
	}

	// Mutations: each is one domain call, one transaction. What the request loaded before is
	// forgotten after it (b.changed), so that the selection reads the change.
	b.mutation["createDonor"] = &graphql.Field{
		Type:        nonNull(donor),
		Description: "Records a donor. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"name":               {Type: nonNull(graphql.String)},
			"kind":               {Type: nonNull(donorKind)},
			"registrationNumber": {Type: graphql.String},
			"contactName":        {Type: graphql.String},
			"email":              {Type: graphql.String},
			"phone":              {Type: graphql.String},
			"address":            {Type: graphql.String},
			"postalCode":         {Type: graphql.String},
			"city":               {Type: graphql.String},
			"country":            {Type: graphql.String, Description: "ISO 3166 alpha-2 code; default LU."},
			"notes":              {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			created, err := st.CreateDonor(p.Context, newDonorInput(p.Args))
			if err != nil {
				return nil, err
			}
			b.changed(p, nil)
			return created, nil
		},
	}
}

// newDonorInput reads createDonor's arguments.
func newDonorInput(m map[string]any) inventory.NewDonor {
	kind, _ := m["kind"].(inventory.DonorKind)
	return inventory.NewDonor{
		Name:               inputString(m, "name"),
		Kind:               kind,
		RegistrationNumber: inputString(m, "registrationNumber"),
		ContactName:        inputString(m, "contactName"),
		Email:              inputString(m, "email"),
		Phone:              inputString(m, "phone"),
		Address:            inputString(m, "address"),
		PostalCode:         inputString(m, "postalCode"),
		City:               inputString(m, "city"),
		Country:            inputString(m, "country"),
		Notes:              inputString(m, "notes"),
	}
}

// donorDonations is Donor.donations: a donor's donations, a page at a time.
func (b *builder) donorDonations() *graphql.Field {
	return &graphql.Field{
		Type:        nonNull(b.object("DonationConnection")),
		Description: "The donor's donations, newest first.",
		Args: graphql.FieldConfigArgument{
			"first": {Type: graphql.Int, DefaultValue: 20},
			"after": {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			pg, donor := page(p, 20), p.Source.(*inventory.Donor).ID
			present := func(dp *inventory.DonationPage) any {
				return connection(pointers(dp.Donations), dp.HasNextPage, dp.EndCursor, dp.TotalCount)
			}
			if pg.After != "" {
				dp, err := b.deps.Inventory.Donations(p.Context, donor, pg)
				if err != nil {
					return nil, err
				}
				return present(dp), nil
			}
			// First pages of a list of donors come in one statement.
			th := b.inventoryLoaders(p).donorPages.Load(p.Context, donationPageKey{donor, pg.First})
			return func() (any, error) {
				dp, err := th()
				if err != nil {
					return nil, err
				}
				return present(dp), nil
			}, nil
		},
	}
}
