package web

import (
	"testing"
	"time"

	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/workshops"
)

// TestImpactMessagesComplete checks that every message the impact tables and follow-up pages
// build from values (impact.col.*, kind.*, req.partner.*, fu.use.*, impact.cert.*) exists in
// French, German and English, and the follow-up's in Portuguese and Arabic too.
func TestImpactMessagesComplete(t *testing.T) {
	tr, err := loadTranslations(files)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pid := int64(1)
	l := &impact.Ledger{From: day, To: day, Months: []impact.MonthFlows{{Month: day}},
		Hours: []workshops.ProgrammeMonth{{Month: day}, {ProgrammeID: &pid, Month: day}}, FactorSets: []impact.FactorSetUse{{Name: "x"}},
		FollowUps: impact.FollowUps{}}
	for _, k := range inventory.Kinds {
		l.Kinds = append(l.Kinds, impact.KindFlows{Kind: k})
	}
	for _, k := range requests.PartnerKinds {
		for _, p := range requests.Purposes {
			l.ByPartner = append(l.ByPartner, impact.PartnerGroup{PartnerKind: k, Purpose: p})
		}
	}
	for _, k := range certificates.Kinds {
		l.Certificates = append(l.Certificates, certificates.KindCount{Kind: k})
	}
	ids := map[string]bool{}
	for _, tbl := range l.Tables() {
		ids[tbl.Title] = true
		for _, c := range tbl.Columns {
			ids[c] = true
		}
		for _, r := range append(tbl.Rows, tbl.Total) {
			for _, c := range r {
				if c.Translate {
					ids[c.Text] = true
				}
			}
		}
	}
	followUp := map[string]bool{}
	for _, a := range requests.InUses {
		followUp["fu.in_use."+string(a)] = true
	}
	for _, u := range requests.Uses {
		followUp["fu.use."+string(u)] = true
	}
	for _, p := range requests.Problems {
		followUp["fu.problem."+string(p)] = true
	}
	for id := range followUp {
		ids[id] = true
	}
	if len(ids) < 60 {
		t.Fatalf("only %d message ids: the tables are empty", len(ids))
	}
	for _, code := range []string{"fr", "de", "en", "pt", "ar"} {
		loc := tr.locale(code, nil)
		for id := range ids {
			if (code == "pt" || code == "ar") && !followUp[id] {
				continue
			}
			if !loc.Has(id) {
				t.Errorf("%s: no message %s", code, id)
			}
		}
	}
	if !tr.locale("en", nil).Has("cert.kind.impact_report") {
		t.Error("no name for the annual report's kind on the verification page")
	}
}
