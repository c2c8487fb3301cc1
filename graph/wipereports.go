package graph

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// wipeReportRef is the report a sanitization record came from, read from the record itself
// (its file name and SHA-256), so that a list of records costs no query more.
type wipeReportRef struct {
	filename, sha256 string
}

// addWipeReports adds the erasure tools' reports: the report of a sanitization record, and
// importWipeReports (addWipeReportImport), which reads reports sent in base64 within the GraphQL
// request's 1 MiB. Larger uploads go to POST /wipe-reports (multipart), which answers the same
// import as JSON.
func (b *builder) addWipeReports() {
	report := graphql.NewObject(graphql.ObjectConfig{
		Name:        "WipeReport",
		Description: "An erasure tool's report file a sanitization record was read from, kept as uploaded.",
		Fields: graphql.Fields{
			"filename": {Type: nonNull(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) {
				return p.Source.(wipeReportRef).filename, nil
			}},
			"sha256": {Type: nonNull(graphql.String), Description: "SHA-256 of the file, in hexadecimal; printed on the erasure certificate.",
				Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(wipeReportRef).sha256, nil }},
			"url": {Type: nonNull(graphql.String), Description: "Where the file is downloaded: staff, administrators, trainees and the donor of the device.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					return b.deps.PublicURL + "/wipe-reports/" + p.Source.(wipeReportRef).sha256, nil
				}},
		},
	})
	b.register(report)

	b.extend("WipeRecord", graphql.Fields{
		"report": {
			Type:        report,
			Description: "The erasure tool's report the record was read from; null for a record typed by hand.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				w := p.Source.(*inventory.WipeRecord)
				if w.ReportID == nil || w.ReportSHA256 == nil {
					return nil, nil
				}
				name := ""
				if w.ReportFilename != nil {
					name = *w.ReportFilename
				}
				return wipeReportRef{filename: name, sha256: *w.ReportSHA256}, nil
			},
		},
	})
}

