package subscription_test

import (
	"context"
	"errors"
	"fmt"
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

// The seeded plans by units: the price follows the portfolio.
func TestPlanForUnits(t *testing.T) {
	plans := []subscription.Plan{
		{ID: 1, NameNL: "Start", UnitsFrom: 0, UnitsTo: 10, Base: 1900, Active: true},
		{ID: 2, NameNL: "Basis", UnitsFrom: 11, UnitsTo: 50, Base: 4900, Active: true},
		{ID: 3, NameNL: "Oud", UnitsFrom: 51, UnitsTo: 250, Base: 1, Active: false},
		{ID: 4, NameNL: "Groei", UnitsFrom: 51, UnitsTo: 250, Base: 4900, PerUnit: 75, Active: true},
		{ID: 5, NameNL: "Pro", UnitsFrom: 251, Base: 9900, PerUnit: 60, Active: true},
	}
	for _, c := range []struct {
		units int
		plan  int64
		price money.Cents
	}{{0, 1, 1900}, {10, 1, 1900}, {11, 2, 4900}, {50, 2, 4900}, {51, 4, 4900 + 51*75}, {250, 4, 4900 + 250*75},
		{251, 5, 9900 + 251*60}, {5000, 5, 9900 + 5000*60}} {
		p, ok := subscription.PlanFor(plans, c.units)
		if !ok || p.ID != c.plan || p.Price(c.units) != c.price {
			t.Errorf("%d units: plan %d at %d, want plan %d at %d", c.units, p.ID, p.Price(c.units), c.plan, c.price)
		}
	}
	if err := (subscription.Plan{NameNL: "x", NameEN: "x", UnitsFrom: 10, UnitsTo: 5}).Validate(); err == nil {
		t.Error("a range that ends before it starts passed")
	}
}

func trialUntil(t *testing.T, e *apptest.Org, orgID int64, d civil.Date) {
	t.Helper()
	if err := e.Subscriptions.ExtendTrial(context.Background(), 0, orgID, d); err != nil {
		t.Fatal(err)
	}
}

func goodInput() subscription.Input {
	return subscription.Input{Kind: subscription.Company, Name: "Vastgoed Alfa B.V.", Street: "Stationsplein", HouseNumber: "1",
		Postcode: "3511ed", City: "Utrecht", Email: "facturen@alfa.example", KvK: "40536533", VATID: "NL000099998B57",
		IBAN: "nl91 abna 0417 1643 00", Sign: true}
}

// QuoteFor counts the organisation's units: 12 units are the Basis plan.
func TestQuoteForFollowsUnits(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		q, err := e.Subscriptions.QuoteFor(ctx, e.Owner)
		if err != nil || q.Units != 0 || q.Plan.NameNL != "Start" || q.Monthly != 1900 {
			t.Fatalf("no units: %+v %v", q, err)
		}
		for range 12 {
			e.Unit(e.Owner, portfolio.UnitInput{})
		}
		e.Unit(e.OwnerB, portfolio.UnitInput{})
		q, err = e.Subscriptions.QuoteFor(ctx, e.Owner)
		if err != nil || q.Units != 12 || q.Plan.NameNL != "Basis" || q.Monthly != 4900 {
			t.Fatalf("12 units: %+v %v", q, err)
		}
		if q, _ := e.Subscriptions.QuoteFor(ctx, e.OwnerB); q.Units != 1 {
			t.Fatalf("beta counts %d units", q.Units)
		}
	})
}

// The reminders go to the owners 7 days and 1 day before the end, each
// once however often the daily job runs; a subscribed organisation gets
// none.
func TestTrialRemindersOnceAt7And1Days(t *testing.T) {
	now := time.Date(2027, time.March, 3, 8, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		today := civil.Today(now)
		trialUntil(t, e, e.Owner.OrgID, today.AddDays(8))
		trialUntil(t, e, e.OwnerB.OrgID, today.AddDays(7))
		if _, err := e.Subscriptions.Subscribe(ctx, e.OwnerB, goodInput()); err != nil {
			t.Fatal(err)
		}
		send := func(want int) {
			t.Helper()
			n, err := e.Subscriptions.SendReminders(ctx)
			if err != nil || n != want {
				t.Fatalf("%s: %d reminders, want %d (%v)", e.Clock.Now().Format(time.DateOnly), n, want, err)
			}
		}
		mails := e.Count(`SELECT COUNT(*) FROM mail_outbox`)
		send(0) // 8 days left
		e.Clock.Advance(24 * time.Hour)
		send(1) // 7 days: the owner of alpha
		send(0)
		e.Clock.Advance(24 * time.Hour)
		send(0) // 6 days
		e.Clock.Advance(5 * 24 * time.Hour)
		send(1) // 1 day
		send(0)
		e.Clock.Advance(24 * time.Hour)
		send(0) // ended
		if n := e.Count(`SELECT COUNT(*) FROM mail_outbox`) - mails; n != 2 {
			t.Fatalf("%d messages in the outbox, want 2", n)
		}
	})
}

