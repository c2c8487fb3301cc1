package certificates

import (
	"maps"
	"math"
	"strconv"
	"time"
)

// The layout of an annual impact report: the year and its headline figures, the devices month
// by month (a bar chart), the hand-outs by partner and purpose (bar charts), the devices by kind
// (a table), the environment (factor sets, ages and years of use gained), people (waiting times,
// the queue, follow-ups), the school (programmes, skills, certificates) and how the figures are
// made. Charts are vector drawings, each with its figures printed beside it.

func init() { maps.Copy(phrases, reportPhrases) }

var reportPhrases = map[string][5]string{
	"title.impact_report":       {"Rapport d'impact annuel", "Jährlicher Wirkungsbericht", "Annual impact report"},
	"rep.year":                  {"Année %d", "Jahr %d", "Year %d"},
	"rep.period":                {"Période du %s au %s", "Zeitraum vom %s bis %s", "Period from %s to %s"},
	"rep.ytd":                   {"L'année n'est pas terminée : les chiffres couvrent la période jusqu'au %s.", "Das Jahr ist nicht abgeschlossen: Die Zahlen reichen bis zum %s.", "The year is not over: the figures cover the period up to %s."},
	"rep.headline":              {"L'année en chiffres", "Das Jahr in Zahlen", "The year in figures"},
	"rep.h.received":            {"appareils reçus", "Geräte erhalten", "devices received"},
	"rep.h.handed":              {"appareils remis (réemploi)", "Geräte übergeben (Wiederverwendung)", "devices handed out (reused)"},
	"rep.h.recycled":            {"appareils recyclés ou démantelés", "Geräte recycelt oder zerlegt", "devices recycled or dismantled"},
	"rep.h.kgreused":            {"kg réemployés", "kg wiederverwendet", "kg reused"},
	"rep.h.kgrecycled":          {"kg recyclés", "kg recycelt", "kg recycled"},
	"rep.h.co2":                 {"kg CO2e évités (estimation)", "kg CO2e vermieden (Schätzung)", "kg CO2e avoided (estimate)"},
	"rep.h.requests":            {"personnes équipées (demandes remises)", "ausgestattete Personen (übergebene Anfragen)", "people equipped (requests handed out)"},
	"rep.h.wait":                {"jours d'attente (médiane)", "Tage Wartezeit (Median)", "days of waiting (median)"},
	"rep.h.hours":               {"heures de formation approuvées", "genehmigte Ausbildungsstunden", "approved trainee hours"},
	"rep.months":                {"Appareils par mois", "Geräte je Monat", "Devices by month"},
	"rep.legend.received":       {"reçus", "erhalten", "received"},
	"rep.legend.handed":         {"remis", "übergeben", "handed out"},
	"rep.legend.recycled":       {"recyclés ou démantelés", "recycelt oder zerlegt", "recycled or dismantled"},
	"rep.partners":              {"Remises par type de partenaire", "Übergaben nach Art des Partners", "Hand-outs by kind of partner"},
	"rep.purposes":              {"Remises par usage prévu", "Übergaben nach Verwendungszweck", "Hand-outs by purpose"},
	"rep.none":                  {"Aucune remise sur la période.", "Keine Übergabe im Zeitraum.", "No hand-out in the period."},
	"rep.kinds":                 {"Appareils par type", "Geräte nach Art", "Devices by kind"},
	"rep.col.received":          {"Reçus", "Erhalten", "Received"},
	"rep.col.handed":            {"Remis", "Übergeben", "Handed out"},
	"rep.col.recycled":          {"Recyclés / démantelés", "Recycelt / zerlegt", "Recycled / dismantled"},
	"rep.col.kgreused":          {"kg réemployés", "kg wiederverw.", "kg reused"},
	"rep.col.co2":               {"kg CO2e évités", "kg CO2e vermieden", "kg CO2e avoided"},
	"rep.env":                   {"Environnement", "Umwelt", "Environment"},
	"rep.env.kg":                {"Poids reçu : %s kg ; réemployé : %s kg ; recyclé ou démantelé : %s kg.", "Erhaltenes Gewicht: %s kg; wiederverwendet: %s kg; recycelt oder zerlegt: %s kg.", "Weight received: %s kg; reused: %s kg; recycled or dismantled: %s kg."},
	"rep.env.set":               {"Facteurs %s, version %s : %d appareils remis, %s kg CO2e évités.", "Faktoren %s, Version %s: %d übergebene Geräte, %s kg CO2e vermieden.", "Factors %s, version %s: %d devices handed out, %s kg CO2e avoided."},
	"rep.env.set.from":          {"Facteurs %s, version %s (en vigueur depuis le %s) : %d appareils remis, %s kg CO2e évités.", "Faktoren %s, Version %s (gültig seit %s): %d übergebene Geräte, %s kg CO2e vermieden.", "Factors %s, version %s (in force since %s): %d devices handed out, %s kg CO2e avoided."},
	"rep.env.spans":             {"La période couvre plusieurs jeux de facteurs : chaque remise compte avec le jeu en vigueur le jour de la remise, et le total additionne leurs valeurs.", "Der Zeitraum umfasst mehrere Faktorensätze: Jede Übergabe zählt mit dem am Tag der Übergabe gültigen Satz, die Summe addiert ihre Werte.", "The period spans several factor sets: each hand-out counts with the set in force on its day, and the total adds their values."},
	"rep.env.noset":             {"Aucun facteur d'impact n'a servi : aucun appareil remis, ou aucun jeu de facteurs configuré.", "Kein Wirkungsfaktor wurde verwendet: kein Gerät übergeben oder kein Faktorensatz hinterlegt.", "No impact factor was used: no device handed out, or no factor set configured."},
	"rep.env.age":               {"Âge moyen à la réception : %s ans ; à la remise : %s ans. Années d'usage gagnées par appareil remis (estimation) : %s ; durée de vie multipliée par %s.", "Durchschnittsalter beim Eingang: %s Jahre; bei der Übergabe: %s Jahre. Gewonnene Nutzungsjahre je übergebenem Gerät (Schätzung): %s; Lebensdauer mal %s.", "Mean age at intake: %s years; at hand-out: %s years. Years of use gained per device handed out (estimate): %s; lifetime multiplied by %s."},
	"rep.people":                {"Personnes", "Menschen", "People"},
	"rep.people.wait":           {"%d demandes remises ; attente de la demande à la remise : médiane %s jours, 90e centile %s jours. %d demandes en attente d'un appareil le %s.", "%d Anfragen übergeben; Wartezeit von der Anfrage bis zur Übergabe: Median %s Tage, 90. Perzentil %s Tage. %d Anfragen warteten am %s auf ein Gerät.", "%d requests handed out; waiting from request to hand-out: median %s days, 90th percentile %s days. %d requests waiting for a device on %s."},
	"rep.people.followups":      {"Suivi à trois mois : %d questionnaires envoyés, %d réponses, dont %d appareils toujours utilisés.", "Nachfrage nach drei Monaten: %d Fragebögen gesendet, %d Antworten, davon %d Geräte noch in Gebrauch.", "Three-month follow-up: %d questionnaires sent, %d answers, of which %d devices still in use."},
	"rep.school":                {"Formation et emploi", "Ausbildung und Beschäftigung", "Training and employment"},
	"rep.school.text":           {"%s d'heures de formation approuvées ; %d compétences certifiées ; %d certificats émis.", "%s genehmigte Ausbildungsstunden; %d zertifizierte Kompetenzen; %d ausgestellte Bescheinigungen.", "%s of approved trainee hours; %d skills certified; %d certificates issued."},
	"rep.col.programme":         {"Programme", "Programm", "Programme"},
	"rep.col.funder":            {"Financeur", "Geldgeber", "Funder"},
	"rep.col.hours":             {"Heures", "Stunden", "Hours"},
	"rep.col.trainees":          {"Stagiaires", "Teilnehmende", "Trainees"},
	"rep.noprogramme":           {"Hors programme", "Ohne Programm", "Outside any programme"},
	"rep.method":                {"Méthode", "Methode", "Method"},
	"rep.method.text":           {"Les flux d'appareils viennent de l'historique des appareils (réception, remise, recyclage, démantèlement), les remises et attentes des demandes, les heures des entrées approuvées. Le CO2e évité est l'empreinte de fabrication d'un appareil neuf × le déplacement, par catégorie, pour chaque appareil remis ; c'est une estimation. Les années d'usage gagnées sont une hypothèse par type d'appareil. Détails : docs/impact.md.", "Die Geräteflüsse stammen aus der Gerätehistorie (Eingang, Übergabe, Recycling, Zerlegung), Übergaben und Wartezeiten aus den Anfragen, Stunden aus den genehmigten Einträgen. Die vermiedenen CO2e sind der Herstellungs-Fußabdruck eines Neugeräts × Verdrängung, je Kategorie, für jedes übergebene Gerät; eine Schätzung. Die gewonnenen Nutzungsjahre sind eine Annahme je Geräteart. Einzelheiten: docs/impact.md.", "Device flows come from the devices' history (intake, hand-out, recycling, dismantling), hand-outs and waiting times from the requests, hours from the approved entries. CO2e avoided is a new device's manufacturing footprint × displacement, by category, for each device handed out; an estimate. Years of use gained are an assumption by kind of device. Details: docs/impact.md."},
	"partner.social_office":     {"Office social", "Sozialamt", "Social office"},
	"partner.refugee_agency":    {"Accueil des réfugiés", "Flüchtlingshilfe", "Refugee agency"},
	"partner.ngo":               {"ONG", "NGO", "NGO"},
	"partner.school":            {"École", "Schule", "School"},
	"partner.other":             {"Autre", "Sonstige", "Other"},
	"purpose.school":            {"École", "Schule", "School"},
	"purpose.job_search":        {"Recherche d'emploi", "Arbeitssuche", "Job search"},
	"purpose.administration":    {"Démarches administratives", "Behördengänge", "Administration"},
	"purpose.language_learning": {"Apprentissage des langues", "Sprachenlernen", "Language learning"},
	"purpose.other":             {"Autre", "Sonstiges", "Other"},
	"rep.na":                    {"—", "—", "—"},
}

