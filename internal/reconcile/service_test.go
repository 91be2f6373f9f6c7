package reconcile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/bankfile"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/reconcile"
)

// bankFiles are the real statement files (copies of ../shared/testdata/bank).
func bankFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"camt053", "mt940"} {
		names, err := filepath.Glob(filepath.Join("..", "bankfile", "testdata", dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, names...)
	}
	if len(out) < 20 {
		t.Fatalf("only %d bank files", len(out))
	}
	return out
}

// Every real statement file imports with its accounts added: its entries
// are stored, adding up to what the file says, its odd statements carry
// their warnings, and importing it again stores nothing.
func TestEveryBankFileImportsOnceWithItsEntriesAndSums(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		warned := map[string]bool{}
		for _, name := range bankFiles(t) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := bankfile.Parse(strings.NewReader(string(data)), bankfile.Options{Today: civil.Today(o.Clock.Now())})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var entries int
			var sum money.Cents
			for _, s := range f.Statements {
				for _, e := range s.Entries {
					entries++
					sum += e.Amount
				}
			}
			before := o.Count(`SELECT COUNT(*) FROM bank_entries`)
			sumBefore := o.Count(`SELECT COALESCE(SUM(amount_cents), 0) FROM bank_entries`)
			res, err := o.Reconcile.Import(ctx, o.Owner, strings.NewReader(string(data)),
				reconcile.ImportOptions{FileName: filepath.Base(name), AddAccount: true})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			// Two files may hold the same entries of one account (the
			// Rabobank structured samples): those count as duplicates.
			if res.Entries != entries || res.New+res.Duplicates != entries || res.Statements != len(f.Statements) {
				t.Errorf("%s: %+v, the file has %d entries in %d statements", name, res, entries, len(f.Statements))
			}
			if got := o.Count(`SELECT COUNT(*) FROM bank_entries`) - before; got != res.New {
				t.Errorf("%s: %d entries stored, result says %d new", name, got, res.New)
			}
			if res.Duplicates == 0 {
				if got := money.Cents(o.Count(`SELECT COALESCE(SUM(amount_cents), 0) FROM bank_entries`) - sumBefore); got != sum {
					t.Errorf("%s: stored entries add up to %s, the file to %s", name, got, sum)
				}
			}
			for _, w := range res.Warnings {
				warned[filepath.Base(name)+" "+w.MsgID] = true
			}
			again, err := o.Reconcile.Import(ctx, o.Owner, strings.NewReader(string(data)), reconcile.ImportOptions{})
			if err != nil || again.New != 0 || again.Duplicates != entries || len(again.AddedAccounts) != 0 {
				t.Errorf("%s again: %+v, %v", name, again, err)
			}
		}
		for _, w := range []string{"sns-mt940-oca.940 " + bankfile.WarnNoClosingBalance,
			"rabobank-mt940-structured-batch-pref.txt " + bankfile.WarnBalancesDoNotAddUp} {
			if !warned[w] {
				t.Errorf("no warning %s; warnings: %v", w, warned)
			}
		}
		// The other organisation sees none of it.
		if page, err := o.Reconcile.Lines(ctx, o.OwnerB, reconcile.LineFilter{}, listing.Query{}); err != nil || page.Total != 0 {
			t.Errorf("beta sees %d lines, %v", page.Total, err)
		}
	})
}

// A statement of an account the organisation does not have is refused,
// naming it, and a file that cannot be read is refused at its line; neither
// stores anything.
func TestImportRefusesWholly(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		data, err := os.ReadFile(filepath.Join("..", "bankfile", "testdata", "mt940", "triodos-mt940-legacy-multiaccount.txt"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = o.Reconcile.Import(ctx, o.Owner, strings.NewReader(string(data)), reconcile.ImportOptions{})
		var r *reconcile.Refused
		if !errors.As(err, &r) || r.MsgID != "bank.import.unknown_account" || r.Account == "" {
			t.Fatalf("unknown account: %v", err)
		}
		broken := strings.Replace(string(data), ":61:", ":61:X", 1)
		_, err = o.Reconcile.Import(ctx, o.Owner, strings.NewReader(broken), reconcile.ImportOptions{AddAccount: true})
		if !errors.As(err, &r) || r.Line == 0 {
			t.Fatalf("a broken file: %v", err)
		}
		for _, table := range []string{"bank_imports", "bank_statements", "bank_entries", "bank_lines", "bank_accounts"} {
			if n := o.Count(`SELECT COUNT(*) FROM ` + table); n != 0 {
				t.Errorf("%s holds %d rows after refusals", table, n)
			}
		}
		if _, err := o.Reconcile.Import(ctx, o.Viewer, strings.NewReader(string(data)), reconcile.ImportOptions{AddAccount: true}); !errors.Is(err,
			validation.ErrForbidden) {
			t.Errorf("a viewer imports: %v", err)
		}
	})
}

