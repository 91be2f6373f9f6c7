package billing

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
)

// ErrOpenItems refuses to erase a person whose leases still have open
// invoices or credit: the claim (or the refund) still needs them.
var ErrOpenItems = &validation.Problem{Status: 409, Code: "privacy.erase_open_items"}

// PrivacySource is the books of the person's leases for subject requests
// (source "ledger"): invoices, credit notes and payments with their texts.
func (s *Service) PrivacySource() privacy.Source { return privacySource{s} }

type privacySource struct{ s *Service }

func (privacySource) Name() string { return "ledger" }

func (p privacySource) Export(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) ([]privacy.Section, error) {
	invs := privacy.Section{Key: "ledger.invoices", Title: "privacy.src.invoices", Purpose: "privacy.purpose.invoices",
		Basis: "privacy.basis.contract_legal", Retention: "privacy.retention.fiscal", Recipients: "privacy.recipients.books",
		Origin: "privacy.origin.generated",
		Columns: []string{"privacy.col.number", "privacy.col.kind", "privacy.col.reference", "privacy.col.period", "privacy.col.issued",
			"privacy.col.due", "privacy.col.total", "privacy.col.open"}}
	pays := privacy.Section{Key: "ledger.payments", Title: "privacy.src.payments", Purpose: "privacy.purpose.payments",
		Basis: "privacy.basis.contract_legal", Retention: "privacy.retention.fiscal", Recipients: "privacy.recipients.books",
		Origin: "privacy.origin.payments",
		Columns: []string{"privacy.col.date", "privacy.col.reference", "privacy.col.amount", "privacy.col.method",
			"privacy.col.description"}}
	ids, err := lease.LeaseIDsOfPartyTx(ctx, tx, person)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		is, err := ledger.InvoicesOfLeaseTx(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		for _, inv := range is {
			invs.Records = append(invs.Records, []privacy.Value{privacy.Text(inv.Number), privacy.Word("privacy.invoice." + string(inv.Kind)),
				privacy.Text(inv.LeaseReference), privacy.Text(inv.Period), privacy.Day(inv.IssueDate), privacy.Day(inv.DueDate),
				privacy.Amount(inv.Total), privacy.Amount(inv.Open)})
		}
		ps, err := p.s.ledger.PaymentsOfLeaseTx(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		for _, pm := range ps {
			pays.Records = append(pays.Records, []privacy.Value{privacy.Day(pm.Date), privacy.Text(pm.LeaseReference),
				privacy.Amount(pm.Amount), privacy.Word("privacy.method." + string(pm.Method)), privacy.Text(pm.Reference)})
		}
	}
	return []privacy.Section{invs, pays}, nil
}

// Erase changes no amount: the books are kept, pseudonymised, until the
// fiscal retention ends (ledger.RetentionYears after the year). Before the
// person's keys go, every invoice and credit note gets its PDF and debtor
// snapshot in the fiscal archive (sealed per organisation and year), so it
// stays printable as it was sent. The payments' free text (a payer's
// transfer description may name them) is emptied. A person whose leases
// still have open items or credit is refused.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, a account.Actor, person int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	ids, err := lease.LeaseIDsOfPartyTx(ctx, tx, person)
	if err != nil {
		return o, err
	}
	var ds *docSettings
	invoices, payments, refs := 0, 0, 0
	var lastYear int
	var lastPay civil.Date
	for _, id := range ids {
		is, err := ledger.InvoicesOfLeaseTx(ctx, tx, id)
		if err != nil {
			return o, err
		}
		credit, err := ledger.UnallocatedCreditTx(ctx, tx, id)
		if err != nil {
			return o, err
		}
		if credit > 0 {
			return o, ErrOpenItems
		}
		for _, inv := range is {
			if inv.Open > 0 {
				return o, ErrOpenItems
			}
			invoices++
			lastYear = max(lastYear, inv.FiscalYear)
			if inv.HasDocument {
				continue
			}
			if ds == nil {
				d, err := p.s.docSettings(ctx, tx)
				if err != nil {
					return o, err
				}
				ds = &d
			}
			full, err := p.s.ledger.InvoiceTx(ctx, tx, inv.ID)
			if err != nil {
				return o, err
			}
			if _, err := p.s.makeDocument(ctx, tx, a, full, *ds, false); err != nil {
				return o, fmt.Errorf("invoice %s document before erasure: %w", inv.Number, err)
			}
		}
		ps, err := p.s.ledger.PaymentsOfLeaseTx(ctx, tx, id)
		if err != nil {
			return o, err
		}
		n, err := ledger.ErasePaymentReferencesTx(ctx, tx, id)
		if err != nil {
			return o, err
		}
		refs += n
		for _, pm := range ps {
			payments++
			if pm.Date.After(lastPay) {
				lastPay = pm.Date
			}
		}
	}
	var until civil.Date
	if lastYear > 0 {
		until = ledger.RetainedUntil(lastYear)
	}
	o.Erased = []privacy.Erased{{What: "privacy.what.payment_references", Count: refs}}
	o.Kept = []privacy.Kept{
		{What: "privacy.what.invoices", Count: invoices, Until: until, Why: "privacy.why.fiscal"},
		{What: "privacy.what.invoice_documents", Count: invoices, Until: until, Why: "privacy.why.fiscal_documents"},
		{What: "privacy.what.payments", Count: payments, Until: retained(lastPay), Why: "privacy.why.fiscal"},
	}
	return o, nil
}

func retained(d civil.Date) civil.Date {
	if d.IsZero() {
		return d
	}
	return ledger.RetainedUntil(d.Year)
}
