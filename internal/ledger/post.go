package ledger

import (
	"context"
	"fmt"
	"strconv"

	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// Draft is an invoice about to be posted, or (Kind KindCreditNote, negative
// lines) a credit note that corrects no single invoice: a refund from a
// service-cost settlement, say. Its credit stays on the account until it is
// set off (AllocateCredit) or paid back.
type Draft struct {
	Kind      InvoiceKind // "": invoice
	Reason    string      // credit notes: why
	LeaseID   int64
	Period    string
	IssueDate civil.Date
	DueDate   civil.Date
	RunID     int64
	Lines     []DraftLine
	// Proration names how partial periods were computed ("actual/period",
	// …), printed on the invoice (DOMAIN §3.1).
	Proration string
}

// DraftLine is a charge about to be posted.
type DraftLine struct {
	Line     string
	From, To civil.Date
	Net      money.Cents
	VATRate  money.Rate
	Basis    []Basis // quantity and unit price; nil for lines without one
}

// VAT is the line's VAT, rounded half up per line.
func (l DraftLine) VAT() money.Cents { return money.ApplyRate(l.Net, l.VATRate) }

// Posted is what posting a draft produced.
type Posted struct {
	InvoiceID int64
	Number    string
	Kenmerk   string
	Total     money.Cents
}

// RowsPerStatement is how many rows one multi-row INSERT carries: enough to
// save the round trips, within both engines' parameter limits. (The
// parameters are db.Tx.Tuple's, which SQLite prepares in linear time.)
const RowsPerStatement = 250

const postBatch = RowsPerStatement

// PostTx posts drafts as invoices in tx: it reserves gapless numbers for
// the issue year, gives each a betalingskenmerk, and inserts invoices and
// charges with multi-row statements. The caller records the audit event
// (one per batch: a run posts hundreds of thousands of invoices). Every
// draft must have at least one line; drafts of one call share an issue
// year.
func PostTx(ctx context.Context, tx *db.Tx, drafts []Draft, now string, by int64) ([]Posted, error) {
	out := make([]Posted, 0, len(drafts))
	for start := 0; start < len(drafts); start += postBatch {
		part := drafts[start:min(start+postBatch, len(drafts))]
		p, err := postPart(ctx, tx, part, now, by)
		if err != nil {
			return nil, err
		}
		out = append(out, p...)
	}
	return out, nil
}

func postPart(ctx context.Context, tx *db.Tx, drafts []Draft, now string, by int64) ([]Posted, error) {
	if len(drafts) == 0 {
		return nil, nil
	}
	year := drafts[0].IssueDate.Year
	last, err := reserveNumbers(ctx, tx, year, int64(len(drafts)))
	if err != nil {
		return nil, err
	}
	first := last - int64(len(drafts)) + 1
	posted := make([]Posted, len(drafts))
	heads := make([]invoiceRow, len(drafts))
	for i, d := range drafts {
		if d.IssueDate.Year != year {
			return nil, fmt.Errorf("ledger: post: drafts span issue years %d and %d", year, d.IssueDate.Year)
		}
		if len(d.Lines) == 0 {
			return nil, fmt.Errorf("ledger: post: lease %d period %s has no lines", d.LeaseID, d.Period)
		}
		number := Number(year, first+int64(i))
		// A number is digits only (Number), so it always parses.
		payload, _ := strconv.ParseUint(number, 10, 64)
		kenmerk, err := nl.NewKenmerk(payload)
		if err != nil {
			return nil, fmt.Errorf("ledger: post: kenmerk for %s: %w", number, err)
		}
		var net, vat money.Cents
		for _, l := range d.Lines {
			if net, err = money.Add(net, l.Net); err == nil {
				vat, err = money.Add(vat, l.VAT())
			}
			if err != nil {
				return nil, fmt.Errorf("ledger: post: total of %s: %w", number, err)
			}
		}
		total, err := money.Add(net, vat)
		if err != nil {
			return nil, fmt.Errorf("ledger: post: total of %s: %w", number, err)
		}
		posted[i] = Posted{Number: number, Kenmerk: kenmerk, Total: total}
		kind := d.Kind
		if kind == "" {
			kind = KindInvoice
		}
		if (kind == KindCreditNote) != (total < 0) {
			return nil, fmt.Errorf("ledger: post: lease %d: a %s of %d cents", d.LeaseID, kind, int64(total))
		}
		heads[i] = invoiceRow{draft: &drafts[i], number: number, year: year, kind: kind, kenmerk: kenmerk, net: net, vat: vat}
	}
	ids, err := insertInvoices(ctx, tx, heads, now, by)
	if err != nil {
		return nil, err
	}
	for i := range posted {
		posted[i].InvoiceID = ids[posted[i].Number]
	}
	if err := insertCharges(ctx, tx, drafts, posted); err != nil {
		return nil, err
	}
	return posted, nil
}
