package certificates

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// phrases holds every text printed on certificates, in French, German, English, Portuguese and
// Arabic (the order of allLanguages). Donation and erasure certificates are written in the
// first three; a phrase without a Portuguese or Arabic text falls back to English. Hand-over
// receipts' own phrases are in handover.go (handoverPhrases).
var phrases = map[string][5]string{
	"title.donation":    {"Certificat de don de matériel informatique", "Bescheinigung über eine Sachspende von IT-Geräten", "Certificate of donation of IT equipment"},
	"title.erasure":     {"Certificat d'effacement des données", "Bescheinigung über die Datenlöschung", "Certificate of data erasure"},
	"number":            {"N°", "Nr.", "No.", "N.º", "رقم"},
	"colon":             {"\u00a0: ", ": ", ": ", ": ", ": "},
	"issued":            {"Émis le", "Ausgestellt am", "Issued on", "Emitido em", "صدر في"},
	"page":              {"Page %d / %d", "Seite %d / %d", "Page %d / %d", "Página %d / %d", "صفحة %d / %d"},
	"regno":             {"N° d'immatriculation", "Registernummer", "Registration number", "Número de registo", "رقم التسجيل"},
	"issuer":            {"Émetteur", "Aussteller", "Issuer"},
	"donor":             {"Donateur", "Spender", "Donor"},
	"donor.anonymous":   {"Dépôt anonyme", "Anonyme Abgabe", "Anonymous drop-off"},
	"donation":          {"Don", "Spende", "Donation"},
	"donation.number":   {"Référence du don", "Spendenreferenz", "Donation reference"},
	"donation.date":     {"Date de réception", "Eingangsdatum", "Date received"},
	"donation.place":    {"Lieu de réception", "Annahmestelle", "Place received"},
	"donation.ref":      {"Référence du donateur", "Referenz des Spenders", "Donor's reference"},
	"verify":            {"Vérifier l'authenticité :", "Echtheit prüfen:", "Verify authenticity:", "Verificar a autenticidade:", "التحقق من الصحة:"},
	"verify.hint":       {"Scannez le code QR ou ouvrez l'adresse ci-dessus. L'empreinte SHA-256 de ce fichier y est publiée.", "QR-Code scannen oder obige Adresse öffnen. Dort ist der SHA-256-Hashwert dieser Datei veröffentlicht.", "Scan the QR code or open the address above. The SHA-256 fingerprint of this file is published there.", "Leia o código QR ou abra o endereço acima. A impressão digital SHA-256 deste ficheiro está publicada aí.", "امسح رمز QR أو افتح العنوان أعلاه. البصمة SHA-256 لهذا الملف منشورة هناك."},
	"summary":           {"Récapitulatif", "Zusammenfassung", "Summary"},
	"totals.kind":       {"Type", "Art", "Kind"},
	"totals.count":      {"Nombre", "Anzahl", "Count"},
	"totals.weight":     {"Poids (kg)", "Gewicht (kg)", "Weight (kg)"},
	"totals.all":        {"Total", "Gesamt", "Total"},
	"impact":            {"Impact environnemental", "Umweltwirkung", "Environmental impact"},
	"impact.reused":     {"Réemployé (remis à des bénéficiaires)", "Wiederverwendet (an Begünstigte übergeben)", "Reused (handed out to beneficiaries)"},
	"impact.recycled":   {"Recyclé ou démantelé", "Recycelt oder zerlegt", "Recycled or dismantled"},
	"impact.stock":      {"En stock (destiné au réemploi)", "Im Bestand (zur Wiederverwendung)", "In stock (for reuse)"},
	"impact.lost":       {"Perdu", "Verloren", "Lost"},
	"impact.co2":        {"CO2e évité estimé (appareils réemployés)", "Geschätzte vermiedene CO2e (wiederverwendete Geräte)", "Estimated CO2e avoided (reused devices)"},
	"impact.method":     {"Facteurs : %s, version %s ; évité = empreinte de fabrication × %s (déplacement). Estimation, pas une mesure.", "Faktoren: %s, Version %s; vermieden = Herstellungs-Fußabdruck × %s (Verdrängung). Schätzung, keine Messung.", "Factors: %s, version %s; avoided = manufacturing footprint × %s (displacement). An estimate, not a measurement."},
	"impact.none":       {"Aucun facteur d'impact configuré.", "Keine Wirkungsfaktoren hinterlegt.", "No impact factors configured."},
	"kg":                {"%s kg", "%s kg", "%s kg"},
	"kgco2":             {"%s kg CO2e", "%s kg CO2e", "%s kg CO2e"},
	"no.value":          {"Ce certificat atteste une remise de biens en nature. Il n'atteste aucune valeur monétaire et ne constitue pas un reçu fiscal : au Luxembourg, seuls les dons en espèces sont déductibles (art. 109 et 112 L.I.R.).", "Diese Bescheinigung bestätigt die Übergabe von Sachspenden. Sie bestätigt keinen Geldwert und ist keine Zuwendungsbestätigung für steuerliche Zwecke: In Luxemburg sind nur Geldspenden abzugsfähig (Art. 109 und 112 L.I.R.).", "This certificate attests a gift in kind. It attests no monetary value and is not a tax receipt: in Luxembourg only cash gifts are deductible (art. 109 and 112 L.I.R.)."},
	"devices":           {"Appareils", "Geräte", "Devices"},
	"col.n":             {"#", "#", "#"},
	"col.assettag":      {"Réf. donateur", "Inventarnr. Spender", "Donor asset tag"},
	"col.kind":          {"Type", "Art", "Kind"},
	"col.model":         {"Marque / modèle", "Hersteller / Modell", "Make / model"},
	"col.serial":        {"N° de série", "Seriennummer", "Serial number"},
	"col.tag":           {"Notre étiquette", "Unser Etikett", "Our tag"},
	"col.outcome":       {"Devenir", "Verbleib", "Outcome"},
	"col.weight":        {"kg", "kg", "kg"},
	"drives":            {"Supports de stockage", "Datenträger", "Storage media"},
	"col.drive":         {"Support (n° de série, modèle, capacité)", "Datenträger (Seriennr., Modell, Kapazität)", "Drive (serial, model, capacity)"},
	"col.host":          {"Appareil (étiquette, n° de série)", "Gerät (Etikett, Seriennr.)", "Device (tag, serial)"},
	"col.method":        {"NIST SP 800-88, technique, norme", "NIST SP 800-88, Verfahren, Norm", "NIST SP 800-88, technique, standard"},
	"col.tool":          {"Outil, vérification", "Werkzeug, Prüfung", "Tool, verification"},
	"col.date":          {"Date", "Datum", "Date"},
	"col.result":        {"Résultat", "Ergebnis", "Result"},
	"col.operator":      {"Opérateur / vérificateur", "Bediener / Prüfer", "Operator / verifier"},
	"col.category":      {"Catégorie", "Kategorie", "Category"},
	"drive.pending":     {"pas encore effacé", "noch nicht gelöscht", "not yet erased"},
	"drives.annex":      {"Le détail de chaque effacement figure sur le certificat d'effacement des données.", "Die Einzelheiten jeder Löschung stehen in der Bescheinigung über die Datenlöschung.", "Each erasure is detailed in the certificate of data erasure."},
	"erasure.summary":   {"Supports : %d — effacés et vérifiés (Clear/Purge) : %d — détruits physiquement (Destroy) : %d", "Datenträger: %d — gelöscht und geprüft (Clear/Purge): %d — physisch zerstört (Destroy): %d", "Drives: %d — erased and passed (Clear/Purge): %d — physically destroyed (Destroy): %d"},
	"erasure.devices":   {"Appareils du don : %d", "Geräte der Spende: %d", "Devices in the donation: %d"},
	"declaration":       {"Déclaration", "Erklärung", "Declaration"},
	"declaration.text":  {"%s certifie que chaque support de stockage listé ci-dessous a été assaini selon la catégorie NIST SP 800-88 indiquée (Clear : réécriture de tous les emplacements adressables ; Purge : récupération impossible même en laboratoire ; Destroy : destruction physique du support), avec le résultat et la vérification indiqués, et que le dernier enregistrement de chaque support est un succès. Les enregistrements détaillés et les rapports des outils sont conservés par %s.", "%s bestätigt, dass jeder unten aufgeführte Datenträger gemäß der angegebenen NIST-SP-800-88-Kategorie bereinigt wurde (Clear: Überschreiben aller adressierbaren Bereiche; Purge: Wiederherstellung auch im Labor unmöglich; Destroy: physische Zerstörung), mit dem angegebenen Ergebnis und der angegebenen Prüfung, und dass der letzte Eintrag jedes Datenträgers erfolgreich ist. Die ausführlichen Protokolle und Berichte der Werkzeuge werden von %s aufbewahrt.", "%s certifies that every storage medium listed below was sanitized according to the NIST SP 800-88 category shown (Clear: all user-addressable locations overwritten; Purge: recovery infeasible even in a laboratory; Destroy: the medium physically destroyed), with the result and verification shown, and that the latest record of every medium passed. The detailed records and the tools' reports are kept by %s."},
	"signature":         {"Pour %s — nom, fonction, date et signature :", "Für %s — Name, Funktion, Datum und Unterschrift:", "For %s — name, position, date and signature:"},
	"reports":           {"Rapports des outils d'effacement", "Berichte der Löschwerkzeuge", "Erasure tools' reports"},
	"col.report":        {"Fichier du rapport", "Berichtsdatei", "Report file"},
	"col.sha256":        {"SHA-256 du fichier", "SHA-256 der Datei", "SHA-256 of the file"},
	"reports.note":      {"Chaque rapport est conservé tel que l'outil l'a écrit ; son empreinte SHA-256 permet de vérifier qu'une copie est exactement ce fichier (# : la ligne du support ci-dessus).", "Jeder Bericht wird so aufbewahrt, wie das Werkzeug ihn geschrieben hat; sein SHA-256-Hash zeigt, ob eine Kopie genau diese Datei ist (#: die Zeile des Datenträgers oben).", "Each report is kept as the tool wrote it; its SHA-256 shows whether a copy is exactly that file (#: the drive's row above)."},
	"result.passed":     {"réussi", "bestanden", "passed"},
	"result.failed":     {"échoué", "fehlgeschlagen", "failed"},
	"verif.none":        {"aucune", "keine", "none"},
	"verif.sample":      {"échantillon", "Stichprobe", "sample"},
	"verif.full":        {"complète", "vollständig", "full"},
	"verified.by":       {"vérifié par", "geprüft von", "verified by"},
	"kind.laptop":       {"Portable", "Laptop", "Laptop", "Portátil", "حاسوب محمول"},
	"kind.desktop":      {"Ordinateur fixe", "Desktop-PC", "Desktop", "Computador de secretária", "حاسوب مكتبي"},
	"kind.all_in_one":   {"Tout-en-un", "All-in-One", "All-in-one", "Tudo-em-um", "حاسوب متكامل"},
	"kind.tablet":       {"Tablette", "Tablet", "Tablet", "Tablet", "جهاز لوحي"},
	"kind.smartphone":   {"Smartphone", "Smartphone", "Smartphone", "Smartphone", "هاتف ذكي"},
	"kind.monitor":      {"Écran", "Monitor", "Monitor", "Monitor", "شاشة"},
	"kind.printer":      {"Imprimante", "Drucker", "Printer", "Impressora", "طابعة"},
	"kind.peripheral":   {"Périphérique", "Zubehör", "Peripheral", "Periférico", "ملحق"},
	"kind.other":        {"Autre", "Sonstiges", "Other", "Outro", "آخر"},
	"status.received":   {"en stock", "im Bestand", "in stock"},
	"status.wiped":      {"en stock", "im Bestand", "in stock"},
	"status.in_repair":  {"en stock", "im Bestand", "in stock"},
	"status.ready":      {"en stock", "im Bestand", "in stock"},
	"status.reserved":   {"en stock", "im Bestand", "in stock"},
	"status.handed_out": {"remis (réemploi)", "übergeben (Wiederverwendung)", "handed out (reused)"},
	"status.recycled":   {"recyclé", "recycelt", "recycled"},
	"status.dismantled": {"démantelé (pièces)", "zerlegt (Ersatzteile)", "dismantled (parts)"},
	"status.lost":       {"perdu", "verloren", "lost"},
	"method.clear":      {"Clear", "Clear", "Clear"},
	"method.purge":      {"Purge", "Purge", "Purge"},
	"method.destroy":    {"Destroy", "Destroy", "Destroy"},
	"storage.hdd":       {"HDD", "HDD", "HDD"},
	"storage.ssd":       {"SSD", "SSD", "SSD"},
	"storage.nvme":      {"NVMe", "NVMe", "NVMe"},
	"storage.emmc":      {"eMMC", "eMMC", "eMMC"},
	"storage.flash":     {"flash", "Flash", "flash"},
	"storage.other":     {"autre", "sonstiger", "other"},
}

