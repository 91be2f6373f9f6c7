package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
)

// Moving in from another system: the open items each lease had there
// (opening balances, booked as ledger charges of kind "opening" with their
// own document and due dates, so dunning and the ageing list see them as
// they were) and the service-cost advances charged and received there
// (settlement_prior_advances, which the settlement run counts with the
// ledger's). Both files are read as the rent roll is (csvfile.Read, Dutch
// or English headers), every row is checked before anything is written,
// errors come back as line + column + reason, and an import of the same
// file again changes nothing.

// OpeningColumns are the columns of an opening-balance file.
var OpeningColumns = []Column{
	{"lease_ref", "contractnummer", true, "opening", "lease reference as in HMS"},
	{"description", "omschrijving", true, "opening", "what the open item is, printed on the invoice, e.g. Huur maart 2026"},
	{"document_date", "documentdatum", true, "opening", "date of the invoice or document in the previous system"},
	{"due_date", "vervaldatum", true, "opening", "the date it was due; dunning and the ageing list count from it"},
	{"amount", "bedrag", true, "opening", "the amount still open, in euro (more than 0)"},
}

// AdvanceColumns are the columns of a pre-HMS advances file: a year, or
// from and to months.
var AdvanceColumns = []Column{
	{"lease_ref", "contractnummer", true, "advances", "lease reference as in HMS"},
	{"year", "jaar", false, "advances", "calendar year the advances are for (or from_month and to_month)"},
	{"from_month", "van_maand", false, "advances", "first month, 2025-01 (instead of year)"},
	{"to_month", "tot_en_met_maand", false, "advances", "last month, 2025-06 (instead of year)"},
	{"charged", "in_rekening_gebracht", true, "advances", "service-cost advances charged in the period, in euro"},
	{"received", "ontvangen", true, "advances", "of those, what the tenant paid, in euro"},
}

// MovingResult counts what an opening-balance or advances import did.
type MovingResult struct {
	Rows, Added, Changed, Unchanged int
	Total                           money.Cents // opening balances: the sum of the rows; advances: charged
}

