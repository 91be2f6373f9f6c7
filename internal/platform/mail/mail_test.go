package mail_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/mail/mailtest"
)

// testSealer is AES-256-GCM with a key per organisation derived from a
// master key, the organisation and field bound as associated data: a
// ciphertext opened under another organisation fails, like the vault's.
type testSealer struct {
	master []byte
	mu     sync.Mutex
	opened []int64 // organisations messages were opened under
}

func newSealer() *testSealer {
	m := make([]byte, 32)
	_, _ = rand.Read(m)
	return &testSealer{master: m}
}

func (s *testSealer) aead(org int64) cipher.AEAD {
	mac := hmac.New(sha256.New, s.master)
	fmt.Fprintf(mac, "org:%d", org)
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		panic(err)
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return g
}

func ad(tx *db.Tx, field string) []byte { return fmt.Appendf(nil, "%d|%s", tx.OrgID(), field) }

func (s *testSealer) SealOrg(_ context.Context, tx *db.Tx, field string, plaintext []byte) ([]byte, error) {
	g := s.aead(tx.OrgID())
	nonce := make([]byte, g.NonceSize())
	_, _ = rand.Read(nonce)
	return g.Seal(nonce, nonce, plaintext, ad(tx, field)), nil
}

func (s *testSealer) OpenOrg(_ context.Context, tx *db.Tx, field string, ct []byte) ([]byte, error) {
	s.mu.Lock()
	s.opened = append(s.opened, tx.OrgID())
	s.mu.Unlock()
	g := s.aead(tx.OrgID())
	if len(ct) < g.NonceSize() {
		return nil, errors.New("short ciphertext")
	}
	return g.Open(nil, ct[:g.NonceSize()], ct[g.NonceSize():], ad(tx, field))
}

var t0 = time.Date(2025, 9, 1, 10, 30, 0, 0, time.UTC)

type env struct {
	d   *db.DB
	clk *clock.Fixed
	q   *jobs.Queue
	s   *testSealer
	o   *mail.Outbox
}

func newEnv(t *testing.T, d *db.DB, smtpURL string) *env {
	t.Helper()
	e := &env{d: d, clk: clock.NewFixed(t0), s: newSealer()}
	e.q = jobs.New(d, e.clk)
	e.q.Logger = nil
	e.o = mail.NewOutbox(d, e.s, e.q, e.clk, mail.Config{SMTPURL: smtpURL, From: "HMS <noreply@hms.test>"})
	return e
}

func (e *env) send(t *testing.T, org int64, m mail.Message) int64 {
	t.Helper()
	var id int64
	fn := func(tx *db.Tx) error {
		var err error
		id, err = e.o.Send(context.Background(), tx, m)
		return err
	}
	var err error
	if org == 0 {
		err = e.d.System(context.Background(), fn)
	} else {
		err = e.d.InOrg(context.Background(), org, fn)
	}
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	return id
}

func (e *env) list(t *testing.T, org int64) []mail.Stored {
	t.Helper()
	var out []mail.Stored
	fn := func(tx *db.Tx) error {
		var err error
		out, err = e.o.List(context.Background(), tx, 0)
		return err
	}
	var err error
	if org == 0 {
		err = e.d.ReadSystem(context.Background(), fn)
	} else {
		err = e.d.ReadOrg(context.Background(), org, fn)
	}
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	return out
}

func (e *env) runOnce(t *testing.T) error {
	t.Helper()
	ran, err := e.q.RunOnce(context.Background())
	if !ran {
		t.Fatalf("no job ran (err %v)", err)
	}
	return err
}

var welcome = mail.Message{
	To:      "Jan Jansen <jan.jansen@example.nl>",
	Subject: "Welkom bij HMS – bevestig uw adres (€ 0,00)",
	Text:    "Beste Jan,\n\nBevestig uw adres: https://hms.test/confirm?token=abc123&x=1.\n\nMet vriendelijke groet,\nHMS",
	HTML:    `<p>Beste Jan,</p><p><a href="https://hms.test/confirm?token=abc123&amp;x=1">Bevestig</a></p>`,
}

func TestSendDeliversOverSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.NewServer(t)
		e := newEnv(t, d, srv.URL())
		id := e.send(t, 1, welcome)
		if got := e.list(t, 1); len(got) != 1 || got[0].State != mail.StateQueued || got[0].ID != id {
			t.Fatalf("before delivery: %+v", got)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d messages sent inside the transaction", n)
		}
		if err := e.runOnce(t); err != nil {
			t.Fatal(err)
		}
		m := srv.WaitFor(t, "jan.jansen@example.nl", 5*time.Second)
		if m.Subject != welcome.Subject {
			t.Errorf("subject %q", m.Subject)
		}
		if strings.TrimRight(m.Text, "\n") != welcome.Text {
			t.Errorf("text %q, want %q", m.Text, welcome.Text)
		}
		if strings.TrimRight(m.HTML, "\n") != welcome.HTML {
			t.Errorf("html %q", m.HTML)
		}
		if u := mailtest.FirstURL(m.Text); u != "https://hms.test/confirm?token=abc123&x=1" {
			t.Errorf("link %q", u)
		}
		if m.From != "noreply@hms.test" || m.Header.Get("From") != `"HMS" <noreply@hms.test>` &&
			m.Header.Get("From") != "HMS <noreply@hms.test>" {
			t.Errorf("from %q / %q", m.From, m.Header.Get("From"))
		}
		if m.Header.Get("Auto-Submitted") != "auto-generated" || m.Header.Get("User-Agent") != "HMS" {
			t.Errorf("headers %v", m.Header)
		}
		if date, err := m.Header.Date(); err != nil || !date.Equal(t0) {
			t.Errorf("Date header %q (%v)", m.Header.Get("Date"), err)
		}
		stored := e.list(t, 1)
		if len(stored) != 1 {
			t.Fatalf("%d stored", len(stored))
		}
		s := stored[0]
		if s.State != mail.StateSent || !s.SentAt.Equal(t0) || s.Attempts != 1 || !reflect.DeepEqual(s.Message, welcome) || s.Unreadable {
			t.Fatalf("after delivery: %+v", s)
		}
		if got := m.Header.Get("Message-Id"); got != "<"+s.MessageID+">" || !strings.HasSuffix(s.MessageID, "@hms.test") {
			t.Errorf("Message-ID header %q, stored %q", got, s.MessageID)
		}
		// The job finished; running again sends nothing more.
		if ran, err := e.q.RunOnce(context.Background()); ran || err != nil {
			t.Fatalf("RunOnce again: %v %v", ran, err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("%d messages delivered, want 1", n)
		}
		assertNoPlaintext(t, d, "jan.jansen@example.nl", "Jansen", "Welkom", "abc123", "Bevestig")
	})
}

// assertNoPlaintext scans every column of every row of the outbox and job
// tables for the given strings.
func assertNoPlaintext(t *testing.T, d *db.DB, needles ...string) {
	t.Helper()
	n := 0
	err := d.ReadSystem(context.Background(), func(tx *db.Tx) error {
		for _, table := range []string{"mail_outbox", "jobs"} {
			rows, err := tx.Query(`SELECT * FROM ` + table)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				n++
				for i, v := range vals {
					var b []byte
					switch v := v.(type) {
					case []byte:
						b = v
					case string:
						b = []byte(v)
					default:
						b = fmt.Append(nil, v)
					}
					for _, needle := range needles {
						if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(needle))) {
							t.Errorf("%s.%s holds %q in clear", table, cols[i], needle)
						}
					}
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("scanned only %d rows; the scan is wrong", n)
	}
}

func TestHeldWithoutSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, "")
		e.send(t, 1, welcome)
		e.send(t, 0, mail.Message{To: "new@example.nl", Subject: "Bevestig uw aanmelding", Text: "https://hms.test/signup/xyz"})
		for range 2 {
			if err := e.runOnce(t); err != nil {
				t.Fatal(err)
			}
		}
		all := append(e.list(t, 0), e.list(t, 1)...)
		if len(all) != 2 {
			t.Fatalf("lists see %d messages", len(all))
		}
		for _, s := range all {
			if s.State != mail.StateHeld || s.Attempts != 0 || s.Unreadable || !s.SentAt.IsZero() {
				t.Fatalf("without SMTP: %+v", s)
			}
		}
		if all[0].To != "new@example.nl" || all[0].OrgID != 0 || !reflect.DeepEqual(all[1].Message, welcome) || all[1].OrgID != 1 {
			t.Fatalf("console list: %+v", all)
		}
		assertNoPlaintext(t, d, "jan.jansen@example.nl", "new@example.nl", "signup/xyz")
	})
}

