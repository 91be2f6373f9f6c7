package portfolio_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
)

type env struct {
	t   *testing.T
	db  *db.DB
	svc *portfolio.Service
	clk *clock.Fixed
	a   account.Actor // manager of organisation A
	b   account.Actor // owner of organisation B
}

var ctx = context.Background()

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC))
	e := &env{t: t, db: d, clk: clk, svc: portfolio.New(portfolio.Deps{DB: d, Audit: audit.New(clk), Clock: clk})}
	e.a = account.Actor{UserID: 1, OrgID: e.org("alpha"), OrgSlug: "alpha", Role: account.Manager, Kind: "user"}
	e.b = account.Actor{UserID: 2, OrgID: e.org("beta"), OrgSlug: "beta", Role: account.Owner, Kind: "user"}
	return e
}

func (e *env) org(slug string) int64 {
	var id int64
	err := e.db.System(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO organisations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
			slug, slug, db.TS(e.clk.Now())).Scan(&id)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// count reads a number as the platform, past row-level security.
func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	// As the schema's owner: it sees every organisation (the system role may
	// not read business tables).
	if err := e.db.Raw().QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// snapshot is every portfolio row and audit event, to prove that refused
// input changed nothing.
func (e *env) snapshot() string {
	var parts []string
	for _, tbl := range []string{"complexes", "units", "meters", "meter_readings", "audit_events"} {
		parts = append(parts, fmt.Sprintf("%s=%d", tbl, e.count("SELECT COUNT(*) FROM "+tbl)))
	}
	var upd string
	if err := e.db.Raw().QueryRowContext(ctx,
		`SELECT COALESCE(MAX(updated_at), '') || '/' || (SELECT COALESCE(MAX(updated_at), '') FROM complexes)
		FROM units`).Scan(&upd); err != nil {
		e.t.Fatal(err)
	}
	return strings.Join(parts, " ") + " " + upd
}

func fieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	fe, ok := validation.AsFields(err)
	if !ok {
		t.Fatalf("want field error %s=%s, got %v", field, msg, err)
	}
	if fe[field] != msg {
		t.Fatalf("want %s=%s, got %v", field, msg, fe)
	}
}

func isProblem(t *testing.T, err error, want *validation.Problem) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("want %s, got %v", want.Code, err)
	}
}

func goodUnit() portfolio.UnitInput {
	return portfolio.UnitInput{Street: "Kerkstraat", HouseNumber: "12", Addition: "a", Postcode: "1234ab", City: "Utrecht",
		Type: portfolio.TypeZelfstandig, FloorArea: "62,5", Rooms: "3", Segment: portfolio.SegmentSociaal, WWSPoints: "140", EnergyLabel: "a++"}
}

