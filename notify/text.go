package notify

import (
	"fmt"
	"strings"

	"github.com/digital-inclusion/refurb/requests"
)

// texts are the e-mails' words by language: the subject of each event, the greeting, the link's
// sentence and the closing. They name the request by its number and say what happened; the
// details (reason, pick-up date) are on the request's page, behind the sign-in. Never
// beneficiary data: not even the social worker's own reference.
var texts = map[string]map[string]string{
	"en": {
		"approved": "Request #%d approved", "waitlisted": "Request #%d waitlisted", "rejected": "Request #%d rejected",
		"allocated": "A device is ready for request #%d", "handed_out": "Request #%d: device handed out", "other": "Request #%d updated",
		"hello": "Hello %s,", "see": "See the details (the reason of a decision, the pick-up date) on Refurb:", "bye": "This message was sent automatically by %s.",
		"follow_up": "Request #%d: three questions, three months after the hand-out",
		"ask":       "Is the device still in use? What for? Any problem? Three choices to tick, nothing about the person, on Refurb:",
	},
	"fr": {
		"approved": "Demande n° %d acceptée", "waitlisted": "Demande n° %d mise en attente", "rejected": "Demande n° %d refusée",
		"allocated": "Un appareil est prêt pour la demande n° %d", "handed_out": "Demande n° %d : appareil remis", "other": "Demande n° %d mise à jour",
		"hello": "Bonjour %s,", "see": "Consultez le détail (le motif d'une décision, la date de retrait) sur Refurb :", "bye": "Ce message a été envoyé automatiquement par %s.",
		"follow_up": "Demande n° %d : trois questions, trois mois après la remise",
		"ask":       "L'appareil est-il toujours utilisé ? À quoi sert-il ? Un problème ? Trois choix à cocher, rien sur la personne, sur Refurb :",
	},
	"de": {
		"approved": "Anfrage Nr. %d angenommen", "waitlisted": "Anfrage Nr. %d zurückgestellt", "rejected": "Anfrage Nr. %d abgelehnt",
		"allocated": "Ein Gerät ist bereit für Anfrage Nr. %d", "handed_out": "Anfrage Nr. %d: Gerät übergeben", "other": "Anfrage Nr. %d aktualisiert",
		"hello": "Guten Tag %s,", "see": "Die Einzelheiten (die Begründung einer Entscheidung, das Abholdatum) finden Sie in Refurb:", "bye": "Diese Nachricht wurde automatisch von %s gesendet.",
		"follow_up": "Anfrage Nr. %d: drei Fragen, drei Monate nach der Übergabe",
		"ask":       "Wird das Gerät noch benutzt? Wofür? Ein Problem? Drei Antworten zum Ankreuzen, nichts über die Person, in Refurb:",
	},
	"pt": {
		"approved": "Pedido n.º %d aceite", "waitlisted": "Pedido n.º %d em lista de espera", "rejected": "Pedido n.º %d recusado",
		"allocated": "Um equipamento está pronto para o pedido n.º %d", "handed_out": "Pedido n.º %d: equipamento entregue", "other": "Pedido n.º %d atualizado",
		"hello": "Olá %s,", "see": "Veja os pormenores (o motivo de uma decisão, a data de levantamento) no Refurb:", "bye": "Esta mensagem foi enviada automaticamente por %s.",
		"follow_up": "Pedido n.º %d: três perguntas, três meses após a entrega",
		"ask":       "O equipamento ainda é utilizado? Para quê? Algum problema? Três opções a assinalar, nada sobre a pessoa, no Refurb:",
	},
	"ar": {
		"approved": "تم قبول الطلب رقم %d", "waitlisted": "الطلب رقم %d في قائمة الانتظار", "rejected": "تم رفض الطلب رقم %d",
		"allocated": "جهاز جاهز للطلب رقم %d", "handed_out": "الطلب رقم %d: تم تسليم الجهاز", "other": "تم تحديث الطلب رقم %d",
		"hello": "مرحبا %s،", "see": "اطلع على التفاصيل (سبب القرار، تاريخ الاستلام) في Refurb:", "bye": "أرسلت هذه الرسالة تلقائيا من %s.",
		"follow_up": "الطلب رقم %d: ثلاثة أسئلة بعد ثلاثة أشهر من التسليم",
		"ask":       "هل ما زال الجهاز مستخدماً؟ فيمَ؟ هل توجد مشكلة؟ ثلاثة اختيارات، لا شيء عن الشخص، في Refurb:",
	},
}

// Text returns the subject and the body of a notification's e-mail in its recipient's language
// (French when they picked none).
func Text(n requests.Notification, publicURL, orgName string) (subject, body string) {
	t, ok := texts[n.Recipient.Language]
	if !ok {
		t = texts["fr"]
	}
	event := "other"
	switch n.Kind {
	case "request_decided":
		if n.Status == requests.StatusApproved || n.Status == requests.StatusWaitlisted || n.Status == requests.StatusRejected {
			event = string(n.Status)
		}
	case "request_allocated":
		event = "allocated"
	case "request_handed_out":
		event = "handed_out"
	case "request_follow_up":
		event = "follow_up"
	}
	if orgName == "" {
		orgName = "Refurb"
	}
	subject = fmt.Sprintf(t[event], n.RequestID)
	var b strings.Builder
	fmt.Fprintf(&b, t["hello"]+"\n\n", n.Recipient.Name)
	b.WriteString(subject + ".\n\n")
	if event == "follow_up" {
		// The questions, on the request's follow-up page (docs/impact.md).
		b.WriteString(t["ask"] + "\n")
		fmt.Fprintf(&b, "%s/requests/%d/follow-up\n\n", strings.TrimRight(publicURL, "/"), n.RequestID)
	} else {
		b.WriteString(t["see"] + "\n")
		fmt.Fprintf(&b, "%s/requests/%d\n\n", strings.TrimRight(publicURL, "/"), n.RequestID)
	}
	fmt.Fprintf(&b, t["bye"]+"\n", orgName)
	return subject, b.String()
}
