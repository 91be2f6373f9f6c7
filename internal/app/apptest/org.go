package apptest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Org is the fixture of a capability test: the product on a fresh database
// with a fixed clock, an organisation "alpha" with a member of each role, a
// second organisation "beta" whose owner must see none of alpha's rows, and
// builders for the records most tests need. The builders fail the test on
// an error, so a test states only what it is about.
type Org struct {
	*Env
	T testing.TB
	// Clock is the product's clock (the same as Env.Config.Clock), fixed
	// so the test moves time itself.
	Clock                              *clock.Fixed
	Owner, Manager, Bookkeeper, Viewer account.Actor // members of alpha
	OwnerB                             account.Actor // the owner of beta
	n                                  int
}

// OrgOptions change the fixture.
type OrgOptions struct {
	Now         time.Time // the fixed clock's start; zero: clocktest.Now() to the second
	Server      bool      // also listen and run the job workers (default: services only)
	NoAgreement bool      // leave the processor agreement unaccepted in both organisations
}

// EachOrg runs fn on a fresh Org per engine.
func EachOrg(t *testing.T, o OrgOptions, fn func(t *testing.T, org *Org)) {
	t.Helper()
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) { fn(t, NewOrg(t, engine, o)) })
	}
}

// NewOrg starts the product on engine and sets up the organisations.
func NewOrg(t testing.TB, engine db.Dialect, o OrgOptions) *Org {
	t.Helper()
	if o.Now.IsZero() {
		o.Now = clocktest.Now().Truncate(time.Second)
	}
	clk := clock.NewFixed(o.Now)
	e := Start(t, engine, Options{NoServer: !o.Server, Clock: clk})
	org := &Org{Env: e, T: t, Clock: clk,
		Owner:      e.Actor(t, "alpha", "owner@alpha.nl", account.Owner),
		Manager:    e.Actor(t, "alpha", "manager@alpha.nl", account.Manager),
		Bookkeeper: e.Actor(t, "alpha", "bookkeeper@alpha.nl", account.Bookkeeper),
		Viewer:     e.Actor(t, "alpha", "viewer@alpha.nl", account.Viewer),
		OwnerB:     e.Actor(t, "beta", "owner@beta.nl", account.Owner),
	}
	// Whatever the test booked, every invoice's kept open amount must be
	// its charges less their allocations (ledger.OpenDrift) when it ends.
	t.Cleanup(func() { org.checkOpenAmounts() })
	if !o.NoAgreement {
		for _, a := range []account.Actor{org.Owner, org.OwnerB} {
			if err := e.Privacy.AcceptProcessorAgreement(context.Background(), a, e.Privacy.Current().Version); err != nil {
				t.Fatalf("accept the processor agreement: %v", err)
			}
		}
	}
	return org
}

// Reopen is o in a second product on the same database, master key, mail
// server and clock, as a restarted process (Env.Reopen); the actors stay
// valid. The caller closes or abandons o first.
func (o *Org) Reopen(t testing.TB, opts Options) *Org {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = o.Clock
	}
	again := *o
	again.Env, again.T = o.Env.Reopen(t, opts), t
	return &again
}

// Next is a number not used before in this fixture (house numbers,
// references, surnames), so builders never collide.
func (o *Org) Next() int {
	o.n++
	return o.n
}

// RestartNumbers makes Next count from 1 again: a second organisation gets
// the same addresses and references as the first.
func (o *Org) RestartNumbers() { o.n = 0 }

// Complex makes a complex named name in a's organisation.
func (o *Org) Complex(a account.Actor, name string) int64 {
	o.T.Helper()
	id, err := o.Portfolio.CreateComplex(context.Background(), a, portfolio.ComplexInput{Name: name, City: "Utrecht"})
	if err != nil {
		o.T.Fatalf("create complex: %v", err)
	}
	return id
}

