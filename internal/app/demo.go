package app

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/billing"
	"hms/internal/demo"
	"hms/internal/directdebit"
	"hms/internal/importer"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/orgprofile"
	"hms/internal/payout"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/portfolio"
	"hms/internal/reconcile"
	"hms/internal/relation"
	"hms/internal/settlement"
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
	login, actor, err := a.SeedDemoOwner(ctx, slug)
	if err != nil || units <= 0 {
		return login, nil, err
	}
	res, err := a.FillDemo(ctx, actor, slug, units)
	return login, res, err
}

// StartDemoFill fills the demo portfolio in the background (serve --demo
// prints the login first); the dashboard says "De demo wordt gevuld…" until
// it is done. done is called with the outcome.
func (a *App) StartDemoFill(ctx context.Context, actor account.Actor, slug string, units int,
	done func(*importer.Result, error)) {
	a.demoFilling.Store(true)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer a.demoFilling.Store(false)
		done(a.FillDemo(ctx, actor, slug, units))
	}()
}

// SeedDemoOwner creates the organisation slug (when missing) with its owner,
// accepts the processor agreement and fills the organisation's details: what
// logging in needs, quickly.
func (a *App) SeedDemoOwner(ctx context.Context, slug string) (DemoLogin, account.Actor, error) {
	login := DemoLogin{OrgSlug: slug, Email: "eigenaar@" + slug + ".hms.localhost"}
	name := slug
	if slug == "demo" {
		name = "Demo Vastgoed B.V."
	}
	pw, userID, err := a.Accounts.CreateUser(ctx,
		account.CreateUserInput{OrgSlug: slug, OrgName: name, Email: login.Email, Name: "Demo Eigenaar", Role: account.Owner})
	if err != nil {
		return login, account.Actor{}, fmt.Errorf("demo owner: %w", err)
	}
	login.Password = pw
	actor, err := a.Accounts.ActorFor(ctx, userID, slug)
	if err != nil {
		return login, actor, err
	}
	st, err := a.Privacy.ProcessorAgreementStatus(ctx, actor)
	if err != nil {
		return login, actor, err
	}
	if st.Accepted == nil {
		if err := a.Privacy.AcceptProcessorAgreement(ctx, actor, a.Privacy.Current().Version); err != nil {
			return login, actor, fmt.Errorf("demo processor agreement: %w", err)
		}
	}
	return login, actor, a.demoOrgDetails(ctx, actor, name)
}

// FillDemo imports a synthetic portfolio of units units through the same
// importer a customer's rent roll takes, and books and proposes what the
// pages show. Run it twice and the second run changes nothing.
func (a *App) FillDemo(ctx context.Context, actor account.Actor, slug string, units int) (*importer.Result, error) {
	h := fnv.New64a()
	h.Write([]byte(slug))
	rows := demo.RentRoll(demo.Options{Seed: h.Sum64(), Units: units, Today: civil.Today(a.Clock.Now())})
	var buf bytes.Buffer
	if err := demo.WriteCSV(&buf, rows); err != nil {
		return nil, err
	}
	res, cellErrs, err := a.Importer.Import(ctx, actor, &buf, nil)
	if err != nil {
		if len(cellErrs) > 0 {
			return nil, fmt.Errorf("demo import: %v (first of %d: %v)", err, len(cellErrs), cellErrs[0])
		}
		return nil, fmt.Errorf("demo import: %w", err)
	}
	if err := a.demoDirectDebit(ctx, actor); err != nil {
		return nil, err
	}
	if err := a.demoMovingIn(ctx, actor, rows, civil.Today(a.Clock.Now())); err != nil {
		return nil, err
	}
	if err := a.demoServiceCosts(ctx, actor, civil.Today(a.Clock.Now()).Year-1); err != nil {
		return nil, err
	}
	if err := a.demoBooks(ctx, actor); err != nil {
		return nil, err
	}
	if err := a.demoLeaseLife(ctx, actor); err != nil {
		return nil, err
	}
	if err := a.demoWork(ctx, actor, civil.Today(a.Clock.Now())); err != nil {
		return nil, err
	}
	if err := a.demoRequest(ctx, actor); err != nil {
		return nil, err
	}
	// What the daily run would propose: reminders for the leases in arrears.
	if _, err := a.Dunning.Propose(ctx, actor, civil.Date{}); err != nil {
		return nil, fmt.Errorf("demo dunning: %w", err)
	}
	return res, nil
}