// allLanguages are every language a certificate's phrases exist in, in the order of phrases.
var allLanguages = []string{"fr", "de", "en", "pt", "ar"}

// The languages, as indexes into phrases.
const (
	langFR lang = iota
	langDE
	langEN
	langPT
	langAR
)

// lang is a certificate's language: it translates and formats.
type lang int

func langOf(code string) (lang, bool) {
	for i, l := range allLanguages {
		if l == code {
			return lang(i), true
		}
	}
	return 0, false
}

// T returns the phrase id in the language, formatted with args when given.
func (l lang) T(id string, args ...any) string {
	p, ok := phrases[id]
	if !ok {
		if p, ok = handoverPhrases[id]; !ok {
			return id
		}
	}
	s := p[l]
	if s == "" {
		s = p[langEN]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// date formats a date as each language writes it.
func (l lang) date(t time.Time) string {
	months := map[lang][12]string{
		langFR: {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		langDE: {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		langPT: {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
		langAR: {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
	}
	switch l {
	case langEN:
		return t.Format("2 January 2006")
	case langDE:
		return fmt.Sprintf("%d. %s %d", t.Day(), months[l][t.Month()-1], t.Year())
	case langPT:
		return fmt.Sprintf("%d de %s de %d", t.Day(), months[l][t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), months[l][t.Month()-1], t.Year())
}

// shortDate formats a date in tables.
func (l lang) shortDate(t time.Time) string {
	switch l {
	case langEN:
		return t.Format("2006-01-02")
	case langPT, langAR:
		return t.Format("02/01/2006")
	}
	return t.Format("02.01.2006")
}

// num formats v with decimals digits, with the language's decimal and thousands separators.
func (l lang) num(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	sep := [5]string{"\u00a0", ".", ",", "\u00a0", ","}[l] // a no-break space in French (the Go fonts lack the narrow one)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString([5]string{",", ",", ".", ",", "."}[l])
		b.WriteString(frac)
	}
	return b.String()
}