func (e *env) mustUnit(a account.Actor, in portfolio.UnitInput) int64 {
	e.t.Helper()
	id, err := e.svc.CreateUnit(ctx, a, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) mustComplex(a account.Actor, name string) int64 {
	e.t.Helper()
	id, err := e.svc.CreateComplex(ctx, a,
		portfolio.ComplexInput{Name: name, Street: "Parklaan", HouseNumber: "1", Postcode: "3511 AA", City: "Utrecht"})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestComplexes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := e.mustComplex(e.a, "  Parkzicht   Noord ")
		c, err := e.svc.Complex(ctx, e.a, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Parkzicht Noord" || c.Postcode != "3511 AA" || c.Line() != "Parklaan 1, 3511 AA Utrecht" ||
			c.Occupancy == nil || c.Occupancy.Total != 0 {
			t.Fatalf("complex %+v", c)
		}
		before := e.snapshot()
		for _, tc := range []struct {
			in           portfolio.ComplexInput
			field, msgID string
		}{
			{portfolio.ComplexInput{Name: ""}, "name", "field.required"},
			{portfolio.ComplexInput{Name: "PARKZICHT noord"}, "name", "portfolio.complex_name_taken"},
			{portfolio.ComplexInput{Name: strings.Repeat("x", 121)}, "name", "portfolio.too_long"},
			{portfolio.ComplexInput{Name: "X", Postcode: "0123 AB"}, "postcode", "portfolio.postcode_invalid"},
			{portfolio.ComplexInput{Name: "X", HouseNumber: "abc"}, "house_number", "portfolio.house_number_invalid"},
			{portfolio.ComplexInput{Name: "X", Addition: "B"}, "house_number", "field.required"},
		} {
			_, err := e.svc.CreateComplex(ctx, e.a, tc.in)
			fieldErr(t, err, tc.field, tc.msgID)
		}
		fieldErr(t, e.svc.UpdateComplex(ctx, e.a, id, portfolio.ComplexInput{Name: "Y", Postcode: "12"}),
			"postcode", "portfolio.postcode_invalid")
		if after := e.snapshot(); after != before {
			t.Fatalf("refused input changed something:\n%s\n%s", before, after)
		}
		// The same name is free in another organisation.
		e.mustComplex(e.b, "Parkzicht Noord")

		other := e.mustComplex(e.a, "De Linde")
		if err := e.svc.UpdateComplex(ctx, e.a, other, portfolio.ComplexInput{Name: "parkzicht noord"}); err == nil {
			t.Fatal("rename onto a taken name accepted")
		}
		if err := e.svc.UpdateComplex(ctx, e.a, other, portfolio.ComplexInput{Name: "De Linde", Street: "Lindelaan", City: "Zeist"}); err != nil {
			t.Fatal(err)
		}
		c, _ = e.svc.Complex(ctx, e.a, other)
		if c.Street != "Lindelaan" || c.City != "Zeist" {
			t.Fatalf("update: %+v", c)
		}
		page, err := e.svc.ListComplexes(ctx, e.a, portfolio.ComplexFilter{}, listing.Query{Search: "zeist"})
		if err != nil || page.Total != 1 || page.Items[0].ID != other {
			t.Fatalf("search by city: %+v %v", page, err)
		}
		page, _ = e.svc.ListComplexes(ctx, e.a, portfolio.ComplexFilter{}, listing.Query{Search: "3511aa"})
		if page.Total != 1 || page.Items[0].ID != id {
			t.Fatalf("search by postcode: %+v", page)
		}
		page, _ = e.svc.ListComplexes(ctx, e.a, portfolio.ComplexFilter{}, listing.Query{Sort: "name", Desc: true})
		if page.Total != 2 || page.Items[0].ID != id {
			t.Fatalf("sort by name desc: %+v", page)
		}
		// A complex with units cannot go; an empty one can.
		e.mustUnit(e.a, func() portfolio.UnitInput { u := goodUnit(); u.ComplexID = id; return u }())
		isProblem(t, e.svc.DeleteComplex(ctx, e.a, id), portfolio.ErrComplexInUse)
		if err := e.svc.DeleteComplex(ctx, e.a, other); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Complex(ctx, e.a, other); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("deleted complex: %v", err)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'complex.deleted' AND target_id = $1`, fmt.Sprint(other)); n != 1 {
			t.Fatalf("delete not audited: %d", n)
		}
	})
}

func TestUnitValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cB := e.mustComplex(e.b, "Elders")
		id := e.mustUnit(e.a, goodUnit())
		u, err := e.svc.Unit(ctx, e.a, id)
		if err != nil {
			t.Fatal(err)
		}
		if u.Postcode != "1234 AB" || u.HouseNumber != 12 || u.Addition != "A" || u.FloorAreaTenths != 625 || u.Rooms != 3 ||
			u.WWSPoints == nil || *u.WWSPoints != 140 || u.EnergyLabel != "A++" || u.Status != portfolio.StatusVacant ||
			u.Line() != "Kerkstraat 12-A, 1234 AB Utrecht" {
			t.Fatalf("unit %+v", u)
		}
		before := e.snapshot()
		cases := []struct {
			name         string
			change       func(*portfolio.UnitInput)
			field, msgID string
		}{
			{"no street", func(u *portfolio.UnitInput) { u.Street = " " }, "street", "field.required"},
			{"no city", func(u *portfolio.UnitInput) { u.City = "" }, "city", "field.required"},
			{"no number", func(u *portfolio.UnitInput) { u.HouseNumber = "" }, "house_number", "field.required"},
			{"number zero", func(u *portfolio.UnitInput) { u.HouseNumber = "0" }, "house_number", "portfolio.house_number_invalid"},
			{"number too big", func(u *portfolio.UnitInput) { u.HouseNumber = "123456" }, "house_number", "portfolio.house_number_invalid"},
			{"two additions", func(u *portfolio.UnitInput) { u.HouseNumber = "12b" }, "addition", "portfolio.addition_twice"},
			{"bad addition", func(u *portfolio.UnitInput) { u.Addition = "a/b" }, "addition", "portfolio.addition_invalid"},
			{"addition ends in a dash", func(u *portfolio.UnitInput) { u.Addition = "a-" }, "addition", "portfolio.addition_invalid"},
			{"long addition", func(u *portfolio.UnitInput) { u.Addition = "abcdefghijk" }, "addition", "portfolio.addition_invalid"},
			{"no postcode", func(u *portfolio.UnitInput) { u.Postcode = "" }, "postcode", "field.required"},
			{"bad postcode", func(u *portfolio.UnitInput) { u.Postcode = "1234 SS" }, "postcode", "portfolio.postcode_invalid"},
			{"no type", func(u *portfolio.UnitInput) { u.Type = "" }, "type", "field.required"},
			{"bad type", func(u *portfolio.UnitInput) { u.Type = "kasteel" }, "type", "portfolio.type_invalid"},
			{"no segment", func(u *portfolio.UnitInput) { u.Segment = "" }, "segment", "field.required"},
			{"bad segment", func(u *portfolio.UnitInput) { u.Segment = "duur" }, "segment", "portfolio.segment_invalid"},
			{"commercial dwelling", func(u *portfolio.UnitInput) { u.Segment = portfolio.SegmentCommercieel }, "segment",
				"portfolio.segment_not_residential"},
			{"social shop", func(u *portfolio.UnitInput) { u.Type = portfolio.TypeBedrijfsruimte; u.WWSPoints = "" }, "segment",
				"portfolio.segment_commercial_only"},
			{"no area", func(u *portfolio.UnitInput) { u.FloorArea = "" }, "floor_area", "field.required"},
			{"two decimals", func(u *portfolio.UnitInput) { u.FloorArea = "62,55" }, "floor_area", "portfolio.floor_area_invalid"},
			{"negative area", func(u *portfolio.UnitInput) { u.FloorArea = "-5" }, "floor_area", "portfolio.floor_area_invalid"},
			{"zero area", func(u *portfolio.UnitInput) { u.FloorArea = "0" }, "floor_area", "portfolio.floor_area_invalid"},
			{"text area", func(u *portfolio.UnitInput) { u.FloorArea = "groot" }, "floor_area", "portfolio.floor_area_invalid"},
			{"bad rooms", func(u *portfolio.UnitInput) { u.Rooms = "2.5" }, "rooms", "portfolio.rooms_invalid"},
			{"negative points", func(u *portfolio.UnitInput) { u.WWSPoints = "-1" }, "wws_points", "portfolio.wws_invalid"},
			{"points on parking", func(u *portfolio.UnitInput) { u.Type = portfolio.TypeParkeerplaats }, "wws_points",
				"portfolio.wws_not_residential"},
			{"bad label", func(u *portfolio.UnitInput) { u.EnergyLabel = "H" }, "energy_label", "portfolio.energy_label_invalid"},
			{"unknown complex", func(u *portfolio.UnitInput) { u.ComplexID = 999999 }, "complex_id", "portfolio.complex_unknown"},
			{"other organisation's complex", func(u *portfolio.UnitInput) { u.ComplexID = cB }, "complex_id", "portfolio.complex_unknown"},
			{"same address", func(u *portfolio.UnitInput) { u.Postcode = "1234 AB"; u.HouseNumber = "12"; u.Addition = "-A" }, "postcode",
				"portfolio.unit_address_taken"},
			{"same address in number", func(u *portfolio.UnitInput) { u.Postcode = " 1234AB "; u.HouseNumber = "12a"; u.Addition = "" }, "postcode",
				"portfolio.unit_address_taken"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				in := goodUnit()
				in.Addition = "Z" // a new address unless the case says otherwise
				tc.change(&in)
				_, err := e.svc.CreateUnit(ctx, e.a, in)
				fieldErr(t, err, tc.field, tc.msgID)
				in2 := goodUnit()
				tc.change(&in2)
				if tc.name != "same address" && tc.name != "same address in number" {
					fieldErr(t, e.svc.UpdateUnit(ctx, e.a, id, in2), tc.field, tc.msgID)
				}
			})
		}
		if after := e.snapshot(); after != before {
			t.Fatalf("refused input changed something:\n%s\n%s", before, after)
		}
		// Parking needs no area and no points; a shop is commercial without
		// saying so; types and segments may be written as people do.
		for _, in := range []portfolio.UnitInput{
			{Street: "Kerkstraat", HouseNumber: "12", Addition: "P1", Postcode: "1234AB", City: "Utrecht",
				Type: "Parkeerplaats", Segment: "Vrije sector"},
			{Street: "Kerkstraat", HouseNumber: "14", Postcode: "1234AB", City: "Utrecht", Type: portfolio.TypeBedrijfsruimte, FloorArea: "120"},
			{Street: "Kerkstraat", HouseNumber: "14", Addition: "2-hoog", Postcode: "1234AB", City: "Utrecht", Type: "kamer",
				FloorArea: "12", Segment: "sociale huur"},
		} {
			id := e.mustUnit(e.a, in)
			u, _ := e.svc.Unit(ctx, e.a, id)
			switch in.HouseNumber + in.Addition {
			case "12P1":
				if u.Type != portfolio.TypeParkeerplaats || u.Segment != portfolio.SegmentVrij {
					t.Fatalf("parking: %+v", u)
				}
			case "14":
				if u.Segment != portfolio.SegmentCommercieel {
					t.Fatalf("shop: %+v", u)
				}
			default:
				if u.Type != portfolio.TypeOnzelfstandig || u.Segment != portfolio.SegmentSociaal || u.Number() != "14-2-HOOG" {
					t.Fatalf("room: %+v", u)
				}
			}
		}
		// A different addition is a different address; another
		// organisation may have the same address.
		in := goodUnit()
		in.Addition = "B"
		e.mustUnit(e.a, in)
		e.mustUnit(e.b, goodUnit())
		// Updating keeps its own address and records what changed.
		in = goodUnit()
		in.FloorArea = "70"
		in.WWSPoints = ""
		if err := e.svc.UpdateUnit(ctx, e.a, id, in); err != nil {
			t.Fatal(err)
		}
		u, _ = e.svc.Unit(ctx, e.a, id)
		if u.FloorAreaTenths != 700 || u.WWSPoints != nil {
			t.Fatalf("after update: %+v", u)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'unit.updated' AND target_id = $1 AND details = $2`,
			fmt.Sprint(id), `{"fields":"floor_area,wws_points"}`); n != 1 {
			t.Fatalf("update audit: %d", n)
		}
		// Moving onto another unit's address is refused.
		in.Addition = "B"
		fieldErr(t, e.svc.UpdateUnit(ctx, e.a, id, in), "postcode", "portfolio.unit_address_taken")
	})
}

func TestPermissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := e.mustUnit(e.a, goodUnit())
		cid := e.mustComplex(e.a, "P")
		viewer, bookkeeper := e.a, e.a
		viewer.Role, bookkeeper.Role = account.Viewer, account.Bookkeeper
		apiRead := e.a
		apiRead.Kind, apiRead.Scopes = "api", []account.Scope{account.ScopeRead}
		for _, a := range []account.Actor{viewer, bookkeeper, apiRead} {
			forbidden := func(err error) {
				t.Helper()
				if !errors.Is(err, validation.ErrForbidden) {
					t.Fatalf("%s/%s: want forbidden, got %v", a.Role, a.Kind, err)
				}
			}
			_, err := e.svc.CreateUnit(ctx, a, goodUnit())
			forbidden(err)
			forbidden(e.svc.UpdateUnit(ctx, a, id, goodUnit()))
			forbidden(e.svc.DeleteUnit(ctx, a, id))
			_, err = e.svc.CreateComplex(ctx, a, portfolio.ComplexInput{Name: "x"})
			forbidden(err)
			forbidden(e.svc.UpdateComplex(ctx, a, cid, portfolio.ComplexInput{Name: "x"}))
			forbidden(e.svc.DeleteComplex(ctx, a, cid))
			_, err = e.svc.AddMeter(ctx, a, id, portfolio.MeterInput{Kind: portfolio.MeterGas, Number: "1"})
			forbidden(err)
			_, err = e.svc.AddReading(ctx, a, id, 1, portfolio.ReadingInput{On: "2026-01-01", Value: "1"})
			forbidden(err)
			err = d.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
				_, err := e.svc.UpsertUnitsTx(ctx, tx, a, []portfolio.UnitInput{goodUnit()})
				return err
			})
			forbidden(err)
		}
		_, err := e.svc.Unit(ctx, bookkeeper, id)
		if !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("bookkeeper reads units: %v", err)
		}
		_, err = e.svc.ListUnits(ctx, bookkeeper, portfolio.UnitFilter{}, listing.Query{})
		if !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("bookkeeper lists units: %v", err)
		}
		if _, err := e.svc.Unit(ctx, viewer, id); err != nil {
			t.Fatalf("viewer cannot read: %v", err)
		}
		// A bulk upsert in another organisation's transaction is refused.
		err = d.InOrg(ctx, e.b.OrgID, func(tx *db.Tx) error {
			_, err := e.svc.UpsertUnitsTx(ctx, tx, e.a, []portfolio.UnitInput{goodUnit()})
			return err
		})
		if !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("upsert in another organisation: %v", err)
		}
	})
}

