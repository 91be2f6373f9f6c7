package subscription_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/subscription"
)

// validPain008 checks a file against the ISO schema with xmllint.
func validPain008(t *testing.T, file []byte) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Fatal("xmllint (libxml2-utils) is required")
	}
	f := filepath.Join(t.TempDir(), "pain.008.xml")
	if err := os.WriteFile(f, file, 0o600); err != nil {
		t.Fatal(err)
	}
	xsd := filepath.Join("..", "sepa", "testdata", "xsd", "pain.008.001.02.xsd")
	if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, f).CombinedOutput(); err != nil {
		t.Fatalf("the file does not validate: %v\n%s\n%s", err, out, file)
	}
}

// A collection takes every open, uncollected invoice whose pre-notified
// date has come, once; the scope shown must still hold; FRST under a
// mandate never collected (for each of its invoices in the file), RCUR
// after; the file validates and comes back byte for byte.
func TestCollectionBatches(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: at(civil.New(2027, time.April, 20))}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		if _, err := e.Subscriptions.Subscribe(ctx, e.OwnerB, goodInput()); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.May, 1)))
		issueMonth(t, e, "2027-05", 2) // beta: April 20–30 (€ 8,43) and May (€ 22,99), collected from May 15
		e.Clock.Set(at(civil.New(2027, time.May, 10)))
		if sc, err := e.Subscriptions.CollectScope(ctx); err != nil || sc.Invoices != 0 || sc.Date != civil.New(2027, time.May, 11) {
			t.Fatalf("before the date: %+v %v", sc, err)
		}
		if _, _, err := e.Subscriptions.Collect(ctx, 0, -1); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("nothing due: %v", err)
		}
		e.Clock.Set(at(civil.New(2027, time.May, 14))) // a Friday: the file collects on Monday the 17th
		sc, err := e.Subscriptions.CollectScope(ctx)
		if err != nil || sc.Invoices != 2 || sc.Total != 843+2299 || sc.Date != civil.New(2027, time.May, 17) {
			t.Fatalf("scope: %+v %v", sc, err)
		}
		if _, _, err := e.Subscriptions.Collect(ctx, 0, 1); !errors.Is(err, subscription.ErrScopeChanged) {
			t.Fatalf("another scope: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM subscription_batches`); n != 0 {
			t.Fatalf("%d batches after a refusal", n)
		}
		b, file, err := e.Subscriptions.Collect(ctx, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		validPain008(t, file)
		s := string(file)
		if b.Items != 2 || b.Total != 3142 || strings.Count(s, "<SeqTp>FRST</SeqTp>") != 1 || strings.Contains(s, "RCUR") ||
			!strings.Contains(s, "<EndToEndId>HMS0000001</EndToEndId>") || !strings.Contains(s, "<ReqdColltnDt>2027-05-17</ReqdColltnDt>") ||
			!strings.Contains(s, "NL51ZZZ405365330000") || !strings.Contains(s, "NL44RABO0123456789") ||
			!strings.Contains(s, "NL91ABNA0417164300") || !strings.Contains(s, `<InstdAmt Ccy="EUR">31.42</InstdAmt>`) &&
			!strings.Contains(s, "<CtrlSum>31.42</CtrlSum>") {
			t.Fatalf("batch %+v:\n%s", b, s)
		}
		if again, err := e.Subscriptions.BatchFile(ctx, b.ID); err != nil || string(again) != s {
			t.Fatalf("the file again: %v", err)
		}
		if sc, _ := e.Subscriptions.CollectScope(ctx); sc.Invoices != 0 {
			t.Fatalf("collected invoices still due: %+v", sc)
		}
		if n := e.Count(`SELECT COUNT(*) FROM subscription_batches WHERE file_sealed = $1`, file); n != 0 {
			t.Fatal("the file stored in plain text")
		}

		// June: alpha's first collection (FRST, both invoices), beta's next (RCUR).
		e.Clock.Set(at(civil.New(2027, time.May, 10)))
		if _, err := e.Subscriptions.Subscribe(ctx, e.Owner, goodInput()); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.June, 1)))
		issueMonth(t, e, "2027-06", 3)
		e.Clock.Set(at(civil.New(2027, time.June, 14)))
		b, file, err = e.Subscriptions.Collect(ctx, 0, 3)
		if err != nil {
			t.Fatal(err)
		}
		validPain008(t, file)
		s = string(file)
		if b.Items != 3 || strings.Count(s, "<PmtInf>") != 2 || !strings.Contains(s, "<SeqTp>FRST</SeqTp>") ||
			!strings.Contains(s, "<SeqTp>RCUR</SeqTp>") || strings.Count(s, "<DrctDbtTxInf>") != 3 {
			t.Fatalf("june batch %+v:\n%s", b, s)
		}
		list, err := e.Subscriptions.Batches(ctx)
		if err != nil || len(list) != 2 || list[0].ID != b.ID {
			t.Fatalf("batches %+v %v", list, err)
		}
	})
}
