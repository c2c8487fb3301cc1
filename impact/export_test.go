package impact_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/inventory"
)

// A ledger built by hand, for the tables and files.
func sampleLedger() *impact.Ledger {
	jan := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	feb := jan.AddDate(0, 1, 0)
	f1 := impact.Flows{Received: 1200, HandedOut: 10, KGReused: 18.3, CO2eAvoidedKG: 1327}
	f2 := impact.Flows{Received: 3, Recycled: 2, Dismantled: 1, KGRecycled: 4.5}
	l := &impact.Ledger{From: jan, To: feb.AddDate(0, 1, -1),
		Months: []impact.MonthFlows{{Month: jan, Flows: f1}, {Month: feb, Flows: f2}},
		Kinds:  []impact.KindFlows{{Kind: inventory.KindLaptop, Flows: f1}, {Kind: inventory.KindMonitor, Flows: f2}},
	}
	l.Devices = impact.Flows{Received: 1203, HandedOut: 10, Recycled: 2, Dismantled: 1, KGReused: 18.3, KGRecycled: 4.5, CO2eAvoidedKG: 1327}
	return l
}

func words() impact.Words {
	return impact.Words{T: func(id string) string { return "«" + id + "»" }, Lang: "fr"}
}

// The months table as CSV: a byte order mark, translated headers and texts, plain numbers, a
// totals line; as XLSX: the same values, numbers as numbers.
func TestTableFiles(t *testing.T) {
	tbl := sampleLedger().Table("months")
	if tbl == nil || len(tbl.Rows) != 2 || sampleLedger().Table("nothing") != nil {
		t.Fatalf("months table: got %+v", tbl)
	}
	var buf bytes.Buffer
	if err := impact.WriteCSV(&buf, tbl, words()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\ufeff«impact.col.month»,«impact.col.received»") {
		t.Errorf("CSV header: got %.80q", buf.String())
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[1][:3]; got[0] != "2026-01" || got[1] != "1200" || got[2] != "10" {
		t.Errorf("CSV January: got %q", got)
	}
	if got := recs[3]; got[0] != "«impact.total»" || got[1] != "1203" || got[9] != "1327.0" {
		t.Errorf("CSV totals: got %q", got)
	}

	buf.Reset()
	if err := impact.WriteXLSX(&buf, tbl, words()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("months", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[1][0] != "2026-01" || rows[1][1] != "1200" || rows[3][1] != "1203" || rows[1][7] != "18.3" {
		t.Errorf("XLSX: got %q", rows)
	}
}