// addWipeReportImport adds importWipeReports: what an import of reports did, or in a dry run would
// do, erasure by erasure, and the decisions a person takes for those not matched for sure.
func (b *builder) addWipeReportImport() {
	st := b.deps.Inventory
	outcome := graphql.NewEnum(graphql.EnumConfig{
		Name:        "WipeReportOutcome",
		Description: "What became, or in a dry run would become, of an erasure read from a report.",
		Values: graphql.EnumValueConfigMap{
			"RECORD":    {Value: inventory.OutcomeRecord, Description: "Dry run: would be recorded."},
			"RECORDED":  {Value: inventory.OutcomeRecorded, Description: "Recorded as a sanitization record."},
			"SKIPPED":   {Value: inventory.OutcomeSkipped, Description: "This report is already recorded for this drive."},
			"UNMATCHED": {Value: inventory.OutcomeUnmatched, Description: "No drive has this serial: decide (a device's tag) or leave it."},
			"AMBIGUOUS": {Value: inventory.OutcomeAmbiguous, Description: "Several drives have this serial: pick one (candidates) or leave it."},
			"BLOCKED":   {Value: inventory.OutcomeBlocked, Description: "The drive's device may not be wiped now (reserved, handed out, recycled, dismantled, lost)."},
			"REFUSED":   {Value: inventory.OutcomeRefused, Description: "The record would be wrong: message says why."},
		},
	})
	candidate := graphql.NewObject(graphql.ObjectConfig{
		Name:        "WipeReportCandidate",
		Description: "A drive an erasure may be about: one of several with its serial.",
		Fields: graphql.Fields{
			"mediumID": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("StorageMedium", p.Source.(inventory.WipeCandidate).MediumID), nil
			}},
			"serial":       {Type: nonNull(graphql.String), Resolve: field(func(c inventory.WipeCandidate) any { return c.Serial })},
			"deviceTag":    {Type: nonNull(graphql.String), Resolve: field(func(c inventory.WipeCandidate) any { return c.DeviceTag })},
			"deviceStatus": {Type: nonNull(b.enum("DeviceStatus")), Resolve: field(func(c inventory.WipeCandidate) any { return c.DeviceStatus })},
		},
	})
	erasure := graphql.NewObject(graphql.ObjectConfig{
		Name:        "WipeReportErasure",
		Description: "One drive's erasure as a report states it, and what became of it.",
		Fields: graphql.Fields{
			"key": {Type: nonNull(graphql.String), Description: "Names the erasure in decisions: the report's SHA-256, a colon, its position.",
				Resolve: field(func(l inventory.WipeReportLine) any { return l.Key })},
			"serial":       {Type: nonNull(graphql.String), Resolve: field(func(l inventory.WipeReportLine) any { return l.Serial })},
			"model":        {Type: graphql.String, Resolve: field(func(l inventory.WipeReportLine) any { return optional(l.Model) })},
			"method":       {Type: nonNull(b.enum("SanitizationMethod")), Resolve: field(func(l inventory.WipeReportLine) any { return l.Method })},
			"technique":    {Type: nonNull(graphql.String), Resolve: field(func(l inventory.WipeReportLine) any { return l.Technique })},
			"tool":         {Type: nonNull(graphql.String), Resolve: field(func(l inventory.WipeReportLine) any { return l.Tool })},
			"verification": {Type: nonNull(b.enum("WipeVerification")), Resolve: field(func(l inventory.WipeReportLine) any { return l.Verification })},
			"result":       {Type: nonNull(b.enum("WipeResult")), Resolve: field(func(l inventory.WipeReportLine) any { return l.Result })},
			"warnings":     {Type: graphql.String, Resolve: field(func(l inventory.WipeReportLine) any { return optional(l.Warnings) })},
			"startedAt":    {Type: b.timeT, Resolve: field(func(l inventory.WipeReportLine) any { return l.StartedAt })},
			"finishedAt":   {Type: nonNull(b.timeT), Resolve: field(func(l inventory.WipeReportLine) any { return l.FinishedAt })},
			"outcome":      {Type: nonNull(outcome), Resolve: field(func(l inventory.WipeReportLine) any { return l.Outcome })},
			"message":      {Type: graphql.String, Resolve: field(func(l inventory.WipeReportLine) any { return optional(l.Message) })},
			"mediumID": {Type: graphql.ID, Description: "The drive it is, or would be, recorded on.",
				Resolve: field(func(l inventory.WipeReportLine) any {
					if l.MediumID == 0 {
						return nil
					}
					return globalID("StorageMedium", l.MediumID)
				})},
			"deviceTag": {Type: graphql.String, Resolve: field(func(l inventory.WipeReportLine) any { return optional(l.DeviceTag) })},
			"wipeRecordID": {Type: graphql.ID, Resolve: field(func(l inventory.WipeReportLine) any {
				if l.WipeRecordID == 0 {
					return nil
				}
				return globalID("WipeRecord", l.WipeRecordID)
			})},
			"candidates": {Type: listOf(candidate), Resolve: field(func(l inventory.WipeReportLine) any { return l.Candidates })},
		},
	})
	file := graphql.NewObject(graphql.ObjectConfig{
		Name:        "WipeReportFileResult",
		Description: "One file of an import of reports.",
		Fields: graphql.Fields{
			"filename": {Type: nonNull(graphql.String), Resolve: field(func(f inventory.WipeReportResult) any { return f.Filename })},
			"sha256":   {Type: nonNull(graphql.String), Resolve: field(func(f inventory.WipeReportResult) any { return f.SHA256 })},
			"error": {Type: graphql.String, Description: "Why the file was not read; it then has no erasures.",
				Resolve: field(func(f inventory.WipeReportResult) any { return optional(f.Error) })},
			"erasures": {Type: listOf(erasure), Resolve: field(func(f inventory.WipeReportResult) any { return f.Erasures })},
		},
	})
	result := graphql.NewObject(graphql.ObjectConfig{
		Name:        "WipeReportImport",
		Description: "What an import of reports did, or in a dry run would do.",
		Fields: graphql.Fields{
			"dryRun":    {Type: nonNull(graphql.Boolean), Resolve: field(func(i *inventory.WipeImport) any { return i.DryRun })},
			"recorded":  {Type: nonNull(graphql.Int), Description: "Erasures recorded, or in a dry run to record.", Resolve: field(func(i *inventory.WipeImport) any { return i.Recorded })},
			"skipped":   {Type: nonNull(graphql.Int), Resolve: field(func(i *inventory.WipeImport) any { return i.Skipped })},
			"undecided": {Type: nonNull(graphql.Int), Description: "Unmatched, ambiguous or blocked.", Resolve: field(func(i *inventory.WipeImport) any { return i.Undecided })},
			"refused":   {Type: nonNull(graphql.Int), Resolve: field(func(i *inventory.WipeImport) any { return i.Refused })},
			"unread":    {Type: nonNull(graphql.Int), Description: "Files that could not be read.", Resolve: field(func(i *inventory.WipeImport) any { return i.Unread })},
			"files":     {Type: listOf(file), Resolve: field(func(i *inventory.WipeImport) any { return i.Files })},
		},
	})
	fileInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "WipeReportFileInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"filename": {Type: nonNull(graphql.String), Description: "As nwipe named it: the name is checked against the report's serial."},
			"content":  {Type: nonNull(graphql.String), Description: "The file's bytes in standard base64."},
		},
	})
	decisionInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name:        "WipeReportDecisionInput",
		Description: "A person's decision for an erasure that was not matched for sure: mediumID (one of its candidates) or deviceTag (the device whose one drive without a serial it is).",
		Fields: graphql.InputObjectConfigFieldMap{
			"key":       {Type: nonNull(graphql.String), Description: "The erasure's key from a dry run."},
			"mediumID":  {Type: graphql.ID},
			"deviceTag": {Type: graphql.String},
		},
	})
	b.register(outcome, candidate, erasure, file, result, fileInput, decisionInput)

	b.mutation["importWipeReports"] = &graphql.Field{
		Type: nonNull(result),
		Description: "Reads nwipe PDF and Blancco XML reports and records each erasure matched for sure to a drive by serial " +
			"(spaces and case ignored), with you as operator and the file kept; what is not matched for sure is listed for a " +
			"decision. dryRun checks and records nothing. The same report again is skipped. The whole call is one transaction. " +
			"The request's 1 MiB holds a few reports: send more with POST /wipe-reports. Staff, administrators and trainees.",
		Args: graphql.FieldConfigArgument{
			"files":     {Type: listOf(fileInput)},
			"decisions": {Type: graphql.NewList(nonNull(decisionInput))},
			"dryRun":    {Type: graphql.Boolean, DefaultValue: false},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			files, err := newWipeReportFiles(p.Args["files"].([]any))
			if err != nil {
				return nil, err
			}
			list, _ := p.Args["decisions"].([]any)
			decisions, err := newWipeDecisions(list)
			if err != nil {
				return nil, inArg("decisions", err)
			}
			dry, _ := p.Args["dryRun"].(bool)
			imp, err := st.ImportWipeReports(p.Context, files, decisions, dry)
			if err != nil {
				return nil, err
			}
			if !dry && imp.Recorded > 0 {
				b.changed(p, nil)
			}
			return imp, nil
		},
	}
}

