package mailtest_test

import (
	"net/smtp"
	"runtime"
	"strings"
	"testing"
	"time"

	"hms/internal/platform/mail/mailtest"
)

func send(t *testing.T, srv *mailtest.Server, to string, raw string) {
	t.Helper()
	if err := smtp.SendMail(srv.Addr(), nil, "sender@hms.test", []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n"))); err != nil {
		t.Fatalf("send: %v", err)
	}
}

func TestDecodesMultipartQuotedPrintableAndBase64(t *testing.T) {
	srv := mailtest.NewServer(t)
	if !strings.HasPrefix(srv.URL(), "smtp://127.0.0.1:") {
		t.Fatalf("URL %q", srv.URL())
	}
	send(t, srv, "jan@example.nl", `From: HMS <sender@hms.test>
To: jan@example.nl
Subject: =?UTF-8?q?Huur_=E2=82=AC_750,00?=
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

Beste Jan, de huur is =E2=82=AC 750,00. Bevestig via https://hms.test/c?t=3Dabc=
123.
--b1
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: base64

PHA+QmVzdGUgSmFuPC9wPg==
--b1--
`)
	m := srv.WaitFor(t, "JAN@example.nl", 5*time.Second)
	if m.Subject != "Huur € 750,00" {
		t.Errorf("subject %q", m.Subject)
	}
	if want := "Beste Jan, de huur is € 750,00. Bevestig via https://hms.test/c?t=abc123."; m.Text != want {
		t.Errorf("text %q, want %q", m.Text, want)
	}
	if m.HTML != "<p>Beste Jan</p>" {
		t.Errorf("html %q", m.HTML)
	}
	if m.From != "sender@hms.test" || len(m.To) != 1 || m.To[0] != "jan@example.nl" || len(m.Raw) == 0 {
		t.Errorf("envelope %q %v", m.From, m.To)
	}
	if u := mailtest.FirstURL(m.Text); u != "https://hms.test/c?t=abc123" {
		t.Errorf("FirstURL = %q", u)
	}
}

// WaitFor returns each message once, oldest first, and only to the asked
// recipient.
func TestWaitForTakesMessagesInOrder(t *testing.T) {
	srv := mailtest.NewServer(t)
	send(t, srv, "a@example.nl", "Subject: one\n\nfirst\n")
	send(t, srv, "b@example.nl", "Subject: other\n\nx\n")
	sent := make(chan error, 1)
	go func() {
		time.Sleep(100 * time.Millisecond)
		sent <- smtp.SendMail(srv.Addr(), nil, "s@hms.test", []string{"a@example.nl"}, []byte("Subject: two\r\n\r\nsecond\r\n"))
	}()
	if m := srv.WaitFor(t, "a@example.nl", 5*time.Second); m.Subject != "one" || m.Text != "first\n" {
		t.Fatalf("first: %+v", m)
	}
	if m := srv.WaitFor(t, "a@example.nl", 5*time.Second); m.Subject != "two" {
		t.Fatalf("second: %+v", m)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("%d messages", n)
	}
}

func TestFailNextAndRejectNext(t *testing.T) {
	srv := mailtest.NewServer(t)
	srv.FailNext(1)
	err := smtp.SendMail(srv.Addr(), nil, "s@hms.test", []string{"a@example.nl"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "451") {
		t.Fatalf("FailNext: %v", err)
	}
	srv.RejectNext(1)
	err = smtp.SendMail(srv.Addr(), nil, "s@hms.test", []string{"a@example.nl"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "554") {
		t.Fatalf("RejectNext: %v", err)
	}
	send(t, srv, "a@example.nl", "Subject: x\n\nx\n")
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages kept, want only the accepted one", n)
	}
}

func TestFirstURL(t *testing.T) {
	for in, want := range map[string]string{
		"Klik op https://hms.test/a?b=c&d=e.":             "https://hms.test/a?b=c&d=e",
		`<a href="http://localhost:8080/x">x</a>`:         "http://localhost:8080/x",
		"(zie https://hms.test/p) en https://hms.test/q,": "https://hms.test/p",
		"geen link": "",
	} {
		if got := mailtest.FirstURL(in); got != want {
			t.Errorf("FirstURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// WaitFor fails the test when nothing arrives in time.
func TestWaitForTimesOut(t *testing.T) {
	srv := mailtest.NewServer(t)
	ft := &fakeT{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.WaitFor(ft, "nobody@example.nl", 50*time.Millisecond)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("WaitFor did not give up")
	}
	if !ft.failed {
		t.Fatal("WaitFor did not fail the test")
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed = true
	runtime.Goexit()
}