// ImportOpeningBalances reads an opening-balance file and books every row
// not booked before as an invoice of one "opening" line, dated and due as
// the file says, in one transaction.
func (s *Service) ImportOpeningBalances(ctx context.Context, a account.Actor, r io.Reader) (*MovingResult, []CellError, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, nil, validation.ErrForbidden
	}
	recs, col, cellErrs, err := parseMoving(r, OpeningColumns)
	if err != nil {
		return nil, cellErrs, err
	}
	type row struct {
		line      int
		ref, desc string
		doc, due  civil.Date
		amount    money.Cents
	}
	var rows []row
	var errs []CellError
	add := func(line int, key, reason string) {
		errs = append(errs, CellError{Line: line, Column: col(key), Reason: reason})
	}
	for _, rec := range recs {
		f := rec.Fields
		rw := row{line: rec.Line, ref: strings.TrimSpace(f["lease_ref"]), desc: strings.TrimSpace(f["description"])}
		if rw.ref == "" {
			add(rec.Line, "lease_ref", "field.required")
		}
		if rw.desc == "" {
			add(rec.Line, "description", "field.required")
		} else if len([]rune(rw.desc)) > 200 {
			add(rec.Line, "description", "import.moving.too_long")
		}
		if rw.doc, err = civil.Parse(f["document_date"]); err != nil {
			add(rec.Line, "document_date", "import.moving.date_invalid")
		}
		if rw.due, err = civil.Parse(f["due_date"]); err != nil {
			add(rec.Line, "due_date", "import.moving.date_invalid")
		} else if !rw.doc.IsZero() && rw.due.Before(rw.doc) {
			add(rec.Line, "due_date", "import.moving.due_before_document")
		}
		if rw.amount, err = money.Parse(f["amount"]); err != nil || rw.amount <= 0 || rw.amount > money.MaxAmount {
			add(rec.Line, "amount", "import.moving.amount_invalid")
		}
		rows = append(rows, rw)
	}
	res := &MovingResult{Rows: len(rows)}
	err = s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		leases, err := leaseIDsByReference(ctx, tx)
		if err != nil {
			return err
		}
		booked, err := openingLines(ctx, tx)
		if err != nil {
			return err
		}
		byYear := map[int][]ledger.Draft{}
		seen := map[string]bool{}
		for _, rw := range rows {
			id, ok := leases[rw.ref]
			if rw.ref != "" && !ok {
				add(rw.line, "lease_ref", "import.moving.lease_unknown")
				continue
			}
			// The description is printed on the invoice: free text.
			if gerr := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "description", Value: rw.desc}); gerr != nil {
				gfe, ok := validation.AsFields(gerr)
				if !ok {
					return gerr
				}
				add(rw.line, "description", gfe["description"])
				continue
			}
			if len(errs) > 0 {
				continue
			}
			res.Total += rw.amount
			// The key of the item: a second import of the same row finds
			// it booked; the same row twice in one file is booked twice
			// (two open items of the same amount and dates are possible).
			sum := sha256.Sum256([]byte(strings.Join([]string{rw.ref, rw.desc, rw.doc.String(), rw.due.String(),
				strconv.FormatInt(int64(rw.amount), 10)}, "\x00")))
			key := "import:" + hex.EncodeToString(sum[:8])
			for n := 2; seen[key]; n++ {
				key = fmt.Sprintf("import:%s.%d", hex.EncodeToString(sum[:8]), n)
			}
			seen[key] = true
			line := ledger.Line("opening", key, rw.desc)
			if booked[openingKey{id, line}] {
				res.Unchanged++
				continue
			}
			res.Added++
			byYear[rw.doc.Year] = append(byYear[rw.doc.Year], ledger.Draft{LeaseID: id, IssueDate: rw.doc, DueDate: rw.due,
				Lines: []ledger.DraftLine{{Line: line, From: rw.doc, To: rw.doc, Net: rw.amount}}})
		}
		if len(errs) > 0 {
			return ErrRows
		}
		years := make([]int, 0, len(byYear))
		for y := range byYear {
			years = append(years, y)
		}
		slices.Sort(years)
		now := db.TS(s.clk.Now())
		for _, y := range years {
			if _, err := ledger.PostTx(ctx, tx, byYear[y], now, a.UserID); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: actorKind(a), Action: "import.opening_balances",
			TargetType: "import", Details: map[string]string{"rows": strconv.Itoa(res.Rows), "added": strconv.Itoa(res.Added)}})
	})
	if errors.Is(err, ErrRows) {
		return nil, sortErrors(errs), err
	}
	if err != nil {
		return nil, nil, err
	}
	return res, nil, nil
}

