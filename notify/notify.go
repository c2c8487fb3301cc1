// Package notify sends the e-mails that device requests leave in their outbox (package
// requests): a social worker is told, in their language, when a request of theirs is decided,
// gets a device or is handed out, with a link and never any beneficiary data. It runs in the
// server when SMTP_URL is set. A change writes its notification in its own transaction; this
// package sends it after the commit and records the outcome, so that a failed send is retried
// with backoff (requests.Backoff) and never blocks or undoes the change, and several servers
// never send one notification twice (requests.Store.SendDue claims rows with FOR UPDATE SKIP
// LOCKED).
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/requests"
)

// Config says where and how to send e-mail: SMTP_URL, e.g.
// smtp://user:password@mail.example.org:587?from=refurb@example.org (STARTTLS required),
// smtps://...:465 (TLS from the start), or smtp://localhost:25?tls=none (no encryption: a
// relay on the same machine only).
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLS is "starttls" (default for smtp://), "tls" (smtps://) or "none".
	TLS string
}

// ParseURL reads SMTP_URL.
func ParseURL(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return Config{}, errors.New("SMTP_URL: want smtp://[user:password@]host[:port]?from=address, or smtps://")
	}
	c := Config{Host: u.Hostname(), From: u.Query().Get("from")}
	switch u.Scheme {
	case "smtp":
		c.TLS, c.Port = "starttls", 587
	case "smtps":
		c.TLS, c.Port = "tls", 465
	default:
		return Config{}, fmt.Errorf("SMTP_URL: scheme %q: use smtp or smtps", u.Scheme)
	}
	if t := u.Query().Get("tls"); t != "" {
		if t != "none" && t != "starttls" && t != "tls" {
			return Config{}, fmt.Errorf("SMTP_URL: tls=%q: use none, starttls or tls", t)
		}
		c.TLS = t
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil {
			return Config{}, fmt.Errorf("SMTP_URL: port %q", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if c.From == "" {
		c.From = "refurb@" + c.Host
	}
	return c, nil
}

// Notifier sends the outbox's notifications.
type Notifier struct {
	cfg       Config
	store     *requests.Store
	publicURL string
	orgName   string
	log       *slog.Logger
	// Every is how often the outbox is looked at.
	Every time.Duration
}

// New returns a Notifier that sends store's outbox with cfg; links point to publicURL.
func New(cfg Config, store *requests.Store, publicURL, orgName string, log *slog.Logger) *Notifier {
	return &Notifier{cfg: cfg, store: store, publicURL: strings.TrimRight(publicURL, "/"), orgName: orgName, log: log, Every: 15 * time.Second}
}

// Run sends what is due every n.Every until ctx ends.
func (n *Notifier) Run(ctx context.Context) {
	t := time.NewTicker(n.Every)
	defer t.Stop()
	for {
		if _, _, err := n.SendOnce(ctx); err != nil && ctx.Err() == nil {
			n.log.ErrorContext(ctx, "notify: send the outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendOnce sends the notifications that are due, up to 50, and returns how many were sent and
// how many failed (to be retried).
func (n *Notifier) SendOnce(ctx context.Context) (sent, failed int, err error) {
	return n.store.SendDue(auth.System(ctx), 50, n.send)
}

// send sends one notification. Only ids reach the log.
func (n *Notifier) send(ctx context.Context, nt requests.Notification) error {
	msg, err := n.message(nt)
	if err != nil {
		return err
	}
	opts := []mail.Option{mail.WithPort(n.cfg.Port), mail.WithTimeout(20 * time.Second), mail.WithHELO(helo(n.publicURL))}
	switch n.cfg.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if n.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(n.cfg.Username), mail.WithPassword(n.cfg.Password))
	}
	c, err := mail.NewClient(n.cfg.Host, opts...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		n.log.WarnContext(ctx, "notify: send failed", "notification_id", nt.ID, "request_id", nt.RequestID, "attempt", nt.Attempts+1, "err", err)
		return err
	}
	n.log.InfoContext(ctx, "notify: sent", "notification_id", nt.ID, "request_id", nt.RequestID, "kind", nt.Kind)
	return nil
}

// message builds the e-mail of a notification in the recipient's language.
func (n *Notifier) message(nt requests.Notification) (*mail.Msg, error) {
	subject, body := Text(nt, n.publicURL, n.orgName)
	m := mail.NewMsg()
	if err := m.From(n.cfg.From); err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	if err := m.To(nt.Recipient.Email); err != nil {
		return nil, fmt.Errorf("recipient address: %w", err)
	}
	m.Subject(subject)
	m.SetDate()
	m.SetMessageID()
	m.SetBodyString(mail.TypeTextPlain, body)
	return m, nil
}

// helo is the name the server greets the mail server with: the host of the public URL.
func helo(publicURL string) string {
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" && net.ParseIP(u.Hostname()) == nil {
		return u.Hostname()
	}
	return "localhost"
}
