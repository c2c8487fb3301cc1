package graph

import (
	"net/http"
	"strings"
	"testing"
)

// TestUntypedVariables: variables that graphql-go's parser leaves without a type are a 400, not
// the 500 of its validation's panic (FuzzRequest found `query($s:)`).
func TestUntypedVariables(t *testing.T) {
	s := &testServer{t: t, handler: NewHandler(realSchema(t), Config{Reference: func(q, d string) { t.Errorf("the executors differ on\n%s\n%s", q, d) }}, nil)}
	for _, q := range []string{
		`query($s:) { device(tag: $s) { tag } }`,
		`query($s: !) { device(tag: $s) { tag } }`,
		`query($s: ]) { device(tag: $s) { tag } }`,
		`query($s: [!]!) { device(tag: $s) { tag } }`,
		`mutation($r: ID!, $s:) { handOutDevice(requestID: $r, signature: $s) { id } }`,
	} {
		status, resp := s.post(q, nil, "")
		if status != http.StatusBadRequest || len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "variable $s needs a type") ||
			resp.Errors[0].Extensions["code"] != CodeBadUserInput {
			t.Errorf("%s: got %d %+v, want 400 saying $s needs a type", q, status, resp.Errors)
		}
	}
	if status, resp := s.post(`query($s: [String!]!) { __typename }`, map[string]any{"s": []string{"a"}}, ""); status != http.StatusBadRequest ||
		!strings.Contains(resp.Errors[0].Message, `Variable "$s" is never used`) {
		t.Errorf("a well-typed unused variable: got %d %+v", status, resp.Errors)
	}
}
