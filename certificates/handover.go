package certificates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
)

// Hand-over receipts (HANDOVER): what the beneficiary receives at the counter, in their language
// (French, German, English, Portuguese or Arabic): the device, its tag and serial, what was
// installed, the conditions of use, whom to contact for help, and the signature they drew on
// the hand-out page, with the number and the verification QR code. It is issued by the hand-out
// itself, on its transaction (IssueReceipt, the requests.Issuer package server gives requests),
// and may be issued again (another language) with issueCertificate. It never prints the
// social worker's reference for the beneficiary.

// HandoverInfo is what a receipt shows beyond the device (Document.Devices[0]).
type HandoverInfo struct {
	OS          string // the installed system, as the inventory records it
	CPU         string
	RAMGB       float64 // 0 when unknown
	HandedOutAt time.Time
	// Support is whom the beneficiary contacts for help (setting org.support_contact, else the
	// organisation's address).
	Support   string
	Signature []byte // grey PNG
	SignedAt  time.Time
}

var _ requests.Issuer = (*Store)(nil)

// IssueReceipt issues the hand-over receipt of a request that was just handed out, on tx, the
// hand-out's own transaction: the hand-out and its receipt are one change.
func (s *Store) IssueReceipt(ctx context.Context, tx bun.IDB, requestID int64, language string) error {
	c := *s
	c.db = tx
	_, err := c.Issue(ctx, requestID, KindHandover, language)
	return err
}