// Organisation B can never see or change A's rows: every get, update and
// delete answers not found, and lists are empty.
func TestIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cid := e.mustComplex(e.a, "Alpha")
		in := goodUnit()
		in.ComplexID = cid
		uid := e.mustUnit(e.a, in)
		mid, err := e.svc.AddMeter(ctx, e.a, uid, portfolio.MeterInput{Kind: portfolio.MeterGas, Number: "G-1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddReading(ctx, e.a, uid, mid, portfolio.ReadingInput{On: "2026-01-01", Value: "100"}); err != nil {
			t.Fatal(err)
		}
		before := e.snapshot()
		b := e.b
		notFound := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, validation.ErrNotFound) {
				t.Errorf("%s from organisation B: want not found, got %v", what, err)
			}
		}
		_, err = e.svc.Complex(ctx, b, cid)
		notFound("complex", err)
		notFound("update complex", e.svc.UpdateComplex(ctx, b, cid, portfolio.ComplexInput{Name: "Mine"}))
		notFound("delete complex", e.svc.DeleteComplex(ctx, b, cid))
		_, err = e.svc.Unit(ctx, b, uid)
		notFound("unit", err)
		notFound("update unit", e.svc.UpdateUnit(ctx, b, uid, goodUnit()))
		notFound("delete unit", e.svc.DeleteUnit(ctx, b, uid))
		_, err = e.svc.Meters(ctx, b, uid)
		notFound("meters", err)
		_, err = e.svc.AddMeter(ctx, b, uid, portfolio.MeterInput{Kind: portfolio.MeterWater, Number: "W"})
		notFound("add meter", err)
		_, err = e.svc.AddReading(ctx, b, uid, mid, portfolio.ReadingInput{On: "2026-02-01", Value: "200"})
		notFound("add reading", err)
		_, err = e.svc.Readings(ctx, b, uid, mid, portfolio.ReadingFilter{}, listing.Query{})
		notFound("readings", err)
		err = d.ReadOrg(ctx, b.OrgID, func(tx *db.Tx) error { _, err := e.svc.UnitFacts(ctx, tx, uid); return err })
		notFound("unit facts", err)
		// B's own unit at A's address, and its meter, are separate rows.
		buid := e.mustUnit(b, goodUnit())
		// A meter of A, asked for through B's unit, is not found either.
		_, err = e.svc.AddReading(ctx, b, buid, mid, portfolio.ReadingInput{On: "2026-02-01", Value: "200"})
		notFound("reading on another organisation's meter", err)
		// A's meter through A's other unit is not found.
		in2 := goodUnit()
		in2.Addition = "Q"
		other := e.mustUnit(e.a, in2)
		_, err = e.svc.AddReading(ctx, e.a, other, mid, portfolio.ReadingInput{On: "2026-02-01", Value: "200"})
		notFound("reading on another unit's meter", err)
		for q, want := range map[string]int{"": 1, "kerkstraat": 1, "alpha": 0} {
			us, err := e.svc.ListUnits(ctx, b, portfolio.UnitFilter{}, listing.Query{Search: q})
			if err != nil || us.Total != want || (want > 0 && us.Items[0].ID != buid) {
				t.Fatalf("B lists units %q: %+v %v", q, us, err)
			}
			cs, err := e.svc.ListComplexes(ctx, b, portfolio.ComplexFilter{}, listing.Query{Search: q})
			if err != nil || cs.Total != 0 {
				t.Fatalf("B lists complexes %q: %+v %v", q, cs, err)
			}
		}
		us, _ := e.svc.ListUnits(ctx, b, portfolio.UnitFilter{ComplexID: cid}, listing.Query{})
		if us.Total != 0 {
			t.Fatalf("B lists A's complex's units: %+v", us)
		}
		after := e.snapshot()
		// Only B's unit and A's second unit (with their audit events) were added.
		if e.count(`SELECT COUNT(*) FROM meter_readings`) != 1 || e.count(`SELECT COUNT(*) FROM meters`) != 1 ||
			e.count(`SELECT COUNT(*) FROM complexes`) != 1 || e.count(`SELECT COUNT(*) FROM units WHERE org_id = $1`, e.a.OrgID) != 2 {
			t.Fatalf("organisation B changed A's rows:\n%s\n%s", before, after)
		}
		c, _ := e.svc.Complex(ctx, e.a, cid)
		u, _ := e.svc.Unit(ctx, e.a, uid)
		if c.Name != "Alpha" || u.Street != "Kerkstraat" {
			t.Fatalf("A's rows changed: %+v %+v", c, u)
		}
	})
}

