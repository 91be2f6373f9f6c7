package subscription_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/subscription"
)

// at is 08:00 in Amsterdam on d (the invoice job runs at seven).
func at(d civil.Date) time.Time {
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	return time.Date(d.Year, d.Month, d.Day, 8, 0, 0, 0, loc)
}

func mustMonth(t *testing.T, s string) civil.Month {
	t.Helper()
	m, err := civil.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func issueMonth(t *testing.T, e *apptest.Org, m string, want int) {
	t.Helper()
	n, err := e.Subscriptions.IssueMonth(context.Background(), mustMonth(t, m))
	if err != nil || n != want {
		t.Fatalf("run %s: %d invoices, want %d (%v)", m, n, want, err)
	}
}

// The monthly run: the start month prorated by days from the first day of
// the subscription, later months whole, the plan by the units at issue,
// 21% VAT rounded once per invoice, one invoice per organisation and
// month however often the run runs, numbers 1, 2, 3… in one series across
// organisations; only the owner reads them, and only their own.
func TestMonthlyInvoicesProratedThenWhole(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: at(civil.New(2027, time.April, 20))}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		if _, err := e.Subscriptions.Subscribe(ctx, e.OwnerB, goodInput()); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.May, 1)))
		issueMonth(t, e, "2027-05", 2) // beta: April 20–30 and May
		issueMonth(t, e, "2027-05", 0)
		e.Clock.Set(at(civil.New(2027, time.May, 10)))
		for range 12 {
			e.Unit(e.Owner, portfolio.UnitInput{})
		}
		in := goodInput()
		in.Email = "boekhouding@alfa.example"
		if _, err := e.Subscriptions.Subscribe(ctx, e.Owner, in); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.June, 1)))
		issueMonth(t, e, "2027-06", 3) // alpha: May 10–31 and June; beta: June
		issueMonth(t, e, "2027-06", 0)

		alpha, err := e.Subscriptions.Invoices(ctx, e.Owner)
		if err != nil {
			t.Fatal(err)
		}
		type want struct {
			month           string
			from            civil.Date
			plan            string
			units           int
			net, vat, total money.Cents
			issued, collect civil.Date
		}
		check := func(who string, got []subscription.Invoice, ws []want) {
			t.Helper()
			if len(got) != len(ws) {
				t.Fatalf("%s: %d invoices, want %d", who, len(got), len(ws))
			}
			for i, w := range ws {
				g := got[i]
				if g.Month.String() != w.month || g.From != w.from || g.PlanNL != w.plan || g.Units != w.units || g.Net != w.net ||
					g.VAT != w.vat || g.Total != w.total || g.VATRate != 21*money.Percent || g.IssuedOn != w.issued ||
					g.CollectOn != w.collect || g.State != "open" {
					t.Errorf("%s invoice %d: %+v, want %+v", who, i, g, w)
				}
			}
		}
		june1, may1 := civil.New(2027, time.June, 1), civil.New(2027, time.May, 1)
		// 12 units: Basis, € 49; May 10–31 is 22 of 31 days: 3477.42 → 3477; VAT 730.17 → 730.
		check("alpha", alpha, []want{
			{"2027-06", june1, "Basis", 12, 4900, 1029, 5929, june1, civil.New(2027, time.June, 15)},
			{"2027-05", civil.New(2027, time.May, 10), "Basis", 12, 3477, 730, 4207, june1, civil.New(2027, time.June, 15)},
		})
		beta, err := e.Subscriptions.Invoices(ctx, e.OwnerB)
		if err != nil {
			t.Fatal(err)
		}
		// No units: Start, € 19; April 20–30 is 11 of 30 days: 696.67 → 697; VAT 146.37 → 146.
		check("beta", beta, []want{
			{"2027-06", june1, "Start", 0, 1900, 399, 2299, june1, civil.New(2027, time.June, 15)},
			{"2027-05", may1, "Start", 0, 1900, 399, 2299, may1, civil.New(2027, time.May, 15)},
			{"2027-04", civil.New(2027, time.April, 20), "Start", 0, 697, 146, 843, may1, civil.New(2027, time.May, 15)},
		})
		// One series across organisations, in the order issued.
		numbers := map[string]string{beta[2].Number: "1", beta[1].Number: "2", alpha[1].Number: "3", alpha[0].Number: "4",
			beta[0].Number: "5"}
		for n, seq := range numbers {
			if n != "HMS000000"+seq {
				t.Errorf("number %s, want HMS000000%s", n, seq)
			}
		}
		if alpha[0].Buyer.Email != "boekhouding@alfa.example" || alpha[0].Seller.VATID != "NL000099998B57" ||
			alpha[0].Seller.Name != "HMS Huurbeheer B.V." || !strings.HasPrefix(alpha[0].Mandate, "HMS-") {
			t.Errorf("snapshot: %+v", alpha[0])
		}
		if _, err := e.Subscriptions.Invoices(ctx, e.Manager); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a manager read the invoices: %v", err)
		}
		if _, _, err := e.Subscriptions.InvoicePDF(ctx, e.OwnerB, alpha[0].Number); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("beta opened alpha's invoice: %v", err)
		}
		pdf, _, err := e.Subscriptions.InvoicePDF(ctx, e.Owner, alpha[1].Number)
		if err != nil {
			t.Fatal(err)
		}
		text := apptest.PDFText(t, pdf)
		for _, w := range []string{"Factuur", alpha[1].Number, "10 mei 2027 tot en met 31 mei 2027", "Basis", "€ 34,77",
			"Btw 21%", "€ 7,30", "€ 42,07", alpha[1].Mandate, "NL51ZZZ405365330000", "15 juni 2027", "Vastgoed Alfa B.V.",
			"Oudegracht 100", "NL000099998B57"} {
			if !strings.Contains(text, w) {
				t.Errorf("the PDF lacks %q:\n%s", w, text)
			}
		}
		// Mail: the billing address and each owner, each with the PDF.
		if n := e.Count(`SELECT COUNT(*) FROM mail_outbox`); n != 10 {
			t.Errorf("%d messages queued, want 10 (5 invoices × billing address and owner)", n)
		}
		if n := e.Count(`SELECT COUNT(*) FROM subscription_invoices WHERE buyer_sealed = $1`, []byte("Vastgoed Alfa B.V.")); n != 0 {
			t.Error("the buyer stored in plain text")
		}
	})
}