// demoOrgDetails fills the organisation's details every document prints,
// once (a second seed changes nothing). The KvK number is made up; the VAT
// id is the Belastingdienst's example number.
func (a *App) demoOrgDetails(ctx context.Context, actor account.Actor, name string) error {
	p, err := a.OrgProfile.Get(ctx, actor)
	if err != nil || p.LegalName != "" {
		return err
	}
	if err := a.OrgProfile.Save(ctx, actor, orgprofile.Input{LegalName: name, Street: "Stationsplein", HouseNumber: "1",
		Postcode: "3511 ED", City: "Utrecht", Email: "info@" + actor.OrgSlug + ".hms.localhost", Phone: "030 123 45 67",
		KvK: "12345678", VATID: "NL000099998B57", PaymentTermDays: 14, Logo: demoLogo()}); err != nil {
		return fmt.Errorf("demo organisation details: %w", err)
	}
	return nil
}

// demoLogo is the demo organisation's logo: a blue house on a white band.
func demoLogo() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 240, 80))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	blue := image.NewUniform(color.RGBA{R: 0x1f, G: 0x4e, B: 0x8c, A: 0xff})
	draw.Draw(img, image.Rect(20, 36, 68, 72), blue, image.Point{}, draw.Src)
	for y := 8; y < 36; y++ { // the roof
		half := (y - 8) * 30 / 28
		draw.Draw(img, image.Rect(44-half, y, 44+half, y+1), blue, image.Point{}, draw.Src)
	}
	draw.Draw(img, image.Rect(84, 36, 228, 48), blue, image.Point{}, draw.Src)
	var b bytes.Buffer
	_ = png.Encode(&b, img) // writing to memory does not fail
	return b.Bytes()
}

// demoMovingIn imports, as a landlord moving in from another system would,
// open items for one lease in thirteen (due three and four months ago) and
// last year's service-cost advances for one lease in seven, so the first
// settlement in HMS counts them. The importer leaves a second seed as it
// was.
func (a *App) demoMovingIn(ctx context.Context, actor account.Actor, rows []map[string]string, today civil.Date) error {
	var open, adv strings.Builder
	open.WriteString("contractnummer;omschrijving;documentdatum;vervaldatum;bedrag\n")
	adv.WriteString("contractnummer;jaar;in_rekening_gebracht;ontvangen\n")
	lastYear := today.Year - 1
	var nOpen, nAdv int
	for i, r := range rows {
		start, err := civil.Parse(r["lease_start"])
		if r["lease_ref"] == "" || r["lease_end"] != "" || err != nil || !start.Before(civil.New(lastYear, 1, 1)) {
			continue
		}
		if i%13 == 5 {
			for back := 4; back >= 3; back-- {
				m := today.FirstOfMonth().AddMonths(-back)
				fmt.Fprintf(&open, "%s;Huur %s (vorige administratie);%s;%s;%s\n", r["lease_ref"], civil.MonthOf(m).Long("nl"),
					m, m, r["bare_rent"])
			}
			nOpen++
		}
		if sc, err := money.Parse(r["service_costs"]); err == nil && sc > 0 && i%7 == 2 {
			received := 12 * sc
			if nAdv%3 == 1 { // one month not paid
				received -= sc
			}
			fmt.Fprintf(&adv, "%s;%d;%s;%s\n", r["lease_ref"], lastYear, money.FormatPlain(12*sc, "nl"),
				money.FormatPlain(received, "nl"))
			nAdv++
		}
	}
	if nOpen > 0 {
		if _, errs, err := a.Importer.ImportOpeningBalances(ctx, actor, strings.NewReader(open.String())); err != nil {
			return fmt.Errorf("demo opening balances: %w %v", err, errs)
		}
	}
	if nAdv > 0 {
		if _, errs, err := a.Importer.ImportAdvances(ctx, actor, strings.NewReader(adv.String())); err != nil {
			return fmt.Errorf("demo prior advances: %w %v", err, errs)
		}
	}
	return nil
}

