package reconcile_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/bankfile"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/reconcile"
)

// A statement longer than the parser hands over at once is stored and
// matched in chunks: payments to one invoice spread over every chunk add up
// exactly, a line matched by invoice number sees what earlier lines of its
// chunk left open (so the in-memory batch must track it), and importing the
// file again stores no statement, entry or payment twice.
func TestLongStatementIsMatchedInChunksAndStoredOnce(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)}, func(t *testing.T, o *apptest.Org) {
		now := civil.Today(o.Clock.Now())
		ctx := context.Background()
		addAccount(t, o, o.Owner)
		leaseID := o.Lease(o.Owner, leaseInput())
		due := now.AddDays(-10)
		big, _, bigKenmerk := invoice(t, o, leaseID, 500000, due)
		small, smallNumber, smallKenmerk := invoice(t, o, leaseID, 10000, due)
		n := 2*bankfile.EntriesPerBatch + 100
		txs := make([]tx, 0, n+2)
		for range n {
			txs = append(txs, tx{amount: 1, kenmerk: bigKenmerk, day: now.AddDays(-1)})
		}
		// Within the last chunk: 30.00 of the small invoice by kenmerk, then the
		// 70.00 left of it by its number, which needs the open amount to the cent.
		txs = append(txs, tx{amount: 3000, kenmerk: smallKenmerk, day: now.AddDays(-1)},
			tx{amount: 7000, remittance: "factuur " + smallNumber, day: now.AddDays(-1)})
		file := camt("CHUNKS", txs...)

		res, err := o.Reconcile.Import(ctx, o.Owner, strings.NewReader(file), reconcile.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Entries != n+2 || res.New != n+2 || res.Matched != n+2 || res.Review != 0 || res.Statements != 1 {
			t.Fatalf("first import: %+v", res)
		}
		if got, want := openOf(t, o, big), money.Cents(500000-n); got != want {
			t.Errorf("big invoice open %s, want %s", got, want)
		}
		if got := openOf(t, o, small); got != 0 {
			t.Errorf("small invoice open %s, want 0 (30.00 by kenmerk, 70.00 by number)", got)
		}
		rule := o.Count(`SELECT COUNT(*) FROM bank_lines WHERE org_id = $1 AND rule = 'invoice_number' AND payment_id > 0`, o.Owner.OrgID)
		if rule != 1 {
			t.Errorf("%d lines matched by invoice number, want 1", rule)
		}
		counts := func() [4]int {
			return [4]int{
				o.Count(`SELECT COUNT(*) FROM bank_statements WHERE org_id = $1`, o.Owner.OrgID),
				o.Count(`SELECT COUNT(*) FROM bank_entries WHERE org_id = $1`, o.Owner.OrgID),
				o.Count(`SELECT COUNT(*) FROM ledger_payments WHERE org_id = $1`, o.Owner.OrgID),
				o.Count(`SELECT COUNT(*) FROM ledger_allocations WHERE org_id = $1`, o.Owner.OrgID),
			}
		}
		before := counts()
		if before != [4]int{1, n + 2, n + 2, n + 2} {
			t.Fatalf("stored after the first import (statements, entries, payments, allocations): %v", before)
		}
		unlinked := o.Count(`SELECT COUNT(*) FROM bank_lines b WHERE b.org_id = $1 AND b.state = 'matched' AND NOT EXISTS
			(SELECT 1 FROM ledger_payments p WHERE p.id = b.payment_id AND p.lease_id = b.lease_id)`, o.Owner.OrgID)
		if unlinked != 0 {
			t.Errorf("%d matched lines without their payment", unlinked)
		}

		again, err := o.Reconcile.Import(ctx, o.Owner, strings.NewReader(file), reconcile.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if again.New != 0 || again.Duplicates != n+2 || again.Matched != 0 {
			t.Errorf("second import: %+v", again)
		}
		if after := counts(); after != before {
			t.Errorf("the second import stored more: %v, before %v", after, before)
		}
	})
}

