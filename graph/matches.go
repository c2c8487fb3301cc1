package graph

import (
	"fmt"
	"strings"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/requests"
)

// addMatches adds the matching of ready devices to a request: DeviceRequest.matches, best first,
// with why each ranks where it does.
func (b *builder) addMatches() {
	st := b.deps.Requests
	reason := graphql.NewObject(graphql.ObjectConfig{
		Name:        "MatchReason",
		Description: "One part of a device's score for a request.",
		Fields: graphql.Fields{
			"code":   {Type: nonNull(graphql.String), Description: "layout_exact, layout_close, os_language, os_multilingual, ram, battery, grade or year."},
			"points": {Type: nonNull(graphql.Int)},
			"value":  {Type: nonNull(graphql.String), Description: "What was read: the layout, the installed system, 8 GB, 87 %, the grade, the year."},
		},
	})
	match := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DeviceMatch",
		Description: "A ready device ranked for a request, with why it ranks where it does.",
		Fields: b.fields("DeviceMatch", func() graphql.Fields {
			return graphql.Fields{
				"device": {Type: nonNull(b.object("Device")), Resolve: func(p graphql.ResolveParams) (any, error) {
					return &p.Source.(*requests.Match).Device, nil
				}},
				"score":   {Type: nonNull(graphql.Int)},
				"reasons": {Type: listOf(reason), Resolve: func(p graphql.ResolveParams) (any, error) { return pointers(p.Source.(*requests.Match).Reasons), nil }},
				"why": {Type: nonNull(graphql.String), Description: "The reasons as one English sentence.", Resolve: func(p graphql.ResolveParams) (any, error) {
					return why(p.Source.(*requests.Match).Reasons), nil
				}},
			}
		}),
	})
	b.register(reason, match)

	b.extend("DeviceRequest", graphql.Fields{
		"matches": {Type: listOf(match), Description: "Ready devices of the request's kind, best first, with why. Staff and administrators.",
			Args: graphql.FieldConfigArgument{"first": {Type: graphql.Int, DefaultValue: 10}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				first, _ := p.Args["first"].(int)
				ms, err := st.Matches(p.Context, p.Source.(*requests.Request).ID, first)
				return pointers(ms), err
			}},
	})
}

// why says a match's reasons in one English sentence.
func why(rs []requests.Reason) string {
	words := map[string]string{
		"layout_exact": "the requested keyboard layout (%s)", "layout_close": "a keyboard layout of the same language (%s)",
		"os_language": "a system in the beneficiary's language (%s)", "os_multilingual": "a system whose language is chosen at start (%s)",
		"ram": "%s of memory", "battery": "battery at %s", "grade": "condition grade %s", "year": "made in %s",
	}
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf(words[r.Code], r.Value)+fmt.Sprintf(" (+%d)", r.Points))
	}
	if len(parts) == 0 {
		return "nothing in particular"
	}
	return strings.Join(parts, ", ")
}
