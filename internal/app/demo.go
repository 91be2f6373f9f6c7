package app

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"

	"hms/internal/account"
	"hms/internal/billing"
	"hms/internal/demo"
	"hms/internal/importer"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
)

// DemoLogin is the owner login of a demo organisation.
type DemoLogin struct {
	OrgSlug, Email, Password string // Password "" when the owner already existed
}

// SeedDemo creates the organisation slug (when missing) with an owner, lets
// the owner accept the processor agreement, and imports a synthetic
// portfolio of units units through the same importer a customer's rent roll
// takes. Run it twice and the second run changes nothing.
func (a *App) SeedDemo(ctx context.Context, slug string, units int) (DemoLogin, *importer.Result, error) {
	login := DemoLogin{OrgSlug: slug, Email: "eigenaar@" + slug + ".hms.localhost"}
	name := slug
	if slug == "demo" {
		name = "Demo Vastgoed B.V."
	}
	pw, userID, err := a.Accounts.CreateUser(ctx,
		account.CreateUserInput{OrgSlug: slug, OrgName: name, Email: login.Email, Name: "Demo Eigenaar", Role: account.Owner})
	if err != nil {
		return login, nil, fmt.Errorf("demo owner: %w", err)
	}
	login.Password = pw
	actor, err := a.Accounts.ActorFor(ctx, userID, slug)
	if err != nil {
		return login, nil, err
	}
	st, err := a.Privacy.ProcessorAgreementStatus(ctx, actor)
	if err != nil {
		return login, nil, err
	}
	if st.Accepted == nil {
		if err := a.Privacy.AcceptProcessorAgreement(ctx, actor, a.Privacy.Current().Version); err != nil {
			return login, nil, fmt.Errorf("demo processor agreement: %w", err)
		}
	}
	if units <= 0 {
		return login, nil, nil
	}
	h := fnv.New64a()
	h.Write([]byte(slug))
	rows := demo.RentRoll(demo.Options{Seed: h.Sum64(), Units: units, Today: civil.Today(a.Clock.Now())})
	var buf bytes.Buffer
	if err := demo.WriteCSV(&buf, rows); err != nil {
		return login, nil, err
	}
	res, cellErrs, err := a.Importer.Import(ctx, actor, &buf, nil)
	if err != nil {
		if len(cellErrs) > 0 {
			return login, nil, fmt.Errorf("demo import: %v (first of %d: %v)", err, len(cellErrs), cellErrs[0])
		}
		return login, nil, fmt.Errorf("demo import: %w", err)
	}
	if err := a.demoBooks(ctx, actor); err != nil {
		return login, nil, err
	}
	return login, res, nil
}

// demoBooks charges the rent of the last three months and books payments
// for most of it, so the finance pages show a living ledger: paid
// invoices, a few in arrears, a credit here and there. Only a run that
// posted something gets payments, so seeding again changes nothing.
func (a *App) demoBooks(ctx context.Context, actor account.Actor) error {
	// Demo tenants have made-up addresses: their invoices are made, not mailed.
	st := billing.DefaultSettings
	st.SendInvoices = false
	if err := a.Billing.SaveSettings(ctx, actor, st); err != nil {
		return fmt.Errorf("demo billing settings: %w", err)
	}
	today := civil.Today(a.Clock.Now())
	for back := 2; back >= 0; back-- {
		m := today.FirstOfMonth().AddMonths(-back)
		run, err := a.Billing.PostRun(ctx, actor, billing.RunInput{Period: fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))}, nil)
		if err != nil {
			return fmt.Errorf("demo rent run: %w", err)
		}
		if run.Invoices == 0 {
			continue
		}
		page, err := a.Ledger.Invoices(ctx, actor, listing.Query{All: true}, ledger.InvoiceFilter{RunID: run.ID})
		if err != nil {
			return err
		}
		for i, inv := range page.Items {
			paid := inv.Total
			switch {
			case i%11 == 3: // in arrears
				continue
			case i%17 == 5: // paid part
				paid = inv.Total / 2
			case i%23 == 7: // paid too much: credit on the account
				paid = inv.Total + 2500
			}
			day := inv.DueDate.AddDays(i % 5)
			if day.After(today) {
				day = today
			}
			method := ledger.Transfer
			if i%3 == 0 {
				method = ledger.DirectDebit
			}
			if _, err := a.Ledger.RecordPayment(ctx, actor, ledger.PaymentInput{LeaseID: inv.LeaseID, Date: day, Amount: paid,
				Method: method, Reference: inv.Number}); err != nil {
				return fmt.Errorf("demo payment: %w", err)
			}
		}
	}
	return nil
}
