package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// regexpParam is a path parameter of a route pattern.
var regexpParam = regexp.MustCompile(`\{[a-z]+\}`)

// hostileStrings are what a string argument gets besides its valid value: text PostgreSQL
// cannot hold (a NUL byte), control characters and a value far longer than any field.
var hostileStrings = map[string]func(string) string{
	"a NUL byte":         func(s string) string { return s + "\x00x" },
	"control characters": func(s string) string { return "\x1b[2J\r\n\t" + s + "\u202e" },
	"64 KB":              func(s string) string { return s + strings.Repeat("ä", 32<<10) },
}

// TestHostileStrings calls every row of the authorisation matrix as the administrator (who gets
// furthest) with each string of its variables, one at a time, made hostile: the answer may
// refuse it (BAD_USER_INPUT, NOT_FOUND, ...), never fail as INTERNAL or with a 5xx. It found
// donationByNumber and the certificate routes failing on a NUL byte.
func TestHostileStrings(t *testing.T) {
	t.Parallel()
	w := newAZWorld(t)
	fields, _ := w.served(t)
	calls := 0
	for _, f := range fields {
		for key, op := range rows(f.root, f.name) {
			_, vars := op.call(w, w.a, "admin")
			var paths []string
			stringPaths("", vars, &paths)
			for _, p := range paths {
				for what, spoil := range hostileStrings {
					query, vars := op.call(w, w.a, "admin")
					r := w.gql(t, w.tokens["admin"], query, spoilAt("", p, vars, spoil).(map[string]any))
					calls++
					if r.code() == "INTERNAL" || r.Status >= 500 {
						t.Errorf("%s with %s in %s: %.500s", key, what, p, r.Raw)
					}
				}
			}
		}
	}
	t.Logf("%d calls", calls)
}

// TestHostilePaths asks every page and file route that takes a path parameter (azRoutes) for
// hostile values of it, as staff: refused (a 4xx or a redirect), never a 5xx.
func TestHostilePaths(t *testing.T) {
	t.Parallel()
	w := newAZWorld(t)
	c := w.srv.SignIn(w.staffUser.Email)
	calls := 0
	for pattern := range azRoutes {
		method, p, _ := strings.Cut(pattern, " ")
		if method != http.MethodGet || !strings.Contains(p, "{") || strings.Contains(p, "{$}") {
			continue
		}
		for _, value := range []string{"%00", "X%00Y.pdf", "%2e%2e", strings.Repeat("9", 40), "-1", "%E2%80%AE", strings.Repeat("A", 4000)} {
			path := regexpParam.ReplaceAllString(p, value)
			status, _, body := w.call(t, c, method, path, azRoute{}, w.a)
			calls++
			if status >= 500 {
				t.Errorf("GET %s: %d\n%.1000s", path, status, body)
			}
		}
	}
	t.Logf("%d calls", calls)
}

// stringPaths appends the paths of the strings in v (variables: maps, lists) to out.
func stringPaths(prefix string, v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, prefix)
	case map[string]any:
		for k, e := range x {
			stringPaths(prefix+"."+k, e, out)
		}
	case []map[string]any:
		for i, e := range x {
			stringPaths(fmt.Sprintf("%s[%d]", prefix, i), e, out)
		}
	case []string:
		for i := range x {
			*out = append(*out, fmt.Sprintf("%s[%d]", prefix, i))
		}
	}
}

// spoilAt returns v with the string at path target passed through spoil.
func spoilAt(prefix, target string, v any, spoil func(string) string) any {
	switch x := v.(type) {
	case string:
		if prefix == target {
			return spoil(x)
		}
		return x
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			m[k] = spoilAt(prefix+"."+k, target, e, spoil)
		}
		return m
	case []map[string]any:
		out := make([]map[string]any, len(x))
		for i, e := range x {
			out[i] = spoilAt(fmt.Sprintf("%s[%d]", prefix, i), target, e, spoil).(map[string]any)
		}
		return out
	case []string:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = spoilAt(fmt.Sprintf("%s[%d]", prefix, i), target, e, spoil).(string)
		}
		return out
	}
	return v
}
