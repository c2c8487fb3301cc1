package graph

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/validation"
)

// Global ids are opaque to clients: base64url of "Type:databaseID", so that node(id:) can
// tell which domain object an id names and ids of different types never collide.

func globalID(typeName string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typeName + ":" + strconv.FormatInt(id, 10)))
}

// parseGlobalID returns the type name and database id of a global id. field names the argument
// in the error a client sees.
func parseGlobalID(field, gid string) (string, int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(gid)
	if err == nil {
		typ, num, ok := strings.Cut(string(raw), ":")
		if id, perr := strconv.ParseInt(num, 10, 64); ok && perr == nil && id > 0 {
			return typ, id, nil
		}
	}
	return "", 0, validation.Field(field, "%q is not a Refurb id", gid)
}

// idOf parses a global id that must name an object of type typeName.
func idOf(field, typeName, gid string) (int64, error) {
	typ, id, err := parseGlobalID(field, gid)
	if err != nil {
		return 0, err
	}
	if typ != typeName {
		return 0, validation.Field(field, "%q is the id of a %s, not of a %s", gid, typ, typeName)
	}
	return id, nil
}

// ParseID returns the database id that s names for an object of type typeName: either the
// number itself, as the command line and the pages show it, or the object's global id. The
// command line's --donor-id, --partner-id and --trainee-id take both.
func ParseID(field, typeName, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if id <= 0 {
			return 0, validation.Field(field, "%q is not a %s id", s, typeName)
		}
		return id, nil
	}
	return idOf(field, typeName, s)
}
