package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addRepairs adds the work done on devices in the workshop.
func (b *builder) addRepairs() {
	st := b.deps.Inventory
	outcome := newEnum("RepairOutcome", "How a repair ended.", inventory.Outcomes)
	repairLog := graphql.NewObject(graphql.ObjectConfig{
		Name:        "RepairLog",
		Description: "Work done on a device.",
		Fields:      b.fields("RepairLog", func() graphql.Fields { return b.repairLogFields(outcome) }),
	})
	recordRepairInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "RecordRepairInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"deviceID":    {Type: nonNull(graphql.ID)},
			"description": {Type: nonNull(graphql.String), Description: "What was done."},
			"partsUsed":   {Type: graphql.String},
			"minutes":     {Type: nonNull(graphql.Int)},
			"outcome":     {Type: nonNull(outcome)},
			"workerIDs":   {Type: graphql.NewList(nonNull(graphql.ID)), Description: "Who did the work; default: you."},
		},
	})
	b.register(outcome, repairLog, recordRepairInput)

	b.extend("Device", graphql.Fields{
		"repairs": {
			Type:        listOf(repairLog),
			Description: "Work done on the device, newest first.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				th := b.inventoryLoaders(p).repairs.Load(p.Context, p.Source.(*inventory.Device).ID)
				return listThunk(th), nil
			},
		},
	})

	b.mutation["recordRepair"] = &graphql.Field{
		Type:        nonNull(repairLog),
		Description: "Records work done on a device in the workshop, with you as the one who wrote it down. Staff, administrators and trainees.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(recordRepairInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newRecordRepairInput(inputMap(p.Args["input"]))
			if err != nil {
				return nil, inArg("input", err)
			}
			r, d, err := st.RecordRepair(p.Context, n)
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return r, nil
		},
	}
}

// repairLogFields are RepairLog's fields.
func (b *builder) repairLogFields(outcome *graphql.Enum) graphql.Fields {
	user := b.object("User")
	return graphql.Fields{
		"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
			return globalID("RepairLog", p.Source.(*inventory.RepairLog).ID), nil
		}},
		"device":      b.deviceField(func(p graphql.ResolveParams) int64 { return p.Source.(*inventory.RepairLog).DeviceID }),
		"description": {Type: nonNull(graphql.String)},
		"partsUsed":   {Type: graphql.String},
		"minutes":     {Type: nonNull(graphql.Int)},
		"outcome": {Type: nonNull(outcome), Resolve: func(p graphql.ResolveParams) (any, error) {
			return inventory.Outcome(p.Source.(*inventory.RepairLog).Outcome), nil
		}},
		"recordedBy": b.userField(nonNull(user), func(p graphql.ResolveParams) *int64 {
			return &p.Source.(*inventory.RepairLog).RecordedBy
		}),
		"workers": {Type: listOf(user), Description: "The people who did the work.", Resolve: func(p graphql.ResolveParams) (any, error) {
			th := b.inventoryLoaders(p).users.LoadMany(p.Context, p.Source.(*inventory.RepairLog).WorkerIDs)
			return func() (any, error) {
				us, errs := th()
				for _, err := range errs {
					if err != nil {
						return nil, err
					}
				}
				return us, nil
			}, nil
		}},
		"cycle":     {Type: nonNull(graphql.Int)},
		"createdAt": {Type: nonNull(b.timeT)},
	}
}

// newRecordRepairInput reads a RecordRepairInput.
func newRecordRepairInput(m map[string]any) (inventory.NewRepair, error) {
	deviceID, err := idOf("deviceID", "Device", inputString(m, "deviceID"))
	if err != nil {
		return inventory.NewRepair{}, err
	}
	workerIDs, err := inputIDs(m, "workerIDs", "User")
	if err != nil {
		return inventory.NewRepair{}, err
	}
	n := inventory.NewRepair{
		DeviceID:    deviceID,
		Description: inputString(m, "description"),
		PartsUsed:   inputString(m, "partsUsed"),
		WorkerIDs:   workerIDs,
	}
	if minutes := inputInt(m, "minutes"); minutes != nil {
		n.Minutes = *minutes
	}
	n.Outcome, _ = m["outcome"].(inventory.Outcome)
	return n, nil
}
