package billing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/orgprofile"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/relation"
)

// Invoice documents. A posted invoice's PDF is made once, sealed in the
// fiscal archive of its year with the debtor's name and address as printed
// (ledger.SealFiscal), and from then on always returned as stored: printing
// never reads the live relation again, so an erased tenant's invoice still
// prints, and it prints the same every time. The rent run leaves the
// documents to a job (JobDocuments) so the run itself stays fast; an
// invoice without a document yet (a credit note, or a run posted without a
// queue) gets one when it is first asked for.

// JobDocuments makes and sends the documents of a rent run's invoices.
const JobDocuments = "billing.documents"

// PurposeInvoice is the purpose logged when an invoice reads its tenants.
const PurposeInvoice = "billing.invoice"

type docsPayload struct {
	RunID  int64 `json:"run_id"`
	UserID int64 `json:"user_id"`
}

// The fiscal-archive fields name row and column, so a sealed value cannot
// pass for another invoice's.
func fieldDebtor(id int64) string   { return fmt.Sprintf("ledger_invoices.debtor_sealed/%d", id) }
func fieldDocument(id int64) string { return fmt.Sprintf("ledger_invoices.document_sealed/%d", id) }

// InvoiceDocument returns the PDF of an invoice or credit note: the stored
// one, opened from the fiscal archive, or, when none exists yet, a new one
// that is rendered, stored and then returned. It does not send mail.
func (s *Service) InvoiceDocument(ctx context.Context, a account.Actor, invoiceID int64) ([]byte, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var pdf []byte
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		pdf, err = s.storedDocument(ctx, tx, invoiceID)
		return err
	})
	if err != nil || pdf != nil {
		return pdf, err
	}
	err = s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		inv, err := s.ledger.InvoiceTx(ctx, tx, invoiceID)
		if err != nil {
			return err
		}
		ds, err := s.docSettings(ctx, tx)
		if err != nil {
			return err
		}
		var r made
		if r, err = s.makeDocument(ctx, tx, a, inv, ds, false); err != nil {
			return err
		}
		pdf = r.pdf
		if !r.stored {
			return nil
		}
		return s.ledger.Record(ctx, tx, a, "billing.invoice_document_stored", "invoice", inv.ID, map[string]string{"sha256": r.sha})
	})
	return pdf, err
}

// StoredDocumentTx opens invoice id's stored PDF from the fiscal archive in
// the caller's transaction (the organisation export); nil when it has none.
func (s *Service) StoredDocumentTx(ctx context.Context, tx *db.Tx, id int64) ([]byte, error) {
	return s.storedDocument(ctx, tx, id)
}

