package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addQA adds the quality checks of devices against their kind's checklist.
func (b *builder) addQA() {
	st := b.deps.Inventory
	user := b.object("User")
	qaItem := graphql.NewObject(graphql.ObjectConfig{
		Name:        "QAItem",
		Description: "One line of a QA checklist, and its answer in a check.",
		Fields: graphql.Fields{
			"key":    {Type: nonNull(graphql.String)},
			"label":  {Type: graphql.String},
			"passed": {Type: nonNull(graphql.Boolean)},
			"note":   {Type: graphql.String},
		},
	})
	verifiedBy := b.userField(user, func(p graphql.ResolveParams) *int64 { return p.Source.(*inventory.QACheck).VerifiedBy })
	verifiedBy.Description = "A second person who checked the result."
	qaCheck := graphql.NewObject(graphql.ObjectConfig{
		Name:        "QACheck",
		Description: "A device checked against its kind's checklist.",
		Fields: b.fields("QACheck", func() graphql.Fields {
			return graphql.Fields{
				"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
					return globalID("QACheck", p.Source.(*inventory.QACheck).ID), nil
				}},
				"device": b.deviceField(func(p graphql.ResolveParams) int64 { return p.Source.(*inventory.QACheck).DeviceID }),
				"items":  {Type: listOf(qaItem)},
				"passed": {Type: nonNull(graphql.Boolean), Description: "Every item passed."},
				"performedBy": b.userField(nonNull(user), func(p graphql.ResolveParams) *int64 {
					return &p.Source.(*inventory.QACheck).PerformedBy
				}),
				"verifiedBy": verifiedBy,
				"note":       {Type: graphql.String},
				"cycle":      {Type: nonNull(graphql.Int)},
				"createdAt":  {Type: nonNull(b.timeT)},
			}
		}),
	})
	qaItemInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "QAItemInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"key":    {Type: nonNull(graphql.String), Description: "An item of the kind's checklist (qaTemplate)."},
			"passed": {Type: nonNull(graphql.Boolean)},
			"note":   {Type: graphql.String},
		},
	})
	recordQACheckInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "RecordQACheckInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"deviceID":   {Type: nonNull(graphql.ID)},
			"items":      {Type: listOf(qaItemInput), Description: "Every item of the checklist, answered once."},
			"verifiedBy": {Type: graphql.ID, Description: "A second person who checked the result; not you."},
			"note":       {Type: graphql.String},
		},
	})
	b.register(qaItem, qaCheck, qaItemInput, recordQACheckInput)

	b.extend("Device", graphql.Fields{
		"qaChecks": {
			Type:        listOf(qaCheck),
			Description: "The device's QA checks, newest first.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				th := b.inventoryLoaders(p).qaChecks.Load(p.Context, p.Source.(*inventory.Device).ID)
				return listThunk(th), nil
			},
		},
	})

	b.query["qaTemplate"] = &graphql.Field{
		Type:        listOf(qaItem),
		Description: "The QA checklist of a device kind: the items a check must answer. Staff, administrators and trainees.",
		Args:        graphql.FieldConfigArgument{"kind": {Type: nonNull(b.enum("DeviceKind"))}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			kind, _ := p.Args["kind"].(inventory.Kind)
			return st.QATemplate(p.Context, kind)
		},
	}
	b.mutation["recordQACheck"] = &graphql.Field{
		Type: nonNull(qaCheck),
		Description: "Records a QA check of a device against its kind's checklist, performed by you. A READY device that fails " +
			"goes back to IN_REPAIR. Staff, administrators and trainees.",
		Args: graphql.FieldConfigArgument{"input": {Type: nonNull(recordQACheckInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newRecordQACheckInput(inputMap(p.Args["input"]))
			if err != nil {
				return nil, inArg("input", err)
			}
			q, d, err := st.RecordQACheck(p.Context, n)
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return q, nil
		},
	}
}

// newRecordQACheckInput reads a RecordQACheckInput.
func newRecordQACheckInput(m map[string]any) (inventory.NewQACheck, error) {
	deviceID, err := idOf("deviceID", "Device", inputString(m, "deviceID"))
	if err != nil {
		return inventory.NewQACheck{}, err
	}
	verifiedBy, err := optionalID("verifiedBy", "User", m["verifiedBy"])
	if err != nil {
		return inventory.NewQACheck{}, err
	}
	n := inventory.NewQACheck{DeviceID: deviceID, VerifiedBy: verifiedBy, Note: inputString(m, "note")}
	for _, v := range inputList(m, "items") {
		n.Items = append(n.Items, newQAItemInput(inputMap(v)))
	}
	return n, nil
}

// newQAItemInput reads a QAItemInput.
func newQAItemInput(m map[string]any) inventory.QAItem {
	passed, _ := m["passed"].(bool)
	return inventory.QAItem{Key: inputString(m, "key"), Passed: passed, Note: inputString(m, "note")}
}
