package certificates_test

import (
	"encoding/base64"
	"strconv"
)

// globalID is how GraphQL names an object (graph/ids.go).
func globalID(typeName string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typeName + ":" + strconv.FormatInt(id, 10)))
}
