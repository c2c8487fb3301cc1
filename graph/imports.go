package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addImports adds the results of donors' asset-list imports. Importing a list is a file
// upload, so it is not a mutation: it is POST /imports and `refurb import`.
func (b *builder) addImports() {
	format := graphql.NewEnum(graphql.EnumConfig{
		Name:        "ImportFormat",
		Description: "The kind of file an asset list was read from.",
		Values: graphql.EnumValueConfigMap{
			"CSV":  {Value: "csv", Description: "Comma-, semicolon- or tab-separated text."},
			"XLSX": {Value: "xlsx", Description: "An Excel workbook."},
		},
	})
	rowError := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImportRowError",
		Description: "A problem with one row of an asset list.",
		Fields: graphql.Fields{
			"line": {Type: nonNull(graphql.Int), Description: "The line (CSV) or row (XLSX) number in the file, from 1."},
			"column": {Type: graphql.String, Description: "The column's header as written in the file; null when the problem is the whole row.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					if c := p.Source.(inventory.RowError).Column; c != "" {
						return c, nil
					}
					return nil, nil
				}},
			"message": {Type: nonNull(graphql.String)},
		},
	})
	result := graphql.NewObject(graphql.ObjectConfig{
		Name:        "ImportResult",
		Description: "An asset list imported into a donation. The same file is imported once per donation; rows whose serial number was already in the donation were skipped.",
		Fields: graphql.Fields{
			"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("Import", p.Source.(inventory.Import).ID), nil
			}},
			"filename": {Type: nonNull(graphql.String)},
			"format":   {Type: nonNull(format)},
			"rows":     {Type: nonNull(graphql.Int), Description: "Device rows in the file, blank rows aside."},
			"created":  {Type: nonNull(graphql.Int), Description: "Devices the import created."},
			"skipped": {Type: nonNull(graphql.Int), Description: "Rows whose serial number was already in the donation.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					return p.Source.(inventory.Import).Report.Skipped, nil
				}},
			"importedAt": {Type: nonNull(b.timeT), Resolve: func(p graphql.ResolveParams) (any, error) {
				return p.Source.(inventory.Import).CreatedAt, nil
			}},
			"errors": {Type: listOf(rowError),
				Description: "The rows that were wrong. A list with a wrong row imports nothing and leaves no record, so a recorded import has none.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					return p.Source.(inventory.Import).Report.Errors, nil
				}},
		},
	})
	b.register(format, rowError, result)
	b.query["imports"] = &graphql.Field{
		Type:        listOf(result),
		Description: "The asset lists imported into a donation, oldest first. Staff and administrators only.",
		Args:        graphql.FieldConfigArgument{"donationID": {Type: nonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("donationID", "Donation", p.Args["donationID"].(string))
			if err != nil {
				return nil, err
			}
			return b.deps.Inventory.Imports(p.Context, id)
		},
	}
}