// chart colours: received, handed out, recycled.
var chartColours = [3][3]int{{90, 110, 140}, {30, 130, 80}, {190, 120, 40}}

// optNum formats an optional number with decimals, or a dash.
func (r *renderer) optNum(v *float64, decimals int) string {
	if v == nil {
		return r.l.T("rep.na")
	}
	return r.l.num(*v, decimals)
}

// prepareReport builds the report's tables.
func (r *renderer) prepareReport() {
	rep, l := r.doc.Report, r.l
	r.kindTable = r.newTable([]column{
		{title: l.T("col.kind"), w: 42},
		{title: l.T("rep.col.received"), w: 22, right: true},
		{title: l.T("rep.col.handed"), w: 22, right: true},
		{title: l.T("rep.col.recycled"), w: 30, right: true},
		{title: l.T("rep.col.kgreused"), w: 27, right: true},
		{title: l.T("rep.col.co2"), w: contentW - 42 - 22 - 22 - 30 - 27, right: true},
	}, nil)
	for _, k := range rep.Kinds {
		r.add(r.kindTable, [][]string{{l.T("kind." + string(k.Kind))}, {l.num(float64(k.Received), 0)}, {l.num(float64(k.HandedOut), 0)},
			{l.num(float64(k.Recycled), 0)}, {l.num(k.KGReused, 1)}, {l.num(k.CO2eAvoidedKG, 1)}}, nil, false)
	}
	r.add(r.kindTable, [][]string{{l.T("totals.all")}, {l.num(float64(rep.DevicesReceived), 0)}, {l.num(float64(rep.DevicesHandedOut), 0)},
		{l.num(float64(rep.DevicesRecycled), 0)}, {l.num(rep.KGReused, 1)}, {l.num(rep.CO2eAvoidedKG, 1)}}, nil, true)

	r.weekTable = r.newTable([]column{
		{title: l.T("rep.col.programme"), w: 70},
		{title: l.T("rep.col.funder"), w: 50},
		{title: l.T("rep.col.hours"), w: 30, right: true},
		{title: l.T("rep.col.trainees"), w: contentW - 150, right: true},
	}, nil)
	for _, p := range rep.Programmes {
		name := p.Name
		if name == "" {
			name = l.T("rep.noprogramme")
		}
		r.add(r.weekTable, [][]string{{name}, {p.Funder}, {l.num(float64(p.Minutes)/60, 1)}, {strconv.Itoa(p.Trainees)}}, nil, false)
	}
	r.add(r.weekTable, [][]string{{l.T("totals.all")}, {""}, {l.num(float64(rep.TraineeMinutes)/60, 1)}, {""}}, nil, true)
}

