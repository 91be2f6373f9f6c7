// Package mailtest is an SMTP server in memory for tests across the project:
// the code under test sends real SMTP to 127.0.0.1, and the test reads what
// arrived, decoded (subject, text and HTML bodies, quoted-printable and
// base64 undone), and follows the link in it.
//
//	srv := mailtest.NewServer(t)
//	… configure mail with srv.URL() and trigger a sign-up …
//	m := srv.WaitFor(t, "jan@example.nl", 5*time.Second)
//	link := mailtest.FirstURL(m.Text)
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message as the server got it.
type Received struct {
	From     string   // envelope sender (MAIL FROM)
	To       []string // envelope recipients (RCPT TO)
	Username string   // the AUTH PLAIN user, "" without authentication
	Header   mail.Header
	Subject  string // decoded
	Text     string // the text/plain body, decoded
	HTML     string // the text/html body, decoded; "" when there is none
	// Attachments are the parts sent as attachments (Content-Disposition
	// attachment, or a file name), decoded, in order.
	Attachments []Attachment
	Raw         []byte // the message exactly as sent
}

// Attachment is one attached file as received.
type Attachment struct {
	Name        string
	ContentType string // the media type without parameters
	Data        []byte
}

// Server is an SMTP server on 127.0.0.1 that keeps what it receives.
type Server struct {
	srv  *smtp.Server
	addr string

	mu       sync.Mutex
	cond     *sync.Cond
	msgs     []Received
	taken    map[int]bool // messages already returned by WaitFor
	failNext int          // temporary failures still to give
	rejNext  int          // permanent rejections still to give
}

// NewServer starts a server on a free port of 127.0.0.1; it stops when the
// test ends. It offers AUTH PLAIN without TLS (any credentials pass) and no
// STARTTLS.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{taken: map[int]bool{}}
	s.cond = sync.NewCond(&s.mu)
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.srv.Domain = "mailtest.localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.ErrorLog = discard{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(func() {
		_ = s.srv.Close()
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	return s
}

type discard struct{}

func (discard) Printf(string, ...any) {}
func (discard) Println(...any)        {}

// Addr is host:port of the server.
func (s *Server) Addr() string { return s.addr }

// URL is the server as an HMS SMTP setting: smtp://127.0.0.1:port.
func (s *Server) URL() string { return "smtp://" + s.addr }

// FailNext makes the next n messages fail at the end of DATA with a
// temporary error (451), as a busy server would.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// RejectNext makes the next n messages fail at the end of DATA with a
// permanent error (554), as a server refusing the message would.
func (s *Server) RejectNext(n int) {
	s.mu.Lock()
	s.rejNext = n
	s.mu.Unlock()
}

// Messages returns every message received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor returns the oldest message to the recipient to (case-insensitive)
// that no earlier WaitFor returned, waiting up to timeout for it to arrive;
// it fails the test when none comes. Calling it twice for the same address
// therefore returns the first and then the second message to it.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Received {
	t.Helper()
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		for i, m := range s.msgs {
			if s.taken[i] {
				continue
			}
			for _, rcpt := range m.To {
				if strings.EqualFold(rcpt, to) {
					s.taken[i] = true
					return m
				}
			}
		}
		if !time.Now().Before(deadline) {
			var got []string
			for _, m := range s.msgs {
				got = append(got, fmt.Sprintf("%v %q", m.To, m.Subject))
			}
			t.Fatalf("mailtest: no message to %s within %v; received: %v", to, timeout, got)
			return Received{}
		}
		s.cond.Wait()
	}
}

var urlRE = regexp.MustCompile(`https?://[^\s<>"'()\[\]]+`)

// FirstURL returns the first http(s) URL in s without trailing punctuation,
// or "" when there is none.
func FirstURL(s string) string {
	u := urlRE.FindString(s)
	return strings.TrimRight(u, ".,;:!?")
}

type session struct {
	s        *Server
	from     string
	to       []string
	username string
}

var _ smtp.AuthSession = (*session)(nil)

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		x.username = username
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	switch {
	case x.s.failNext > 0:
		x.s.failNext--
		x.s.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailtest: try again later"}
	case x.s.rejNext > 0:
		x.s.rejNext--
		x.s.mu.Unlock()
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "mailtest: message refused"}
	}
	x.s.mu.Unlock()
	m := Received{From: x.from, To: append([]string(nil), x.to...), Username: x.username, Raw: raw}
	if err := parse(&m); err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, m)
	x.s.cond.Broadcast()
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset() { x.from, x.to = "", nil }

func (x *session) Logout() error { return nil }

// parse fills Header, Subject, Text and HTML from m.Raw.
func parse(m *Received) error {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	return walk(m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"),
		msg.Header.Get("Content-Disposition"), msg.Body)
}

// walk decodes one MIME part, descending into multiparts, and keeps the
// first text/plain and text/html bodies and every attachment.
func walk(m *Received, contentType, encoding, disposition string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := walk(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"),
				p.Header.Get("Content-Disposition"), p); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body) // skips line breaks
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("decode %s body: %w", encoding, err)
	}
	if name := attachmentName(disposition, params); name != "" {
		dec := new(mime.WordDecoder)
		if d, err := dec.DecodeHeader(name); err == nil {
			name = d
		}
		m.Attachments = append(m.Attachments, Attachment{Name: name, ContentType: mt, Data: b})
		return nil
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	switch {
	case mt == "text/plain" && m.Text == "":
		m.Text = text
	case mt == "text/html" && m.HTML == "":
		m.HTML = text
	}
	return nil
}

// attachmentName is the file name of a part sent as an attachment, or ""
// for a body part.
func attachmentName(disposition string, typeParams map[string]string) string {
	if disposition != "" {
		d, params, err := mime.ParseMediaType(disposition)
		if err == nil && (d == "attachment" || params["filename"] != "") {
			if params["filename"] != "" {
				return params["filename"]
			}
			if typeParams["name"] != "" {
				return typeParams["name"]
			}
			return "attachment"
		}
	}
	return typeParams["name"]
}