// A number is reserved in the issuing transaction: an invoice that fails
// takes none, and the series stays gapless.
func TestInvoiceNumbersGaplessAfterFailure(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: at(civil.New(2027, time.March, 1))}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		for _, a := range []struct{ owner bool }{{true}, {false}} {
			actor := e.OwnerB
			if a.owner {
				actor = e.Owner
			}
			if _, err := e.Subscriptions.Subscribe(ctx, actor, goodInput()); err != nil {
				t.Fatal(err)
			}
		}
		// A row that squats on number 2 makes the second invoice fail.
		if _, err := e.DB.Raw().Exec(`INSERT INTO subscription_invoices (organisation_id, month, number, issued_on, period_from,
			period_to, plan_name_nl, plan_name_en, units, net_cents, vat_rate, vat_cents, total_cents, collect_on, mandate_reference,
			creditor_id, seller, subject_id, buyer_sealed, lang, created_at) VALUES ($1, '2020-01', 'HMS0000002', '2020-01-01',
			'2020-01-01', '2020-01-31', 'x', 'x', 0, 0, 0, 0, 0, '2020-01-15', 'x', 'x', '{}', 0, $2, 'nl', '2020-01-01T00:00:00Z')`,
			e.Owner.OrgID, []byte{1}); err != nil {
			t.Fatal(err)
		}
		n, err := e.Subscriptions.IssueMonth(ctx, mustMonth(t, "2027-03"))
		if n != 1 || err == nil {
			t.Fatalf("run with a squatter: %d invoices, error %v", n, err)
		}
		if _, err := e.DB.Raw().Exec(`DELETE FROM subscription_invoices WHERE month = '2020-01'`); err != nil {
			t.Fatal(err)
		}
		issueMonth(t, e, "2027-03", 1)
		if n := e.Count(`SELECT COUNT(*) FROM subscription_invoices WHERE number IN ('HMS0000001', 'HMS0000002')`); n != 2 {
			t.Fatalf("numbers 1 and 2: %d", n)
		}
		if n := e.Count(`SELECT last FROM subscription_counters WHERE series = 'invoice'`); n != 2 {
			t.Fatalf("the counter stands at %d, want 2", n)
		}
	})
}

// The mail reaches the billing address with the invoice attached.
func TestInvoiceMailed(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: at(civil.New(2027, time.August, 1)), Server: true}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		if _, err := e.Subscriptions.Subscribe(ctx, e.Owner, goodInput()); err != nil {
			t.Fatal(err)
		}
		issueMonth(t, e, "2027-08", 1)
		m := e.Mail.WaitFor(t, "facturen@alfa.example", 10*time.Second)
		if m.Subject != "Factuur HMS0000001 van HMS voor augustus 2027" || !strings.Contains(m.Text, "€ 22,99") ||
			!strings.Contains(m.Text, "15 augustus 2027") {
			t.Errorf("mail %q: %s", m.Subject, m.Text)
		}
		if len(m.Attachments) != 1 || m.Attachments[0].Name != "factuur-HMS0000001.pdf" ||
			!bytes.HasPrefix(m.Attachments[0].Data, []byte("%PDF")) {
			t.Fatalf("attachments %+v", m.Attachments)
		}
		e.Mail.WaitFor(t, "owner@alpha.nl", 10*time.Second)
	})
}
