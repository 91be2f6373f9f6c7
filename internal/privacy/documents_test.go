package privacy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/deposit"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/vault"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// sealedDocument is a stored document as the database holds it: its sealed
// bytes (a copy, as an old backup would have them), the field they are
// bound to and the subject they are sealed under.
type sealedDocument struct {
	name, field string
	subject     vault.SubjectID
	sealed      []byte
}

// storedDocuments reads the sealed bytes of every document of the lease.
func storedDocuments(t *testing.T, org *apptest.Org, leaseID int64) []sealedDocument {
	t.Helper()
	var out []sealedDocument
	for _, q := range []struct{ name, field, sql string }{
		{"tenant information", "lease_documents.content", `SELECT subject_id, content FROM lease_documents WHERE lease_id = $1`},
		{"rent-increase letter", "rent_increase_proposals.letter",
			`SELECT letter_subject_id, letter FROM rent_increase_proposals WHERE lease_id = $1 AND letter IS NOT NULL`},
		{"deposit evidence", "deposit_evidence.content", `SELECT subject_id, content_sealed FROM deposit_evidence WHERE lease_id = $1`},
		{"deposit evidence name", "deposit_evidence.name", `SELECT subject_id, name_sealed FROM deposit_evidence WHERE lease_id = $1`},
		{"deposit specification", "deposit_specifications.content",
			`SELECT subject_id, content FROM deposit_specifications WHERE lease_id = $1`},
	} {
		rows, err := org.DB.Raw().Query(q.sql, leaseID)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		n := 0
		for rows.Next() {
			var subject *int64
			var b []byte
			if err := rows.Scan(&subject, &b); err != nil {
				t.Fatal(err)
			}
			if subject == nil {
				t.Fatalf("the %s is not sealed under a subject", q.name)
			}
			out = append(out, sealedDocument{q.name, q.field, vault.SubjectID(*subject), b})
			n++
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("%d stored of the %s, want 1", n, q.name)
		}
	}
	return out
}

// makeLegacy turns the lease's documents into what migration 00040 found:
// the tenant information and the rent-increase letter plain, the deposit
// evidence and specification sealed per organisation, none under a subject.
func makeLegacy(t *testing.T, org *apptest.Org, leaseID int64, photo []byte) {
	t.Helper()
	a := org.Owner
	err := org.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var doc, letter, spec, name []byte
		var subject int64
		if err := tx.QueryRowContext(ctx, `SELECT subject_id, content FROM lease_documents WHERE lease_id = $1`, leaseID).
			Scan(&subject, &doc); err != nil {
			return err
		}
		doc, err := org.Vault.Open(ctx, tx, vault.SubjectID(subject), "lease_documents.content", doc)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT letter_subject_id, letter FROM rent_increase_proposals
			WHERE lease_id = $1 AND letter IS NOT NULL`, leaseID).Scan(&subject, &letter); err != nil {
			return err
		}
		if letter, err = org.Vault.Open(ctx, tx, vault.SubjectID(subject), "rent_increase_proposals.letter", letter); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT subject_id, content FROM deposit_specifications WHERE lease_id = $1`, leaseID).
			Scan(&subject, &spec); err != nil {
			return err
		}
		if spec, err = org.Vault.Open(ctx, tx, vault.SubjectID(subject), "deposit_specifications.content", spec); err != nil {
			return err
		}
		if spec, err = org.Vault.SealOrg(ctx, tx, "deposit_specifications.content", spec); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT subject_id, name_sealed FROM deposit_evidence WHERE lease_id = $1`, leaseID).
			Scan(&subject, &name); err != nil {
			return err
		}
		if name, err = org.Vault.Open(ctx, tx, vault.SubjectID(subject), "deposit_evidence.name", name); err != nil {
			return err
		}
		if name, err = org.Vault.SealOrg(ctx, tx, "deposit_evidence.name", name); err != nil {
			return err
		}
		content, err := org.Vault.SealOrg(ctx, tx, "deposit_evidence.content", photo)
		if err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE lease_documents SET content = $1, sealed = $2, subject_id = NULL WHERE lease_id = $3`, []any{doc, false, leaseID}},
			{`UPDATE rent_increase_proposals SET letter = $1, letter_subject_id = NULL WHERE lease_id = $2 AND letter IS NOT NULL`,
				[]any{letter, leaseID}},
			{`UPDATE deposit_specifications SET content = $1, subject_id = NULL WHERE lease_id = $2`, []any{spec, leaseID}},
			{`UPDATE deposit_evidence SET name_sealed = $1, content_sealed = $2, subject_id = NULL WHERE lease_id = $3`,
				[]any{name, content, leaseID}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("documents as before migration 00040: %v", err)
	}
}