func TestMeterReadings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		uid := e.mustUnit(e.a, goodUnit())
		before := e.snapshot()
		for _, tc := range []struct {
			in           portfolio.MeterInput
			field, msgID string
		}{
			{portfolio.MeterInput{Number: "1"}, "kind", "field.required"},
			{portfolio.MeterInput{Kind: "oil", Number: "1"}, "kind", "portfolio.meter_kind_invalid"},
			{portfolio.MeterInput{Kind: portfolio.MeterGas}, "number", "field.required"},
			{portfolio.MeterInput{Kind: portfolio.MeterGas, Number: strings.Repeat("9", 41)}, "number", "portfolio.too_long"},
			{portfolio.MeterInput{Kind: portfolio.MeterGas, Number: "1", Measure: "kWh"}, "unit", "portfolio.meter_unit_invalid"},
		} {
			_, err := e.svc.AddMeter(ctx, e.a, uid, tc.in)
			fieldErr(t, err, tc.field, tc.msgID)
		}
		if _, err := e.svc.AddMeter(ctx, e.a, 999999,
			portfolio.MeterInput{Kind: portfolio.MeterGas, Number: "1"}); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("meter on unknown unit: %v", err)
		}
		if after := e.snapshot(); after != before {
			t.Fatalf("refused meter changed something:\n%s\n%s", before, after)
		}
		gas, err := e.svc.AddMeter(ctx, e.a, uid, portfolio.MeterInput{Kind: portfolio.MeterGas, Number: " G 123 "})
		if err != nil {
			t.Fatal(err)
		}
		heat, err := e.svc.AddMeter(ctx, e.a, uid, portfolio.MeterInput{Kind: portfolio.MeterHeat, Number: "G 123", Measure: "kwh"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AddMeter(ctx, e.a, uid, portfolio.MeterInput{Kind: portfolio.MeterGas, Number: "G 123"})
		fieldErr(t, err, "number", "portfolio.meter_number_taken")

		add := func(meter int64, on, value string) error {
			_, err := e.svc.AddReading(ctx, e.a, uid, meter, portfolio.ReadingInput{On: on, Value: value})
			return err
		}
		if err := add(gas, "1-1-2026", "1000"); err != nil {
			t.Fatal(err)
		}
		before = e.snapshot()
		for _, tc := range []struct {
			on, value    string
			field, msgID string
		}{
			{"2026-02-01", "999", "value", "portfolio.reading_lower"},
			{"2025-12-31", "1200", "date", "portfolio.reading_before_previous"},
			{"2026-01-01", "1200", "date", "portfolio.reading_date_taken"},
			{"2026-03-16", "1200", "date", "portfolio.reading_future"},
			{"2026-02-30", "1200", "date", "portfolio.date_invalid"},
			{"", "1200", "date", "field.required"},
			{"2026-02-01", "-5", "value", "portfolio.reading_negative"},
			{"2026-02-01", "12,5", "value", "portfolio.reading_invalid"},
			{"2026-02-01", "", "value", "field.required"},
		} {
			fieldErr(t, add(gas, tc.on, tc.value), tc.field, tc.msgID)
		}
		if err := add(999999, "2026-02-01", "1200"); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("reading on unknown meter: %v", err)
		}
		if after := e.snapshot(); after != before {
			t.Fatalf("refused reading changed something:\n%s\n%s", before, after)
		}
		// The same value later (nothing used) and a higher one are fine;
		// another meter has its own history.
		for _, r := range [][2]string{{"2026-02-01", "1000"}, {"2026-03-15", "1500"}} {
			if err := add(gas, r[0], r[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := add(heat, "2025-06-01", "5"); err != nil {
			t.Fatal(err)
		}
		ms, err := e.svc.Meters(ctx, e.a, uid)
		if err != nil || len(ms) != 2 {
			t.Fatalf("meters: %+v %v", ms, err)
		}
		for _, m := range ms {
			switch m.ID {
			case gas:
				if m.Measure != "m3" || m.Number != "G 123" || m.Last == nil || m.Last.Value != 1500 || m.Last.On != civil.MustParse("2026-03-15") {
					t.Fatalf("gas meter %+v %+v", m, m.Last)
				}
			case heat:
				if m.Measure != "kWh" || m.Last == nil || m.Last.Value != 5 || m.Last.Measure != "kWh" {
					t.Fatalf("heat meter %+v", m)
				}
			}
		}
		rs, err := e.svc.Readings(ctx, e.a, uid, gas, portfolio.ReadingFilter{}, listing.Query{Sort: "date", Desc: true, Limit: 2})
		if err != nil || rs.Total != 3 || len(rs.Items) != 2 || rs.Items[0].Value != 1500 ||
			rs.Items[1].Value != 1000 || rs.Items[0].Measure != "m3" {
			t.Fatalf("readings: %+v %v", rs, err)
		}
		rs, _ = e.svc.Readings(ctx, e.a, uid, gas, portfolio.ReadingFilter{AfterID: rs.Items[1].ID}, listing.Query{Sort: "id"})
		if rs.Total != 1 || rs.Items[0].Value != 1500 {
			t.Fatalf("readings after cursor: %+v", rs)
		}
		// Deleting the unit takes its meters and readings along.
		if err := e.svc.DeleteUnit(ctx, e.a, uid); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM meters`) + e.count(`SELECT COUNT(*) FROM meter_readings`); n != 0 {
			t.Fatalf("meters left after delete: %d", n)
		}
	})
}

// fakeLeases is an Occupancy and UnitReferrer that remembers what it was asked.
type fakeLeases struct {
	mu     sync.Mutex
	status map[int64]portfolio.Status
	inUse  map[int64]bool
	asked  [][]int64
	on     civil.Date
}

func (f *fakeLeases) UnitStatus(_ context.Context, tx *db.Tx, ids []int64, on civil.Date) (map[int64]portfolio.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, slices.Clone(ids))
	f.on = on
	out := map[int64]portfolio.Status{}
	for _, id := range ids {
		if st, ok := f.status[id]; ok {
			out[id] = st
		}
	}
	return out, nil
}

func (f *fakeLeases) UnitsInUse(_ context.Context, tx *db.Tx, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = f.inUse[id]
	}
	return out, nil
}

func TestOccupancyAndPaging(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cid := e.mustComplex(e.a, "Hof")
		var ids []int64
		for i := 1; i <= 7; i++ {
			in := goodUnit()
			in.HouseNumber, in.Addition, in.FloorArea = fmt.Sprint(i), "", fmt.Sprint(100-i)
			if i <= 6 {
				in.ComplexID = cid
			}
			if i == 7 {
				in.Street, in.City, in.Postcode = "Dorpsweg", "Zeist", "3701 AB"
			}
			ids = append(ids, e.mustUnit(e.a, in))
		}
		// Without an Occupancy every unit is vacant.
		c, _ := e.svc.Complex(ctx, e.a, cid)
		if c.Occupancy.Total != 6 || c.Occupancy.Vacant != 6 || c.Occupancy.LetPermille() != 0 || c.Units != 6 {
			t.Fatalf("occupancy without leases: %+v", c.Occupancy)
		}
		f := &fakeLeases{status: map[int64]portfolio.Status{ids[0]: portfolio.StatusLet, ids[1]: portfolio.StatusLet,
			ids[2]: portfolio.StatusNotice, ids[6]: portfolio.StatusLet}, inUse: map[int64]bool{ids[0]: true}}
		plain := e.svc
		e.svc = portfolio.New(portfolio.Deps{DB: d, Audit: audit.New(e.clk), Clock: e.clk, Occupancy: f})
		c, _ = e.svc.Complex(ctx, e.a, cid)
		if o := c.Occupancy; o.Total != 6 || o.Let != 2 || o.Notice != 1 || o.Vacant != 3 || o.LetPermille() != 500 ||
			o.On != civil.MustParse("2026-03-15") {
			t.Fatalf("occupancy: %+v", o)
		}
		// A page asks only for its own units.
		f.asked = nil
		page, err := e.svc.ListUnits(ctx, e.a, portfolio.UnitFilter{ComplexID: cid}, listing.Query{Sort: "area", Limit: 2, Offset: 2})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 6 || len(page.Items) != 2 || page.Items[0].ID != ids[3] || page.Items[1].ID != ids[2] {
			t.Fatalf("page by area: total %d %+v", page.Total, page.Items)
		}
		if len(f.asked) != 1 || !slices.Equal(f.asked[0], []int64{ids[3], ids[2]}) {
			t.Fatalf("occupancy asked for %v", f.asked)
		}
		if page.Items[1].Status != portfolio.StatusNotice || page.Items[0].Status != portfolio.StatusVacant {
			t.Fatalf("statuses: %+v", page.Items)
		}
		u, _ := e.svc.Unit(ctx, e.a, ids[6])
		if u.Status != portfolio.StatusLet {
			t.Fatalf("unit status: %s", u.Status)
		}
		// Sorting and searching.
		for _, tc := range []struct {
			q     listing.Query
			f     portfolio.UnitFilter
			total int
			first int64
		}{
			{listing.Query{Sort: "address"}, portfolio.UnitFilter{}, 7, ids[6]},
			{listing.Query{Sort: "address", Desc: true}, portfolio.UnitFilter{}, 7, ids[5]},
			{listing.Query{Sort: "city", Desc: true}, portfolio.UnitFilter{}, 7, ids[6]},
			{listing.Query{Sort: "area", Desc: true}, portfolio.UnitFilter{}, 7, ids[0]},
			{listing.Query{Sort: "bogus"}, portfolio.UnitFilter{}, 7, ids[6]},
			{listing.Query{Search: "1234ab"}, portfolio.UnitFilter{}, 6, ids[0]},
			{listing.Query{Search: "kerkstraat 3"}, portfolio.UnitFilter{}, 1, ids[2]},
			{listing.Query{Search: "HOF"}, portfolio.UnitFilter{}, 6, ids[0]},
			{listing.Query{Search: "zeist"}, portfolio.UnitFilter{}, 1, ids[6]},
			{listing.Query{Search: "100%"}, portfolio.UnitFilter{}, 0, 0},
			{listing.Query{Sort: "id"}, portfolio.UnitFilter{AfterID: ids[4]}, 2, ids[5]},
		} {
			p, err := e.svc.ListUnits(ctx, e.a, tc.f, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != tc.total || (tc.total > 0 && p.Items[0].ID != tc.first) {
				t.Errorf("%+v %+v: total %d first %v", tc.q, tc.f, p.Total, p.Items)
			}
		}
		all, _ := e.svc.ListUnits(ctx, e.a, portfolio.UnitFilter{}, listing.Query{All: true, Limit: 2})
		if len(all.Items) != 7 {
			t.Fatalf("export lists %d units", len(all.Items))
		}
		// A unit a lease refers to cannot be deleted.
		isProblem(t, e.svc.DeleteUnit(ctx, e.a, ids[0]), portfolio.ErrUnitInUse)
		if err := e.svc.DeleteUnit(ctx, e.a, ids[1]); err != nil {
			t.Fatal(err)
		}
		e.svc = plain
		u, _ = e.svc.Unit(ctx, e.a, ids[6])
		if u.Status != portfolio.StatusVacant {
			t.Fatalf("status without occupancy: %s", u.Status)
		}
	})
}

// A foreign key from another table to units also keeps a unit from going.
func TestDeleteRefusedByForeignKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		uid := e.mustUnit(e.a, goodUnit())
		if _, err := d.Raw().Exec(`CREATE TABLE test_refs (unit_id BIGINT NOT NULL REFERENCES units(id))`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Raw().Exec(`INSERT INTO test_refs (unit_id) VALUES ($1)`, uid); err != nil {
			t.Fatal(err)
		}
		if d.Dialect == db.Postgres {
			if _, err := d.Raw().Exec(`GRANT SELECT ON test_refs TO ` + db.OrgRole); err != nil {
				t.Fatal(err)
			}
		}
		isProblem(t, e.svc.DeleteUnit(ctx, e.a, uid), portfolio.ErrUnitInUse)
		if _, err := e.svc.Unit(ctx, e.a, uid); err != nil {
			t.Fatalf("unit gone after refused delete: %v", err)
		}
	})
}

func TestUnitFacts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cid := e.mustComplex(e.a, "Hof")
		in := goodUnit()
		in.ComplexID = cid
		u1 := e.mustUnit(e.a, in)
		u2 := e.mustUnit(e.a, portfolio.UnitInput{Street: "Markt", HouseNumber: "1", Postcode: "1234AB", City: "Utrecht",
			Type: portfolio.TypeBedrijfsruimte, FloorArea: "80.5", Segment: portfolio.SegmentCommercieel})
		err := d.ReadOrg(ctx, e.a.OrgID, func(tx *db.Tx) error {
			facts, err := e.svc.UnitFacts(ctx, tx, u1, u2, u1)
			if err != nil {
				return err
			}
			want := portfolio.UnitFacts{ID: u1, ComplexID: cid, Type: portfolio.TypeZelfstandig, Segment: portfolio.SegmentSociaal,
				Residential: true, Address: "Kerkstraat 12-A, 1234 AB Utrecht", FloorAreaTenths: 625}
			if facts[u1] != want {
				t.Errorf("facts %+v, want %+v", facts[u1], want)
			}
			if f := facts[u2]; f.Residential || f.Address != "Markt 1, 1234 AB Utrecht" || f.FloorAreaTenths != 805 || f.ComplexID != 0 {
				t.Errorf("facts %+v", f)
			}
			if _, err := e.svc.UnitFacts(ctx, tx, u1, 999999); !errors.Is(err, validation.ErrNotFound) {
				t.Errorf("unknown id: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestUpsert(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		upsertComplexes := func(rows []portfolio.ComplexInput) ([]int64, error) {
			var ids []int64
			err := d.InOrg(ctx, e.a.OrgID, func(tx *db.Tx) error {
				var err error
				ids, err = e.svc.UpsertComplexesTx(ctx, tx, e.a, rows)
				return err
			})
			return ids, err
		}
		upsertUnits := func(rows []portfolio.UnitInput) ([]int64, error) {
			var ids []int64
			err := d.InOrg(ctx, e.a.OrgID, func(tx *db.Tx) error {
				var err error
				ids, err = e.svc.UpsertUnitsTx(ctx, tx, e.a, rows)
				return err
			})
			return ids, err
		}
		existing := e.mustComplex(e.a, "Hof")
		crows := []portfolio.ComplexInput{{Name: "hof"}, {Name: "Nieuw", City: "Zeist"}, {Name: "NIEUW"}}
		cids, err := upsertComplexes(crows)
		if err != nil {
			t.Fatal(err)
		}
		if cids[0] != existing || cids[1] != cids[2] || cids[1] == existing {
			t.Fatalf("complex ids %v", cids)
		}
		if c, _ := e.svc.Complex(ctx, e.a, existing); c.Street != "Parklaan" || c.Name != "Hof" {
			t.Fatalf("name-only row changed the complex: %+v", c)
		}
		rows := []portfolio.UnitInput{goodUnit(), goodUnit(), goodUnit()}
		rows[0].ComplexID = cids[1]
		rows[1].HouseNumber, rows[1].Addition = "14", ""
		rows[2].HouseNumber, rows[2].Addition, rows[2].Type, rows[2].Segment, rows[2].WWSPoints, rows[2].FloorArea =
			"16", "", portfolio.TypeBerging, portfolio.SegmentVrij, "", ""
		ids, err := upsertUnits(rows)
		if err != nil {
			t.Fatal(err)
		}
		first := e.snapshot()
		// The same rows again change nothing: same ids, no writes, no events.
		ids2, err := upsertUnits(rows)
		if err != nil || !slices.Equal(ids, ids2) {
			t.Fatalf("second run: %v %v %v", ids, ids2, err)
		}
		if _, err := upsertComplexes(crows); err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(time.Hour)
		if again := e.snapshot(); again != first {
			t.Fatalf("idempotent upsert changed something:\n%s\n%s", first, again)
		}
		// Empty fields keep what is stored; given ones replace it.
		upd := []portfolio.UnitInput{{Postcode: "1234 AB", HouseNumber: "12-a", EnergyLabel: "C"}}
		ids3, err := upsertUnits(upd)
		if err != nil || ids3[0] != ids[0] {
			t.Fatalf("partial row: %v %v", ids3, err)
		}
		u, _ := e.svc.Unit(ctx, e.a, ids[0])
		if u.EnergyLabel != "C" || u.FloorAreaTenths != 625 || u.ComplexID != cids[1] || u.WWSPoints == nil ||
			*u.WWSPoints != 140 || u.Street != "Kerkstraat" {
			t.Fatalf("after partial row: %+v", u)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'unit.imported' AND details = $1`,
			`{"created":"3","source":"import","updated":"0"}`); n != 1 {
			t.Fatalf("first import audited %d times", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'unit.imported' AND details = $1`,
			`{"created":"0","fields":"energy_label","source":"import","updated":"1"}`); n != 1 {
			t.Fatalf("import update audited %d times", n)
		}
		// Bad rows: each is named with its fields, and nothing is written.
		before := e.snapshot()
		bad := []portfolio.UnitInput{
			func() portfolio.UnitInput { u := goodUnit(); u.HouseNumber = "20"; return u }(), // fine, but must not be written
			func() portfolio.UnitInput { u := goodUnit(); u.Postcode = "nope"; return u }(),
			func() portfolio.UnitInput { u := goodUnit(); u.HouseNumber = "20"; return u }(), // same address as row 0
			func() portfolio.UnitInput {
				u := goodUnit()
				u.HouseNumber, u.FloorArea, u.ComplexID = "22", "1,23", 999999
				return u
			}(),
			{Postcode: "1234 AB", HouseNumber: "30"}, // new unit without type and so on
		}
		_, err = upsertUnits(bad)
		re, ok := portfolio.AsRowErrors(err)
		if !ok {
			t.Fatalf("want row errors, got %v", err)
		}
		want := portfolio.RowErrors{
			1: {"postcode": "portfolio.postcode_invalid"},
			2: {"postcode": "portfolio.import_duplicate_address"},
			3: {"floor_area": "portfolio.floor_area_invalid", "complex_id": "portfolio.complex_unknown"},
			4: {"street": "field.required", "city": "field.required", "type": "field.required", "segment": "field.required"},
		}
		if fmt.Sprint(re) != fmt.Sprint(want) {
			t.Fatalf("row errors\n got %v\nwant %v", re, want)
		}
		_, err = upsertComplexes([]portfolio.ComplexInput{{Name: "Ok"}, {Name: ""}, {Name: "hof", City: "Elders"}, {Name: "Hof", City: "Anders"}})
		re, ok = portfolio.AsRowErrors(err)
		if !ok || len(re) != 2 || re[1]["name"] != "field.required" || re[3]["name"] != "portfolio.import_duplicate_differs" {
			t.Fatalf("complex row errors: %v", err)
		}
		if after := e.snapshot(); after != before {
			t.Fatalf("bad rows changed something:\n%s\n%s", before, after)
		}
	})
}

func TestParseArea(t *testing.T) {
	for in, want := range map[string]int64{"62": 620, "62,5": 625, "62.5": 625, " 7 m² ": 70, "0,1": 1} {
		if got, ok := portfolio.ParseArea(in); !ok || got != want {
			t.Errorf("ParseArea(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "62,55", "-1", "1.000,5", "6e2", ",5", "5,", "99999999"} {
		if _, ok := portfolio.ParseArea(in); ok {
			t.Errorf("ParseArea(%q) accepted", in)
		}
	}
	if portfolio.FormatArea(625, ",") != "62,5" || portfolio.FormatArea(620, ".") != "62" {
		t.Error("FormatArea")
	}
}