// The console (System transaction) reads only the platform's own mail;
// an organisation reads only its own, opened under its own key.
func TestListOpensEachOrganisationInItsOwnScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, "")
		for _, org := range []int64{1, 2, 0, 2} {
			e.send(t, org, mail.Message{To: fmt.Sprintf("user%d@example.nl", org), Subject: "s", Text: "t"})
		}
		e.s.opened = nil
		all := e.list(t, 0)
		if len(all) != 1 || all[0].OrgID != 0 {
			t.Fatalf("console sees %+v", all)
		}
		all = append(all, e.list(t, 1)...)
		all = append(all, e.list(t, 2)...)
		for _, s := range all {
			if s.Unreadable || s.To != fmt.Sprintf("user%d@example.nl", s.OrgID) {
				t.Fatalf("console: %+v", s)
			}
		}
		opened := map[int64]int{}
		for _, o := range e.s.opened {
			opened[o]++
		}
		if opened[0] != 1 || opened[1] != 1 || opened[2] != 2 {
			t.Fatalf("opened under organisations %v", e.s.opened)
		}
		two := e.list(t, 2)
		if len(two) != 2 || two[0].OrgID != 2 || two[1].OrgID != 2 || two[0].ID < two[1].ID {
			t.Fatalf("organisation 2 sees %+v", two)
		}
	})
}

func TestTemporaryFailureIsRetried(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.NewServer(t)
		srv.FailNext(1)
		e := newEnv(t, d, srv.URL())
		e.send(t, 3, welcome)
		err := e.runOnce(t)
		if err == nil || !strings.Contains(err.Error(), "451") {
			t.Fatalf("first attempt: %v", err)
		}
		s := e.list(t, 3)[0]
		if s.State != mail.StateQueued || s.Attempts != 1 || !strings.Contains(s.LastError, "451") {
			t.Fatalf("after a temporary failure: %+v", s)
		}
		if strings.Contains(s.LastError, "jan.jansen") || strings.Contains(err.Error(), "jan.jansen") {
			t.Fatalf("error text holds the address: %q / %q", s.LastError, err)
		}
		if ran, _ := e.q.RunOnce(context.Background()); ran {
			t.Fatal("retried before the backoff")
		}
		e.clk.Advance(10 * time.Second)
		if err := e.runOnce(t); err != nil {
			t.Fatal(err)
		}
		srv.WaitFor(t, "jan.jansen@example.nl", 5*time.Second)
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("%d delivered", n)
		}
		if s := e.list(t, 3)[0]; s.State != mail.StateSent || s.Attempts != 2 || s.LastError != "" {
			t.Fatalf("after retry: %+v", s)
		}
		assertNoPlaintext(t, d, "jan.jansen@example.nl")
	})
}

func TestPermanentRejectionFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.NewServer(t)
		srv.RejectNext(1)
		e := newEnv(t, d, srv.URL())
		e.send(t, 1, welcome)
		if err := e.runOnce(t); err == nil {
			t.Fatal("no error for a rejected message")
		}
		if s := e.list(t, 1)[0]; s.State != mail.StateFailed || !strings.Contains(s.LastError, "554") {
			t.Fatalf("%+v", s)
		}
		var states []string
		if err := d.ReadSystem(context.Background(), func(tx *db.Tx) error {
			l, err := e.q.List(context.Background(), tx, 10)
			for _, j := range l {
				states = append(states, j.State)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(states) != 1 || states[0] != jobs.StateDead {
			t.Fatalf("job states %v, want dead (no retry of a permanent rejection)", states)
		}
	})
}

