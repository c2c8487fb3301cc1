package graph

import (
	"net/url"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/workshops"
)

// addHoursReport adds the funder report: approved hours per programme, month and trainee, with
// where to download them.
func (b *builder) addHoursReport() {
	st := b.deps.Workshops
	reportRow := graphql.NewObject(graphql.ObjectConfig{
		Name:        "HoursReportRow",
		Description: "One trainee's approved hours in one programme in one month.",
		Fields: graphql.Fields{
			"programme":       b.programmeField(func(p graphql.ResolveParams) *int64 { return p.Source.(*workshops.ReportRow).ProgrammeID }),
			"programmeName":   of(nonNull(graphql.String), func(x *workshops.ReportRow) any { return x.Programme }),
			"funder":          of(nonNull(graphql.String), func(x *workshops.ReportRow) any { return x.Funder }),
			"month":           of(nonNull(graphql.String), func(x *workshops.ReportRow) any { return x.Month.Format("2006-01") }),
			"trainee":         b.traineeField(func(p graphql.ResolveParams) int64 { return p.Source.(*workshops.ReportRow).TraineeID }),
			"traineeName":     of(nonNull(graphql.String), func(x *workshops.ReportRow) any { return x.Trainee }),
			"approvedMinutes": of(nonNull(graphql.Int), func(x *workshops.ReportRow) any { return x.ApprovedMinutes }),
			"entries":         of(nonNull(graphql.Int), func(x *workshops.ReportRow) any { return x.Entries }),
			"sessions":        of(nonNull(graphql.Int), func(x *workshops.ReportRow) any { return x.Sessions }),
		},
	})
	report := graphql.NewObject(graphql.ObjectConfig{
		Name:        "HoursReport",
		Description: "The funder report: approved hours per programme, month and trainee.",
		Fields: graphql.Fields{
			"rows":         {Type: listOf(reportRow)},
			"totalMinutes": {Type: nonNull(graphql.Int)},
			"csvURL":       {Type: nonNull(graphql.String), Description: "The same as CSV (signed in as staff)."},
			"xlsxURL":      {Type: nonNull(graphql.String), Description: "The same as an Excel workbook (signed in as staff)."},
		},
	})
	b.register(reportRow, report)

	b.query["hoursReport"] = &graphql.Field{
		Type:        nonNull(report),
		Description: "Approved hours per programme, month and trainee for the months from `from` to `to`, and where to download them as CSV and XLSX. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"from":        {Type: nonNull(b.dateT), Description: "Any day of the first month."},
			"to":          {Type: nonNull(b.dateT), Description: "Any day of the last month."},
			"programmeID": {Type: graphql.ID},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			from, err := requiredDate(p.Args, "from")
			if err != nil {
				return nil, err
			}
			to, err := requiredDate(p.Args, "to")
			if err != nil {
				return nil, err
			}
			pid, err := optionalID("programmeID", "Programme", p.Args["programmeID"])
			if err != nil {
				return nil, err
			}
			rows, err := st.HoursReport(p.Context, from, to, pid)
			if err != nil {
				return nil, err
			}
			total := 0
			for _, r := range rows {
				total += r.ApprovedMinutes
			}
			q := url.Values{"from": {workshops.MonthStart(from).Format("2006-01")}, "to": {workshops.MonthStart(to).Format("2006-01")}}
			if pid != nil {
				q.Set("programme", globalID("Programme", *pid))
			}
			return map[string]any{"rows": pointers(rows), "totalMinutes": total,
				"csvURL":  b.deps.PublicURL + "/reports/hours.csv?" + q.Encode(),
				"xlsxURL": b.deps.PublicURL + "/reports/hours.xlsx?" + q.Encode()}, nil
		},
	}

}
