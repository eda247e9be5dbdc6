// Package mail turns outbox rows into emails in the recipient's language and
// sends them over SMTP (SMTP_URL) with go-mail.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"partnerconsole/i18n"
	"partnerconsole/models"
	views "partnerconsole/views/mail"
)

// Message is a rendered email.
type Message struct {
	To      string
	ToName  string
	Subject string
	Text    string
	HTML    string
}

// Render renders an outbox row in its recipient's language.
func Render(ctx context.Context, bundle *i18n.Bundle, baseURL string, m models.OutboxMessage) (Message, error) {
	tr := bundle.For(m.Locale, "UTC")
	args := views.Args(tr, m.Args)
	base := strings.TrimSuffix(baseURL, "/")
	v := views.View{
		T:        tr,
		Subject:  tr.T(m.Title, args...),
		Body:     tr.T(m.Body, args...),
		Greeting: tr.T("Hello {{.Name}},", "Name", m.ToName),
		LinkText: tr.T("Open in Partner Console"),
		Footer:   tr.T("You receive this email because of your Partner Console notification settings. Change them here:"),
		Settings: base + "/notifications/settings",
	}
	if m.Link != "" {
		v.LinkURL = base + m.Link
	}
	var html bytes.Buffer
	if err := views.HTML(v).Render(ctx, &html); err != nil {
		return Message{}, fmt.Errorf("render email %d: %w", m.ID, err)
	}
	return Message{To: m.ToEmail, ToName: m.ToName, Subject: v.Subject, Text: views.Text(v), HTML: html.String()}, nil
}

// Sender delivers a rendered email.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends over an SMTP server named by a URL:
//
//	smtp://user:pass@host:587?from=Console%20<no-reply@example.com>&tls=mandatory
//	smtps://user:pass@host:465
//
// tls is "opportunistic" (default for smtp://), "mandatory" or "none"; helo
// names this host in the greeting (default: the machine's host name).
type SMTP struct {
	host     string
	port     int
	ssl      bool
	policy   gomail.TLSPolicy
	user     string
	password string
	from     string
	helo     string
	timeout  time.Duration
}

// NewSMTP parses an SMTP URL.
func NewSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	s := &SMTP{host: u.Hostname(), policy: gomail.TLSOpportunistic, timeout: 15 * time.Second,
		from: "Partner Console <no-reply@partner-console.invalid>"}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.ssl = 465, true
	default:
		return nil, errors.New("SMTP_URL: scheme must be smtp or smtps")
	}
	if s.host == "" {
		return nil, errors.New("SMTP_URL: no host")
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL: port: %w", err)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	q := u.Query()
	if f := q.Get("from"); f != "" {
		s.from = f
	}
	s.helo = q.Get("helo")
	switch q.Get("tls") {
	case "none":
		s.policy = gomail.NoTLS
	case "mandatory":
		s.policy = gomail.TLSMandatory
	}
	return s, nil
}

// Send delivers one email, plain text with an HTML alternative.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("from address: %w", err)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.timeout), gomail.WithTLSPolicy(s.policy)}
	if s.ssl {
		opts = append(opts, gomail.WithSSL())
	}
	if s.helo != "" {
		opts = append(opts, gomail.WithHELO(s.helo))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.password))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send email: %w", err)
	}
	return nil
}
