package certificates

import (
	"fmt"
	"maps"
	"strconv"

	"github.com/digital-inclusion/refurb/workshops"
)

// The layout of an attendance and skills certificate: the participant and the programme, the
// total of approved hours, the organisation's declaration, the hours week by week, the skills
// with their level, date and assessor, and the tutor's signature block.

func init() { maps.Copy(phrases, attendancePhrases) }

var attendancePhrases = map[string][5]string{
	"title.attendance":       {"Attestation de présence et de compétences", "Teilnahme- und Kompetenzbescheinigung", "Certificate of attendance and skills"},
	"att.participant":        {"Participant(e)", "Teilnehmer/in", "Participant"},
	"att.programme":          {"Programme", "Programm", "Programme"},
	"att.programme.name":     {"Programme", "Programm", "Programme"},
	"att.funder":             {"Financé par", "Gefördert von", "Funded by"},
	"att.period":             {"Période", "Zeitraum", "Period"},
	"att.period.value":       {"du %s au %s", "vom %s bis %s", "from %s to %s"},
	"att.tutor":              {"Tuteur / tutrice", "Betreuer/in", "Tutor"},
	"att.none":               {"Sans programme", "Ohne Programm", "No programme"},
	"att.summary":            {"Total des heures approuvées : %s, sur %d semaine(s)", "Genehmigte Stunden insgesamt: %s, in %d Woche(n)", "Total approved hours: %s, over %d week(s)"},
	"att.declaration.text":   {"%s atteste que %s a participé aux activités de son atelier pendant la période indiquée. Les heures ci-dessous ont été enregistrées puis approuvées par son personnel ; les compétences ont été évaluées par le personnel nommé, à la date indiquée.", "%s bestätigt, dass %s im angegebenen Zeitraum an den Tätigkeiten ihrer Werkstatt teilgenommen hat. Die unten aufgeführten Stunden wurden erfasst und von ihren Mitarbeitenden genehmigt; die Kompetenzen wurden von den genannten Mitarbeitenden am angegebenen Datum bewertet.", "%s certifies that %s took part in the activities of its workshop during the period shown. The hours below were recorded and then approved by its staff; the skills were assessed by the staff member named, on the date shown."},
	"att.weeks":              {"Heures approuvées par semaine", "Genehmigte Stunden je Woche", "Approved hours by week"},
	"att.col.week":           {"Semaine", "Woche", "Week"},
	"att.col.isoweek":        {"N° ISO", "KW", "ISO week"},
	"att.col.hours":          {"Heures", "Stunden", "Hours"},
	"att.skills":             {"Compétences", "Kompetenzen", "Skills"},
	"att.skills.none":        {"Aucune compétence évaluée à ce jour.", "Bisher keine Kompetenz bewertet.", "No skill assessed yet."},
	"att.col.skill":          {"Compétence", "Kompetenz", "Skill"},
	"att.col.level":          {"Niveau", "Stufe", "Level"},
	"att.col.assessed":       {"Évaluée le", "Bewertet am", "Assessed on"},
	"att.col.assessor":       {"Par", "Von", "By"},
	"att.level.observed":     {"observé", "beobachtet", "observed"},
	"att.level.assisted":     {"réalisé avec aide", "mit Hilfe ausgeführt", "done with help"},
	"att.level.independent":  {"réalisé en autonomie", "selbstständig ausgeführt", "done independently"},
	"att.signature":          {"Pour %s — le tuteur / la tutrice, nom, date et signature :", "Für %s — der/die Betreuer/in, Name, Datum und Unterschrift:", "For %s — the tutor, name, date and signature:"},
	"att.hours":              {"%d h %02d", "%d Std. %02d Min.", "%d h %02d min"},
	"att.week.range":         {"%s – %s", "%s – %s", "%s – %s"},
	"att.no.weeks":           {"Aucune heure approuvée sur la période.", "Keine genehmigten Stunden im Zeitraum.", "No approved hours in the period."},
	"att.tutor.name.missing": {"—", "—", "—"},
}

// hm formats minutes as hours and minutes in the language.
func (r *renderer) hm(minutes int) string { return r.l.T("att.hours", minutes/60, minutes%60) }

// attendanceTexts are the texts of an attendance certificate that may need the fallback font.
func (r *renderer) attendanceTexts() []string {
	a := r.doc.Attendance
	if a == nil {
		return nil
	}
	texts := []string{a.TraineeName, a.Programme, a.Funder, a.TutorName}
	lang := Languages[r.l]
	for _, sk := range a.Skills {
		texts = append(texts, sk.Name(lang), sk.Assessor)
	}
	return texts
}

