package deposit_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/deposit"
	"hms/internal/platform/listing"
)

// One return rule (art. 7:261b BW, DOMAIN.md §2.5): the deposit goes back
// within 14 days after the lease ends, within 30 days once anything is
// deducted, counted from the end of the lease. The service, the list of
// deposits to return and the tenant information sheet give the same
// dates; the specification of deductions prints each deduction, the
// deposit, the set-off, the amount returned and the deadline.
func TestOneReturnRuleAndSpecification(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		// Ended 28 February 2026 with €2,000 received; today is 10 March.
		id := Lease(e, e.Owner, "2025-01-01", "2026-02-28")
		dates := func() (status, list string) {
			t.Helper()
			st, err := e.Deposits.Status(ctx, e.Viewer, id)
			if err != nil {
				t.Fatal(err)
			}
			page, err := e.Deposits.Due(ctx, e.Viewer, listing.Query{}, deposit.DueFilter{})
			if err != nil || page.Total != 1 || page.Items[0].LeaseID != id {
				t.Fatalf("due list: %+v %v", page, err)
			}
			return st.Deadline.String(), page.Items[0].Deadline.String()
		}
		if st, list := dates(); st != "2026-03-14" || list != "2026-03-14" {
			t.Fatalf("without deductions: status %s, list %s, want 2026-03-14", st, list)
		}
		// The tenant information states the same two terms.
		docID, err := e.Leases.GenerateTenantInformation(ctx, e.Owner, id)
		if err != nil {
			t.Fatal(err)
		}
		sheet, err := e.Leases.Document(ctx, e.Owner, id, docID)
		if err != nil {
			t.Fatal(err)
		}
		text := apptest.PDFText(t, sheet)
		for _, want := range []string{"binnen 14 dagen na het einde aan u terug", "rest binnen 30 dagen na het einde terug"} {
			if !strings.Contains(text, want) {
				t.Errorf("tenant information lacks %q: %s", want, text)
			}
		}

		// A deduction of any kind (here service costs, not damage): 30 days.
		if _, err := e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 15000, Reason: "service_costs",
			Note: "eindafrekening 2025"}); err != nil {
			t.Fatal(err)
		}
		if st, list := dates(); st != "2026-03-30" || list != "2026-03-30" {
			t.Fatalf("with a deduction: status %s, list %s, want 2026-03-30", st, list)
		}

		spec, err := e.Deposits.GenerateSpecification(ctx, e.Owner, id)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := e.Deposits.SpecificationFile(ctx, e.Viewer, id, spec.ID)
		if err != nil || sha(pdf) != spec.SHA256 {
			t.Fatalf("specification file: %v", err)
		}
		text = apptest.PDFText(t, pdf)
		for _, want := range []string{"Specificatie waarborgsom", "A. Huurder", "Servicekosten: eindafrekening 2025 € 150,00",
			"Ontvangen waarborgsom € 2.000,00", "Totaal ingehouden € 150,00", "Terug te betalen aan u € 1.850,00",
			"uiterlijk op 30 maart 2026", "binnen 30 dagen na het einde van de huurovereenkomst op 28 februari 2026"} {
			if !strings.Contains(text, want) {
				t.Errorf("specification lacks %q: %s", want, text)
			}
		}
		if strings.Contains(text, "Verrekend met achterstallige huur") {
			t.Errorf("a set-off without arrears: %s", text)
		}
		// Stored once, sealed: the table does not hold the PDF itself.
		var stored []byte
		if err := e.DB.Raw().QueryRow(`SELECT content FROM deposit_specifications WHERE lease_id = $1`, id).Scan(&stored); err != nil ||
			strings.Contains(string(stored), "%PDF-") || len(stored) == 0 {
			t.Fatalf("stored specification: %d bytes, %v", len(stored), err)
		}
		st, _ := e.Deposits.Status(ctx, e.Viewer, id)
		if len(st.Specifications) != 1 || st.Specifications[0].ID != spec.ID {
			t.Fatalf("status specifications: %+v", st.Specifications)
		}
		// Read rights only read; another organisation finds nothing.
		if _, err := e.Deposits.GenerateSpecification(ctx, e.Viewer, id); err == nil {
			t.Fatal("viewer made a specification")
		}
		if _, err := e.Deposits.SpecificationFile(ctx, e.OwnerB, id, spec.ID); err == nil {
			t.Fatal("another organisation read the specification")
		}
		// A running lease has no specification yet.
		running := Lease(e, e.Owner, "2025-06-01", "")
		if _, err := e.Deposits.GenerateSpecification(ctx, e.Owner, running); !errors.Is(err, deposit.ErrNotEnded) {
			t.Fatalf("running lease: %v", err)
		}
	})
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
