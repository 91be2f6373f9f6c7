package mail

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
)

// JobKind is the job that delivers one outbox message.
const JobKind = "mail.send"

// SealField names the sealed column for the Sealer (associated data).
const SealField = "mail_outbox.message"

// DefaultFrom is the sender when Config.From is empty.
const DefaultFrom = "HMS <noreply@hms.localhost>"

// Outbox states.
const (
	StateQueued = "queued" // waiting for delivery (or a retry)
	StateSent   = "sent"   // accepted by the SMTP server
	StateHeld   = "held"   // no SMTP configured: kept for the console
	StateFailed = "failed" // rejected, or still failing after the last attempt
)

var (
	// ErrInvalid: the message cannot be sent as given (bad address, empty
	// subject or body, line breaks in a header).
	ErrInvalid = errors.New("mail: invalid message")
	// ErrConfig: the mail configuration is wrong; see Config.Validate.
	ErrConfig = errors.New("mail: invalid configuration")
)

// Message is one e-mail to one recipient.
type Message struct {
	To      string `json:"to"`             // "jan@example.nl" or "Jan Jansen <jan@example.nl>"
	Subject string `json:"subject"`        // plain text
	Text    string `json:"text"`           // the plain-text body (required)
	HTML    string `json:"html,omitempty"` // optional HTML alternative
	// Attachments travel inside the sealed outbox row like the rest of the
	// message (an invoice PDF is personal data too).
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string `json:"name"`         // file name shown to the recipient: "factuur-20260000001.pdf"
	ContentType string `json:"content_type"` // "application/pdf"
	Data        []byte `json:"data"`
}

// Limits on attachments: a message stays well under what mail servers
// accept (often 10 to 25 MB after base64 encoding) and the outbox row small.
const (
	MaxAttachments     = 5
	MaxAttachmentBytes = 5 << 20 // all attachments of a message together
)

// Sealer encrypts with the key of tx's organisation. The vault satisfies it.
type Sealer interface {
	SealOrg(ctx context.Context, tx *db.Tx, field string, plaintext []byte) ([]byte, error)
	OpenOrg(ctx context.Context, tx *db.Tx, field string, ciphertext []byte) ([]byte, error)
}

// Config says how mail leaves the system. See the package documentation.
type Config struct {
	SMTPURL string // smtp://user:pass@host:port, smtps://…, or "" to hold mail
	From    string // e.g. "HMS <noreply@hms.localhost>"
	// Held, when set, is shown each message that stays in the outbox for
	// want of SMTP. Only `hms serve --demo` sets it (to print the links of a
	// throw-away database); messages carry personal data, so production
	// never logs them.
	Held func(Message)
}

// Validate checks the configuration; the app calls it at start.
func (c Config) Validate() error {
	_, _, err := c.parse()
	return err
}

func (c Config) parse() (*netmail.Address, *smtpConfig, error) {
	from := c.From
	if from == "" {
		from = DefaultFrom
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: from address %q: %v", ErrConfig, from, err)
	}
	if c.SMTPURL == "" {
		return addr, nil, nil
	}
	sc, err := parseSMTPURL(c.SMTPURL)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	return addr, sc, nil
}

// Stored is an outbox message as the console shows it, decrypted.
type Stored struct {
	Message
	ID         int64
	OrgID      int64
	State      string // StateQueued, StateSent, StateHeld, StateFailed
	MessageID  string // the Message-ID header, without angle brackets
	Attempts   int
	LastError  string
	CreatedAt  time.Time
	SentAt     time.Time // zero until sent
	Unreadable bool      // the ciphertext could not be opened (key destroyed?); Message is empty
}

// Outbox stores and delivers mail.
type Outbox struct {
	d      *db.DB
	sealer Sealer
	q      *jobs.Queue
	clk    clock.Clock
	from   *netmail.Address
	smtp   *smtpConfig // nil: hold mail
	held   func(Message)
	cfgErr error
}

