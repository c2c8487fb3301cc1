package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addDonations adds the donations: intake batches of devices.
func (b *builder) addDonations() {
	st := b.deps.Inventory
	donation := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Donation",
		Description: "One intake batch: what one donor, or an anonymous drop-off, gave at one place on one day.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: b.fields("Donation", func() graphql.Fields {
			return graphql.Fields{
				"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
					return globalID("Donation", p.Source.(*inventory.Donation).ID), nil
				}},
				"number": {Type: nonNull(graphql.String), Description: "The human reference printed on documents, e.g. DON-2026-00042."},
				"donor": {Type: b.object("Donor"), Description: "Null for an anonymous drop-off.", Resolve: func(p graphql.ResolveParams) (any, error) {
					d := p.Source.(*inventory.Donation)
					if d.DonorID == nil {
						return nil, nil
					}
					return thunk(b.inventoryLoaders(p).donors.Load(p.Context, *d.DonorID)), nil
				}},
				"receivedOn":     {Type: nonNull(b.dateT)},
				"donorReference": {Type: graphql.String, Description: "The donor's own reference: their purchase order or asset list."},
				"note":           {Type: graphql.String},
				"closedAt":       {Type: b.timeT, Description: "When the donation was closed; devices can be added until then."},
				"createdAt":      {Type: nonNull(b.timeT)},
				"receivedBy": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
					return p.Source.(*inventory.Donation).ReceivedBy
				}),
				"devices": b.donationDevices(),
			}
		}),
	})
	addNode(b, donation, func(p graphql.ResolveParams, id int64) (*inventory.Donation, error) {
		return found(st.Donation(p.Context, id))
	})
	recordDonationInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "RecordDonationInput",
		Fields: graphql.InputObjectConfigFieldMapThunk(func() graphql.InputObjectConfigFieldMap {
			return graphql.InputObjectConfigFieldMap{
				"donorID":        {Type: graphql.ID, Description: "Omitted for an anonymous drop-off."},
				"receivedOn":     {Type: nonNull(b.dateT)},
				"devices":        {Type: listOf(b.input("NewDeviceInput"))},
				"note":           {Type: graphql.String},
				"donorReference": {Type: graphql.String, Description: "The donor's own reference: their purchase order or asset list."},
			}
		}),
	})
	b.register(b.newConnection("DonationConnection", donation), recordDonationInput)

	b.query["donation"] = &graphql.Field{
		Type:        donation,
		Description: "A donation by id.",
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Donation", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			return st.Donation(p.Context, id)
		},
	}
	b.query["donationByNumber"] = &graphql.Field{
		Type:        donation,
		Description: "A donation by its number, e.g. DON-2026-00042 (any case).",
		Args:        graphql.FieldConfigArgument{"number": {Type: nonNull(graphql.String)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return st.DonationByNumber(p.Context, p.Args["number"].(string))
		},
	}
	b.mutation["recordDonation"] = &graphql.Field{
		Type:        nonNull(donation),
		Description: "Records an intake batch with its devices: each device gets the next asset tag and an INTAKE event. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(recordDonationInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newRecordDonationInput(inputMap(p.Args["input"]))
			if err != nil {
				return nil, inArg("input", err)
			}
			d, _, err := st.RecordDonation(p.Context, n)
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, nil)
			return d, nil
		},
	}
}

// newRecordDonationInput reads a RecordDonationInput.
func newRecordDonationInput(m map[string]any) (inventory.NewDonation, error) {
	donorID, err := optionalID("donorID", "Donor", m["donorID"])
	if err != nil {
		return inventory.NewDonation{}, err
	}
	n := inventory.NewDonation{
		DonorID:        donorID,
		DonorReference: inputString(m, "donorReference"),
		Note:           inputString(m, "note"),
		Devices:        newDeviceInputs(inputList(m, "devices")),
	}
	if t := inputTime(m, "receivedOn"); t != nil {
		n.ReceivedOn = *t
	}
	return n, nil
}

// donationDevices is Donation.devices: a donation's devices, a page at a time.
func (b *builder) donationDevices() *graphql.Field {
	return &graphql.Field{
		Type:        nonNull(b.object("DeviceConnection")),
		Description: "The donation's devices, by default in intake (tag) order.",
		Args: graphql.FieldConfigArgument{
			"first": {Type: graphql.Int, DefaultValue: 100},
			"after": {Type: graphql.String},
			"sort":  {Type: b.enum("DeviceSort"), DefaultValue: inventory.SortTagAsc},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			sort, _ := p.Args["sort"].(inventory.DeviceSort)
			pg := page(p, 100)
			don := p.Source.(*inventory.Donation)
			if pg.After != "" {
				return b.devicePage(p, inventory.DeviceFilter{DonationID: don.ID}, sort, pg)
			}
			// First pages of a list of donations come in one statement.
			l := b.inventoryLoaders(p)
			th := l.firstPages.Load(p.Context, firstPageKey{don.ID, pg.First, sort})
			return func() (any, error) {
				dp, err := th()
				if err != nil {
					return nil, err
				}
				return b.deviceConnection(p, l, dp), nil
			}, nil
		},
	}
}
