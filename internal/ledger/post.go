package ledger

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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
	var sb strings.Builder
	sb.WriteString(`INSERT INTO ledger_invoices (org_id, number, fiscal_year, kind, lease_id, period, issue_date, due_date,
		kenmerk, net_cents, vat_cents, total_cents, run_id, created_at, created_by, reason, proration) VALUES `)
	args := make([]any, 0, len(drafts)*invoiceCols)
	byNumber := make(map[string]int, len(drafts))
	for i, d := range drafts {
		if d.IssueDate.Year != year {
			return nil, fmt.Errorf("post: drafts span issue years %d and %d", year, d.IssueDate.Year)
		}
		if len(d.Lines) == 0 {
			return nil, fmt.Errorf("post: lease %d period %s has no lines", d.LeaseID, d.Period)
		}
		number := Number(year, first+int64(i))
		payload, _ := strconv.ParseUint(number, 10, 64)
		kenmerk, err := nl.NewKenmerk(payload)
		if err != nil {
			return nil, fmt.Errorf("post: kenmerk for %s: %w", number, err)
		}
		var net, vat money.Cents
		for _, l := range d.Lines {
			if net, err = money.Add(net, l.Net); err == nil {
				vat, err = money.Add(vat, l.VAT())
			}
			if err != nil {
				return nil, fmt.Errorf("post: total of %s: %w", number, err)
			}
		}
		total, err := money.Add(net, vat)
		if err != nil {
			return nil, fmt.Errorf("post: total of %s: %w", number, err)
		}
		posted[i] = Posted{Number: number, Kenmerk: kenmerk, Total: total}
		byNumber[number] = i
		if i > 0 {
			sb.WriteString(",")
		}
		kind := d.Kind
		if kind == "" {
			kind = KindInvoice
		}
		if (kind == KindCreditNote) != (net+vat < 0) {
			return nil, fmt.Errorf("post: lease %d: a %s of %d cents", d.LeaseID, kind, int64(net+vat))
		}
		sb.WriteString(tx.Tuple(len(args)+1, invoiceCols))
		args = append(args, tx.OrgID(), number, year, string(kind), d.LeaseID, d.Period, d.IssueDate, d.DueDate, kenmerk,
			int64(net), int64(vat), int64(net+vat), d.RunID, now, by, d.Reason, d.Proration)
	}
	sb.WriteString(" RETURNING id, number")
	rows, err := tx.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("post invoices: %w", err)
	}
	for rows.Next() {
		var id int64
		var number string
		if err := rows.Scan(&id, &number); err != nil {
			rows.Close()
			return nil, err
		}
		posted[byNumber[number]].InvoiceID = id
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("post invoices: %w", err)
	}
	if err := insertCharges(ctx, tx, drafts, posted); err != nil {
		return nil, err
	}
	return posted, nil
}

// reserveNumbers moves the year's invoice counter by n and returns the last
// number reserved. Numbers are reserved in the posting transaction, so a
// failed posting reserves nothing and the series has no gaps.
func reserveNumbers(ctx context.Context, tx *db.Tx, year int, n int64) (int64, error) {
	var last int64
	err := tx.QueryRowContext(ctx, `INSERT INTO ledger_counters (org_id, series, year, last) VALUES ($1, 'invoice', $2, $3)
		ON CONFLICT (org_id, series, year) DO UPDATE SET last = ledger_counters.last + excluded.last RETURNING last`,
		tx.OrgID(), year, n).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("reserve invoice numbers: %w", err)
	}
	if last >= 10_000_000 {
		return 0, fmt.Errorf("invoice series %d is full", year)
	}
	return last, nil
}

const (
	invoiceCols = 17
	chargeCols  = 13
)

func insertCharges(ctx context.Context, tx *db.Tx, drafts []Draft, posted []Posted) error {
	var sb strings.Builder
	args := make([]any, 0, 4*chargeCols*len(drafts))
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("post charges: %w", err)
		}
		sb.Reset()
		args = args[:0]
		return nil
	}
	for i, d := range drafts {
		for _, l := range d.Lines {
			if len(args) == 0 {
				sb.WriteString(`INSERT INTO ledger_charges (org_id, invoice_id, lease_id, period, line, from_date, to_date,
					net_cents, vat_rate, vat_cents, total_cents, due_date, basis) VALUES `)
			} else {
				sb.WriteString(",")
			}
			sb.WriteString(tx.Tuple(len(args)+1, chargeCols))
			vat := l.VAT()
			args = append(args, tx.OrgID(), posted[i].InvoiceID, d.LeaseID, d.Period, l.Line, l.From, l.To,
				int64(l.Net), int64(l.VATRate), int64(vat), int64(l.Net+vat), d.DueDate, EncodeBasis(l.Basis))
			if len(args) >= RowsPerStatement*chargeCols {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}
