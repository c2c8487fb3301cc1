package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addWipes adds the sanitization of storage media (NIST SP 800-88) and its records.
func (b *builder) addWipes() {
	st := b.deps.Inventory
	method := newEnum("SanitizationMethod", "A NIST SP 800-88 sanitization category.", inventory.Methods)
	wipeResult := newEnum("WipeResult", "A sanitization's outcome.", inventory.Results)
	verification := newEnum("WipeVerification", "How much of a sanitized medium was read back to check it.", []string{"none", "sample", "full"})
	destination := newEnum("WipeDestination", "Where a sanitized medium goes.", []string{"reuse", "recycling", "destruction"})
	b.register(method, wipeResult, verification, destination)

	user := b.object("User")
	wipeRecord := graphql.NewObject(graphql.ObjectConfig{
		Name:        "WipeRecord",
		Description: "One sanitization attempt on one storage medium (NIST SP 800-88).",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: b.fields("WipeRecord", func() graphql.Fields {
			return graphql.Fields{
				"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
					return globalID("WipeRecord", p.Source.(*inventory.WipeRecord).ID), nil
				}},
				"method":       {Type: nonNull(method)},
				"technique":    {Type: nonNull(graphql.String), Description: `E.g. "1-pass zero overwrite", "NVMe Format (crypto erase)", "shredded, DIN 66399 H-5".`},
				"standard":     {Type: graphql.String, Description: `E.g. "NIST SP 800-88 Rev. 2".`},
				"tool":         {Type: graphql.String, Description: `Tool and version, e.g. "nwipe 0.38".`},
				"verification": {Type: nonNull(verification)},
				"result":       {Type: nonNull(wipeResult)},
				"warnings":     {Type: graphql.String},
				"operator": b.userField(nonNull(user), func(p graphql.ResolveParams) *int64 {
					return &p.Source.(*inventory.WipeRecord).OperatorID
				}),
				"verifier": b.userField(user, func(p graphql.ResolveParams) *int64 {
					return p.Source.(*inventory.WipeRecord).VerifierID
				}),
				"startedAt":             {Type: b.timeT},
				"finishedAt":            {Type: nonNull(b.timeT)},
				"destination":           {Type: destination},
				"contractor":            {Type: graphql.String},
				"contractorCertificate": {Type: graphql.String},
				"dinLevel":              {Type: graphql.String, Description: "DIN 66399 level of a destruction, e.g. H-5."},
				"reportFilename":        {Type: graphql.String},
				"reportSHA256":          {Type: graphql.String},
				"cycle":                 {Type: nonNull(graphql.Int), Description: "The device's lifecycle cycle the record belongs to: a returned device is sanitized again."},
				"createdAt":             {Type: nonNull(b.timeT)},
			}
		}),
	})
	addNode(b, wipeRecord, func(p graphql.ResolveParams, id int64) (*inventory.WipeRecord, error) {
		return found(st.WipeRecord(p.Context, id))
	})
	recordWipeInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "RecordWipeInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"mediumID":              {Type: nonNull(graphql.ID)},
			"method":                {Type: nonNull(method)},
			"technique":             {Type: nonNull(graphql.String)},
			"tool":                  {Type: graphql.String},
			"result":                {Type: nonNull(wipeResult)},
			"finishedAt":            {Type: b.timeT, Description: "Default: now."},
			"standard":              {Type: graphql.String},
			"verification":          {Type: verification, Description: "Default: NONE."},
			"startedAt":             {Type: b.timeT},
			"warnings":              {Type: graphql.String},
			"verifierID":            {Type: graphql.ID, Description: "A second person who checked; not the operator."},
			"destination":           {Type: destination},
			"contractor":            {Type: graphql.String},
			"contractorCertificate": {Type: graphql.String},
			"dinLevel":              {Type: graphql.String, Description: "DIN 66399 level, required for a passed DESTROY, e.g. H-5 or E-4."},
			"reportFilename":        {Type: graphql.String},
			"reportSHA256":          {Type: graphql.String},
		},
	})
	b.register(recordWipeInput)

	b.extend("StorageMedium", graphql.Fields{
		"sanitization": {
			Type:        wipeRecord,
			Description: "The latest sanitization record of the device's current cycle, passing or not.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return p.Source.(medium).sanitization, nil
			},
		},
	})
	b.extend("Device", graphql.Fields{
		"wipeComplete": {
			Type:        nonNull(graphql.Boolean),
			Description: "Every storage medium has a passing sanitization record in the current cycle.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				th := b.inventoryLoaders(p).storage.Load(p.Context, p.Source.(*inventory.Device).ID)
				return func() (any, error) {
					media, err := th()
					if err != nil {
						return nil, err
					}
					for _, m := range media {
						if m.sanitization == nil || m.sanitization.Result != inventory.ResultPassed {
							return false, nil
						}
					}
					return true, nil
				}, nil
			},
		},
	})

	b.mutation["recordWipe"] = &graphql.Field{
		Type: nonNull(wipeRecord),
		Description: "Records a sanitization attempt on one medium, with you as operator. When every medium of a RECEIVED " +
			"device has passed, the device moves to WIPED by itself. Staff, administrators and trainees.",
		Args: graphql.FieldConfigArgument{"input": {Type: nonNull(recordWipeInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n, err := newRecordWipeInput(inputMap(p.Args["input"]))
			if err != nil {
				return nil, inArg("input", err)
			}
			w, d, err := st.RecordWipe(p.Context, n)
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return w, nil
		},
	}
}

// newRecordWipeInput reads a RecordWipeInput.
func newRecordWipeInput(m map[string]any) (inventory.NewWipe, error) {
	mediumID, err := idOf("mediumID", "StorageMedium", inputString(m, "mediumID"))
	if err != nil {
		return inventory.NewWipe{}, err
	}
	verifierID, err := optionalID("verifierID", "User", m["verifierID"])
	if err != nil {
		return inventory.NewWipe{}, err
	}
	method, _ := m["method"].(inventory.Method)
	result, _ := m["result"].(inventory.Result)
	return inventory.NewWipe{
		MediumID:              mediumID,
		Method:                method,
		Technique:             inputString(m, "technique"),
		Standard:              inputString(m, "standard"),
		Tool:                  inputString(m, "tool"),
		Verification:          inputString(m, "verification"),
		StartedAt:             inputTime(m, "startedAt"),
		FinishedAt:            inputTime(m, "finishedAt"),
		Result:                result,
		Warnings:              inputString(m, "warnings"),
		VerifierID:            verifierID,
		Destination:           inputString(m, "destination"),
		Contractor:            inputString(m, "contractor"),
		ContractorCertificate: inputString(m, "contractorCertificate"),
		DINLevel:              inputString(m, "dinLevel"),
		ReportFilename:        inputString(m, "reportFilename"),
		ReportSHA256:          inputString(m, "reportSHA256"),
	}, nil
}
