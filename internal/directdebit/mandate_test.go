package directdebit_test

import (
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/directdebit"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

// A mandate takes its debtor from the lease's first tenant and its
// reference from the lease; its name, IBAN and place are stored only
// sealed; bad input changes nothing; a lease has one current mandate; the
// other organisation sees none of it.
func TestMandates(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l1, tenant, iban := e.lease(e.Owner, tenantOpts{})
		id, err := e.DirectDebit.CreateMandate(ctx, e.Bookkeeper, directdebit.MandateInput{LeaseID: l1, SignedOn: d("2024-12-01"),
			SignedPlace: "Utrecht"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.DirectDebit.Mandate(ctx, e.Viewer, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Reference != "HMS-2025-0001-1" || m.DebtorName != "Z. Huurder1" || m.IBAN != iban || m.PartyID != tenant ||
			m.Kind != directdebit.Recurrent || m.Status != directdebit.Active || m.SignedPlace != "Utrecht" ||
			m.NextSequence() != sepa.First || m.ExpiresOn() != d("2027-12-01") {
			t.Fatalf("mandate: %+v", m)
		}
		if got := apptest.FindPlaintext(t, e.DB, iban, "Huurder1"); len(got) > 0 {
			t.Fatalf("plaintext personal data in %v", got)
		}

		// Bad input: each at its field, nothing stored.
		l2, _, _ := e.lease(e.Owner, tenantOpts{noIBAN: true})
		_, err = e.DirectDebit.CreateMandate(ctx, e.Owner, directdebit.MandateInput{LeaseID: l2, SignedOn: d("2024-12-01")})
		fieldErr(t, err, "iban", "field.required")
		try := func(in directdebit.MandateInput) error {
			in.LeaseID = l2
			if in.SignedOn.IsZero() {
				in.SignedOn = d("2024-12-01")
			}
			if in.IBAN == "" {
				in.IBAN = "NL20INGB0001234567"
			}
			_, err := e.DirectDebit.CreateMandate(ctx, e.Owner, in)
			return err
		}
		fieldErr(t, try(directdebit.MandateInput{IBAN: "NL20INGB0001234568"}), "iban", "relation.iban_invalid")
		fieldErr(t, try(directdebit.MandateInput{SignedOn: d("2026-03-11")}), "signed_on", "directdebit.mandate.signed_future")
		fieldErr(t, try(directdebit.MandateInput{Reference: "HMS-2025-0001-1"}), "reference", "directdebit.mandate.reference_exists")
		fieldErr(t, try(directdebit.MandateInput{Reference: "a//b"}), "reference", "directdebit.mandate.reference_invalid")
		fieldErr(t, try(directdebit.MandateInput{Kind: "sometimes"}), "kind", "field.invalid")
		if n := e.Count(`SELECT count(*) FROM dd_mandates`); n != 1 {
			t.Fatalf("%d mandates after refusals", n)
		}
		// One given by hand, for someone else's account.
		own, err := e.DirectDebit.CreateMandate(ctx, e.Owner, directdebit.MandateInput{LeaseID: l2, SignedOn: d("2025-01-02"),
			IBAN: "nl44 rabo 0123 4567 89", DebtorName: "P. Ouder", Reference: "MND 77", Kind: directdebit.OneOff})
		if err != nil {
			t.Fatal(err)
		}
		if m, _ := e.DirectDebit.Mandate(ctx, e.Owner, own); m.IBAN != "NL44RABO0123456789" || m.DebtorName != "P. Ouder" ||
			m.NextSequence() != sepa.OneOff {
			t.Fatalf("own mandate: %+v", m)
		}

		// One current mandate per lease: revoke, then a new one (-2).
		_, err = e.DirectDebit.CreateMandate(ctx, e.Owner, directdebit.MandateInput{LeaseID: l1, SignedOn: d("2025-01-01")})
		problem(t, err, directdebit.ErrCurrentMandate)
		if err := e.DirectDebit.RevokeMandate(ctx, e.Owner, id); err != nil {
			t.Fatal(err)
		}
		problem(t, e.DirectDebit.RevokeMandate(ctx, e.Owner, id), directdebit.ErrNotCurrent)
		second, err := e.DirectDebit.CreateMandate(ctx, e.Owner, directdebit.MandateInput{LeaseID: l1, SignedOn: d("2025-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		list, err := e.DirectDebit.Mandates(ctx, e.Viewer, l1)
		if err != nil || len(list) != 2 || list[0].ID != second || list[0].Reference != "HMS-2025-0001-2" ||
			list[1].Status != directdebit.Revoked {
			t.Fatalf("list: %+v %v", list, err)
		}

		// Permissions and the other organisation.
		_, err = e.DirectDebit.CreateMandate(ctx, e.Viewer, directdebit.MandateInput{LeaseID: l1, SignedOn: d("2025-01-01")})
		problem(t, err, validation.ErrForbidden)
		_, err = e.DirectDebit.Mandate(ctx, e.OwnerB, second)
		problem(t, err, validation.ErrNotFound)
		_, err = e.DirectDebit.Mandates(ctx, e.OwnerB, l1)
		problem(t, err, validation.ErrNotFound)
		_, err = e.DirectDebit.CreateMandate(ctx, e.OwnerB, directdebit.MandateInput{LeaseID: l1, SignedOn: d("2025-01-01"), IBAN: iban,
			DebtorName: "X"})
		fieldErr(t, err, "lease_id", "directdebit.mandate.lease_unknown")
		problem(t, e.DirectDebit.RevokeMandate(ctx, e.OwnerB, second), validation.ErrNotFound)
		problem(t, e.DirectDebit.AmendMandate(ctx, e.OwnerB, second, directdebit.AmendInput{IBAN: iban}), validation.ErrNotFound)
		if all, err := e.DirectDebit.ListMandates(ctx, e.OwnerB, directdebit.MandateFilter{}); err != nil || len(all) != 0 {
			t.Fatalf("beta sees %d mandates (%v)", len(all), err)
		}
		// A reference is unique per organisation, not across them.
		lb, _, _ := e.lease(e.OwnerB, tenantOpts{})
		if _, err := e.DirectDebit.CreateMandate(ctx, e.OwnerB, directdebit.MandateInput{LeaseID: lb, SignedOn: d("2025-01-01"),
			Reference: "MND 77"}); err != nil {
			t.Fatal(err)
		}
	})
}

// Amending a mandate that was never collected changes it without an
// amendment to report; a suspended mandate can be resumed, an expired one
// not.
func TestAmendAndResume(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l, _, _ := e.lease(e.Owner, tenantOpts{})
		id := e.mandate(e.Owner, l, directdebit.Recurrent)
		amend := directdebit.AmendInput{IBAN: "NL02ABNA0123456789", Reference: "NEW-1"}
		if err := e.DirectDebit.AmendMandate(ctx, e.Owner, id, amend); err != nil {
			t.Fatal(err)
		}
		m, _ := e.DirectDebit.Mandate(ctx, e.Owner, id)
		if m.Amended || m.Reference != "NEW-1" || m.IBAN != "NL02ABNA0123456789" || m.OriginalReference != "" {
			t.Fatalf("unused mandate amended: %+v", m)
		}
		err := e.DirectDebit.AmendMandate(ctx, e.Owner, id, directdebit.AmendInput{IBAN: "NL02ABNA0123456780"})
		fieldErr(t, err, "iban", "relation.iban_invalid")
		problem(t, e.DirectDebit.ResumeMandate(ctx, e.Owner, id), directdebit.ErrNotSuspended)
	})
}

// The printable mandate form: the title by kind, the creditor with its
// Incassant-ID, the reference, the 8-week refund right and the debtor, in
// the tenant's language; without an Incassant-ID there is no form.
func TestMandateForm(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l1, _, _ := e.lease(e.Owner, tenantOpts{})
		l2, _, _ := e.lease(e.Owner, tenantOpts{lang: "en"})
		m1 := e.mandate(e.Owner, l1, directdebit.OneOff)
		m2 := e.mandate(e.Owner, l2, directdebit.Recurrent)
		_, err := e.DirectDebit.MandateForm(ctx, e.Owner, m1)
		problem(t, err, directdebit.ErrNoCreditorID)
		e.creditor(e.Owner, "")
		pdf, err := e.DirectDebit.MandateForm(ctx, e.Viewer, m1)
		if err != nil {
			t.Fatal(err)
		}
		text := apptest.PDFText(t, pdf)
		for _, want := range []string{"Eenmalige SEPA-machtiging", "Alpha Vastgoed B.V.", creditorID, "HMS-2025-0001-1",
			"binnen 8 weken na afschrijving", "Z. Huurder1", "NL44 RABO 0123 4567 89", "Utrecht", "1 december 2024", "Handtekening"} {
			if !strings.Contains(text, want) {
				t.Errorf("form lacks %q:\n%s", want, text)
			}
		}
		pdf, err = e.DirectDebit.MandateForm(ctx, e.Owner, m2)
		if err != nil {
			t.Fatal(err)
		}
		text = apptest.PDFText(t, pdf)
		if !strings.Contains(text, "Recurring SEPA Direct Debit mandate") || !strings.Contains(text, "within 8 weeks") {
			t.Fatalf("English form: %s", text)
		}
		_, err = e.DirectDebit.MandateForm(ctx, e.OwnerB, m1)
		problem(t, err, validation.ErrNotFound)
		if n := e.Count(`SELECT count(*) FROM audit_events WHERE action = 'directdebit.mandate_form_printed'`); n != 2 {
			t.Fatalf("%d print events", n)
		}
	})
}