// lockRequest takes a device request's row for the issuing transaction.
func lockRequest(ctx context.Context, tx bun.IDB, id int64) error {
	err := requests.NewStore(tx).Lock(ctx, id)
	if errors.Is(err, requests.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// gatherHandover reads a hand-over receipt: the request (handed out) with its signature through
// package requests, the device through package inventory, on the issuing transaction.
func gatherHandover(ctx context.Context, tx bun.IDB, requestID int64) (*gathered, error) {
	rc, err := requests.NewStore(tx).Receipt(ctx, requestID)
	if errors.Is(err, requests.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	d, err := inventory.NewStore(tx).Device(ctx, *rc.Request.DeviceID)
	if err != nil {
		return nil, err
	}
	org, err := organisation(ctx, tx)
	if err != nil {
		return nil, err
	}
	support, err := supportContact(ctx, tx)
	if err != nil {
		return nil, err
	}
	if support == "" {
		support = strings.TrimSpace(org.Name + "\n" + org.Address)
	}
	doc := &Document{Org: *org, Handover: &HandoverInfo{
		OS: deref(d.OSInstalled), CPU: deref(d.CPU), Support: support,
		Signature: rc.Signature, SignedAt: rc.SignedAt,
	}}
	if d.RAMGB != nil {
		doc.Handover.RAMGB = *d.RAMGB
	}
	if rc.Request.HandedOutAt != nil {
		doc.Handover.HandedOutAt = *rc.Request.HandedOutAt
	}
	doc.Devices = []DeviceRow{{Tag: d.Tag, Kind: d.Kind, Make: deref(d.Make), Model: deref(d.Model), Serial: deref(d.SerialNumber),
		Status: d.Status, WeightKG: d.WeightKG}}
	return &gathered{doc: doc}, nil
}

// supportContact reads the setting org.support_contact ("" when unset).
func supportContact(ctx context.Context, db bun.IDB) (string, error) {
	var raw []string
	if err := db.NewSelect().Table("settings").ColumnExpr("value::text").Where("key = 'org.support_contact'").Scan(ctx, &raw); err != nil {
		return "", dbError("read the support contact", err)
	}
	var s string
	if len(raw) > 0 {
		if err := json.Unmarshal([]byte(raw[0]), &s); err != nil {
			return "", fmt.Errorf("setting org.support_contact: %w", err)
		}
	}
	return strings.TrimSpace(s), nil
}

// ForRequests returns the certificates of device requests (their hand-over receipts), newest
// first, without their PDF bytes, by request id: to staff and administrators, and to a social
// worker for the requests they see. Only staff and administrators download the PDF (it bears
// the beneficiary's signature).
func (s *Store) ForRequests(ctx context.Context, requestIDs []int64) (map[int64][]Certificate, error) {
	a, err := auth.Require(ctx, auth.Office|auth.SocialWorkers)
	if err != nil {
		return nil, err
	}
	if !a.In(auth.Office) {
		visible, err := requests.NewStore(s.db).RequestsByID(ctx, requestIDs)
		if err != nil {
			return nil, err
		}
		requestIDs = requestIDs[:0:0]
		for id := range visible {
			requestIDs = append(requestIDs, id)
		}
	}
	out := make(map[int64][]Certificate, len(requestIDs))
	if len(requestIDs) == 0 {
		return out, nil
	}
	var cs []Certificate
	if err := s.db.NewSelect().Model(&cs).Column(listColumns...).Where("c.device_request_id IN (?)", bun.List(requestIDs)).
		OrderExpr("c.device_request_id, c.id DESC").Scan(ctx); err != nil {
		return nil, dbError("select certificates", err)
	}
	for _, c := range cs {
		out[*c.DeviceRequestID] = append(out[*c.DeviceRequestID], c)
	}
	return out, nil
}

// HandoverConditions returns the conditions of use printed on a hand-over receipt in language
// (one of HandoverLanguages; English otherwise), one paragraph each: the hand-out page shows
// the same words the receipt prints.
func HandoverConditions(language string) []string {
	l, ok := langOf(language)
	if !ok {
		l = langEN
	}
	out := make([]string, 0, 4)
	for i := 1; i <= 4; i++ {
		out = append(out, l.T(fmt.Sprintf("handover.condition%d", i)))
	}
	return out
}

// HandoverStatement returns the sentence the beneficiary signs under, in language.
func HandoverStatement(language string) string {
	l, ok := langOf(language)
	if !ok {
		l = langEN
	}
	return l.T("handover.statement")
}

// handoverBody lays out a receipt below the head: the device, the date, the conditions, the
// support contact, then the statement with the signature.
func (r *renderer) handoverBody() {
	doc, h := r.doc, r.doc.Handover
	d := doc.Devices[0]
	l := r.l
	line := func(label, value string) {
		if value == "" {
			return
		}
		r.paragraph(label+l.T("colon")+value, false, sizeBody+1, marginL, contentW)
	}
	r.heading(l.T("handover.device"), 6*lineHeight(sizeBody+1))
	line(l.T("handover.kind"), l.T("kind."+string(d.Kind)))
	line(l.T("handover.model"), strings.TrimSpace(d.Make+" "+d.Model))
	line(l.T("handover.tag"), d.Tag)
	line(l.T("handover.serial"), d.Serial)
	line(l.T("handover.installed"), h.OS)
	var specs []string
	if h.CPU != "" {
		specs = append(specs, h.CPU)
	}
	if h.RAMGB > 0 {
		specs = append(specs, l.T("handover.ram", l.num(h.RAMGB, 0)))
	}
	line(l.T("handover.specs"), strings.Join(specs, ", "))
	if !h.HandedOutAt.IsZero() {
		line(l.T("handover.date"), l.date(h.HandedOutAt.In(r.tz)))
	}

	r.heading(l.T("handover.conditions"), 3*lineHeight(sizeBody))
	for i := 1; i <= 4; i++ {
		r.paragraph(fmt.Sprintf("%d. ", i)+l.T(fmt.Sprintf("handover.condition%d", i)), false, sizeBody, marginL, contentW)
		r.y += 1
	}
	r.heading(l.T("handover.support"), 2*lineHeight(sizeBody))
	for _, s := range strings.Split(h.Support, "\n") {
		if s = strings.TrimSpace(s); s != "" {
			r.paragraph(s, false, sizeBody, marginL, contentW)
		}
	}

	// The statement and the signature, kept together on one page.
	const boxW, boxH = 80.0, 32.0
	r.y += 4
	r.need(3*lineHeight(sizeBody) + boxH + 12)
	r.paragraph(l.T("handover.statement"), true, sizeBody, marginL, contentW)
	r.y += 2
	r.paragraph(l.T("handover.signature"), false, sizeSmall, marginL, contentW)
	x := marginL
	if r.rtl {
		x = marginL + contentW - boxW
	}
	if r.draw {
		r.d.SetDrawColor(120, 120, 120)
		r.d.SetLineWidth(0.2)
		r.d.Rect(x, r.y, boxW, boxH, "D")
		if r.sigW > 0 && r.sigH > 0 {
			// The drawing scaled into the box, keeping its proportions.
			w, hgt := boxW-4, (boxW-4)*r.sigH/r.sigW
			if hgt > boxH-4 {
				hgt, w = boxH-4, (boxH-4)*r.sigW/r.sigH
			}
			r.d.Image("signature", x+(boxW-w)/2, r.y+(boxH-hgt)/2, w, hgt, false, "", 0, "")
		}
	}
	r.y += boxH + 2
	if !h.SignedAt.IsZero() {
		at := h.SignedAt.In(r.tz)
		r.paragraph(l.T("handover.signed", l.date(at)+" "+at.Format("15:04")), false, sizeSmall, marginL, contentW)
	}
}

// handoverPhrases are the receipt's own texts, in the order of allLanguages.
var handoverPhrases = map[string][5]string{
	"title.handover":      {"Reçu de remise de matériel", "Übergabequittung", "Hand-over receipt", "Recibo de entrega de equipamento", "إيصال تسليم جهاز"},
	"handover.device":     {"Appareil remis", "Übergebenes Gerät", "Device handed over", "Equipamento entregue", "الجهاز المسلم"},
	"handover.kind":       {"Type", "Art", "Kind", "Tipo", "النوع"},
	"handover.model":      {"Marque et modèle", "Hersteller und Modell", "Make and model", "Marca e modelo", "الشركة والطراز"},
	"handover.tag":        {"Étiquette", "Etikett", "Tag", "Etiqueta", "الملصق"},
	"handover.serial":     {"N° de série", "Seriennummer", "Serial number", "Número de série", "الرقم التسلسلي"},
	"handover.installed":  {"Système installé", "Installiertes System", "Installed system", "Sistema instalado", "النظام المثبت"},
	"handover.specs":      {"Caractéristiques", "Ausstattung", "Specifications", "Características", "المواصفات"},
	"handover.ram":        {"%s Go de mémoire", "%s GB Arbeitsspeicher", "%s GB of memory", "%s GB de memória", "ذاكرة %s غيغابايت"},
	"handover.date":       {"Remis le", "Übergeben am", "Handed over on", "Entregue em", "تاريخ التسليم"},
	"handover.conditions": {"Conditions d'utilisation", "Nutzungsbedingungen", "Conditions of use", "Condições de utilização", "شروط الاستخدام"},
	"handover.condition1": {
		"L'appareil est donné gratuitement pour l'usage personnel du bénéficiaire et de son foyer. Il ne peut pas être vendu.",
		"Das Gerät wird kostenlos für den persönlichen Gebrauch der begünstigten Person und ihres Haushalts übergeben. Es darf nicht verkauft werden.",
		"The device is given free of charge for the personal use of the beneficiary and their household. It may not be sold.",
		"O equipamento é oferecido gratuitamente para uso pessoal do beneficiário e do seu agregado familiar. Não pode ser vendido.",
		"يقدم الجهاز مجانا للاستخدام الشخصي للمستفيد وأسرته. لا يجوز بيعه.",
	},
	"handover.condition2": {
		"Les données précédentes ont été effacées avant la remise. Les données que vous y enregistrez sont sous votre responsabilité : protégez l'appareil par un mot de passe.",
		"Frühere Daten wurden vor der Übergabe gelöscht. Für die Daten, die Sie darauf speichern, sind Sie selbst verantwortlich: Schützen Sie das Gerät mit einem Passwort.",
		"Earlier data was erased before the hand-over. The data you keep on it is your responsibility: protect the device with a password.",
		"Os dados anteriores foram apagados antes da entrega. Os dados que guardar são da sua responsabilidade: proteja o equipamento com uma palavra-passe.",
		"تم مسح البيانات السابقة قبل التسليم. أنت مسؤول عن البيانات التي تحفظها عليه: احم الجهاز بكلمة مرور.",
	},
	"handover.condition3": {
		"L'appareil est remis en l'état, sans garantie. En cas de problème, contactez l'assistance indiquée ci-dessous : nous essaierons de vous aider.",
		"Das Gerät wird im jetzigen Zustand ohne Gewährleistung übergeben. Bei Problemen wenden Sie sich an die unten genannte Hilfe: Wir versuchen zu helfen.",
		"The device is handed over as it is, without warranty. If something goes wrong, contact the support below: we will try to help.",
		"O equipamento é entregue no estado em que se encontra, sem garantia. Em caso de problema, contacte o apoio indicado abaixo: tentaremos ajudar.",
		"يسلم الجهاز بحالته الحالية دون ضمان. في حال حدوث مشكلة، تواصل مع الدعم المذكور أدناه: سنحاول المساعدة.",
	},
	"handover.condition4": {
		"Quand vous n'en avez plus besoin, rapportez-le à l'atelier : il sera réemployé ou recyclé correctement.",
		"Wenn Sie es nicht mehr brauchen, bringen Sie es in die Werkstatt zurück: Es wird wiederverwendet oder fachgerecht recycelt.",
		"When you no longer need it, bring it back to the workshop: it will be reused or recycled properly.",
		"Quando já não precisar dele, devolva-o à oficina: será reutilizado ou reciclado corretamente.",
		"عندما لا تعود بحاجة إليه، أعده إلى الورشة: سيعاد استخدامه أو تدويره بشكل صحيح.",
	},
	"handover.support": {"Assistance", "Hilfe", "Support", "Apoio", "الدعم"},
	"handover.statement": {
		"Je confirme avoir reçu l'appareil décrit ci-dessus et j'accepte ses conditions d'utilisation.",
		"Ich bestätige, das oben beschriebene Gerät erhalten zu haben, und nehme die Nutzungsbedingungen an.",
		"I confirm that I received the device described above and accept its conditions of use.",
		"Confirmo que recebi o equipamento descrito acima e aceito as condições de utilização.",
		"أؤكد أنني استلمت الجهاز الموصوف أعلاه وأوافق على شروط استخدامه.",
	},
	"handover.signature": {"Signature du bénéficiaire", "Unterschrift der begünstigten Person", "Beneficiary's signature", "Assinatura do beneficiário", "توقيع المستفيد"},
	"handover.signed":    {"Signé le %s", "Unterschrieben am %s", "Signed on %s", "Assinado em %s", "وقع في %s"},
}