// reportTexts are the texts of a report that may need the fallback font.
func (r *renderer) reportTexts() []string {
	rep := r.doc.Report
	if rep == nil {
		return nil
	}
	var texts []string
	for _, p := range rep.Programmes {
		texts = append(texts, p.Name, p.Funder)
	}
	for _, s := range rep.FactorSets {
		texts = append(texts, s.Name, s.Version)
	}
	return texts
}

// reportBody lays out an annual report after the common head.
func (r *renderer) reportBody() {
	rep, l := r.doc.Report, r.l
	r.paragraph(l.T("rep.year", rep.Year), true, sizeTitle, marginL, contentW)
	r.paragraph(l.T("rep.period", l.date(rep.From), l.date(rep.To)), false, sizeBody, marginL, contentW)
	if rep.YearToDate {
		r.paragraph(l.T("rep.ytd", l.date(rep.To)), false, sizeBody, marginL, contentW)
	}

	// Headline figures, three by three.
	r.heading(l.T("rep.headline"), 3*17)
	figures := []struct{ value, label string }{
		{l.num(float64(rep.DevicesReceived), 0), l.T("rep.h.received")},
		{l.num(float64(rep.DevicesHandedOut), 0), l.T("rep.h.handed")},
		{l.num(float64(rep.DevicesRecycled), 0), l.T("rep.h.recycled")},
		{l.num(rep.KGReused, 0), l.T("rep.h.kgreused")},
		{l.num(rep.KGRecycled, 0), l.T("rep.h.kgrecycled")},
		{l.num(rep.CO2eAvoidedKG, 0), l.T("rep.h.co2")},
		{l.num(float64(rep.RequestsHandedOut), 0), l.T("rep.h.requests")},
		{r.optNum(rep.MedianWaitDays, 1), l.T("rep.h.wait")},
		{l.num(float64(rep.TraineeMinutes)/60, 0), l.T("rep.h.hours")},
	}
	boxW, boxH := (contentW-2*4)/3, 15.0
	for i, f := range figures {
		x := marginL + float64(i%3)*(boxW+4)
		y := r.y + float64(i/3)*(boxH+2)
		if r.draw {
			r.d.SetFillColor(240, 243, 246)
			r.d.Rect(x, y, boxW, boxH, "F")
		}
		r.text(x+3, y+3+ascent(sizeTitle), f.value, true, sizeTitle)
		for j, ln := range r.wrap(f.label, false, sizeSmall, boxW-6) {
			if j < 2 {
				r.text(x+3, y+9.5+float64(j)*lineHeight(sizeSmall)+ascent(sizeSmall)-1, ln, false, sizeSmall)
			}
		}
	}
	r.y += 3*(boxH+2) + 1

	// Devices by month.
	r.heading(l.T("rep.months"), 62)
	r.monthChart(58)

	// Hand-outs by partner kind and by purpose, side by side.
	colW := (contentW - 8) / 2
	rows := max(len(rep.Partners), len(rep.Purposes), 1)
	r.heading(l.T("rep.partners")+" · "+l.T("rep.purposes"), float64(rows)*6+4)
	if rep.RequestsHandedOut == 0 {
		r.paragraph(l.T("rep.none"), false, sizeBody, marginL, contentW)
	} else {
		top := r.y
		r.barList(marginL, colW, rep.Partners, "partner.", chartColours[1])
		left := r.y
		r.y = top
		r.barList(marginL+colW+8, colW, rep.Purposes, "purpose.", chartColours[0])
		r.y = max(r.y, left) + 2
	}

	// Devices by kind.
	r.heading(l.T("rep.kinds"), r.kindTable.headerH+r.kindTable.firstRowH())
	r.table(r.kindTable)

	r.heading(l.T("rep.env"), 4*lineHeight(sizeBody))
	r.paragraph(l.T("rep.env.kg", l.num(rep.KGReceived, 1), l.num(rep.KGReused, 1), l.num(rep.KGRecycled, 1)), false, sizeBody, marginL, contentW)
	if len(rep.FactorSets) == 0 {
		r.paragraph(l.T("rep.env.noset"), false, sizeBody, marginL, contentW)
	}
	for _, s := range rep.FactorSets {
		// The date a set came into force, when the period saw it come.
		if s.InForceFrom.After(rep.From) && !s.InForceFrom.After(rep.To.AddDate(0, 0, 1)) {
			r.paragraph(l.T("rep.env.set.from", s.Name, s.Version, l.date(s.InForceFrom.In(r.tz)), s.Devices, l.num(s.CO2eAvoidedKG, 1)), false, sizeBody, marginL, contentW)
		} else {
			r.paragraph(l.T("rep.env.set", s.Name, s.Version, s.Devices, l.num(s.CO2eAvoidedKG, 1)), false, sizeBody, marginL, contentW)
		}
	}
	if len(rep.FactorSets) > 1 {
		r.paragraph(l.T("rep.env.spans"), true, sizeBody, marginL, contentW)
	}
	r.paragraph(l.T("rep.env.age", r.optNum(rep.AgeAtIntakeYears, 1), r.optNum(rep.AgeAtHandOutYears, 1),
		r.optNum(rep.ExtraYearsPerDevice, 1), r.optNum(rep.LifetimeFactor, 2)), false, sizeBody, marginL, contentW)

	r.heading(l.T("rep.people"), 3*lineHeight(sizeBody))
	r.paragraph(l.T("rep.people.wait", rep.RequestsHandedOut, r.optNum(rep.MedianWaitDays, 1), r.optNum(rep.P90WaitDays, 1),
		rep.WaitingAtEnd, l.date(rep.To)), false, sizeBody, marginL, contentW)
	r.paragraph(l.T("rep.people.followups", rep.FollowUpsAsked, rep.FollowUpsAnswered, rep.FollowUpsInUse), false, sizeBody, marginL, contentW)

	r.heading(l.T("rep.school"), r.weekTable.headerH+r.weekTable.firstRowH()+2*lineHeight(sizeBody))
	r.paragraph(l.T("rep.school.text", l.num(float64(rep.TraineeMinutes)/60, 1)+" h", rep.SkillsCertified, rep.CertificatesIssued), false, sizeBody, marginL, contentW)
	r.y += 1
	r.table(r.weekTable)

	r.heading(l.T("rep.method"), 3*lineHeight(sizeSmall))
	r.paragraph(l.T("rep.method.text"), false, sizeSmall, marginL, contentW)
}

