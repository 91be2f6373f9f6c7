package settlement

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
)

// JobSend sends a final run's statements.
const JobSend = "settlement.send"

type sendPayload struct {
	RunID  int64 `json:"run_id"`
	UserID int64 `json:"user_id"`
}

// registerSend registers the send job; it acts as the user who started it,
// with their role of now.
func (st *Statements) registerSend(q *jobs.Queue, accounts *account.Service) {
	st.jobs = q
	q.Register(JobSend, func(ctx context.Context, j *jobs.Job) error {
		var p sendPayload
		if err := j.Decode(&p); err != nil {
			return jobs.Permanent(err)
		}
		a, err := accounts.ActorIn(ctx, p.UserID, j.OrgID)
		if err != nil {
			return jobs.Permanent(fmt.Errorf("send run %d: %w", p.RunID, err))
		}
		// Progress is shown, not needed: a failure to record it does not stop
		// the sending (a lost lease ends ctx instead).
		progress := func(done, total int) { _ = j.Progress(ctx, int64(done), int64(total), "") }
		_, err = st.Send(ctx, a, p.RunID, progress)
		if errors.Is(err, validation.ErrForbidden) || errors.Is(err, validation.ErrNotFound) || errors.Is(err, ErrNotFinal) {
			return jobs.Permanent(err)
		}
		// A failed attempt leaves whole batches sent; the retry does the rest.
		return err
	}, jobs.MaxAttempts(5), jobs.Timeout(4*time.Hour))
}

// SendPlan is what sending a run's statements now would do: the
// statements not sent yet and the balances they book. It is shown before
// the send and repeated when confirming it.
type SendPlan struct {
	Statements int
	ToPay      money.Cents
	ToRefund   money.Cents
}

// Unsent is the plan of the statements of rs that were not sent yet.
func (rs *RunStatements) Unsent() SendPlan {
	var p SendPlan
	for _, s := range rs.Statements {
		if !s.SentAt.IsZero() {
			continue
		}
		p.Statements++
		if s.Balance > 0 {
			p.ToPay += s.Balance
		} else {
			p.ToRefund -= s.Balance
		}
	}
	return p
}

// ErrSendChanged refuses a send whose confirmed plan is no longer what it
// would do (a statement was sent or a run changed meanwhile).
var ErrSendChanged = &validation.Problem{Status: 409, Code: "settlement_statement.send_changed"}

// StartSend queues the send job of a final run and returns its id. expect
// is the plan the person confirmed; if sending now would do something else,
// nothing is queued.
func (st *Statements) StartSend(ctx context.Context, a account.Actor, runID int64, expect SendPlan) (int64, error) {
	if err := canWrite(a); err != nil {
		return 0, err
	}
	if st.jobs == nil {
		return 0, ErrStatementNoJobs
	}
	rev, err := st.Review(ctx, a, runID)
	if err != nil {
		return 0, err
	}
	if rev.Run.State != StateFinal {
		return 0, ErrNotFinal
	}
	if rev.Unsent() != expect || expect.Statements == 0 {
		return 0, ErrSendChanged
	}
	var id int64
	err = st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		r, err := runSummary(ctx, tx, runID)
		if err != nil {
			return err
		}
		if r.State != StateFinal {
			return ErrNotFinal
		}
		if id, err = st.jobs.Enqueue(ctx, tx, JobSend, sendPayload{RunID: runID, UserID: a.UserID},
			jobs.UniqueKey(fmt.Sprint(runID))); err != nil {
			return err
		}
		return st.s.record(ctx, tx, a, "settlement.send_started", "settlement_run", runID, map[string]string{"job_id": fmt.Sprint(id)})
	})
	return id, err
}

// SendResult is what a send did.
type SendResult struct {
	Statements int // sent now
	Invoices   int // balances booked now
	Mails      int
	Skipped    int // sent before
}

// Send renders, stores, books and mails the statements of final run runID
// that were not sent yet, st.batch occupancies per transaction. Running it
// again sends nothing twice.
func (st *Statements) Send(ctx context.Context, a account.Actor, runID int64, progress func(done, total int)) (SendResult, error) {
	var res SendResult
	if err := canWrite(a); err != nil {
		return res, err
	}
	var r *Run
	err := st.s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		r, err = loadRun(ctx, tx, runID)
		return err
	})
	if err != nil {
		return res, err
	}
	if r.State != StateFinal {
		return res, ErrNotFinal
	}
	total := len(r.Occupancies)
	for start := 0; start < total; start += st.batch {
		part := r.Occupancies[start:min(start+st.batch, total)]
		err := st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			if err := tx.CustomPlans(ctx); err != nil {
				return err
			}
			c, err := st.runContext(ctx, tx, r)
			if err != nil {
				return err
			}
			var sent, books, mails int
			for i := range part {
				n, b, m, err := st.sendOne(ctx, tx, a, c, &part[i])
				if err != nil {
					return err
				}
				sent += n
				books += b
				mails += m
			}
			if sent == 0 {
				res.Skipped += len(part)
				return nil
			}
			res.Statements += sent
			res.Invoices += books
			res.Mails += mails
			res.Skipped += len(part) - sent
			return st.s.record(ctx, tx, a, "settlement.statements_sent", "settlement_run", runID, map[string]string{
				"statements": fmt.Sprint(sent), "booked": fmt.Sprint(books), "mails": fmt.Sprint(mails)})
		})
		if err != nil {
			return res, err
		}
		if progress != nil {
			progress(min(start+st.batch, total), total)
		}
	}
	if progress != nil {
		progress(total, total)
	}
	return res, nil
}

