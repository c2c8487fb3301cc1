package graph

import (
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// dateLayout is the Date scalar's format: a calendar date, no time zone.
const dateLayout = time.DateOnly

func newTimeScalar() *graphql.Scalar {
	return graphql.NewScalar(graphql.ScalarConfig{
		Name:        "Time",
		Description: "An instant, as an RFC 3339 timestamp.",
		Serialize: func(v any) any {
			switch t := v.(type) {
			case time.Time:
				return t.UTC().Format(time.RFC3339Nano)
			case *time.Time:
				if t == nil {
					return nil
				}
				return t.UTC().Format(time.RFC3339Nano)
			}
			return nil
		},
		ParseValue: func(v any) any {
			s, ok := v.(string)
			if !ok {
				return nil
			}
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil
			}
			return t
		},
		ParseLiteral: func(v ast.Value) any {
			s, ok := v.(*ast.StringValue)
			if !ok {
				return nil
			}
			t, err := time.Parse(time.RFC3339Nano, s.Value)
			if err != nil {
				return nil
			}
			return t
		},
	})
}

func newDateScalar() *graphql.Scalar {
	parse := func(s string) any {
		t, err := time.Parse(dateLayout, s)
		if err != nil {
			return nil
		}
		return t
	}
	return graphql.NewScalar(graphql.ScalarConfig{
		Name:        "Date",
		Description: "A calendar date, YYYY-MM-DD.",
		Serialize: func(v any) any {
			switch t := v.(type) {
			case time.Time:
				return t.Format(dateLayout)
			case *time.Time:
				if t == nil {
					return nil
				}
				return t.Format(dateLayout)
			}
			return nil
		},
		ParseValue: func(v any) any {
			if s, ok := v.(string); ok {
				return parse(s)
			}
			return nil
		},
		ParseLiteral: func(v ast.Value) any {
			if s, ok := v.(*ast.StringValue); ok {
				return parse(s.Value)
			}
			return nil
		},
	})
}
