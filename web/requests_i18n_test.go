package web

import (
	"testing"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
)

// TestRequestMessagesComplete checks the request pages' messages built from values (a status, a
// purpose, a match's reason, the title a handler passes), which TestMessagesComplete cannot
// find in the text: French, German and English have each, Portuguese and Arabic the hand-out
// page's.
func TestRequestMessagesComplete(t *testing.T) {
	tr, err := loadTranslations(files)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"req.list.title", "req.page.title", "req.queue.title", "req.handout.title", "admin.title",
		"req.queue.decide", "req.queue.allocate", "req.queue.handout", "req.handout.signature_missing"}
	add := func(prefix string, values ...string) {
		for _, v := range values {
			ids = append(ids, prefix+v)
		}
	}
	for _, s := range requests.Statuses {
		add("req.status.", string(s))
	}
	for _, p := range requests.Purposes {
		add("req.purpose.", string(p))
	}
	for _, u := range requests.Urgencies {
		add("req.urgency.", string(u))
	}
	for _, h := range requests.Households {
		add("req.household.", string(h))
	}
	for _, k := range requests.PartnerKinds {
		add("req.partner.", string(k))
	}
	for _, d := range requests.Decisions {
		add("req.decided.", string(d))
	}
	add("req.event.", "submitted", "decided", "allocated", "released", "handed_out", "cancelled", "anonymised")
	add("req.match.", "layout_exact", "layout_close", "os_language", "os_multilingual", "ram", "battery", "grade", "year")
	for _, code := range []string{"fr", "de", "en"} {
		loc := tr.locale(code, nil)
		for _, id := range ids {
			if !loc.Has(id) {
				t.Errorf("%s: no message %s", code, id)
			}
		}
	}
	// The hand-out page shows the device's kind in the beneficiary's language.
	for _, code := range []string{"pt", "ar"} {
		loc := tr.locale(code, nil)
		for _, k := range inventory.Kinds {
			if !loc.Has("kind." + string(k)) {
				t.Errorf("%s: no message kind.%s for the hand-out page", code, k)
			}
		}
		if !loc.Has("req.handout.signature_missing") {
			t.Errorf("%s: no message req.handout.signature_missing", code)
		}
	}
}