// monthChart draws grouped bars of the devices received, handed out and recycled each month,
// with a scale, the months below and a legend, h millimetres high in all.
func (r *renderer) monthChart(h float64) {
	rep, l := r.doc.Report, r.l
	r.need(h)
	top := r.y
	axisX := marginL + 12
	plotW := contentW - 12
	plotH := h - 16
	base := top + plotH
	peak := 0
	for _, m := range rep.Months {
		peak = max(peak, m.Received, m.HandedOut, m.Recycled)
	}
	step := niceStep(peak)
	scaleTop := step * 4
	if r.draw {
		r.d.SetLineWidth(0.1)
		for i := 0; i <= 4; i++ {
			y := base - plotH*float64(i)/4
			r.d.SetDrawColor(215, 215, 215)
			r.d.Line(axisX, y, axisX+plotW, y)
			r.textRight(axisX-1.5, y+1, l.num(float64(step*i), 0), false, sizeSmall)
		}
	}
	n := max(len(rep.Months), 1)
	groupW := plotW / float64(n)
	barW := min(groupW*0.8/3, 6)
	for i, m := range rep.Months {
		gx := axisX + float64(i)*groupW + (groupW-3*barW)/2
		for j, v := range []int{m.Received, m.HandedOut, m.Recycled} {
			bh := 0.0
			if scaleTop > 0 {
				bh = plotH * float64(v) / float64(scaleTop)
			}
			if r.draw && bh > 0 {
				c := chartColours[j]
				r.d.SetFillColor(c[0], c[1], c[2])
				r.d.Rect(gx+float64(j)*barW, base-bh, barW, bh, "F")
			}
		}
		label := l.shortMonth(m.Month)
		r.text(axisX+float64(i)*groupW+(groupW-r.width(label, false, sizeSmall))/2, base+3.5, label, false, sizeSmall)
	}
	// Legend.
	x := axisX
	ly := base + 9
	for j, key := range []string{"rep.legend.received", "rep.legend.handed", "rep.legend.recycled"} {
		if r.draw {
			c := chartColours[j]
			r.d.SetFillColor(c[0], c[1], c[2])
			r.d.Rect(x, ly-2.2, 3, 3, "F")
		}
		s := l.T(key)
		r.text(x+4.5, ly, s, false, sizeSmall)
		x += 4.5 + r.width(s, false, sizeSmall) + 8
	}
	r.y = top + h
}