// demoServiceCosts gives the demo what a settlement of last year needs:
// three suppliers, and per complex their invoices for the year with the
// year's keys. Only when the organisation has no cost entries yet, so a
// second seed changes nothing.
func (a *App) demoServiceCosts(ctx context.Context, actor account.Actor, year int) error {
	existing, err := a.Settlement.Costs(ctx, actor, listing.Query{Limit: 1}, settlement.CostFilter{})
	if err != nil || existing.Total > 0 {
		return err
	}
	complexes, err := a.Portfolio.ListComplexes(ctx, actor, portfolio.ComplexFilter{}, listing.Query{All: true})
	if err != nil {
		return err
	}
	suppliers := []struct {
		name, kvk, category, key, iban string
		base                           int64 // cents per complex before the spread
	}{
		{"Glans Schoonmaak B.V.", "69599068", "schoonmaak", "equal", "NL02ABNA0123456789", 180000},
		{"Groenrijk Tuinen V.O.F.", "69599076", "tuinonderhoud", "area", "NL69INGB0123456789", 90000},
		{"Energie Collectief Utrecht", "69599084", "elektra algemene ruimten", "equal", "NL44RABO0123456789", 120000},
	}
	ids := make([]int64, len(suppliers))
	for i, s := range suppliers {
		if ids[i], err = a.Relations.CreateCompany(ctx, actor, relation.CompanyInput{Name: s.name, KvK: s.kvk,
			Address: relation.Address{Street: "Industrieweg", HouseNumber: fmt.Sprint(10 + i), Postcode: "3542 AD", City: "Utrecht"},
			IBANs:   []string{s.iban}, Roles: relation.RolesOf(relation.RoleSupplier), SupplierCategories: []string{s.category}}); err != nil {
			return fmt.Errorf("demo supplier: %w", err)
		}
	}
	for ci, cx := range complexes.Items {
		for i, s := range suppliers {
			amount := money.Cents(s.base + int64(ci*1733+i*421))
			if _, err := a.Settlement.CreateCost(ctx, actor, settlement.CostInput{ComplexID: cx.ID, SupplierID: ids[i],
				InvoiceNumber: fmt.Sprintf("%d-%03d-%d", year, ci+1, i+1), InvoiceDate: fmt.Sprintf("%d-12-20", year),
				PeriodStart: fmt.Sprintf("%d-01-01", year), PeriodEnd: fmt.Sprintf("%d-12-31", year),
				Amount: money.FormatPlain(amount, "nl"), Category: s.category}); err != nil {
				return fmt.Errorf("demo cost entry: %w", err)
			}
			if err := a.Settlement.SetKey(ctx, actor, cx.ID, year, settlement.CategoryKey{Category: s.category, Key: s.key,
				AdminFee: true}); err != nil {
				return fmt.Errorf("demo key: %w", err)
			}
		}
	}
	return nil
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
		var credits []demoCredit
		if back == 2 {
			if err := a.demoOpeningArrears(ctx, actor, page.Items, today); err != nil {
				return err
			}
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
			if back == 0 {
				// This month's rent comes in through the bank statement.
				credits = append(credits, demoCredit{inv: inv, amount: paid, day: day, i: i})
				continue
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
		if len(credits) > 0 {
			if _, err := a.Reconcile.Import(ctx, actor, strings.NewReader(demoStatement(credits, today)),
				reconcile.ImportOptions{FileName: "demo-afschrift.xml"}); err != nil {
				return fmt.Errorf("demo statement: %w", err)
			}
		}
	}
	return nil
}

// demoOpeningArrears posts, for one lease in eleven, the rent arrears taken
// over from the landlord's previous administration, due six weeks ago: the
// demo's own runs are all made today (due in 14 days), and without these the
// dunning pages would have nothing to show.
func (a *App) demoOpeningArrears(ctx context.Context, actor account.Actor, invoices []ledger.Invoice, today civil.Date) error {
	var drafts []ledger.Draft
	for i, inv := range invoices {
		if i%11 != 3 {
			continue
		}
		issued := today.AddDays(-60)
		drafts = append(drafts, ledger.Draft{LeaseID: inv.LeaseID, IssueDate: issued, DueDate: issued.AddDays(14),
			Lines: []ledger.DraftLine{{Line: ledger.Line("opening", "", "Achterstand overgenomen uit de vorige administratie"),
				From: issued, To: issued, Net: inv.Total}}})
	}
	if len(drafts) == 0 {
		return nil
	}
	return a.DB.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		_, err := ledger.PostTx(ctx, tx, drafts, db.TS(a.Clock.Now()), actor.UserID)
		return err
	})
}

