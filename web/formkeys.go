package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"

	"github.com/digital-inclusion/refurb/internal/idempotency"
)

// withFormKeys gives every form of a signed-in user's page that posts (method="post") a hidden
// field idempotency_key with a key of its own, made afresh at each rendering: a form sent twice
// (a double click, the browser sending it again after a dropped connection, the back button)
// makes its change once, and the second sending gets the first's answer (internal/idempotency,
// docs/api.md). A page rendered again has new keys. No template has to remember it, and no
// script is needed; bench mode's script takes the next key from each answer (static/app.js).
func withFormKeys(page []byte) []byte {
	const open = "<form"
	if !bytes.Contains(page, []byte(open)) {
		return page
	}
	var out bytes.Buffer
	out.Grow(len(page) + 512)
	for {
		i := bytes.Index(page, []byte(open))
		if i < 0 {
			break
		}
		// html/template escapes ">" inside attribute values, so the tag ends at the first one.
		j := bytes.IndexByte(page[i:], '>')
		if j < 0 {
			break
		}
		tag := page[i : i+j+1]
		out.Write(page[:i+j+1])
		page = page[i+j+1:]
		if bytes.Contains(bytes.ToLower(tag), []byte(`method="post"`)) {
			out.WriteString(`<input type="hidden" name="` + idempotency.FormField + `" value="` + newFormKey() + `">`)
		}
	}
	out.Write(page)
	return out.Bytes()
}

// newFormKey returns 128 random bits, URL-safe.
func newFormKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