// barList draws counts as labelled horizontal bars with their values, in a column of width w.
func (r *renderer) barList(x, w float64, counts []ReportCount, prefix string, c [3]int) {
	l := r.l
	labelW := 38.0
	peak := 0
	for _, ct := range counts {
		peak = max(peak, ct.Count)
	}
	for _, ct := range counts {
		r.need(6)
		label := l.T(prefix + ct.Key)
		r.text(x, r.y+ascent(sizeSmall)+0.5, label, false, sizeSmall)
		bw := 0.0
		if peak > 0 {
			bw = (w - labelW - 14) * float64(ct.Count) / float64(peak)
		}
		if r.draw && bw > 0 {
			r.d.SetFillColor(c[0], c[1], c[2])
			r.d.Rect(x+labelW, r.y, bw, 3.5, "F")
		}
		r.text(x+labelW+bw+1.5, r.y+ascent(sizeSmall)+0.5, l.num(float64(ct.Count), 0), false, sizeSmall)
		r.y += 5.5
	}
}

// niceStep is a round step for four gridlines that reach at least peak.
func niceStep(peak int) int {
	if peak <= 0 {
		return 1
	}
	raw := float64(peak) / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if f*mag >= raw {
			return max(1, int(math.Ceil(f*mag)))
		}
	}
	return int(10 * mag)
}

// shortMonth names a month briefly: 03/26.
func (l lang) shortMonth(t time.Time) string { return t.Format("01/06") }
