package database

import "strings"

// Contains is the LIKE (or ILIKE) pattern of the values that contain s: its %, _ and
// backslashes escaped, so that a search for "50%" or "a_b" finds those characters and not
// what they would match as wildcards.
func Contains(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}