// Bad billing details come back at their fields and change nothing; good
// ones lift the read-only state, sealed (no plaintext IBAN in the table).
func TestSubscribeChecksAndLiftsReadOnly(t *testing.T) {
	now := time.Date(2027, time.May, 10, 9, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		org := e.Owner.OrgID
		if err := e.Subscriptions.CheckWrite(ctx, org); err != nil {
			t.Fatalf("an organisation without a trial is read-only: %v", err)
		}
		trialUntil(t, e, org, civil.Today(now).AddDays(-1))
		if err := e.Subscriptions.CheckWrite(ctx, org); !errors.Is(err, subscription.ErrReadOnly) {
			t.Fatalf("after the trial: %v", err)
		}
		if err := e.Subscriptions.CheckWrite(ctx, e.OwnerB.OrgID); err != nil {
			t.Fatalf("beta is read-only too: %v", err)
		}
		bad := goodInput()
		bad.KvK, bad.VATID, bad.IBAN, bad.Postcode, bad.Sign = "1234", "NL000099998B58", "NL91ABNA0417164301", "0123 AB", false
		_, err := e.Subscriptions.Subscribe(ctx, e.Owner, bad)
		fe, ok := validation.AsFields(err)
		if !ok {
			t.Fatalf("bad input: %v", err)
		}
		for f, msg := range map[string]string{"kvk": "subscription.kvk_invalid", "vat_id": "subscription.vat_invalid",
			"iban": "subscription.iban_invalid", "postcode": "subscription.postcode_invalid", "sign": "subscription.sign_required"} {
			if fe[f] != msg {
				t.Errorf("%s: %q, want %q", f, fe[f], msg)
			}
		}
		if _, err := e.Subscriptions.Get(ctx, e.Owner); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("a subscription after bad input: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM subscriptions`); n != 0 {
			t.Fatalf("%d subscriptions after bad input", n)
		}
		if _, err := e.Subscriptions.Subscribe(ctx, e.Manager, goodInput()); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a manager subscribed: %v", err)
		}
		sub, err := e.Subscriptions.Subscribe(ctx, e.Owner, goodInput())
		if err != nil {
			t.Fatal(err)
		}
		if sub.IBAN != "NL91ABNA0417164300" || sub.BIC != "ABNANL2A" || sub.Details.Postcode != "3511 ED" ||
			sub.PlanName != "Start" || sub.Monthly != 1900 || sub.StartedOn != civil.Today(now) ||
			sub.PaidThrough != civil.New(2027, time.May, 31) || sub.Mandate.CreditorID != "NL51ZZZ405365330000" ||
			!strings.HasPrefix(sub.Mandate.Reference, fmt.Sprintf("HMS-%06d-20270510-", org)) {
			t.Fatalf("subscription %+v", sub)
		}
		if err := e.Subscriptions.CheckWrite(ctx, org); err != nil {
			t.Fatalf("still read-only after subscribing: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM subscriptions WHERE bic = 'ABNANL2A'`); n != 1 {
			t.Fatalf("%d subscriptions", n)
		}
		for _, plain := range []string{"NL91ABNA0417164300", "facturen@alfa.example", "Stationsplein"} {
			if n := e.Count(`SELECT COUNT(*) FROM subscriptions WHERE details_sealed = $1 OR iban_sealed = $1`, []byte(plain)); n != 0 {
				t.Fatalf("%s stored in plain text", plain)
			}
		}
		pdf, err := e.Subscriptions.MandatePDF(ctx, e.Owner, "nl")
		if err != nil {
			t.Fatal(err)
		}
		text := apptest.PDFText(t, pdf)
		for _, want := range []string{"Doorlopende SEPA-machtiging", "NL51ZZZ405365330000", sub.Mandate.Reference,
			"NL91 ABNA 0417 1643 00", "Stationsplein 1, 3511 ED Utrecht", "HMS Huurbeheer B.V.", "8 weken"} {
			if !strings.Contains(text, want) {
				t.Errorf("mandate PDF lacks %q: %s", want, text)
			}
		}
		cs, err := e.Subscriptions.Customers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var seen bool
		for _, c := range cs {
			if c.OrgID == org {
				seen = c.Standing.State == subscription.StateActive && c.BillingEmail == "facturen@alfa.example" && c.PlanName == "Start"
			}
		}
		if !seen {
			t.Fatalf("customers %+v", cs)
		}
	})
}