// A file over reconcile.MaxFileBytes is refused, as an upload and as an
// import that is told its size, before anything is read or stored; one a
// little larger than 100,000 entries need (75 MB) is not over it.
func TestAbsurdlyLargeFileIsRefused(t *testing.T) {
	if reconcile.MaxFileBytes < 80<<20 {
		t.Fatalf("MaxFileBytes %d refuses a statement of 100,000 entries", reconcile.MaxFileBytes)
	}
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		addAccount(t, o, o.Owner)
		_, err := o.Reconcile.Submit(ctx, o.Owner, "jaar.xml", make([]byte, reconcile.MaxFileBytes+1), false)
		if fe, ok := errors.AsType[validation.Errors](err); !ok || fe["file"] != "bankfile.error.too_large" {
			t.Errorf("upload of MaxFileBytes+1: %v", err)
		}
		read := 0
		body := readerFunc(func(p []byte) (int, error) { read += len(p); return len(p), nil }) // endless
		_, err = o.Reconcile.Import(ctx, o.Owner, body, reconcile.ImportOptions{FileName: "jaar.xml", Size: 1 << 40})
		if r, ok := errors.AsType[*reconcile.Refused](err); !ok || r.MsgID != bankfile.ErrTooLarge {
			t.Errorf("import of a terabyte: %v", err)
		}
		if read != 0 {
			t.Errorf("%d bytes read of a file refused for its size", read)
		}
		for _, table := range []string{"bank_uploads", "bank_imports", "bank_statements", "bank_entries"} {
			if n := o.Count(`SELECT COUNT(*) FROM `+table+` WHERE org_id = $1`, o.Owner.OrgID); n != 0 {
				t.Errorf("%d rows in %s after refusals", n, table)
			}
		}
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// The lines of a chunk are stored in the file's order with what matching
// made of them (on PostgreSQL one array parameter a column, on SQLite rows
// of values): the state, the time decided for every line but one in
// review, the sealed details, and the payer's token that learning needs.
func TestLinesAreStoredAsMatchedInFileOrder(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)}, func(t *testing.T, o *apptest.Org) {
		now := civil.Today(o.Clock.Now())
		ctx := context.Background()
		addAccount(t, o, o.Owner)
		leaseID := o.Lease(o.Owner, leaseInput())
		inv, _, kenmerk := invoice(t, o, leaseID, 50000, now.AddDays(-10))
		file := camt("ORDER",
			tx{amount: 20000, kenmerk: kenmerk, iban: "NL44RABO0123456789", name: "J. Jansen", day: now.AddDays(-2)},
			tx{amount: 1234, remittance: "gift", iban: "NL91ABNA0417164300", name: "P. de Vries", day: now.AddDays(-1)},
			tx{amount: 30000, kenmerk: kenmerk, day: now.AddDays(-1)})
		if _, err := o.Reconcile.Import(ctx, o.Owner, strings.NewReader(file), reconcile.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		rows, err := o.DB.Raw().QueryContext(ctx, `SELECT b.id, b.amount_cents, b.state, b.invoice_id, b.decided_at IS NULL,
			b.payer_token <> '' FROM bank_lines b JOIN bank_entries e ON e.id = b.entry_id AND e.org_id = b.org_id
			WHERE b.org_id = $1 ORDER BY e.id`, o.Owner.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			id, amount       int64
			state            string
			invoice          int64
			undecided, payer bool
		}
		var got []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.amount, &r.state, &r.invoice, &r.undecided, &r.payer); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		rows.Close()
		want := []row{{amount: 20000, state: "matched", invoice: inv, payer: true}, {amount: 1234, state: "review", undecided: true, payer: true},
			{amount: 30000, state: "matched", invoice: inv}}
		if len(got) != len(want) {
			t.Fatalf("%d lines, want %d", len(got), len(want))
		}
		for i := range want {
			want[i].id = got[i].id
			if got[i] != want[i] {
				t.Errorf("line %d: %+v, want %+v", i, got[i], want[i])
			}
			if i > 0 && got[i].id <= got[i-1].id {
				t.Errorf("line %d stored before line %d", i, i-1)
			}
		}
		l, err := o.Reconcile.LineDetail(ctx, o.Owner, got[1].id)
		if err != nil {
			t.Fatal(err)
		}
		if l.Details.Name != "P. de Vries" || l.Details.Remittance != "gift" || l.Details.IBAN != "NL91ABNA0417164300" {
			t.Errorf("details opened: %+v", l.Details)
		}
		if got := openOf(t, o, inv); got != 0 {
			t.Errorf("invoice open %s after 200.00 and 300.00", got)
		}
	})
}