// The matching rules that need no direct debit: the betalingskenmerk books
// a part and a surplus, the invoice number only with the open amount, a
// manual match teaches the payer's IBAN and the next payment of that IBAN
// is matched by it; bank costs are listed, not matched.
func TestMatchingRulesAndTheReviewQueue(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		addAccount(t, o, o.Owner)
		today := civil.Today(o.Clock.Now())
		day := today.AddDays(-1)
		l1 := o.Lease(o.Owner, lease.Input{})
		l2 := o.Lease(o.Owner, lease.Input{})
		inv1, _, kenmerk1 := invoice(t, o, l1, 80000, day.AddDays(-20))
		inv2, number2, _ := invoice(t, o, l2, 65000, day.AddDays(-20))
		inv3, number3, _ := invoice(t, o, l2, 65000, day.AddDays(-5))
		file := camt("S1",
			tx{amount: 50000, kenmerk: kenmerk1, day: day},                                                               // part by kenmerk
			tx{amount: 65000, remittance: "huur factuur " + number2, day: day},                                           // number and exact amount
			tx{amount: 60000, remittance: "factuur " + number3, iban: "NL44RABO0123456789", name: "J. Jansen", day: day}, // not exact
			tx{amount: -1250, remittance: "Kosten betalingsverkeer", day: day},                                           // bank costs
		)
		res, err := o.Reconcile.Import(ctx, o.Owner, strings.NewReader(file), reconcile.ImportOptions{FileName: "s1.xml"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Entries != 4 || res.New != 4 || res.Matched != 2 || res.Review != 1 {
			t.Fatalf("result %+v", res)
		}
		if got := openOf(t, o, inv1); got != 30000 {
			t.Errorf("invoice 1 open %s after a part by kenmerk, want 300.00", got)
		}
		if got := openOf(t, o, inv2); got != 0 {
			t.Errorf("invoice 2 open %s after its number and amount", got)
		}
		if got := openOf(t, o, inv3); got != 65000 {
			t.Errorf("invoice 3 open %s: the number with another amount is no match", got)
		}
		lines, err := o.Reconcile.Lines(ctx, o.Viewer, reconcile.LineFilter{}, listing.Query{Sort: "amount"})
		if err != nil || lines.Total != 4 {
			t.Fatalf("lines %d, %v", lines.Total, err)
		}
		rules := map[money.Cents]reconcile.Line{}
		for _, l := range lines.Items {
			rules[l.Amount] = l
		}
		if rules[50000].Rule != reconcile.RuleKenmerk || rules[65000].Rule != reconcile.RuleInvoiceNumber ||
			rules[60000].State != reconcile.Review || rules[-1250].State != reconcile.NotOurs {
			t.Errorf("lines %+v", lines.Items)
		}
		if rules[60000].Details.Name != "J. Jansen" || rules[60000].Details.IBAN != "NL44RABO0123456789" {
			t.Errorf("details %+v", rules[60000].Details)
		}
		// The review line suggests invoice 3 first (its number is in the text).
		review, err := o.Reconcile.LineDetail(ctx, o.Viewer, rules[60000].ID)
		if err != nil || len(review.Suggestions) == 0 || review.Suggestions[0].InvoiceID != inv3 {
			t.Fatalf("suggestions %+v, %v", review.Suggestions, err)
		}
		if err := o.Reconcile.Match(ctx, o.Viewer, review.ID, reconcile.MatchInput{LeaseID: l2}); !errors.Is(err, validation.ErrForbidden) {
			t.Errorf("a viewer matches: %v", err)
		}
		err = o.Reconcile.Match(ctx, o.Owner, review.ID, reconcile.MatchInput{LeaseID: l2, Invoices: map[int64]money.Cents{inv3: 70000}})
		if fe, ok := err.(validation.Errors); !ok || fe["invoices"] == "" {
			t.Errorf("more than is open: %v", err)
		}
		if err := o.Reconcile.Match(ctx, o.Owner, review.ID, reconcile.MatchInput{LeaseID: l2,
			Invoices: map[int64]money.Cents{inv3: 60000}}); err != nil {
			t.Fatal(err)
		}
		if got := openOf(t, o, inv3); got != 5000 {
			t.Errorf("invoice 3 open %s after the manual part", got)
		}
		// The next month the same payer pays exactly what is open: matched by
		// the learned IBAN. An overpayment by kenmerk leaves credit.
		inv4, _, _ := invoice(t, o, l2, 65000, today)
		_, _, kenmerk5 := invoice(t, o, l1, 10000, today)
		res, err = o.Reconcile.Import(ctx, o.Owner, strings.NewReader(camt("S2",
			tx{amount: 65000, remittance: "huur", iban: "NL44RABO0123456789", name: "J. Jansen", day: today},
			tx{amount: 40000, kenmerk: kenmerk5, day: today})), reconcile.ImportOptions{})
		if err != nil || res.Matched != 2 || res.Review != 0 {
			t.Fatalf("second statement %+v, %v", res, err)
		}
		if got := openOf(t, o, inv4); got != 0 {
			t.Errorf("invoice 4 open %s after the learned payer paid it", got)
		}
		bal, err := o.Ledger.BalanceAt(ctx, o.Owner, l1, today)
		if err != nil || bal.Balance != 80000+10000-50000-40000 {
			t.Errorf("lease 1 balance %s, %v", bal.Balance, err)
		}
		// Bank costs can be put aside with a note; a line already matched cannot.
		if err := o.Reconcile.Ignore(ctx, o.Owner, rules[-1250].ID, "bankkosten"); err != nil {
			t.Error(err)
		}
		if err := o.Reconcile.Ignore(ctx, o.Owner, rules[50000].ID, "x"); err == nil {
			t.Error("a matched line was ignored")
		}
	})
}

// Every reason code, rule and state the pages show has its words in Dutch
// and English.
func TestReasonsRulesAndStatesHaveWords(t *testing.T) {
	o := apptest.NewOrg(t, "sqlite", apptest.OrgOptions{})
	var ids []string
	for _, c := range reconcile.ReturnReasons {
		ids = append(ids, "bank.return."+c)
	}
	for _, r := range reconcile.Rules {
		ids = append(ids, "bank.rule."+string(r))
	}
	for _, s := range reconcile.States {
		ids = append(ids, "bank.state."+string(s))
	}
	for _, id := range ids {
		for _, lang := range []string{"nl", "en"} {
			if !o.Texts.Has(lang, id) {
				t.Errorf("no %s text for %s", lang, id)
			}
		}
	}
}