// Unit makes a unit in a's organisation from in, with what in leaves empty
// filled in: a fresh address on the Lindelaan in Utrecht, a self-contained
// home of 60 m², in the free sector (commercial for a business space or
// parking place).
func (o *Org) Unit(a account.Actor, in portfolio.UnitInput) int64 {
	o.T.Helper()
	if in.Street == "" {
		in.Street, in.HouseNumber, in.Postcode, in.City = "Lindelaan", fmt.Sprint(o.Next()), "3521 CD", "Utrecht"
	}
	if in.Type == "" {
		in.Type = portfolio.TypeZelfstandig
	}
	if in.FloorArea == "" {
		in.FloorArea = "60"
	}
	if in.Segment == "" {
		in.Segment = portfolio.SegmentVrij
		if in.Type == portfolio.TypeBedrijfsruimte || in.Type == portfolio.TypeParkeerplaats {
			in.Segment = portfolio.SegmentCommercieel
		}
	}
	id, err := o.Portfolio.CreateUnit(context.Background(), a, in)
	if err != nil {
		o.T.Fatalf("create unit: %v", err)
	}
	return id
}

// Person makes a person in a's organisation from in, with what in leaves
// empty filled in: Anna, a fresh surname, an address on the Oudegracht.
func (o *Org) Person(a account.Actor, in relation.PersonInput) int64 {
	o.T.Helper()
	if in.FirstNames == "" {
		in.FirstNames = "Anna"
	}
	if in.Surname == "" {
		in.Surname = fmt.Sprintf("Huurder%d", o.Next())
	}
	if in.Address == (relation.Address{}) {
		in.Address = relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}
	}
	id, err := o.Relations.CreatePerson(context.Background(), a, in)
	if err != nil {
		o.T.Fatalf("create person: %v", err)
	}
	return id
}

// Lease makes a lease in a's organisation from in, with what in leaves
// empty filled in: a fresh unit (Unit) and tenant (Person), a start on 1
// January 2020, and a bare rent of €800.00 a month.
func (o *Org) Lease(a account.Actor, in lease.Input) int64 {
	o.T.Helper()
	if len(in.UnitIDs) == 0 {
		in.UnitIDs = []int64{o.Unit(a, portfolio.UnitInput{})}
	}
	if len(in.TenantIDs) == 0 {
		in.TenantIDs = []int64{o.Person(a, relation.PersonInput{})}
	}
	if in.Start.IsZero() {
		in.Start = civil.New(2020, 1, 1)
	}
	if len(in.Components) == 0 {
		in.Components = []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000}}
	}
	id, err := o.Leases.Create(context.Background(), a, in)
	if err != nil {
		o.T.Fatalf("create lease: %v", err)
	}
	return id
}

// Count is the number a counting query gives, read as the schema owner.
func (o *Org) Count(query string, args ...any) int {
	o.T.Helper()
	var n int
	if err := o.DB.Raw().QueryRow(query, args...).Scan(&n); err != nil {
		o.T.Fatalf("count: %v", err)
	}
	return n
}

// checkOpenAmounts fails the test when an invoice of alpha or beta has a
// kept open amount other than its charges less their allocations. A test
// that failed already, or closed its product, is left as it is.
func (o *Org) checkOpenAmounts() {
	o.T.Helper()
	if o.T.Failed() {
		return
	}
	for _, a := range []account.Actor{o.Owner, o.OwnerB} {
		var drift []string
		err := o.DB.ReadOrg(context.Background(), a.OrgID, func(tx *db.Tx) error {
			var err error
			drift, err = ledger.OpenDrift(context.Background(), tx)
			return err
		})
		if err != nil && (errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "closed")) {
			return
		}
		if err != nil {
			o.T.Errorf("open amounts of organisation %d: %v", a.OrgID, err)
			return
		}
		if len(drift) > 0 {
			o.T.Errorf("open amounts kept wrong in organisation %d: %s", a.OrgID, strings.Join(drift, "; "))
		}
	}
}