func TestSMTPAuthentication(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	srv := mailtest.NewServer(t)
	u, _ := url.Parse(srv.URL())
	u.User = url.UserPassword("hms", "s3cret")
	e := newEnv(t, d, u.String())
	e.send(t, 1, welcome)
	if err := e.runOnce(t); err != nil {
		t.Fatal(err)
	}
	if m := srv.WaitFor(t, "jan.jansen@example.nl", 5*time.Second); m.Username != "hms" {
		t.Fatalf("authenticated as %q", m.Username)
	}
}

func TestSendRefusesBadMessagesAndFollowsTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, "")
		for _, m := range []mail.Message{
			{To: "not an address", Subject: "s", Text: "t"},
			{To: "a@example.nl", Subject: " ", Text: "t"},
			{To: "a@example.nl", Subject: "s", Text: ""},
			{To: "a@example.nl", Subject: "s\r\nBcc: x@example.nl", Text: "t"},
			{To: "a@example.nl\r\nBcc: x@example.nl", Subject: "s", Text: "t"},
		} {
			err := d.InOrg(context.Background(), 1, func(tx *db.Tx) error {
				_, err := e.o.Send(context.Background(), tx, m)
				return err
			})
			if !errors.Is(err, mail.ErrInvalid) {
				t.Errorf("%q: err = %v, want ErrInvalid", m, err)
			}
		}
		boom := errors.New("sign-up failed")
		err := d.InOrg(context.Background(), 1, func(tx *db.Tx) error {
			if _, err := e.o.Send(context.Background(), tx, welcome); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got := e.list(t, 1); len(got) != 0 {
			t.Fatalf("outbox after rollback: %+v", got)
		}
		if ran, err := e.q.RunOnce(context.Background()); ran || err != nil {
			t.Fatalf("a job survived the rollback: %v %v", ran, err)
		}
	})
}