type demoCredit struct {
	inv    ledger.Invoice
	amount money.Cents
	day    civil.Date
	i      int
}

// demoStatement is this month's camt.053 of the demo account: most tenants
// pay with the betalingskenmerk, some write the invoice number, some write
// only "huur" (those wait in the review queue), and the bank charges its
// costs.
func demoStatement(credits []demoCredit, today civil.Date) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>DEMO-` + today.String() + `</MsgId>
<CreDtTm>` + today.String() + `T08:00:00</CreDtTm></GrpHdr><Stmt><Id>DEMO-` + today.String() + `</Id>
<CreDtTm>` + today.String() + `T08:00:00</CreDtTm><Acct><Id><IBAN>` + demoIBAN + `</IBAN></Id><Ccy>EUR</Ccy></Acct>`)
	entry := func(n int, mark string, amount money.Cents, day civil.Date, details string) {
		fmt.Fprintf(&b, `<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt>`+
			`<AcctSvcrRef>DEMO-%s-%d</AcctSvcrRef><NtryDtls><TxDtls>%s</TxDtls></NtryDtls></Ntry>`+"\n",
			amount.String(), mark, day, today, n, details)
	}
	for n, c := range credits {
		payer := fmt.Sprintf("%010d", 1000000+c.i)
		iban := "NL" + nl.IBANCheckDigits("NL", "INGB"+payer) + "INGB" + payer
		party := `<RltdPties><Dbtr><Nm>Huurder ` + c.inv.LeaseReference + `</Nm></Dbtr><DbtrAcct><Id><IBAN>` + iban +
			`</IBAN></Id></DbtrAcct></RltdPties>`
		var rmt string
		switch {
		case c.i%7 == 2:
			rmt = `<RmtInf><Ustrd>huur factuur ` + c.inv.Number + `</Ustrd></RmtInf>`
		case c.i%13 == 4:
			rmt = `<RmtInf><Ustrd>huur</Ustrd></RmtInf>`
		default:
			rmt = `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp><Ref>` + c.inv.Kenmerk +
				`</Ref></CdtrRefInf></Strd></RmtInf>`
		}
		entry(n, "CRDT", c.amount, c.day, party+rmt)
	}
	entry(len(credits), "DBIT", 1250, today, `<RmtInf><Ustrd>Kosten betalingsverkeer</Ustrd></RmtInf>`)
	b.WriteString(`</Stmt></BkToCstmrStmt></Document>`)
	return b.String()
}

// Demo banking: the organisation's account and Incassant-ID (the example
// numbers of DOMAIN §5.5–5.6).
const (
	demoIBAN       = "NL91ABNA0417164300"
	demoCreditorID = "NL51ZZZ405365330000"
)

// demoDirectDebit gives the organisation a bank account and a creditor id,
// and every running lease that pays by direct debit (most of them) a
// mandate signed two weeks before the lease started, taken over with its
// last collection on the first of this month, so the collection page has
// work to show. A few mandates differ, so every state shows: one in ten
// has a new IBAN waiting to be reported (amended), one in thirteen was
// revoked (its lease is left out), leases that started less than two
// months ago are collected for the first time (FRST). Seeding again adds
// only what is missing.
func (a *App) demoDirectDebit(ctx context.Context, actor account.Actor) error {
	st, err := a.Bank.Settings(ctx, actor)
	if err != nil {
		return err
	}
	if st.CreditorID == "" {
		st.CreditorID = demoCreditorID
		if err := a.Bank.SaveSettings(ctx, actor, st); err != nil {
			return fmt.Errorf("demo bank settings: %w", err)
		}
	}
	accounts, err := a.Bank.Accounts(ctx, actor)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		org, err := a.Accounts.OrgBySlug(ctx, actor.OrgSlug)
		if err != nil {
			return err
		}
		if _, err := a.Bank.AddAccount(ctx, actor, bank.AccountInput{IBAN: demoIBAN, Name: org.Name, Purpose: bank.PurposeRent}); err != nil {
			return fmt.Errorf("demo bank account: %w", err)
		}
	}
	page, err := a.Leases.List(ctx, actor, listing.Query{All: true, Sort: "id"}, lease.ListFilter{})
	if err != nil {
		return err
	}
	today := civil.Today(a.Clock.Now())
	var amend, revoke []int64
	err = a.DB.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		n := 0
		for _, s := range page.Items {
			if s.Status == lease.StatusEnded || s.Status == lease.StatusUpcoming {
				continue
			}
			l, err := a.Leases.GetTx(ctx, tx, s.ID)
			if err != nil {
				return err
			}
			if l.PaymentMethod != lease.DirectDebit || len(l.TenantIDs()) == 0 {
				continue
			}
			if has, err := a.DirectDebit.HasMandateTx(ctx, tx, l.ID); err != nil || has {
				if err != nil {
					return err
				}
				continue
			}
			n++
			in := directdebit.MandateInput{LeaseID: l.ID, SignedOn: l.Start.AddDays(-14), SignedPlace: "Utrecht"}
			if last := today.FirstOfMonth(); l.Start.Before(today.FirstOfMonth().AddMonths(-1)) {
				in.LastCollectedOn = last
			}
			id, err := a.DirectDebit.CreateMandateTx(ctx, tx, actor, in)
			if err != nil {
				return fmt.Errorf("demo mandate for %s: %w", l.Reference, err)
			}
			switch {
			case n%13 == 5:
				revoke = append(revoke, id)
			case n%10 == 3 && !in.LastCollectedOn.IsZero():
				amend = append(amend, id)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range revoke {
		if err := a.DirectDebit.RevokeMandate(ctx, actor, id); err != nil {
			return err
		}
	}
	for i, id := range amend {
		if err := a.DirectDebit.AmendMandate(ctx, actor, id, directdebit.AmendInput{IBAN: demoNewIBANs[i%len(demoNewIBANs)]}); err != nil {
			return err
		}
	}
	return nil
}

// demoNewIBANs are the accounts amended demo mandates move to.
var demoNewIBANs = []string{"NL20INGB0001234567", "NL44RABO0123456789", "NL86INGB0002445588"}

// demoLeaseLife gives the demo what the unit, lease and deposit pages show
// of a lease's life: the deposit received at the start of every lease that
// agreed one (so the leases that ended hold a deposit to return), meters
// with two readings for one leased unit in nine, and notice given by the
// tenant, in the last weeks, on one running lease in twelve (it ends within
// three months). Leases are taken in the order of their ids, and each step
// skips what is already there, so a second seed changes nothing.
func (a *App) demoLeaseLife(ctx context.Context, actor account.Actor) error {
	page, err := a.Leases.List(ctx, actor, listing.Query{All: true, Sort: "id"}, lease.ListFilter{})
	if err != nil {
		return err
	}
	today := civil.Today(a.Clock.Now())
	for i, s := range page.Items {
		if s.Status == lease.StatusUpcoming {
			continue
		}
		if err := a.demoDeposit(ctx, actor, s); err != nil {
			return err
		}
		if i%9 == 1 && len(s.Units) > 0 && s.Kind == lease.Residential {
			if err := a.demoMeters(ctx, actor, s.Units[0].ID, s.Start, today, i); err != nil {
				return err
			}
		}
		if i%12 == 6 && s.Status == lease.StatusActive && s.End.IsZero() && !s.NoticeGiven {
			if _, err := a.Leases.GiveNotice(ctx, actor, s.ID, lease.NoticeInput{By: lease.ByTenant,
				NoticeDate: today.AddDays(-(3 + i%20)), Reason: "Verhuist naar een koopwoning"}); err != nil {
				return fmt.Errorf("demo notice on %s: %w", s.Reference, err)
			}
		}
	}
	return nil
}

// demoDeposit records the agreed deposit of s as received on its first day,
// unless something was recorded already.
func (a *App) demoDeposit(ctx context.Context, actor account.Actor, s lease.Summary) error {
	if s.DepositCents <= 0 {
		return nil
	}
	entries, err := a.Leases.DepositEntries(ctx, actor, s.ID)
	if err != nil || len(entries) > 0 {
		return err
	}
	if _, err := a.Leases.AddDepositEntry(ctx, actor, s.ID, lease.DepositEntryInput{Kind: lease.DepositReceived, Date: s.Start,
		AmountCents: s.DepositCents, Note: "Ontvangen bij de sleuteloverdracht"}); err != nil {
		return fmt.Errorf("demo deposit of %s: %w", s.Reference, err)
	}
	return nil
}

// demoMeters gives a unit without meters an electricity and a gas meter,
// each read when the lease started and on the first of this month.
func (a *App) demoMeters(ctx context.Context, actor account.Actor, unitID int64, start, today civil.Date, i int) error {
	meters, err := a.Portfolio.Meters(ctx, actor, unitID)
	if err != nil || len(meters) > 0 {
		return err
	}
	for k, kind := range []portfolio.MeterKind{portfolio.MeterElectricity, portfolio.MeterGas} {
		id, err := a.Portfolio.AddMeter(ctx, actor, unitID, portfolio.MeterInput{Kind: kind,
			Number:  fmt.Sprintf("%s%07d", strings.ToUpper(string(kind[:1])), 1000000+unitID*10+int64(k)),
			Measure: portfolio.Measures[kind][0]})
		if err != nil {
			return fmt.Errorf("demo meter: %w", err)
		}
		value := 1000 + (i*137+k*911)%9000
		readings := []civil.Date{start, today.FirstOfMonth()}
		for n, on := range readings {
			if n > 0 && !on.After(readings[0]) {
				break
			}
			use := start.DaysUntil(on) * (4 + k*2)
			if _, err := a.Portfolio.AddReading(ctx, actor, unitID, id, portfolio.ReadingInput{On: on.String(),
				Value: fmt.Sprint(value + use)}); err != nil {
				return fmt.Errorf("demo meter reading: %w", err)
			}
		}
	}
	return nil
}

// demoWork starts, once each, the work a landlord has under way, so those
// pages have something to open: a draft settlement of last year for the
// first complex, a direct-debit collection of the open rent, an approved
// refund of one tenant's overpayment and the draft rent increases for the
// next 1 July. Each step is skipped when its kind of work exists already.
func (a *App) demoWork(ctx context.Context, actor account.Actor, today civil.Date) error {
	if runs, err := a.Settlement.Runs(ctx, actor, settlement.RunFilter{}); err != nil {
		return err
	} else if len(runs) == 0 {
		complexes, err := a.Portfolio.ListComplexes(ctx, actor, portfolio.ComplexFilter{}, listing.Query{Limit: 1, Sort: "id"})
		if err != nil {
			return err
		}
		if len(complexes.Items) > 0 {
			if _, err := a.Settlement.Settle(ctx, actor, complexes.Items[0].ID, today.Year-1); err != nil {
				return fmt.Errorf("demo settlement run: %w", err)
			}
		}
	}
	if batches, err := a.DirectDebit.Batches(ctx, actor, 1); err != nil {
		return err
	} else if len(batches) == 0 {
		d, err := a.DirectDebit.Defaults(ctx, actor)
		if err != nil {
			return err
		}
		in := directdebit.CollectionInput{CollectionDate: d.Suggested}
		p, err := a.DirectDebit.Preview(ctx, actor, in)
		if err != nil {
			return fmt.Errorf("demo collection preview: %w", err)
		}
		if p.Count > 0 {
			if _, err := a.DirectDebit.Create(ctx, actor, in, directdebit.Expectation{Count: p.Count, Total: p.Total}); err != nil {
				return fmt.Errorf("demo collection: %w", err)
			}
		}
	}
	if err := a.demoRefund(ctx, actor); err != nil {
		return err
	}
	if dates, err := a.RentIncreases.Dates(ctx, actor); err != nil {
		return err
	} else if len(dates) == 0 {
		july := civil.New(today.Year, time.July, 1)
		if !today.AddMonths(2).Before(july) {
			july = civil.New(today.Year+1, time.July, 1)
		}
		if _, err := a.RentIncreases.Propose(ctx, actor, july); err != nil {
			return fmt.Errorf("demo rent increases: %w", err)
		}
	}
	return nil
}

// demoRefund proposes and approves the refunds of the first two credits
// tenants have on account (demoBooks: one tenant in 23 paid too much), once,
// and puts the first in a transfer batch, so both an approved refund and a
// batch with its file are there to open.
func (a *App) demoRefund(ctx context.Context, actor account.Actor) error {
	existing, err := a.Payouts.List(ctx, actor, listing.Query{Limit: 1}, payout.Filter{Kind: payout.KindOverpayment})
	if err != nil || existing.Total > 0 {
		return err
	}
	page, err := a.Leases.List(ctx, actor, listing.Query{All: true, Sort: "id"}, lease.ListFilter{})
	if err != nil {
		return err
	}
	// Two refunds: of the first two tenants with credit, or, in a demo so
	// small that only one tenant has credit, of its two halves.
	type refund struct {
		lease  int64
		amount money.Cents // 0: all of the credit
	}
	var refunds []refund
	for _, s := range page.Items {
		if len(refunds) == 2 {
			break
		}
		credit, err := a.Payouts.Credit(ctx, actor, s.ID)
		if err != nil {
			return err
		}
		if credit > 0 {
			refunds = append(refunds, refund{lease: s.ID})
			if len(refunds) == 1 && credit > 1 {
				refunds[0].amount = credit / 2
			}
		}
	}
	if len(refunds) == 1 && refunds[0].amount > 0 {
		refunds = append(refunds, refund{lease: refunds[0].lease})
	} else if len(refunds) == 2 {
		refunds[0].amount = 0
	}
	var approved []int64
	for _, r := range refunds {
		p, err := a.Payouts.ProposeOverpayment(ctx, actor, payout.OverpaymentInput{LeaseID: r.lease, Amount: r.amount,
			Note: "Te veel betaalde huur terug"})
		if err != nil {
			return fmt.Errorf("demo refund: %w", err)
		}
		if err := a.Payouts.Approve(ctx, actor, p.ID); err != nil {
			return fmt.Errorf("demo refund approval: %w", err)
		}
		approved = append(approved, p.ID)
	}
	if len(approved) == 2 {
		if _, err := a.Payouts.CreateBatch(ctx, actor, payout.BatchInput{Scope: payout.Scope{IDs: approved[:1]}}); err != nil {
			return fmt.Errorf("demo refund batch: %w", err)
		}
	}
	return nil
}
