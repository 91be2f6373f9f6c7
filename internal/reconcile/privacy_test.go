package reconcile_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/backup"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/reconcile"
	"hms/internal/relation"
)

// unzipped is every file of a zip, one after the other.
func unzipped(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	return all.String()
}

// A payment's reference (what the payer wrote on the transfer) is sealed at
// rest like the bank line it came from; erasing a tenant empties the
// references of their lease's payments and their bank lines' details, and
// a restore of a backup made before the erasure empties them again (the
// erasure journal's replay), while the other tenant's stay, in the
// organisation's export and their own subject-request export too.
func TestErasureReachesPaymentReferencesAndBankLinesAfterARestore(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		addAccount(t, o, o.Owner)
		today := civil.Today(o.Clock.Now())
		ended := today.FirstOfMonth().AddDays(-1)
		gone := o.Person(o.Owner, relation.PersonInput{FirstNames: "Wilhelmina", Surname: "Kerkhoven"})
		kept := o.Person(o.Owner, relation.PersonInput{FirstNames: "Jan", Surname: "Blijft"})
		lGone := o.Lease(o.Owner, lease.Input{TenantIDs: []int64{gone}, End: ended})
		lKept := o.Lease(o.Owner, lease.Input{TenantIDs: []int64{kept}})
		_, _, kGone := invoice(t, o, lGone, 80000, ended.AddDays(-20))
		_, _, kKept := invoice(t, o, lKept, 65000, ended.AddDays(-20))
		const textGone, textKept = "huur maart Wilhelmina Kerkhoven Bloemstraat", "huur maart Jan Blijft Tulpstraat"
		file := camt("P1",
			tx{amount: 80000, kenmerk: kGone, remittance: textGone, iban: "NL44RABO0123456789", name: "W. Kerkhoven", day: today.AddDays(-1)},
			tx{amount: 65000, kenmerk: kKept, remittance: textKept, iban: "NL20INGB0001234567", name: "J. Blijft", day: today.AddDays(-1)})
		if res, err := o.Reconcile.Import(ctx, o.Owner, strings.NewReader(file), reconcile.ImportOptions{FileName: "p1.xml"}); err != nil ||
			res.Matched != 2 {
			t.Fatalf("import %+v, %v", res, err)
		}
		// A payment typed in by hand carries its text sealed too.
		if _, err := o.Ledger.RecordPayment(ctx, o.Owner, ledger.PaymentInput{LeaseID: lKept, Date: today, Amount: 100,
			Method: ledger.Cash, Reference: "contant Tulpstraat"}); err != nil {
			t.Fatal(err)
		}
		reference := func(leaseID int64) []string {
			t.Helper()
			ps, err := o.Ledger.Payments(ctx, o.Owner, leaseID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, p.Reference)
			}
			return out
		}
		details := func() map[string]reconcile.Details {
			t.Helper()
			ls, err := o.Reconcile.Lines(ctx, o.Owner, reconcile.LineFilter{}, listing.Query{Sort: "amount"})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]reconcile.Details{}
			for _, l := range ls.Items {
				if l.Amount == 80000 {
					out["gone"] = l.Details
				} else {
					out["kept"] = l.Details
				}
			}
			return out
		}
		if got := reference(lGone); len(got) != 1 || got[0] != textGone {
			t.Fatalf("the references of the erased person's lease before: %q", got)
		}
		if got := reference(lKept); len(got) != 2 || got[0] != textKept || got[1] != "contant Tulpstraat" {
			t.Fatalf("the references of the kept person's lease: %q", got)
		}
		st, err := o.Ledger.StatementOf(ctx, o.Owner, lKept, ended.AddDays(-60), today)
		if err != nil {
			t.Fatal(err)
		}
		if !slicesContainRef(st.Lines, textKept) {
			t.Errorf("the statement of account does not show the payment's reference: %+v", st.Lines)
		}
		secrets := []string{"Wilhelmina Kerkhoven Bloemstraat", "Jan Blijft Tulpstraat", "contant Tulpstraat"}
		if hits := apptest.FindPlaintext(t, o.DB, secrets...); len(hits) > 0 {
			t.Fatalf("payment references in plain text: %v", hits)
		}
		var before bytes.Buffer
		if _, err := backup.Write(ctx, o.DB, o.Vault, &before); err != nil {
			t.Fatal(err)
		}

		if _, err := o.Rights.Erase(ctx, o.Owner, gone); err != nil {
			t.Fatalf("erase: %v", err)
		}
		check := func(when string) {
			t.Helper()
			if got := reference(lGone); len(got) != 1 || got[0] != "" {
				t.Errorf("%s: the erased person's payment references: %q", when, got)
			}
			if got := reference(lKept); len(got) != 2 || got[0] != textKept || got[1] != "contant Tulpstraat" {
				t.Errorf("%s: the kept person's payment references: %q", when, got)
			}
			if n := o.Count(`SELECT COUNT(*) FROM ledger_payments WHERE lease_id = $1 AND (reference <> '' OR reference_sealed IS NOT NULL)`,
				lGone); n != 0 {
				t.Errorf("%s: %d payments of the erased person's lease keep a reference", when, n)
			}
			d := details()
			if d["gone"].Name != "" || d["gone"].IBAN != "" || d["gone"].Remittance != "" {
				t.Errorf("%s: the erased person's bank line: %+v", when, d["gone"])
			}
			if d["kept"].Name != "J. Blijft" || d["kept"].Remittance != textKept {
				t.Errorf("%s: the kept person's bank line: %+v", when, d["kept"])
			}
			if n := o.Count(`SELECT COUNT(*) FROM bank_payers WHERE lease_id = $1`, lGone); n != 0 {
				t.Errorf("%s: %d payers learned for the erased person's lease", when, n)
			}
			if hits := apptest.FindPlaintext(t, o.DB, secrets...); len(hits) > 0 {
				t.Errorf("%s: plain text: %v", when, hits)
			}
		}
		check("after the erasure")

		if _, err := backup.Restore(ctx, o.DB, o.Vault, bytes.NewReader(before.Bytes()), true); err != nil {
			t.Fatalf("restore the backup from before the erasure: %v", err)
		}
		check("after the restore")

		// The kept person's texts are in the organisation's export and in
		// their own; the erased person's are in neither.
		var org bytes.Buffer
		if _, err := o.OrgExport.Export(ctx, o.Owner, &org); err != nil {
			t.Fatal(err)
		}
		all := unzipped(t, org.Bytes())
		if !strings.Contains(all, textKept) || !strings.Contains(all, "contant Tulpstraat") || strings.Contains(all, textGone) {
			t.Errorf("the organisation export holds the kept reference %v, the erased %v", strings.Contains(all, textKept),
				strings.Contains(all, textGone))
		}
		var own bytes.Buffer
		if err := o.Rights.Export(ctx, o.Owner, kept, "nl", &own); err != nil {
			t.Fatal(err)
		}
		if all := unzipped(t, own.Bytes()); !strings.Contains(all, textKept) || !strings.Contains(all, "contant Tulpstraat") {
			t.Errorf("the kept person's export lacks their payments' references")
		}
	})
}

func slicesContainRef(ls []ledger.StatementLine, ref string) bool {
	for _, l := range ls {
		if l.Reference == ref {
			return true
		}
	}
	return false
}
