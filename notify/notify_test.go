package notify_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/notify"
	"github.com/digital-inclusion/refurb/requests"
	rt "github.com/digital-inclusion/refurb/requests/requeststest"
)

// mailbox is an SMTP server started inside the test: it keeps what it receives, or refuses
// messages while fail is set.
type mailbox struct {
	mu       sync.Mutex
	messages []message
	fail     bool
	addr     string
}

type message struct {
	from string
	to   []string
	data string
}

type session struct {
	box *mailbox
	msg message
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{box: b}, nil }

func (s *session) Reset()        { s.msg = message{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.msg.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	if s.box.fail {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.msg.data = string(b)
	s.box.messages = append(s.box.messages, s.msg)
	return nil
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	box.addr = ln.Addr().String()
	return box
}

func (b *mailbox) received() []message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]message(nil), b.messages...)
}

func TestNotifications(t *testing.T) {
	t.Parallel()
	box := startMailbox(t)
	e := rt.New(t)
	ctx := context.Background()
	if _, err := e.DB.Owner.NewRaw("UPDATE users SET language = 'de' WHERE id = ?", e.WorkerAUser.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	cfg, err := notify.ParseURL("smtp://" + box.addr + "?tls=none&from=refurb@example.org")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	n := notify.New(cfg, e.Store, "https://refurb.example", "Digital Inclusion", slog.New(slog.NewTextHandler(&log, nil)))

	r := e.Approved(t, e.WorkerA, rt.Laptop("MAIL-REF-77"))
	sent, failed, err := n.SendOnce(ctx)
	if err != nil || sent != 1 || failed != 0 {
		t.Fatalf("send: %d sent, %d failed, %v", sent, failed, err)
	}
	msgs := box.received()
	if len(msgs) != 1 {
		t.Fatalf("received %d messages", len(msgs))
	}
	m := msgs[0]
	id := strconv.FormatInt(r.ID, 10)
	if m.from != "refurb@example.org" || len(m.to) != 1 || m.to[0] != "worker.a@example.org" {
		t.Errorf("envelope: %+v", m)
	}
	for _, want := range []string{"Subject: Anfrage Nr. " + id + " angenommen", "https://refurb.example/requests/" + id, "Guten Tag"} {
		if !strings.Contains(m.data, want) {
			t.Errorf("the message lacks %q:\n%s", want, m.data)
		}
	}
	if strings.Contains(m.data, "MAIL-REF-77") || strings.Contains(log.String(), "MAIL-REF-77") || strings.Contains(log.String(), "worker.a@") {
		t.Errorf("beneficiary or personal data in the message or the log:\n%s\n%s", m.data, log.String())
	}
	// Nothing more to send.
	if sent, failed, _ := n.SendOnce(ctx); sent+failed != 0 {
		t.Errorf("second run: %d sent, %d failed", sent, failed)
	}

	// The mail server refuses: the change stands, the notification waits for its retry.
	box.mu.Lock()
	box.fail = true
	box.mu.Unlock()
	d := e.ReadyLaptop(t, "MAIL-1")
	if _, err := e.Store.Allocate(e.Staff, r.ID, d.ID, d.Version, nil); err != nil {
		t.Fatal(err)
	}
	if sent, failed, err := n.SendOnce(ctx); sent != 0 || failed != 1 || err != nil {
		t.Fatalf("refused: %d sent, %d failed, %v", sent, failed, err)
	}
	if got, _ := e.Store.Request(e.Staff, r.ID); got.Status != requests.StatusAllocated {
		t.Errorf("the request after a failed send: %s", got.Status)
	}
	box.mu.Lock()
	box.fail = false
	box.mu.Unlock()
	if sent, _, _ := n.SendOnce(ctx); sent != 0 {
		t.Error("retried before its backoff")
	}
	if _, err := e.DB.Owner.NewRaw("UPDATE notification_outbox SET next_attempt_at = now()").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if sent, _, _ := n.SendOnce(ctx); sent != 1 {
		t.Errorf("retry: %d sent", sent)
	}
	if msgs := box.received(); len(msgs) != 2 || !strings.Contains(msgs[1].data, "Ein Ger=C3=A4t ist bereit") && !strings.Contains(msgs[1].data, "Ein Gerät ist bereit") {
		t.Errorf("the allocation's message: %+v", msgs)
	}

	// A mail server that is down: the same.
	down, _ := notify.ParseURL("smtp://127.0.0.1:1?tls=none")
	nd := notify.New(down, e.Store, "https://refurb.example", "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := e.Store.Cancel(e.Staff, r.ID); err != nil {
		t.Fatal(err)
	}
	r2 := e.Approved(t, e.WorkerB, rt.Laptop("MAIL-B"))
	if sent, failed, err := nd.SendOnce(ctx); sent != 0 || failed != 1 || err != nil {
		t.Errorf("server down: %d sent, %d failed, %v", sent, failed, err)
	}
	if got, _ := e.Store.Request(e.Staff, r2.ID); got.Status != requests.StatusApproved {
		t.Errorf("decision undone: %s", got.Status)
	}
}

func TestParseURL(t *testing.T) {
	for in, want := range map[string]notify.Config{
		"smtp://u:p@mail.example.org?from=a@example.org": {Host: "mail.example.org", Port: 587, Username: "u", Password: "p", From: "a@example.org", TLS: "starttls"},
		"smtps://mail.example.org":                       {Host: "mail.example.org", Port: 465, From: "refurb@mail.example.org", TLS: "tls"},
		"smtp://localhost:25?tls=none":                   {Host: "localhost", Port: 25, From: "refurb@localhost", TLS: "none"},
	} {
		got, err := notify.ParseURL(in)
		if err != nil || got != want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "mail.example.org", "http://x", "smtp://x?tls=maybe", "smtp://x:port"} {
		if _, err := notify.ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q): no error", bad)
		}
	}
	_ = errors.New
}

// The follow-up's e-mail asks the three questions in the social worker's language and links
// to the follow-up page, never naming the beneficiary.
func TestFollowUpText(t *testing.T) {
	n := requests.Notification{ID: 1, Kind: "request_follow_up", RequestID: 42, Status: requests.StatusHandedOut,
		Recipient: auth.Contact{Name: "Sofia", Email: "sofia@example.org", Language: "pt"}}
	subject, body := notify.Text(n, "https://refurb.example/", "Digital Inclusion")
	if subject != "Pedido n.º 42: três perguntas, três meses após a entrega" || !strings.Contains(body, "https://refurb.example/requests/42/follow-up\n") ||
		!strings.Contains(body, "Olá Sofia") || !strings.Contains(body, "Algum problema?") {
		t.Errorf("got %q\n%s", subject, body)
	}
	for _, lang := range []string{"fr", "de", "en", "ar"} {
		n.Recipient.Language = lang
		if subject, body := notify.Text(n, "https://refurb.example", ""); !strings.Contains(subject, "42") || !strings.Contains(body, "/requests/42/follow-up") {
			t.Errorf("%s: %q\n%s", lang, subject, body)
		}
	}
}
