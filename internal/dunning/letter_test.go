package dunning_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/dunning"
	"hms/internal/lease"
	"hms/internal/platform/validation"
	"hms/internal/relation"
)

// drain runs queued jobs (the mail the letters queued) until none is left.
func (e *env) drain() {
	e.T.Helper()
	for range 100 {
		ran, err := e.Jobs.RunOnce(ctx)
		if err != nil {
			e.T.Fatalf("job: %v", err)
		}
		if !ran {
			return
		}
	}
	e.T.Fatal("jobs never ran out")
}

// The 14-day letter: a PDF that names the amount, the term of 14 days from
// the day after receipt with its last day, and the collection costs in
// euros; mailed through the outbox to each tenant with an e-mail address
// (the other gets none), kept sealed and opened again exactly as sent.
func TestLetterPDFAndMail(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner)
		maria := e.Person(e.Owner, relation.PersonInput{FirstNames: "Maria", Surname: "Zwanenburg", Email: "maria@example.nl",
			Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}})
		ben := e.Person(e.Owner, relation.PersonInput{FirstNames: "Ben", Surname: "Brinkman"})
		l := e.Lease(e.Owner, lease.Input{TenantIDs: []int64{maria, ben}, Start: d("2025-06-01"), PaymentMethod: lease.Transfer})
		e.charge(e.Owner, l, "2025-12-20", "2026-01-01", 80000)
		e.charge(e.Owner, l, "2026-01-20", "2026-02-01", 45050)
		// No tenant with an address: a letter to print.
		lone := e.personLease(e.Owner, "Visser", "")
		e.charge(e.Owner, lone, "2025-12-20", "2026-01-01", 80000)

		// Straight to the 14-day letter: the reminder and notice were
		// dismissed (their stages count as passed).
		e.propose("2026-01-08")
		for _, p := range append(e.waiting(l), e.waiting(lone)...) {
			if err := e.Dunning.Dismiss(ctx, e.Owner, p.ID, "telefonisch herinnerd"); err != nil {
				t.Fatal(err)
			}
		}
		e.propose("2026-01-22")
		for _, p := range append(e.waiting(l), e.waiting(lone)...) {
			if err := e.Dunning.Dismiss(ctx, e.Owner, p.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		e.propose("2026-03-10")
		w := append(e.waiting(l), e.waiting(lone)...)
		if stagesOf(w) != "wik,wik" {
			t.Fatalf("waiting %s", stagesOf(w))
		}
		res := e.send(e.Owner, "2026-03-10", ids(w)...)
		if len(res.Letters) != 2 || res.Mailed != 1 || len(res.Unmailed) != 1 || res.Unmailed[0].LeaseID != lone {
			t.Fatalf("sent %+v", res)
		}
		lt := res.Letters[0]
		if lt.LeaseID != l {
			lt = res.Letters[1]
		}
		// €800 + €450.50 = €1,250.50; 15% is €187.575, rounded €187.58.
		if lt.Principal != 125050 || lt.Costs != 18758 || lt.Deadline != d("2026-03-26") || lt.Mailed != 1 {
			t.Fatalf("letter %+v", lt)
		}
		// The letter and its mail are sealed: the tenant's name and address
		// are nowhere in the clear.
		if found := apptest.FindPlaintext(t, e.DB, "Zwanenburg", "maria@example.nl", "Brinkman"); len(found) > 0 {
			t.Fatalf("plaintext in %v", found)
		}
		pdf, got, err := e.Dunning.LetterDocument(ctx, e.Bookkeeper, lt.ID)
		if err != nil || got.ID != lt.ID {
			t.Fatal(err)
		}
		text := apptest.PDFText(t, pdf)
		for _, want := range []string{"Veertiendagenbrief", "M. Zwanenburg", "B. Brinkman", "Oudegracht 12", "Woonstichting Zuiderhuis",
			"€ 1.250,50", "€ 187,58", "14 dagen, te rekenen vanaf de dag na ontvangst van deze brief: uiterlijk op 26 maart 2026",
			"buitengerechtelijke incassokosten verschuldigd van € 187,58", "€ 800,00", "€ 450,50", "NL91 ABNA 0417 1643 00",
			"De huurders zijn hoofdelijk aansprakelijk."} {
			if !strings.Contains(text, want) {
				t.Errorf("the letter lacks %q:\n%s", want, text)
			}
		}
		if _, _, err := e.Dunning.LetterDocument(ctx, e.OwnerB, lt.ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("beta opened alpha's letter: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'dunning.letter_viewed'`); n != 1 {
			t.Fatalf("%d letter_viewed events", n)
		}
		e.drain()
		m := e.Mail.WaitFor(t, "maria@example.nl", 5*time.Second)
		if !strings.Contains(m.Subject, "Veertiendagenbrief") || !strings.Contains(m.Text, "Beste M. Zwanenburg") ||
			!strings.Contains(m.Text, "26 maart 2026") || !strings.Contains(m.Text, "€ 187,58") || len(m.Attachments) != 1 ||
			m.Attachments[0].ContentType != "application/pdf" || !strings.HasPrefix(m.Attachments[0].Name, "veertiendagenbrief-") {
			t.Fatalf("mail %q %q %+v", m.Subject, m.Text, m.Attachments)
		}
		if string(m.Attachments[0].Data) != string(pdf) {
			t.Fatal("the attachment is not the letter kept")
		}
		if n := len(e.Mail.Messages()); n != 1 {
			t.Fatalf("%d messages, want 1 (one tenant has an e-mail address)", n)
		}
		// Letters of the lease, newest first.
		ls, err := e.Dunning.Letters(ctx, e.Viewer, dunning.LetterFilter{LeaseID: l})
		if err != nil || len(ls) != 1 || ls[0].ID != lt.ID || ls[0].SHA256 == "" {
			t.Fatalf("letters %+v %v", ls, err)
		}
		// The costs, after the term: confirmed by a person, posted on the
		// lease as a charge of their own kind.
		e.propose("2026-03-27")
		var costs dunning.Proposal
		for _, p := range e.waiting(l) {
			if p.Stage == dunning.StageCosts {
				costs = p
			}
		}
		if costs.ID == 0 || costs.Costs != 18758 {
			t.Fatalf("costs proposal %+v", e.waiting(l))
		}
		if _, err := e.Dunning.ChargeCosts(ctx, e.Viewer, costs.ID); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a viewer charged: %v", err)
		}
		posted, err := e.Dunning.ChargeCosts(ctx, e.Owner, costs.ID)
		if err != nil || posted.Total != 18758 {
			t.Fatalf("charged %+v %v", posted, err)
		}
		inv, err := e.Ledger.Invoice(ctx, e.Owner, posted.InvoiceID)
		if err != nil || len(inv.Charges) != 1 || inv.Charges[0].Kind() != "collection_costs" || inv.LeaseID != l {
			t.Fatalf("invoice %+v %v", inv, err)
		}
		if _, err := e.Dunning.ChargeCosts(ctx, e.Owner, costs.ID); !errors.Is(err, dunning.ErrDecided) {
			t.Fatalf("charged twice: %v", err)
		}
		// The invoice prints the costs by name (the description wraps in its column).
		doc, err := e.Billing.InvoiceDocument(ctx, e.Owner, posted.InvoiceID)
		if err != nil {
			t.Fatalf("invoice document: %v", err)
		}
		if txt := apptest.PDFText(t, doc); !strings.Contains(txt, "Buitengerechtelijke") || !strings.Contains(txt, "incassokosten") {
			t.Fatalf("invoice document without the costs by name: %s", txt)
		}
	})
}