// NewOutbox returns an outbox and registers the JobKind handler on q.
// An invalid cfg (see Config.Validate) makes Send fail with ErrConfig.
func NewOutbox(d *db.DB, s Sealer, q *jobs.Queue, clk clock.Clock, cfg Config) *Outbox {
	if clk == nil {
		clk = clock.Real{}
	}
	o := &Outbox{d: d, sealer: s, q: q, clk: clk, held: cfg.Held}
	o.from, o.smtp, o.cfgErr = cfg.parse()
	q.Register(JobKind, o.deliver, jobs.MaxAttempts(8), jobs.Timeout(2*time.Minute))
	return o
}

type sendPayload struct {
	MessageID int64 `json:"message_id"`
}

// Send stores m sealed in the outbox and enqueues its delivery, both in tx
// (for tx's organisation). It returns the outbox id.
func (o *Outbox) Send(ctx context.Context, tx *db.Tx, m Message) (int64, error) {
	if o.cfgErr != nil {
		return 0, o.cfgErr
	}
	if err := validate(m); err != nil {
		return 0, err
	}
	plain, err := json.Marshal(m)
	if err != nil {
		return 0, fmt.Errorf("mail: encode message: %w", err)
	}
	sealed, err := o.sealer.SealOrg(ctx, tx, SealField, plain)
	if err != nil {
		return 0, fmt.Errorf("mail: seal message: %w", err)
	}
	now := db.TS(o.clk.Now())
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO mail_outbox (org_id, message_sealed, message_id, state, created_at, updated_at)
		VALUES ($1, $2, $3, 'queued', $4, $4) RETURNING id`,
		tx.OrgID(), sealed, o.newMessageID(), now).Scan(&id); err != nil {
		return 0, fmt.Errorf("mail: store message: %w", err)
	}
	if _, err := o.q.Enqueue(ctx, tx, JobKind, sendPayload{MessageID: id}, jobs.UniqueKey(strconv.FormatInt(id, 10))); err != nil {
		return 0, fmt.Errorf("mail: %w", err)
	}
	return id, nil
}

func validate(m Message) error {
	for name, v := range map[string]string{"recipient": m.To, "subject": m.Subject} {
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("%w: line break in the %s", ErrInvalid, name)
		}
	}
	if _, err := netmail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("%w: recipient is not an e-mail address", ErrInvalid)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return fmt.Errorf("%w: empty subject", ErrInvalid)
	}
	if strings.TrimSpace(m.Text) == "" {
		return fmt.Errorf("%w: empty text body", ErrInvalid)
	}
	return validateAttachments(m.Attachments)
}

func validateAttachments(as []Attachment) error {
	if len(as) > MaxAttachments {
		return fmt.Errorf("%w: %d attachments, at most %d", ErrInvalid, len(as), MaxAttachments)
	}
	total := 0
	for i, a := range as {
		if strings.TrimSpace(a.Name) == "" || strings.ContainsAny(a.Name, "\r\n\x00/\\") || !utf8.ValidString(a.Name) || len(a.Name) > 200 {
			return fmt.Errorf("%w: attachment %d: name must be a plain file name", ErrInvalid, i+1)
		}
		if _, _, err := mime.ParseMediaType(a.ContentType); err != nil || strings.ContainsAny(a.ContentType, "\r\n") {
			return fmt.Errorf("%w: attachment %d: content type %q", ErrInvalid, i+1, a.ContentType)
		}
		if len(a.Data) == 0 {
			return fmt.Errorf("%w: attachment %d is empty", ErrInvalid, i+1)
		}
		total += len(a.Data)
	}
	if total > MaxAttachmentBytes {
		return fmt.Errorf("%w: attachments of %d bytes, at most %d", ErrInvalid, total, MaxAttachmentBytes)
	}
	return nil
}

func (o *Outbox) newMessageID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	domain := "hms.localhost"
	if i := strings.LastIndexByte(o.from.Address, '@'); i >= 0 {
		domain = o.from.Address[i+1:]
	}
	return hex.EncodeToString(b) + "@" + domain
}

// inOrg runs fn in a transaction scoped to org: System for the platform
// (organisation 0), otherwise the organisation's own.
func (o *Outbox) inOrg(ctx context.Context, org int64, readOnly bool, fn func(*db.Tx) error) error {
	switch {
	case org == 0 && readOnly:
		return o.d.ReadSystem(ctx, fn)
	case org == 0:
		return o.d.System(ctx, fn)
	case readOnly:
		return o.d.ReadOrg(ctx, org, fn)
	default:
		return o.d.InOrg(ctx, org, fn)
	}
}

// deliver is the JobKind handler.
func (o *Outbox) deliver(ctx context.Context, j *jobs.Job) error {
	var p sendPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var (
		m       Message
		state   string
		msgID   string
		missing bool
	)
	err := o.inOrg(ctx, j.OrgID, true, func(tx *db.Tx) error {
		var sealed []byte
		err := tx.QueryRowContext(ctx, `SELECT message_sealed, state, message_id FROM mail_outbox WHERE id = $1 AND org_id = $2`,
			p.MessageID, j.OrgID).Scan(&sealed, &state, &msgID)
		if errors.Is(err, sql.ErrNoRows) {
			missing = true
			return nil
		}
		if err != nil {
			return err
		}
		if state != StateQueued {
			return nil
		}
		plain, err := o.sealer.OpenOrg(ctx, tx, SealField, sealed)
		if err != nil {
			return fmt.Errorf("open message: %w", err)
		}
		return json.Unmarshal(plain, &m)
	})
	if err != nil {
		err = fmt.Errorf("mail %d: %w", p.MessageID, err)
		if j.LastAttempt() {
			return errors.Join(err, o.record(ctx, j, p.MessageID, StateFailed, err))
		}
		return err
	}
	if missing || state != StateQueued {
		return nil // pruned, or already delivered by an earlier attempt
	}
	if o.cfgErr != nil {
		return o.record(ctx, j, p.MessageID, StateFailed, o.cfgErr)
	}
	if o.smtp == nil {
		if o.held != nil {
			o.held(m)
		}
		return o.record(ctx, j, p.MessageID, StateHeld, nil)
	}
	if serr := o.smtp.send(ctx, o.from, m, msgID, o.clk.Now()); serr != nil {
		// A timeout is never taken as a rejection.
		permanent := ctx.Err() == nil && permanentSMTP(serr)
		err := fmt.Errorf("mail %d: %s", p.MessageID, audit.Redact(serr.Error()))
		if permanent {
			err = jobs.Permanent(err)
		}
		state := StateQueued
		if permanent || j.LastAttempt() {
			state = StateFailed
		}
		if rerr := o.record(ctx, j, p.MessageID, state, err); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return o.record(ctx, j, p.MessageID, StateSent, nil)
}

// record writes the outcome of a delivery attempt. A recording failure after
// a successful send makes the job retry, and deliver sends again: the
// at-least-once case the package documentation describes.
func (o *Outbox) record(ctx context.Context, j *jobs.Job, id int64, state string, sendErr error) error {
	now := o.clk.Now()
	lastErr := ""
	if sendErr != nil {
		lastErr = storable(audit.Redact(sendErr.Error()), 1000)
	}
	// Record the outcome even when the handler's deadline has just passed.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := o.inOrg(rctx, j.OrgID, false, func(tx *db.Tx) error {
		_, err := tx.ExecContext(rctx, `UPDATE mail_outbox
			SET state = $1, attempts = attempts + $2, last_error = $3, updated_at = $4,
			    sent_at = CASE WHEN $1 = 'sent' THEN $4 ELSE sent_at END
			WHERE id = $5 AND org_id = $6`,
			state, boolInt(state != StateHeld), lastErr, db.TS(now), id, j.OrgID)
		return err
	})
	if err != nil {
		return fmt.Errorf("mail %d: record %s: %w", id, state, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// storable makes s valid UTF-8 without NUL (PostgreSQL refuses both in
// TEXT; an SMTP server's reply may hold anything) and at most about n bytes.
func storable(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