// Erasure reaches every stored document about the person (PRIVACY.md P19–
// P21): the tenant information, the rent-increase letter, the deposit
// evidence and specification of a lease with two tenants are sealed under
// subjects of their own; erasing one tenant shreds them, so the copies of
// their sealed bytes (as in a backup made before) no longer open, the
// reading paths answer not found, and no column holds the name, in a PDF's
// text neither. Documents stored as before migration 00040 (plain, or
// sealed per organisation) are sealed under their own subjects first, as
// app.Open does at every start, and read the same.
func TestEraseReachesEveryDocument(t *testing.T) {
	now := time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, org *apptest.Org) {
		a := org.Owner
		p := org.Person(a, relation.PersonInput{Initials: "W.", FirstNames: "Wilhelmina", Surname: secretSurname, Email: secretEmail})
		co := org.Person(a, relation.PersonInput{FirstNames: "Bartholomeus", Surname: "Medehuurder"})
		u := org.Unit(a, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: "7", Postcode: "3521 CD", City: "Utrecht",
			Type: portfolio.TypeZelfstandig, Segment: portfolio.SegmentSociaal})
		l := org.Lease(a, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p, co}, Start: civil.MustParse("2020-01-01"),
			End: civil.MustParse("2026-09-30"), DepositCents: 100000,
			Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000}}})
		if _, err := org.Leases.AddDepositEntry(ctx, a, l, lease.DepositEntryInput{Kind: lease.DepositReceived,
			Date: civil.MustParse("2020-01-01"), AmountCents: 100000}); err != nil {
			t.Fatal(err)
		}
		doc, err := org.Leases.GenerateTenantInformation(ctx, a, l)
		if err != nil {
			t.Fatalf("tenant information: %v", err)
		}
		// The rent increase of 1 July, confirmed in March: its letter.
		effective := civil.MustParse("2026-07-01")
		props, err := org.RentIncreases.Propose(ctx, a, effective)
		if err != nil || len(props) != 1 {
			t.Fatalf("propose: %v %+v", err, props)
		}
		plan, err := org.RentIncreases.PlanConfirm(ctx, a, effective)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := org.RentIncreases.Confirm(ctx, a, effective, plan); err != nil || n != 1 {
			t.Fatalf("confirm: %d %v", n, err)
		}
		// The lease has ended; the whole deposit goes to repairs, with a
		// photo that names the tenant, and the specification.
		org.Clock.Set(time.Date(2026, time.October, 15, 11, 0, 0, 0, time.UTC))
		photo := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []byte("schade bij "+secretSurname)...)
		if _, err := org.Deposits.Deduct(ctx, a, l, deposit.DeductionInput{AmountCents: 100000, Reason: "damage",
			Evidence: []deposit.File{{Name: "deur-" + secretSurname + ".png", Data: photo}}}); err != nil {
			t.Fatalf("deduct: %v", err)
		}
		spec, err := org.Deposits.GenerateSpecification(ctx, a, l)
		if err != nil {
			t.Fatalf("specification: %v", err)
		}
		st, err := org.Deposits.Status(ctx, a, l)
		if err != nil || len(st.Deductions) != 1 || len(st.Deductions[0].Evidence) != 1 {
			t.Fatalf("deposit: %v %+v", err, st)
		}
		evidence := st.Deductions[0].Evidence[0].ID

		// Before: each document opens and names the tenant, and nothing
		// of it is in plain text in the database.
		pdfs := map[string]func() ([]byte, error){
			"tenant information":    func() ([]byte, error) { return org.Leases.Document(ctx, a, l, doc) },
			"rent-increase letter":  func() ([]byte, error) { return org.RentIncreases.Letter(ctx, a, props[0].ID) },
			"deposit specification": func() ([]byte, error) { return org.Deposits.SpecificationFile(ctx, a, l, spec.ID) },
		}
		for name, read := range pdfs {
			pdf, err := read()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if txt := apptest.PDFText(t, pdf); !strings.Contains(txt, secretSurname) {
				t.Fatalf("the %s does not name the tenant; the test would prove nothing:\n%s", name, txt)
			}
		}
		ev, data, err := org.Deposits.EvidenceFile(ctx, a, l, evidence)
		if err != nil || ev.FileName != "deur-"+secretSurname+".png" || string(data) != string(photo) {
			t.Fatalf("evidence: %v %+v", err, ev)
		}
		makeLegacy(t, org, l, photo)
		for _, f := range []func(context.Context) (int, error){org.Leases.SealLegacyDocuments, org.Deposits.SealLegacyDocuments,
			org.RentIncreases.SealLegacyLetters} {
			if n, err := f(ctx); err != nil || n == 0 {
				t.Fatalf("sealing the documents of before 00040: %d %v", n, err)
			}
			if n, err := f(ctx); err != nil || n != 0 {
				t.Fatalf("sealing again: %d %v", n, err)
			}
		}
		for name, read := range pdfs {
			if pdf, err := read(); err != nil || !strings.Contains(apptest.PDFText(t, pdf), secretSurname) {
				t.Fatalf("the %s after sealing it again: %v", name, err)
			}
		}
		if ev, data, err := org.Deposits.EvidenceFile(ctx, a, l, evidence); err != nil || ev.FileName != "deur-"+secretSurname+".png" ||
			string(data) != string(photo) {
			t.Fatalf("evidence after sealing it again: %v %+v", err, ev)
		}
		secrets := []string{secretSurname, "Wilhelmina", secretEmail}
		if hits := apptest.FindPlaintext(t, org.DB, secrets...); len(hits) > 0 {
			t.Fatalf("plain text before erasure: %v", hits)
		}
		backup := storedDocuments(t, org, l)

		if _, err := org.Rights.Erase(ctx, a, p); err != nil {
			t.Fatalf("erase: %v", err)
		}

		// The copies no longer open: their subjects are shredded and
		// journaled, so a restore shreds them again.
		err = org.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			for _, d := range backup {
				if _, err := org.Vault.Open(ctx, tx, d.subject, d.field, d.sealed); !errors.Is(err, vault.ErrShredded) {
					t.Errorf("the %s opens after erasure: %v", d.name, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range backup {
			if n := org.Count(`SELECT COUNT(*) FROM vault_erasures WHERE subject_id = $1`, int64(d.subject)); n != 1 {
				t.Errorf("the shred of the %s is not journaled", d.name)
			}
		}
		for name, read := range pdfs {
			if _, err := read(); err == nil {
				t.Errorf("the %s is still served after erasure", name)
			}
		}
		if _, _, err := org.Deposits.EvidenceFile(ctx, a, l, evidence); err == nil {
			t.Errorf("the evidence is still served after erasure")
		}
		if hits := apptest.FindPlaintext(t, org.DB, secrets...); len(hits) > 0 {
			t.Errorf("plain text after erasure: %v", hits)
		}
		// The co-tenant stays, with the lease and its rent history.
		if _, err := org.Relations.Get(ctx, a, co, relation.ViaWeb); err != nil {
			t.Errorf("the co-tenant after erasure: %v", err)
		}
		if got, err := org.RentIncreases.Get(ctx, a, props[0].ID); err != nil || got.NewCents != props[0].NewCents ||
			got.NewCents == money.Cents(0) {
			t.Errorf("the rent increase after erasure: %v %+v", err, got)
		}
	})
}
