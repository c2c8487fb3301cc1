package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

// compare runs the request again on graphql-go's executor and reports to Config.Reference
// how its answer differs from ours (data, err), if it does. Data are compared as JSON values
// (graphql-go's objects are maps, without the query's order), errors by message and path
// (graphql-go runs fields in map order, so its errors come in no fixed order).
func (h *Handler) compare(r *http.Request, p params, doc *ast.Document, scope *requestScope, data []byte, errs []gqlerrors.FormattedError, err error) {
	if err != nil {
		return // a value JSON cannot hold: graphql-go's answer would fail to encode too
	}
	r = r.WithContext(context.WithValue(r.Context(), referenceRunKey{}, true))
	reference := &requestScope{budget: &responseBudget{limit: h.cfg.MaxResponseBytes}}
	result := h.executeReference(r, doc, p, reference)
	if ours, theirs := scope.budget.spent(), reference.budget.spent(); ours || theirs {
		// Either answer is the one error of a cut response, whatever was built before the cut.
		if ours != theirs {
			h.cfg.Reference(p.Query, fmt.Sprintf("response cut: ours %v, theirs %v", ours, theirs))
		}
		return
	}
	var ours, theirs any
	if data != nil {
		if err := json.Unmarshal(data, &ours); err != nil {
			h.cfg.Reference(p.Query, fmt.Sprintf("our executor wrote invalid JSON: %v\n%s", err, data))
			return
		}
	}
	if result.Data != nil {
		raw, _ := json.Marshal(result.Data)
		json.Unmarshal(raw, &theirs)
	}
	var diffs []string
	if !reflect.DeepEqual(ours, theirs) {
		raw, _ := json.Marshal(theirs)
		diffs = append(diffs, fmt.Sprintf("data:\n  ours:    %s\n  theirs: %s", data, raw))
	}
	if a, b := errorKeys(errs), errorKeys(result.Errors); !sameErrors(errs, result.Errors, ours) {
		diffs = append(diffs, fmt.Sprintf("errors:\n  ours:    %q\n  theirs: %q", a, b))
	}
	if diffs != nil {
		h.cfg.Reference(p.Query, strings.Join(diffs, "\n"))
	}
}

// sameErrors reports whether the two executors' errors agree. graphql-go stops resolving an
// object's fields once a non-null one fails, in the order of a map; ours resolves them all.
// So ours may hold more errors, but only below an object the failure made null.
func sameErrors(ours, theirs []gqlerrors.FormattedError, data any) bool {
	count := map[string]int{}
	for _, k := range errorKeys(ours) {
		count[k]++
	}
	for _, k := range errorKeys(theirs) {
		if count[k] == 0 {
			return false
		}
		count[k]--
	}
	for i, e := range ours {
		if k := errorKeys(ours[i : i+1])[0]; count[k] > 0 {
			count[k]--
			if !underNull(data, e.Path) {
				return false
			}
		}
	}
	return true
}

// underNull reports whether a proper prefix of path is null in data.
func underNull(data any, path []any) bool {
	v := data
	for _, step := range path[:max(len(path)-1, 0)] {
		switch x := v.(type) {
		case map[string]any:
			key, _ := step.(string)
			v = x[key]
		case []any:
			i, ok := step.(int)
			if !ok || i < 0 || i >= len(x) {
				return false
			}
			v = x[i]
		default:
			return false
		}
		if v == nil {
			return true
		}
	}
	return false
}

// errorKeys are errs as sorted "path: message (locations)" lines.
func errorKeys(errs []gqlerrors.FormattedError) []string {
	keys := make([]string, len(errs))
	for i, e := range errs {
		keys[i] = fmt.Sprintf("%v: %s %v", e.Path, e.Message, e.Locations)
	}
	slices.Sort(keys)
	return keys
}

type referenceRunKey struct{}

// ReferenceRun reports whether ctx is graphql-go's second run of a query for Config.Reference:
// a test that counts a request's statements leaves those out.
func ReferenceRun(ctx context.Context) bool {
	v, _ := ctx.Value(referenceRunKey{}).(bool)
	return v
}