// newWipeReportFiles reads importWipeReports' files, WipeReportFileInputs.
func newWipeReportFiles(list []any) ([]inventory.WipeReportFile, error) {
	var files []inventory.WipeReportFile
	for i, v := range list {
		m := inputMap(v)
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(inputString(m, "content")))
		if err != nil {
			return nil, validation.Field(fmt.Sprintf("files[%d].content", i), "is not base64")
		}
		files = append(files, inventory.WipeReportFile{Filename: inputString(m, "filename"), Data: data})
	}
	return files, nil
}

// newWipeDecisions reads importWipeReports' decisions, WipeReportDecisionInputs, by the key of
// their erasure; an id's error names its place in the list ([0].mediumID), for the resolver to
// prefix with the argument.
func newWipeDecisions(list []any) (map[string]inventory.WipeDecision, error) {
	decisions := map[string]inventory.WipeDecision{}
	for i, v := range list {
		m := inputMap(v)
		id, err := optionalID(fmt.Sprintf("[%d].mediumID", i), "StorageMedium", m["mediumID"])
		if err != nil {
			return nil, err
		}
		d := inventory.WipeDecision{DeviceTag: inputString(m, "deviceTag")}
		if id != nil {
			d.MediumID = *id
		}
		decisions[inputString(m, "key")] = d
	}
	return decisions, nil
}

// field resolves a field of a source of type S with get.
func field[S any](get func(S) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) { return get(p.Source.(S)), nil }
}

// optional is nil for an empty string, for a nullable field.
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}
