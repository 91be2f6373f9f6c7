package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/settlement"
)

// linksFixture is an organisation with a complex of two homes, a unit
// elsewhere, a tenant with a lease of the first home and an invoice.
type linksFixture struct {
	email, pw              string
	owner                  account.Actor
	complex                int64
	home1, home2, far      int64
	tenant, lease, invoice int64
}

func newLinksFixture(t *testing.T, e *apptest.Env, slug string) linksFixture {
	t.Helper()
	ctx := context.Background()
	f := linksFixture{email: "owner@" + slug + ".nl"}
	var id int64
	id, f.pw = createUser(t, e, slug, f.email, account.Owner)
	f.owner, _ = e.Accounts.ActorFor(ctx, id, slug)
	if err := e.Privacy.AcceptProcessorAgreement(ctx, f.owner, e.Privacy.Current().Version); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.complex, err = e.Portfolio.CreateComplex(ctx, f.owner, portfolio.ComplexInput{Name: "De Kastanje", City: "Utrecht"}); err != nil {
		t.Fatal(err)
	}
	unit := func(street, number string, complex int64) int64 {
		t.Helper()
		id, err := e.Portfolio.CreateUnit(ctx, f.owner, portfolio.UnitInput{ComplexID: complex, Street: street, HouseNumber: number,
			Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "70", Segment: portfolio.SegmentVrij})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.home1, f.home2 = unit("Kastanjelaan", "1", f.complex), unit("Kastanjelaan", "2", f.complex)
	f.far = unit("Zuiderzeeweg", "9", 0)
	if f.tenant, err = e.Relations.CreatePerson(ctx, f.owner, relation.PersonInput{FirstNames: "Anna", Surname: "Visser",
		Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}}); err != nil {
		t.Fatal(err)
	}
	if f.lease, err = e.Leases.Create(ctx, f.owner, lease.Input{Reference: "HC-100", UnitIDs: []int64{f.home1}, TenantIDs: []int64{f.tenant},
		Start: civil.New(2025, 1, 1), DepositCents: 150000, PaymentMethod: lease.Transfer,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 95000}}}); err != nil {
		t.Fatal(err)
	}
	d := civil.MustParse
	err = e.DB.InOrg(ctx, f.owner.OrgID, func(tx *db.Tx) error {
		posted, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: f.lease, Period: "2026-03", IssueDate: d("2026-03-01"),
			DueDate: d("2026-03-01"), Lines: []ledger.DraftLine{{Line: "bare_rent||", From: d("2026-03-01"), To: d("2026-03-31"),
				Net: 95000}}}}, db.TS(e.Config.Clock.Now()), 0)
		if err == nil {
			f.invoice = posted[0].InvoiceID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Records link to each other, at 1280 and at 390 px: from a unit to its
// lease, to the tenant, to the tenant's invoice and back to the unit by
// clicking; a new lease started from a vacant unit has it chosen, and a
// second unit is picked by typing part of its address; a settlement key is
// saved with two units picked, each with its share. No page scrolls
// sideways on a phone.
func TestBrowserLinksAndPickers(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 20, 11, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := context.Background()
			f := newLinksFixture(t, e, fmt.Sprintf("w%d", width))
			var b *browsertest.Browser
			if width == 390 {
				b = browsertest.NewMobile(t)
			} else {
				b = browsertest.New(t)
			}
			name := func(s string) string { return fmt.Sprintf("links-%d-%s", width, s) }
			look := func(s string) {
				t.Helper()
				shot(t, b, name(s))
				if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
					t.Errorf("%s: the page scrolls sideways at %d px", s, width)
				}
			}
			base := fmt.Sprintf("%s/o/w%d", e.URL(), width)
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitVisible(css("#my-role")))

			// Unit → lease → tenant → invoice → unit.
			b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/units/%d", base, f.home1)), chromedp.WaitVisible(css(".current-lease-link")))
			if got := b.Text(t, ".current-tenants"); got != "A. Visser" {
				t.Errorf("the unit's tenant: %q", got)
			}
			if got := b.Text(t, ".current-rent"); !strings.HasPrefix(got, "€ 950,00") {
				t.Errorf("the unit's rent: %q", got)
			}
			if got := b.Text(t, ".current-deposit"); got != "€ 1.500,00" {
				t.Errorf("the unit's deposit: %q", got)
			}
			look("unit")
			b.Run(t, chromedp.Click(css(".current-lease-link")), chromedp.WaitVisible(css("#lease-reference")))
			if got := b.Text(t, "#lease-invoices .invoice-link"); got != "20260000001" {
				t.Errorf("the lease's invoice: %q", got)
			}
			look("lease")
			b.Run(t, chromedp.Click(css(".lease-tenant a")), chromedp.WaitVisible(css("#relation-name")))
			if got := b.Text(t, "#record-open"); got != "€ 950,00" {
				t.Errorf("the tenant's open balance: %q", got)
			}
			if got := b.Text(t, ".current-units"); got != "Kastanjelaan 1, 3521 CD Utrecht" {
				t.Errorf("the tenant's unit: %q", got)
			}
			look("tenant")
			b.Run(t, chromedp.Click(css("#record-invoices .invoice-link")), chromedp.WaitVisible(css("#invoice-heading")))
			if got := b.Text(t, "#invoice-tenants"); got != "A. Visser" {
				t.Errorf("the invoice's tenant: %q", got)
			}
			look("invoice")
			b.Run(t, chromedp.Click(css("#invoice-units a")), chromedp.WaitVisible(css("#unit-address")))
			if u := b.URL(t); !strings.HasSuffix(u, fmt.Sprintf("/units/%d", f.home1)) {
				t.Fatalf("back at %s", u)
			}

			// The debtors list: the row opens the account statement.
			b.Run(t, chromedp.Navigate(base+"/finance"), chromedp.WaitVisible(css("#debtors")))
			if got := b.Text(t, fmt.Sprintf("#debtor-%d .debtor-name", f.lease)); got != "A. Visser" {
				t.Errorf("debtor: %q", got)
			}
			look("debtors")
			b.Run(t, chromedp.Click(css(fmt.Sprintf("#debtor-%d .debtor-name a", f.lease))), chromedp.WaitVisible(css("#payment-form")))
			if u := b.URL(t); !strings.HasSuffix(u, fmt.Sprintf("/finance/leases/%d", f.lease)) {
				t.Errorf("the debtor row opened %s", u)
			}

			// A new lease from the vacant unit: it is chosen; a second unit
			// is found by typing part of its address and ticked.
			b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/units/%d", base, f.home2)), chromedp.WaitVisible(css("#no-current-lease")),
				chromedp.Click(css("#record-new-lease")), chromedp.WaitVisible(css("#lease-form")))
			chosen := fmt.Sprintf(`#unit_ids-options input[value="%d"]`, f.home2)
			if !browsertest.Get(t, b, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('%s').checked`, chosen))) {
				t.Fatal("the unit is not chosen in the new-lease form")
			}
			far := fmt.Sprintf(`#unit_ids-options input[value="%d"]`, f.far)
			b.Run(t, chromedp.SendKeys(css("#unit_ids-search"), "zuiderzee"),
				chromedp.Poll[chromedp.Void](fmt.Sprintf(
					`document.querySelectorAll("#unit_ids-options input").length === 2 && !!document.querySelector('%s')`, far),
					chromedp.WithPollingTimeout(5*time.Second)),
				chromedp.Click(css(far)),
				chromedp.Click(css(fmt.Sprintf(`#tenant_ids-options input[value="%d"]`, f.tenant))),
				chromedp.SetValue(css("#start_date"), "2026-04-01"),
				chromedp.SendKeys(css("#component-0-amount"), "800,00"))
			look("lease-new")
			b.Run(t, chromedp.Click(css("#lease-submit")), chromedp.WaitVisible(css("#lease-reference")))
			units := b.Text(t, "#units")
			if !strings.Contains(units, "Kastanjelaan 2") || !strings.Contains(units, "Zuiderzeeweg 9") {
				t.Fatalf("the new lease's units: %q", units)
			}

			// A settlement key with two units picked, each with its share.
			b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/settlement/keys?complex=%d&year=2025", base, f.complex)),
				chromedp.WaitVisible(css("#key-form")),
				chromedp.SendKeys(css("#key-category"), "schoonmaak"),
				chromedp.SetValue(css("#key-key"), settlement.KeyShares))
			pick := func(text string, unit int64, share string) {
				t.Helper()
				box := fmt.Sprintf(`#shares-options input[name="shares"][value="%d"]`, unit)
				b.Run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#shares-search").value = ""`),
					chromedp.SendKeys(css("#shares-search"), text),
					chromedp.Poll[chromedp.Void](fmt.Sprintf(`!!document.querySelector('%s') && !document.querySelector('%s').checked &&
						document.querySelectorAll("#shares-options input[type=checkbox]:not(:checked)").length === 1`, box, box),
						chromedp.WithPollingTimeout(5*time.Second)),
					chromedp.Click(css(box)),
					chromedp.SendKeys(css(fmt.Sprintf(`#shares-options input[name="share.%d"]`, unit)), share))
			}
			pick("Kastanjelaan 1", f.home1, "2,5")
			pick("Kastanjelaan 2", f.home2, "1,5")
			look("keys")
			b.Run(t, chromedp.Click(css("#key-save")), chromedp.WaitVisible(css("#key-schoonmaak")))
			look("keys-saved")
			y, err := e.Settlement.Year(ctx, f.owner, f.complex, 2025)
			if err != nil {
				t.Fatal(err)
			}
			if len(y.Keys) != 1 || y.Keys[0].Key != settlement.KeyShares || len(y.Keys[0].Shares) != 2 ||
				y.Keys[0].Shares[f.home1] != "2.5" || y.Keys[0].Shares[f.home2] != "1.5" {
				t.Fatalf("stored key: %+v", y.Keys)
			}
			if got := b.Text(t, "#key-schoonmaak"); !strings.Contains(got, "Kastanjelaan 1, 3521 CD Utrecht: ") {
				t.Errorf("the key's shares by address: %q", got)
			}
		})
	}
}