// prepareAttendance builds the week and skill tables.
func (r *renderer) prepareAttendance() {
	a, l := r.doc.Attendance, r.l
	r.weekTable = r.newTable([]column{
		{title: l.T("col.n"), w: 10, right: true},
		{title: l.T("att.col.week"), w: 70},
		{title: l.T("att.col.isoweek"), w: 25, right: true},
		{title: l.T("att.col.hours"), w: 35, right: true},
	}, nil)
	for i, w := range a.Weeks {
		_, iso := w.Start.ISOWeek()
		r.add(r.weekTable, [][]string{{strconv.Itoa(i + 1)},
			{l.T("att.week.range", l.shortDate(w.Start), l.shortDate(w.Start.AddDate(0, 0, 6)))},
			{strconv.Itoa(iso)}, {r.hm(w.Approved)}}, nil, false)
	}
	r.add(r.weekTable, [][]string{{""}, {l.T("totals.all")}, {""}, {r.hm(a.TotalMinutes)}}, nil, true)

	lang := Languages[l]
	r.skillTable = r.newTable([]column{
		{title: l.T("att.col.skill"), w: 62},
		{title: l.T("att.col.level"), w: 42},
		{title: l.T("att.col.assessed"), w: 28},
		{title: l.T("att.col.assessor"), w: contentW - 62 - 42 - 28},
	}, nil)
	for _, sk := range a.Skills {
		r.add(r.skillTable, [][]string{{sk.Name(lang)}, {l.T("att.level." + string(sk.Level))}, {l.shortDate(sk.AssessedOn)}, {sk.Assessor}},
			[]bool{true}, false)
	}
}

// attendanceBody lays out an attendance certificate after the common head.
func (r *renderer) attendanceBody() {
	a, l := r.doc.Attendance, r.l
	org := r.doc.Org.Name
	colW := (contentW - 6) / 2
	top := r.y
	r.text(marginL, r.y+ascent(sizeHead), l.T("att.participant"), true, sizeHead)
	r.y += lineHeight(sizeHead)
	r.paragraph(a.TraineeName, true, sizeOrg, marginL, colW)
	left := r.y
	r.y = top
	x := marginL + colW + 6
	r.text(x, r.y+ascent(sizeHead), l.T("att.programme"), true, sizeHead)
	r.y += lineHeight(sizeHead)
	var lines []string
	if a.Programme != "" {
		lines = append(lines, l.T("att.programme.name")+l.T("colon")+a.Programme)
		if a.Funder != "" {
			lines = append(lines, l.T("att.funder")+l.T("colon")+a.Funder)
		}
	} else {
		lines = append(lines, l.T("att.none"))
	}
	lines = append(lines, l.T("att.period")+l.T("colon")+l.T("att.period.value", l.date(a.From), l.date(a.To)))
	tutor := a.TutorName
	if tutor == "" {
		tutor = l.T("att.tutor.name.missing")
	}
	lines = append(lines, l.T("att.tutor")+l.T("colon")+tutor)
	for _, ln := range lines {
		r.paragraph(ln, false, sizeBody, x, colW)
	}
	r.y = max(r.y, left) + 3

	r.paragraph(l.T("att.summary", r.hm(a.TotalMinutes), len(a.Weeks)), true, sizeHead, marginL, contentW)
	r.y += 2
	r.paragraph(l.T("att.declaration.text", org, a.TraineeName), false, sizeBody, marginL, contentW)

	r.heading(fmt.Sprintf("%s (%d)", l.T("att.skills"), len(a.Skills)), r.skillTable.headerH+r.skillTable.firstRowH())
	if len(a.Skills) == 0 {
		r.paragraph(l.T("att.skills.none"), false, sizeBody, marginL, contentW)
	} else {
		r.table(r.skillTable)
	}

	r.heading(fmt.Sprintf("%s (%d)", l.T("att.weeks"), len(a.Weeks)), r.weekTable.headerH+r.weekTable.firstRowH())
	if len(a.Weeks) == 0 {
		r.paragraph(l.T("att.no.weeks"), false, sizeBody, marginL, contentW)
	} else {
		r.table(r.weekTable)
	}

	r.y += 4
	r.need(22)
	r.paragraph(l.T("att.signature", org), false, sizeBody, marginL, contentW)
	r.y += 14
	if r.draw {
		r.d.SetDrawColor(60, 60, 60)
		r.d.SetLineWidth(0.2)
		r.d.Line(marginL, r.y, marginL+80, r.y)
	}
	r.y += 3
}

// Make sure the package keeps the workshops' levels it prints.
var _ = []workshops.Level{workshops.LevelObserved, workshops.LevelAssisted, workshops.LevelIndependent}