// ImportAdvances reads a file of service-cost advances charged and received
// before HMS and stores them per lease and period, in one transaction. A
// row for a lease and period already stored with other amounts replaces
// them (Changed); with the same amounts it is Unchanged.
func (s *Service) ImportAdvances(ctx context.Context, a account.Actor, r io.Reader) (*MovingResult, []CellError, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, nil, validation.ErrForbidden
	}
	recs, col, cellErrs, err := parseMoving(r, AdvanceColumns)
	if err != nil {
		return nil, cellErrs, err
	}
	var rows []PriorAdvance
	var lines []int
	var errs []CellError
	add := func(line int, key, reason string) {
		errs = append(errs, CellError{Line: line, Column: col(key), Reason: reason})
	}
	for _, rec := range recs {
		f := rec.Fields
		pa := PriorAdvance{Reference: strings.TrimSpace(f["lease_ref"])}
		if pa.Reference == "" {
			add(rec.Line, "lease_ref", "field.required")
		}
		year, fromM, toM := strings.TrimSpace(f["year"]), strings.TrimSpace(f["from_month"]), strings.TrimSpace(f["to_month"])
		switch {
		case year != "" && (fromM != "" || toM != ""):
			add(rec.Line, "year", "import.moving.year_or_months")
		case year != "":
			y, err := strconv.Atoi(year)
			if err != nil || y < 1900 || y > 2200 {
				add(rec.Line, "year", "import.moving.year_invalid")
				break
			}
			pa.From, pa.To = civil.New(y, 1, 1), civil.New(y, 12, 31)
		default:
			m0, err0 := civil.ParseMonth(fromM)
			m1, err1 := civil.ParseMonth(toM)
			if err0 != nil {
				add(rec.Line, "from_month", "import.moving.month_invalid")
			}
			if err1 != nil {
				add(rec.Line, "to_month", "import.moving.month_invalid")
			}
			if err0 == nil && err1 == nil {
				pa.From, pa.To = m0.First(), m1.Last()
				if pa.To.Before(pa.From) {
					add(rec.Line, "to_month", "import.moving.months_order")
				}
			}
		}
		if pa.Charged, err = money.Parse(f["charged"]); err != nil || pa.Charged < 0 || pa.Charged > money.MaxAmount {
			add(rec.Line, "charged", "import.moving.amount_invalid")
		}
		if pa.Received, err = money.Parse(f["received"]); err != nil || pa.Received < 0 || pa.Received > money.MaxAmount {
			add(rec.Line, "received", "import.moving.amount_invalid")
		}
		rows = append(rows, pa)
		lines = append(lines, rec.Line)
	}
	res := &MovingResult{Rows: len(rows)}
	err = s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		leases, err := leaseIDsByReference(ctx, tx)
		if err != nil {
			return err
		}
		seen := map[string]int{}
		for i := range rows {
			pa := &rows[i]
			id, ok := leases[pa.Reference]
			if pa.Reference != "" && !ok {
				add(lines[i], "lease_ref", "import.moving.lease_unknown")
				continue
			}
			pa.LeaseID = id
			k := fmt.Sprintf("%d|%s|%s", id, pa.From, pa.To)
			if _, dup := seen[k]; dup && !pa.From.IsZero() {
				add(lines[i], "lease_ref", "import.moving.duplicate_period")
			}
			seen[k] = i
		}
		if len(errs) > 0 {
			return ErrRows
		}
		now := db.TS(s.clk.Now())
		for _, pa := range rows {
			res.Total += pa.Charged
			changed, added, err := upsertPriorAdvance(ctx, tx, pa, now, a.UserID)
			if err != nil {
				return err
			}
			switch {
			case added:
				res.Added++
			case changed:
				res.Changed++
			default:
				res.Unchanged++
			}
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: actorKind(a), Action: "import.prior_advances",
			TargetType: "import", Details: map[string]string{"rows": strconv.Itoa(res.Rows), "added": strconv.Itoa(res.Added),
				"changed": strconv.Itoa(res.Changed)}})
	})
	if errors.Is(err, ErrRows) {
		return nil, sortErrors(errs), err
	}
	if err != nil {
		return nil, nil, err
	}
	return res, nil, nil
}

// PriorAdvance is one lease's advances in a period before HMS.
type PriorAdvance struct {
	Reference         string
	LeaseID           int64
	From, To          civil.Date
	Charged, Received money.Cents
}

func actorKind(a account.Actor) string {
	if a.Kind == "" {
		return audit.ActorUser
	}
	return a.Kind
}

// parseMoving reads a file with the given columns (all Required columns
// present), like Parse reads a rent roll; col names a key's column as the
// header wrote it. Cells that are not clean text come back as cell errors.
func parseMoving(r io.Reader, cols []Column) ([]Record, func(string) string, []CellError, error) {
	recs, header, err := parseWith(r, cols, func(c Column) bool { return c.Required })
	if err != nil {
		return nil, nil, nil, err
	}
	if len(recs) == 0 {
		return nil, nil, nil, formatErr("import.format.no_rows", "no rows")
	}
	col := func(key string) string {
		if h, ok := header[key]; ok {
			return h
		}
		for _, c := range cols {
			if c.Key == key {
				return c.Dutch
			}
		}
		return key
	}
	if errs := textErrors(recs, col); len(errs) > 0 {
		return nil, nil, sortErrors(errs), ErrRows
	}
	return recs, col, nil, nil
}
