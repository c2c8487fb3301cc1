package certificates

import (
	"maps"
	"strconv"
	"strings"
)

// The donor's list reconciliation on a donation certificate: when the donor sent their asset
// list (imported into the donation), the devices the list names that never reached the bench,
// and the devices received that the list does not name (docs/impact.md, "Donors").

func init() { maps.Copy(phrases, reconcilePhrases) }

var reconcilePhrases = map[string][5]string{
	"rec.heading":      {"Rapprochement avec la liste du donateur", "Abgleich mit der Liste des Spenders", "Reconciliation with the donor's list"},
	"rec.summary":      {"%d liste(s), %d lignes : %d appareil(s) listé(s) jamais arrivé(s) à l'atelier, %d appareil(s) reçu(s) absent(s) de la liste.", "%d Liste(n), %d Zeilen: %d gelistete(s) Gerät(e) nie in der Werkstatt angekommen, %d erhaltene(s) Gerät(e) nicht auf der Liste.", "%d list(s), %d rows: %d listed device(s) never arrived at the workshop, %d device(s) received but not on the list."},
	"rec.match":        {"Tous les appareils listés sont arrivés et tous les appareils reçus figurent sur la liste.", "Alle gelisteten Geräte sind angekommen und alle erhaltenen Geräte stehen auf der Liste.", "Every listed device arrived and every device received is on the list."},
	"rec.missing":      {"Listés, jamais arrivés", "Gelistet, nie angekommen", "Listed, never arrived"},
	"rec.missing.help": {"Appareils que la liste nomme mais que l'atelier n'a jamais manipulés (ni effacement, ni réparation, ni contrôle, ni mouvement), ou déclarés perdus.", "Geräte, die die Liste nennt, die die Werkstatt aber nie bearbeitet hat (weder Löschung noch Reparatur, Prüfung oder Bewegung) oder die als verloren gemeldet sind.", "Devices the list names that the workshop never handled (no wipe, repair, check or move), or reported lost."},
	"rec.extra":        {"Reçus, absents de la liste", "Erhalten, nicht auf der Liste", "Received, not on the list"},
	"rec.col.line":     {"Ligne", "Zeile", "Line"},
	"rec.lost":         {"perdu", "verloren", "lost"},
}

// reconcileTables builds the two tables of the reconciliation.
func (r *renderer) prepareReconcile() {
	rec, l := r.doc.Reconciliation, r.l
	if rec == nil || rec.Lists == 0 {
		return
	}
	r.missingTable = r.newTable([]column{
		{title: l.T("rec.col.line"), w: 14, right: true},
		{title: l.T("col.assettag"), w: 28},
		{title: l.T("col.kind"), w: 24},
		{title: l.T("col.model"), w: 48},
		{title: l.T("col.serial"), w: 38},
		{title: l.T("col.tag"), w: contentW - 14 - 28 - 24 - 48 - 38},
	}, nil)
	for _, d := range rec.NotArrived {
		tag := d.Tag
		if d.Status == "lost" {
			tag += " (" + l.T("rec.lost") + ")"
		}
		r.add(r.missingTable, [][]string{{strconv.Itoa(d.Line)}, {d.DonorAssetTag}, {l.T("kind." + string(d.Kind))},
			{strings.TrimSpace(d.Make + " " + d.Model)}, {d.SerialNumber}, {tag}}, nil, false)
	}
	r.extraTable = r.newTable([]column{
		{title: l.T("col.tag"), w: 34},
		{title: l.T("col.kind"), w: 28},
		{title: l.T("col.model"), w: 60},
		{title: l.T("col.serial"), w: contentW - 34 - 28 - 60},
	}, nil)
	for _, d := range rec.NotListed {
		r.add(r.extraTable, [][]string{{d.Tag}, {l.T("kind." + string(d.Kind))}, {strings.TrimSpace(deref(d.Make) + " " + deref(d.Model))},
			{deref(d.SerialNumber)}}, nil, false)
	}
}

// reconcileBody prints the reconciliation after the donation's devices.
func (r *renderer) reconcileBody() {
	rec, l := r.doc.Reconciliation, r.l
	if rec == nil || rec.Lists == 0 {
		return
	}
	r.heading(l.T("rec.heading"), 3*lineHeight(sizeBody))
	r.paragraph(l.T("rec.summary", rec.Lists, rec.Listed, len(rec.NotArrived), len(rec.NotListed)), true, sizeBody, marginL, contentW)
	if len(rec.NotArrived) == 0 && len(rec.NotListed) == 0 {
		r.paragraph(l.T("rec.match"), false, sizeBody, marginL, contentW)
		return
	}
	if len(rec.NotArrived) > 0 {
		r.heading(l.T("rec.missing"), r.missingTable.headerH+r.missingTable.firstRowH()+lineHeight(sizeSmall))
		r.paragraph(l.T("rec.missing.help"), false, sizeSmall, marginL, contentW)
		r.table(r.missingTable)
	}
	if len(rec.NotListed) > 0 {
		r.heading(l.T("rec.extra"), r.extraTable.headerH+r.extraTable.firstRowH())
		r.table(r.extraTable)
	}
}