// storedDocument opens invoice id's stored PDF; nil when it has none yet.
func (s *Service) storedDocument(ctx context.Context, tx *db.Tx, id int64) ([]byte, error) {
	year, sealed, digest, err := invoiceDocument(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if sealed == nil {
		return nil, nil
	}
	pdf, err := s.ledger.OpenFiscal(ctx, tx, year, fieldDocument(id), sealed)
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(pdf); hex.EncodeToString(sum[:]) != digest {
		return nil, fmt.Errorf("invoice document %d does not match its sha256", id)
	}
	return pdf, nil
}

// docSettings are what every document of an organisation shares.
type docSettings struct {
	billing Settings
	issuer  issuer
}

func (s *Service) docSettings(ctx context.Context, tx *db.Tx) (docSettings, error) {
	st, err := loadSettings(ctx, tx)
	if err != nil {
		return docSettings{}, err
	}
	is, err := orgprofile.IssuerTx(ctx, tx, st.IssuerIBAN)
	if err != nil {
		return docSettings{}, err
	}
	return docSettings{billing: st, issuer: is}, nil
}

// recipient is a tenant the invoice is mailed to.
type recipient struct {
	name, email, lang string
}

// made is what makeDocument did.
type made struct {
	pdf    []byte
	sha    string
	stored bool // false: another transaction stored one first; pdf is that one
	sent   int  // messages put in the outbox
}

// makeDocument renders inv's document, seals it and the debtor snapshot in
// the fiscal archive and stores both on the invoice, all in tx. With send
// (the run's documents job) and the organisation's send_invoices on, an
// invoice is also mailed, with the PDF attached, to each tenant with an
// e-mail address, in the same transaction.
func (s *Service) makeDocument(ctx context.Context, tx *db.Tx, a account.Actor, inv *ledger.Invoice,
	ds docSettings, send bool) (made, error) {
	d, err := s.draftDocument(ctx, tx, inv, ds, send)
	if err != nil {
		return made{}, err
	}
	if err := d.render(); err != nil {
		return made{}, err
	}
	return s.storeDocument(ctx, tx, a, d)
}

// draft is an invoice's document read and rendered, not stored yet. The run's
// documents job reads and renders a batch outside the write transaction that
// stores it, so SQLite's one writer is held only for storing.
type draft struct {
	inv    *ledger.Invoice
	doc    invoiceDoc  // its Debtor is the snapshot sealed with the document
	to     []recipient // who it is mailed to (send)
	send   bool
	viewed relation.Viewed // the tenants read, recorded where the draft is stored
	pdf    []byte
}

// draftDocument reads what inv's document prints and whom it is mailed to;
// tx may be read-only.
func (s *Service) draftDocument(ctx context.Context, tx *db.Tx, inv *ledger.Invoice, ds docSettings, send bool) (draft, error) {
	l, err := s.leases.GetTx(ctx, tx, inv.LeaseID)
	if err != nil {
		return draft{}, err
	}
	d := draft{inv: inv, send: send && ds.billing.SendInvoices && inv.Kind == ledger.KindInvoice && inv.SentAt.IsZero() && s.outbox != nil}
	d.doc = invoiceDoc{Kind: inv.Kind, Number: inv.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Period: inv.Period,
		LeaseReference: inv.LeaseReference, Kenmerk: inv.Kenmerk, Issuer: ds.issuer, Net: inv.Net, VAT: inv.VAT, Total: inv.Total,
		DirectDebit: l.PaymentMethod == lease.DirectDebit, Reason: inv.Reason, Proration: inv.Proration, Created: s.clk.Now()}
	for _, c := range inv.Charges {
		d.doc.Lines = append(d.doc.Lines, docLine{Line: c.Line, From: c.From, To: c.To, Net: c.Net, Rate: c.VATRate, VAT: c.VAT, Basis: c.Basis})
	}
	var snap *debtorSnapshot
	if inv.Kind == ledger.KindCreditNote && inv.CreditsInvoiceID != 0 {
		// A credit note goes to the debtor of the invoice it corrects, as
		// printed there (that person may have been erased since).
		if d.doc.CreditedNumber, snap, err = s.creditedInvoice(ctx, tx, inv.CreditsInvoiceID); err != nil {
			return draft{}, err
		}
	}
	if snap == nil || d.send {
		var fresh debtorSnapshot
		if fresh, d.to, d.viewed, err = s.debtorOf(ctx, tx, l); err != nil {
			return draft{}, err
		}
		if snap == nil {
			snap = &fresh
		}
	}
	d.doc.Debtor, d.doc.Lang = *snap, snap.Language
	return d, nil
}

// render makes the draft's PDF; it needs no transaction.
func (d *draft) render() error {
	pdf, err := renderInvoice(d.doc)
	d.pdf = pdf
	return err
}

// storeDocument records the tenants the draft read, seals the rendered
// document and its debtor snapshot in the fiscal archive, stores both on
// the invoice and mails it when the draft says so, all in tx.
func (s *Service) storeDocument(ctx context.Context, tx *db.Tx, a account.Actor, d draft) (made, error) {
	inv := d.inv
	if err := d.viewed.Record(ctx, tx, a); err != nil {
		return made{}, err
	}
	debtor, err := json.Marshal(d.doc.Debtor)
	if err != nil {
		return made{}, fmt.Errorf("encode debtor of %s: %w", inv.Number, err)
	}
	sealedDebtor, err := s.ledger.SealFiscal(ctx, tx, inv.FiscalYear, fieldDebtor(inv.ID), debtor)
	if err != nil {
		return made{}, err
	}
	sealedDoc, err := s.ledger.SealFiscal(ctx, tx, inv.FiscalYear, fieldDocument(inv.ID), d.pdf)
	if err != nil {
		return made{}, err
	}
	sum := sha256.Sum256(d.pdf)
	r := made{pdf: d.pdf, sha: hex.EncodeToString(sum[:]), stored: true}
	ok, err := storeInvoiceDocument(ctx, tx, inv.ID, sealedDebtor, sealedDoc, r.sha)
	if err != nil {
		return made{}, err
	}
	if !ok {
		// Someone stored one first (two people opening a new credit note at
		// once, or one opened while the run's job rendered it): theirs is
		// the document.
		stored, err := s.storedDocument(ctx, tx, inv.ID)
		return made{pdf: stored}, err
	}
	if !d.send || len(d.to) == 0 {
		return r, nil
	}
	// An invoice of an undone run is never mailed. The UPDATE above holds
	// the row lock an undo takes, so this sees its credit note if the undo
	// committed first (and the undo sees sent_at if this commits first).
	credited, err := invoiceCredited(ctx, tx, inv.ID)
	if err != nil {
		return made{}, err
	}
	if credited {
		return r, nil
	}
	for _, rc := range d.to {
		if _, err := s.outbox.Send(ctx, tx, invoiceMail(d.doc, rc, d.pdf)); err != nil {
			return made{}, fmt.Errorf("mail %s: %w", inv.Number, err)
		}
		r.sent++
	}
	if err := markInvoiceSent(ctx, tx, inv.ID, s.now()); err != nil {
		return made{}, err
	}
	return r, nil
}

// debtorOf reads the lease's tenants from relations (to be logged with
// purpose billing.invoice where the document is stored): the snapshot to
// print, and who has an e-mail address.
func (s *Service) debtorOf(ctx context.Context, tx *db.Tx, l *lease.Lease) (debtorSnapshot, []recipient, relation.Viewed, error) {
	var snap debtorSnapshot
	ids := l.TenantIDs()
	if len(ids) == 0 {
		return snap, nil, relation.Viewed{}, nil
	}
	facts, viewed, err := s.relations.PartyFactsToRecord(ctx, tx, PurposeInvoice, ids...)
	if err != nil {
		return snap, nil, relation.Viewed{}, fmt.Errorf("invoice debtor of lease %s: %w", l.Reference, err)
	}
	var to []recipient
	for i, id := range ids {
		f := facts[id]
		snap.Names = append(snap.Names, f.DisplayName)
		if snap.Address == "" {
			snap.Address = f.Address
		}
		if i == 0 {
			snap.Language = docLang(f.Language)
		}
		if f.Email != "" && !f.Restricted { // restricted processing (art. 18): the invoice is posted, not mailed
			to = append(to, recipient{name: f.DisplayName, email: f.Email, lang: docLang(f.Language)})
		}
	}
	return snap, to, viewed, nil
}

// creditedInvoice is the number of the invoice a credit note corrects and
// its debtor snapshot (nil when it has none yet).
func (s *Service) creditedInvoice(ctx context.Context, tx *db.Tx, id int64) (string, *debtorSnapshot, error) {
	number, year, sealed, err := invoiceDebtor(ctx, tx, id)
	if err != nil {
		return "", nil, err
	}
	if sealed == nil {
		return number, nil, nil
	}
	plain, err := s.ledger.OpenFiscal(ctx, tx, year, fieldDebtor(id), sealed)
	if errors.Is(err, ledger.ErrFiscalShredded) {
		return number, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	var snap debtorSnapshot
	if err := json.Unmarshal(plain, &snap); err != nil {
		return "", nil, fmt.Errorf("debtor of %s: %w", number, err)
	}
	return number, &snap, nil
}

// invoiceMail is the message that carries an invoice to one tenant, in
// the tenant's language.
func invoiceMail(d invoiceDoc, rc recipient, pdf []byte) mail.Message {
	lang := rc.lang
	en := lang == "en"
	eur := func(c money.Cents) string { return money.Format(c, lang) }
	subject := "Factuur " + d.Number
	if en {
		subject = "Invoice " + d.Number
	}
	if d.Period != "" {
		if en {
			subject += " — rent " + periodName(d.Period, lang)
		} else {
			subject += " — huur " + periodName(d.Period, lang)
		}
	}
	var b strings.Builder
	kenmerk := nl.FormatKenmerk(d.Kenmerk)
	if en {
		fmt.Fprintf(&b, "Dear %s,\n\nPlease find attached invoice %s", rc.name, d.Number)
		if d.Period != "" {
			fmt.Fprintf(&b, " for the rent of %s", periodName(d.Period, lang))
		}
		fmt.Fprintf(&b, ".\n\nAmount: %s\nDue date: %s\n", eur(d.Total), d.DueDate.Long(lang))
		if d.DirectDebit {
			fmt.Fprintf(&b,
				"Payment reference: %s\n\nThe amount will be collected from your account by direct debit; you need not do anything.\n", kenmerk)
		} else {
			if d.Issuer.IBAN != "" {
				fmt.Fprintf(&b, "IBAN: %s in the name of %s\n", nl.FormatIBAN(d.Issuer.IBAN), d.Issuer.Name)
			}
			fmt.Fprintf(&b, "Payment reference: %s\n\nPlease quote the payment reference with your transfer.\n", kenmerk)
		}
		fmt.Fprintf(&b, "\nKind regards,\n%s\n", d.Issuer.Name)
	} else {
		fmt.Fprintf(&b, "Beste %s,\n\nIn de bijlage vindt u factuur %s", rc.name, d.Number)
		if d.Period != "" {
			fmt.Fprintf(&b, " voor de huur van %s", periodName(d.Period, lang))
		}
		fmt.Fprintf(&b, ".\n\nBedrag: %s\nVervaldatum: %s\n", eur(d.Total), d.DueDate.Long(lang))
		if d.DirectDebit {
			fmt.Fprintf(&b, "Betalingskenmerk: %s\n\nHet bedrag wordt automatisch van uw rekening geïncasseerd; u hoeft niets te doen.\n", kenmerk)
		} else {
			if d.Issuer.IBAN != "" {
				fmt.Fprintf(&b, "IBAN: %s ten name van %s\n", nl.FormatIBAN(d.Issuer.IBAN), d.Issuer.Name)
			}
			fmt.Fprintf(&b, "Betalingskenmerk: %s\n\nVermeld bij uw betaling het betalingskenmerk.\n", kenmerk)
		}
		fmt.Fprintf(&b, "\nMet vriendelijke groet,\n%s\n", d.Issuer.Name)
	}
	name := "factuur-" + d.Number + ".pdf"
	if en {
		name = "invoice-" + d.Number + ".pdf"
	}
	return mail.Message{To: (&netmail.Address{Name: rc.name, Address: rc.email}).String(), Subject: subject, Text: b.String(),
		Attachments: []mail.Attachment{{Name: name, ContentType: "application/pdf", Data: pdf}}}
}

// registerDocuments registers the documents job; it acts as the user who
// started the run, with their role of now.
func (s *Service) registerDocuments(q *jobs.Queue, accounts *account.Service) {
	q.Register(JobDocuments, func(ctx context.Context, j *jobs.Job) error {
		var p docsPayload
		if err := j.Decode(&p); err != nil {
			return jobs.Permanent(err)
		}
		a, err := accounts.ActorIn(ctx, p.UserID, j.OrgID)
		if err != nil {
			return jobs.Permanent(fmt.Errorf("documents of run %d: %w", p.RunID, err))
		}
		progress := func(done, total int) { _ = j.Progress(ctx, int64(done), int64(total), "") }
		err = s.MakeRunDocuments(ctx, a, p.RunID, progress)
		if errors.Is(err, validation.ErrForbidden) {
			return jobs.Permanent(err)
		}
		// A failed attempt leaves whole batches; the retry skips invoices
		// that have their document.
		return err
	}, jobs.MaxAttempts(5), jobs.Timeout(4*time.Hour))
}

// enqueueDocuments queues the documents job of a run that posted invoices.
// Without a queue (a bare service) the documents are made when first asked
// for.
func (s *Service) enqueueDocuments(ctx context.Context, a account.Actor, runID int64) error {
	if s.jobs == nil {
		return nil
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		_, err := s.jobs.Enqueue(ctx, tx, JobDocuments, docsPayload{RunID: runID, UserID: a.UserID}, jobs.UniqueKey(fmt.Sprint(runID)))
		return err
	})
}

// MakeRunDocuments makes the documents of run runID's invoices that have
// none yet, mailing them as the settings say, a batch of invoices per
// transaction. Running it again does only what is left.
func (s *Service) MakeRunDocuments(ctx context.Context, a account.Actor, runID int64, progress func(done, total int)) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	var total int
	if err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		total, err = runDocumentsLeft(ctx, tx, runID)
		return err
	}); err != nil {
		return err
	}
	var after int64
	done := 0
	for {
		// A batch is read (the invoices, their leases and tenants) in a
		// read transaction, rendered outside any transaction, and stored in
		// a short write: rendering is most of the time, and on SQLite every
		// other write waits while the writer is held.
		var drafts []draft
		err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			// Read the batch's ids first: PostgreSQL wants a result read to
			// the end before the next query on the transaction.
			ids, err := runInvoicesWithoutDocument(ctx, tx, runID, after, s.docBatch)
			if err != nil || len(ids) == 0 {
				return err
			}
			ds, err := s.docSettings(ctx, tx)
			if err != nil {
				return err
			}
			for _, id := range ids {
				inv, err := s.ledger.InvoiceTx(ctx, tx, id)
				if err != nil {
					return err
				}
				d, err := s.draftDocument(ctx, tx, inv, ds, true)
				if err != nil {
					return err
				}
				drafts = append(drafts, d)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(drafts) == 0 {
			break
		}
		if err := s.check(ctx, "documents.render"); err != nil {
			return err
		}
		for i := range drafts {
			if err := drafts[i].render(); err != nil {
				return err
			}
		}
		err = s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			stored, sent := 0, 0
			for _, d := range drafts {
				r, err := s.storeDocument(ctx, tx, a, d)
				if err != nil {
					return err
				}
				if r.stored {
					stored++
				}
				sent += r.sent
			}
			return s.ledger.Record(ctx, tx, a, "billing.documents_stored", "run", runID, map[string]string{
				"documents": fmt.Sprint(stored), "mails": fmt.Sprint(sent),
				"first": drafts[0].inv.Number, "last": drafts[len(drafts)-1].inv.Number})
		})
		if err != nil {
			return err
		}
		after = drafts[len(drafts)-1].inv.ID
		done += len(drafts)
		if progress != nil {
			progress(min(done, total), total)
		}
	}
	if progress != nil {
		progress(total, total)
	}
	return nil
}
