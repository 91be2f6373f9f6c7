package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// smtpConfig is a parsed Config.SMTPURL.
type smtpConfig struct {
	host        string
	port        int
	user, pass  string
	implicitTLS bool
	policy      gomail.TLSPolicy
	loopback    bool
}

// parseSMTPURL reads smtp[s]://[user[:pass]@]host[:port][?tls=required].
// Its errors never repeat the URL, which may hold a password.
func parseSMTPURL(raw string) (*smtpConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("SMTP URL cannot be parsed")
	}
	c := &smtpConfig{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		c.port = 587
	case "smtps":
		c.port, c.implicitTLS = 465, true
	default:
		return nil, fmt.Errorf("SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	if c.host == "" {
		return nil, errors.New("SMTP URL without host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("SMTP URL port %q", p)
		}
		c.port = n
	}
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
	}
	ip := net.ParseIP(c.host)
	c.loopback = strings.EqualFold(c.host, "localhost") || (ip != nil && ip.IsLoopback())
	requireTLS := false
	for k, v := range u.Query() {
		switch {
		case k == "tls" && len(v) == 1 && v[0] == "required":
			requireTLS = true
		default:
			return nil, fmt.Errorf("SMTP URL option %q: only tls=required is known", k)
		}
	}
	switch {
	case c.implicitTLS:
		c.policy = gomail.NoTLS // TLS from the first byte; no STARTTLS inside it
	case requireTLS:
		c.policy = gomail.TLSMandatory
	case c.loopback:
		c.policy = gomail.NoTLS
	default:
		c.policy = gomail.TLSOpportunistic
	}
	return c, nil
}

// send delivers one message over a fresh connection.
func (c *smtpConfig) send(ctx context.Context, from *netmail.Address, m Message, msgID string, now time.Time) error {
	msg := gomail.NewMsg()
	msg.FromMailAddress(from)
	if err := msg.To(m.To); err != nil {
		return permanentError{errors.New("recipient is not a valid address")}
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(now)
	msg.SetMessageIDWithValue(msgID)
	msg.SetUserAgent("HMS")
	// RFC 3834: no out-of-office replies to machine-sent mail.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return permanentError{fmt.Errorf("attachment %q: %w", a.Name, err)}
		}
	}

	opts := []gomail.Option{
		gomail.WithPort(c.port),
		gomail.WithTimeout(30 * time.Second),
		gomail.WithTLSPolicy(c.policy),
		gomail.WithoutRset(), // one message per connection
	}
	if c.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	}
	if c.user != "" {
		// Autodiscovery picks the strongest mechanism the server offers and
		// sends a password only over TLS. A loopback relay without TLS gets
		// PLAIN, which go-mail allows only to a local host.
		auth := gomail.SMTPAuthAutoDiscover
		if c.loopback && !c.implicitTLS && c.policy == gomail.NoTLS {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(c.user), gomail.WithPassword(c.pass))
	}
	client, err := gomail.NewClient(c.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("smtp connect to %s:%d: %w", c.host, c.port, err)
	}
	err = client.SendWithSMTPClient(conn, msg)
	// Once the server accepted the message, a failing QUIT must not make
	// the queue send it again.
	_ = client.CloseWithSMTPClient(conn)
	if err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}
	return nil
}

type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// permanentSMTP reports whether retrying cannot help: the server rejected
// the message with a 5xx reply, or the message itself is unusable.
func permanentSMTP(err error) bool {
	var p permanentError
	if errors.As(err, &p) {
		return true
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		return !se.IsTemp() && code >= 500 && code < 600
	}
	return false
}