// sendOne sends occupancy o's statement in tx unless it was sent: it
// books the balance and the levies on the statement, stores the PDF sealed
// in the fiscal archive, mails it and marks it sent.
func (st *Statements) sendOne(ctx context.Context, tx *db.Tx, a account.Actor, c *runCtx,
	o *RunOccupancy) (sent, books, mails int, err error) {
	row, ok := c.rows[o.ID]
	if ok && row.sent {
		return 0, 0, 0, nil
	}
	if !ok {
		if err := tx.QueryRowContext(ctx, `INSERT INTO settlement_statements (org_id, run_id, occupancy_id, lease_id, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, tx.OrgID(), c.run.ID, o.ID, o.LeaseID, st.s.now()).Scan(&row.id); err != nil {
			return 0, 0, 0, fmt.Errorf("statement of occupancy %d: %w", o.ID, err)
		}
		c.rows[o.ID] = row
	}
	s, err := st.build(ctx, tx, a, c, o, true)
	if err != nil {
		return 0, 0, 0, err
	}
	s.ID = row.id
	l, err := st.s.leases.GetTx(ctx, tx, o.LeaseID)
	if err != nil {
		return 0, 0, 0, err
	}
	if !row.booked {
		ended := !l.EndsOn.IsZero() && !l.EndsOn.After(s.IssueDate)
		b, err := st.book(ctx, tx, s, row.id, a, ended)
		if err != nil {
			return 0, 0, 0, err
		}
		if b.invoiceID != 0 {
			books++
		}
		s.Booked, s.InvoiceID, s.InvoiceNumber, s.SetOff, s.PayoutCents = true, b.invoiceID, b.number, b.setOff, b.payout
		s.Kenmerk = b.kenmerk
		if _, err := st.bookLevyShares(ctx, tx, s.LeaseID, c.run.ComplexID, c.run.Year, o.UnitID, a.UserID, s.IssueDate,
			s.DueDate, true); err != nil {
			return 0, 0, 0, err
		}
	}
	if s.ProposedAdvance > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE settlement_statements SET advance_cents = $1, advance_from = $2 WHERE id = $3 AND org_id = $4
			AND advance_from = ''`, int64(s.ProposedAdvance), s.AdvanceFrom.String(), row.id, tx.OrgID()); err != nil {
			return 0, 0, 0, fmt.Errorf("statement %d advance: %w", row.id, err)
		}
	}
	s.SentAt = st.s.clk.Now()
	pdf, err := renderStatement(s, st.s.clk.Now())
	if err != nil {
		return 0, 0, 0, err
	}
	year := s.IssueDate.Year
	sealed, err := st.s.ledger.SealFiscal(ctx, tx, year, fieldStatement(row.id), pdf)
	if err != nil {
		return 0, 0, 0, err
	}
	sum := sha256.Sum256(pdf)
	if st.outbox != nil && st.s.relations != nil {
		facts, err := st.s.relations.PartyFacts(ctx, tx, a, PurposeStatement, l.TenantIDs()...)
		if err != nil {
			return 0, 0, 0, err
		}
		for _, id := range l.TenantIDs() {
			f := facts[id]
			if f.Email == "" || f.Restricted {
				continue // restricted processing (art. 18): the statement is booked and stored, not mailed
			}
			if _, err := st.outbox.Send(ctx, tx, statementMail(s, f.DisplayName, f.Email, statementLang(f.Language), pdf)); err != nil {
				return 0, 0, 0, fmt.Errorf("mail statement %d: %w", row.id, err)
			}
			mails++
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE settlement_statements SET document_year = $1, document_sealed = $2, document_sha256 = $3,
		document_lang = $4, mails = $5, sent_at = $6 WHERE id = $7 AND org_id = $8`, year, sealed, hex.EncodeToString(sum[:]), s.Lang, mails,
		db.TS(s.SentAt), row.id, tx.OrgID()); err != nil {
		return 0, 0, 0, fmt.Errorf("store statement %d: %w", row.id, err)
	}
	return 1, books, mails, nil
}

func fieldStatement(id int64) string { return fmt.Sprintf("settlement_statements.document/%d", id) }

// StatementPDF returns an occupancy's statement PDF: the stored one when it
// was sent (checked against its sha256), else one rendered now as it would
// be sent today (not stored: sending stores it, with its booking).
func (st *Statements) StatementPDF(ctx context.Context, a account.Actor, runID, occupancyID int64) ([]byte, string, error) {
	if err := canRead(a); err != nil {
		return nil, "", err
	}
	var pdf []byte
	var name string
	// A write transaction: rendering reads the tenants, which is logged.
	err := st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var id int64
		var year int
		var sealed []byte
		var digest string
		err := tx.QueryRowContext(ctx, `SELECT s.id, s.document_year, s.document_sealed, s.document_sha256 FROM settlement_statements s
			WHERE s.run_id = $1 AND s.occupancy_id = $2 AND s.org_id = $3`, runID, occupancyID, tx.OrgID()).Scan(&id, &year, &sealed, &digest)
		if err == nil && sealed != nil {
			if pdf, err = st.s.ledger.OpenFiscal(ctx, tx, year, fieldStatement(id), sealed); err != nil {
				return err
			}
			if sum := sha256.Sum256(pdf); hex.EncodeToString(sum[:]) != digest {
				return fmt.Errorf("statement %d does not match its sha256", id)
			}
			return nil
		}
		r, err := loadRun(ctx, tx, runID)
		if err != nil {
			return err
		}
		c, err := st.runContext(ctx, tx, r)
		if err != nil {
			return err
		}
		for i := range r.Occupancies {
			if r.Occupancies[i].ID != occupancyID {
				continue
			}
			s, err := st.build(ctx, tx, a, c, &r.Occupancies[i], true)
			if err != nil {
				return err
			}
			pdf, err = renderStatement(s, st.s.clk.Now())
			return err
		}
		return validation.ErrNotFound
	})
	if err == nil {
		name = fmt.Sprintf("afrekening-servicekosten-%d-%d.pdf", runID, occupancyID)
	}
	return pdf, name, err
}

// statementMail carries a statement to one tenant, in the tenant's language.
func statementMail(s *Statement, name, email, lang string, pdf []byte) mail.Message {
	en := lang == "en"
	eur := func(c money.Cents) string { return money.Format(c, lang) }
	var b strings.Builder
	subject := fmt.Sprintf("Afrekening servicekosten %d — %s", s.Year, s.Address)
	file := fmt.Sprintf("afrekening-servicekosten-%d.pdf", s.Year)
	if en {
		subject = fmt.Sprintf("Service charge statement %d — %s", s.Year, s.Address)
		file = fmt.Sprintf("service-charge-statement-%d.pdf", s.Year)
		fmt.Fprintf(&b, "Dear %s,\n\nPlease find attached the statement of the service charges for %d.\n\n", name, s.Year)
		switch {
		case s.Balance > 0:
			fmt.Fprintf(&b, "Balance to pay: %s, no later than %s.\n", eur(s.Balance), s.DueDate.Long(lang))
		case s.Balance < 0:
			fmt.Fprintf(&b, "Balance in your favour: %s.\n", eur(-s.Balance))
		default:
			b.WriteString("Your advances covered the costs exactly.\n")
		}
		fmt.Fprintf(&b, "\nKind regards,\n%s\n", s.Issuer.Name)
	} else {
		fmt.Fprintf(&b, "Beste %s,\n\nIn de bijlage vindt u de afrekening van de servicekosten over %d.\n\n", name, s.Year)
		switch {
		case s.Balance > 0:
			fmt.Fprintf(&b, "Te betalen: %s, uiterlijk %s.\n", eur(s.Balance), s.DueDate.Long(lang))
		case s.Balance < 0:
			fmt.Fprintf(&b, "In uw voordeel: %s.\n", eur(-s.Balance))
		default:
			b.WriteString("Uw voorschotten dekten de kosten precies.\n")
		}
		fmt.Fprintf(&b, "\nMet vriendelijke groet,\n%s\n", s.Issuer.Name)
	}
	return mail.Message{To: (&netmail.Address{Name: name, Address: email}).String(), Subject: subject, Text: b.String(),
		Attachments: []mail.Attachment{{Name: file, ContentType: "application/pdf", Data: pdf}}}
}

// SendState is how far sending a run's statements got.
type SendState struct {
	RunID       int64
	Sent, Total int          // statements sent of the run's occupancies
	Job         *jobs.Status // the latest send job of the run; nil: none was started
}

// SendStatus reports how many of a run's statements were sent and the state
// of its latest send job (the API's and the CLI's progress).
func (st *Statements) SendStatus(ctx context.Context, a account.Actor, runID int64) (SendState, error) {
	out := SendState{RunID: runID}
	if err := canRead(a); err != nil {
		return out, err
	}
	err := st.s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := runSummary(ctx, tx, runID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM settlement_run_occupancies WHERE run_id = $1 AND org_id = $2),
			(SELECT COUNT(*) FROM settlement_statements WHERE run_id = $1 AND org_id = $2 AND sent_at IS NOT NULL)`, runID, tx.OrgID()).
			Scan(&out.Total, &out.Sent); err != nil {
			return fmt.Errorf("send status of run %d: %w", runID, err)
		}
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE org_id = $1 AND kind = $2 AND unique_key = $3 ORDER BY id DESC LIMIT 1`,
			tx.OrgID(), JobSend, fmt.Sprint(runID)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) || st.jobs == nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("send job of run %d: %w", runID, err)
		}
		js, err := st.jobs.Status(ctx, tx, id)
		if err != nil {
			return err
		}
		out.Job = &js
		return nil
	})
	return out, err
}