func TestConfig(t *testing.T) {
	for _, c := range []mail.Config{
		{},
		{SMTPURL: "smtp://mail.example.nl"},
		{SMTPURL: "smtps://user:pw@mail.example.nl:2465", From: "noreply@example.nl"},
		{SMTPURL: "smtp://mail.example.nl?tls=required"},
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	for _, c := range []mail.Config{
		{SMTPURL: "http://mail.example.nl"},
		{SMTPURL: "smtp://user:topsecret@:25"},
		{SMTPURL: "smtp://user:topsecret@mail.example.nl:99999"},
		{SMTPURL: "smtp://mail.example.nl?tls=maybe"},
		{From: "not an address"},
	} {
		err := c.Validate()
		if !errors.Is(err, mail.ErrConfig) {
			t.Errorf("%+v: err = %v, want ErrConfig", c, err)
		} else if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
	d := dbtest.Open(t, db.SQLite)
	e := newEnv(t, d, "ftp://x")
	err := d.InOrg(context.Background(), 1, func(tx *db.Tx) error {
		_, err := e.o.Send(context.Background(), tx, welcome)
		return err
	})
	if !errors.Is(err, mail.ErrConfig) {
		t.Fatalf("Send with a bad configuration: %v", err)
	}
}

func TestPrune(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	e := newEnv(t, d, "")
	e.send(t, 1, welcome)
	if err := e.runOnce(t); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(40 * 24 * time.Hour)
	e.send(t, 1, welcome) // still queued: kept
	n, err := e.o.Prune(context.Background(), e.clk.Now().Add(-30*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v", n, err)
	}
	if got := e.list(t, 1); len(got) != 1 || got[0].State != mail.StateQueued {
		t.Fatalf("left: %+v", got)
	}
	// A job whose message was pruned finishes without sending.
	if err := e.d.System(context.Background(), func(tx *db.Tx) error {
		_, err := tx.Exec(`DELETE FROM mail_outbox`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.runOnce(t); err != nil {
		t.Fatal(err)
	}
}

func TestAttachmentsAreSealedAndSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.NewServer(t)
		e := newEnv(t, d, srv.URL())
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 0xff, 'x', '\n'}, 3000)...)
		m := mail.Message{To: "huurder@example.nl", Subject: "Factuur 20260000001", Text: "Zie de bijlage.",
			Attachments: []mail.Attachment{
				{Name: "factuur-20260000001.pdf", ContentType: "application/pdf", Data: pdf},
				{Name: "toelichting.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("regel één\n")},
			}}
		e.send(t, 1, m)
		// The attachment travels inside the sealed row: no plaintext of it.
		var sealed []byte
		if err := d.Raw().QueryRow(`SELECT message_sealed FROM mail_outbox`).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte("%PDF")) || bytes.Contains(sealed, []byte("toelichting")) {
			t.Fatal("attachment stored in clear")
		}
		if got := e.list(t, 1); len(got) != 1 || !reflect.DeepEqual(got[0].Attachments, m.Attachments) {
			t.Fatalf("stored attachments differ: %+v", got)
		}
		if err := e.runOnce(t); err != nil {
			t.Fatal(err)
		}
		r := srv.WaitFor(t, "huurder@example.nl", 5*time.Second)
		if strings.TrimSpace(r.Text) != "Zie de bijlage." {
			t.Errorf("text %q", r.Text)
		}
		if len(r.Attachments) != 2 {
			t.Fatalf("received %d attachments", len(r.Attachments))
		}
		a := r.Attachments[0]
		if a.Name != "factuur-20260000001.pdf" || a.ContentType != "application/pdf" || !bytes.Equal(a.Data, pdf) {
			t.Fatalf("pdf attachment: %q %q %d bytes", a.Name, a.ContentType, len(a.Data))
		}
		if b := r.Attachments[1]; b.Name != "toelichting.txt" || string(b.Data) != "regel één\n" {
			t.Fatalf("text attachment: %q %q", b.Name, b.Data)
		}
	})
}

func TestAttachmentLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, "")
		one := mail.Attachment{Name: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}
		base := mail.Message{To: "a@example.nl", Subject: "s", Text: "t"}
		for name, as := range map[string][]mail.Attachment{
			"six": {one, one, one, one, one, one},
			"too large": {{Name: "big.pdf", ContentType: "application/pdf", Data: make([]byte, mail.MaxAttachmentBytes/2+1)},
				{Name: "big2.pdf", ContentType: "application/pdf", Data: make([]byte, mail.MaxAttachmentBytes/2+1)}},
			"empty":        {{Name: "a.pdf", ContentType: "application/pdf"}},
			"no name":      {{ContentType: "application/pdf", Data: []byte("x")}},
			"path":         {{Name: "../etc/passwd", ContentType: "text/plain", Data: []byte("x")}},
			"header break": {{Name: "a.pdf\r\nBcc: x@example.nl", ContentType: "application/pdf", Data: []byte("x")}},
			"bad type":     {{Name: "a.pdf", ContentType: "pdf please", Data: []byte("x")}},
		} {
			m := base
			m.Attachments = as
			err := d.InOrg(context.Background(), 1, func(tx *db.Tx) error {
				_, err := e.o.Send(context.Background(), tx, m)
				return err
			})
			if !errors.Is(err, mail.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		// Five attachments of together exactly the limit pass.
		m := base
		for range mail.MaxAttachments {
			m.Attachments = append(m.Attachments,
				mail.Attachment{Name: "p.pdf", ContentType: "application/pdf", Data: make([]byte, mail.MaxAttachmentBytes/mail.MaxAttachments)})
		}
		e.send(t, 1, m)
		if got := e.list(t, 1); len(got) != 1 {
			t.Fatalf("%d messages stored; refused ones must store nothing", len(got))
		}
	})
}
