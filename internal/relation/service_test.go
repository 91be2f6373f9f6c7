package relation_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
	"hms/internal/relation"
)

var ctx = context.Background()

// today in the tests: 15 March 2026, noon in Amsterdam.
var now = time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC)

type env struct {
	*apptest.Org
	rel *relation.Service
}

// each runs fn per engine; the processor agreement is not accepted yet
// (TestProcessorAgreementGate tests the gate; other tests accept it).
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now, NoAgreement: true},
		func(t *testing.T, o *apptest.Org) { fn(t, &env{Org: o, rel: o.Relations}) })
}

func fieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	fe, ok := validation.AsFields(err)
	if !ok {
		t.Fatalf("want field error %s=%s, got %v", field, msg, err)
	}
	if fe[field] != msg {
		t.Fatalf("field %s: want %q, got %q (all: %v)", field, msg, fe[field], fe)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("want %v, got %v", want, err)
	}
}

// count runs a count query as the schema's owner (it sees every
// organisation; the system role may not read business tables).
func count(t *testing.T, e *env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.DB.Raw().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func events(t *testing.T, e *env, org int64, action string) []audit.Event {
	t.Helper()
	var evs []audit.Event
	if err := e.DB.ReadOrg(ctx, org, func(tx *db.Tx) error {
		var err error
		evs, err = e.Audit.List(ctx, tx, audit.Filter{Action: action, Limit: 1000})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return evs
}

func annaInput() relation.PersonInput {
	return relation.PersonInput{
		Ref: "D-1001", Initials: "a.m.", FirstNames: "Anna Maria", SurnamePrefix: "van der", Surname: "Heijden",
		Address: relation.Address{Street: "Zeeburgerdijk", HouseNumber: "112", HouseNumberAddition: "B", Postcode: "1094aa", City: "Amsterdam"},
		Email:   "Anna.vdHeijden@Voorbeeld.NL", Phones: []string{"+31 6 4433 2211", "020-5551234"},
		BirthDate: "1984-07-21", IBANs: []string{"nl91 abna 0417 1643 00", "NL20INGB0001234567"}, Language: "en",
		Roles: relation.RolesOf(relation.RoleGuarantor),
	}
}

func acceptAgreement(t *testing.T, e *env, a account.Actor) {
	t.Helper()
	if err := e.Privacy.AcceptProcessorAgreement(ctx, a, e.Privacy.Current().Version); err != nil {
		t.Fatal(err)
	}
}

// What goes in comes out: every field of a person and a company survives
// sealing and opening, normalised.
func TestSealingRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if err := e.Privacy.UpdateSettings(ctx, e.Owner, privacy.SettingsInput{
			Enabled: map[string]bool{privacy.FieldBirthPlace: true, privacy.FieldNationality: true},
			Purposes: map[string]string{privacy.FieldBirthPlace: "Vereist door de woningcorporatie voor de inschrijving.",
				privacy.FieldNationality: "Vereist voor de huurtoeslagaanvraag."},
		}); err != nil {
			t.Fatal(err)
		}
		in := annaInput()
		in.BirthPlace, in.Nationality = "Utrecht", "Nederlandse"
		id, err := e.rel.CreatePerson(ctx, e.Manager, in)
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.rel.Get(ctx, e.Viewer, id, relation.ViaWeb)
		if err != nil {
			t.Fatal(err)
		}
		want := relation.Relation{ID: id, Kind: relation.Person, Ref: "D-1001", Roles: relation.RolesOf(relation.RoleGuarantor), Language: "en",
			Initials: "A.M.", FirstNames: "Anna Maria", SurnamePrefix: "van der", Surname: "Heijden",
			BirthDate: civil.New(1984, time.July, 21), BirthPlace: "Utrecht", Nationality: "Nederlandse",
			Address: relation.Address{Street: "Zeeburgerdijk", HouseNumber: "112", HouseNumberAddition: "B", Postcode: "1094 AA",
				City: "Amsterdam", Country: "NL"},
			Email: "anna.vdheijden@voorbeeld.nl", Phones: []string{"+31 6 4433 2211", "020-5551234"},
			IBANs: []string{"NL91ABNA0417164300", "NL20INGB0001234567"}}
		got := *r
		got.CreatedAt, got.UpdatedAt = time.Time{}, time.Time{}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
		}
		if r.DisplayName() != "A.M. van der Heijden" || r.Address.Postal() != "Zeeburgerdijk 112-B\n1094 AA Amsterdam" {
			t.Errorf("display %q, address %q", r.DisplayName(), r.Address.Postal())
		}

		cid, err := e.rel.CreateCompany(ctx, e.Manager, relation.CompanyInput{Ref: "L-7", Name: "Schoonmaakbedrijf Glans B.V.", LegalForm: "bv",
			KvK: "12345678", BTW: "nl0044.95.445.b01",
			Address: relation.Address{Street: "Industrieweg", HouseNumber: "4", Postcode: "3542 AD",
				City: "Utrecht"}, Email: "info@glans.example", Phone: "030 123 4567", IBANs: []string{"NL02ABNA0123456789"},
			Roles: relation.RolesOf(relation.RoleSupplier), SupplierCategories: []string{"schoonmaak, glasbewassing"},
			ContactPersonIDs: []int64{id}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.rel.Get(ctx, e.Viewer, cid, relation.ViaAPI)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Schoonmaakbedrijf Glans B.V." || c.KvK != "12345678" || c.BTW != "NL004495445B01" || c.Email != "info@glans.example" ||
			!slices.Equal(c.Phones, []string{"030 123 4567"}) || !slices.Equal(c.SupplierCategories, []string{"schoonmaak", "glasbewassing"}) ||
			len(c.Links) != 1 || c.Links[0].ID != id || c.Links[0].Name != "A.M. van der Heijden" || c.Address.City != "Utrecht" {
			t.Fatalf("company %+v", c)
		}
		// The person sees the company it is a contact of.
		r, _ = e.rel.Get(ctx, e.Viewer, id, relation.ViaWeb)
		if len(r.Links) != 1 || r.Links[0].ID != cid {
			t.Fatalf("person's companies %+v", r.Links)
		}
		// An update with the same data writes nothing.
		before := count(t, e, `SELECT count(*) FROM audit_events`)
		if err := e.rel.UpdatePerson(ctx, e.Manager, id, r.PersonInput()); err != nil {
			t.Fatal(err)
		}
		if after := count(t, e, `SELECT count(*) FROM audit_events`); after != before {
			t.Fatalf("an unchanged update wrote %d events", after-before)
		}

		// Nothing of it is readable in any table.
		hits := apptest.FindPlaintext(t, e.DB, "Heijden", "Anna", "Zeeburgerdijk", "1094 AA", "1094AA", "vdheijden", "voorbeeld.nl",
			"NL91ABNA0417164300", "NL20INGB0001234567", "0417 1643", "4433 2211", "020-5551234", "1984-07-21", "Utrecht", "Nederlandse",
			"info@glans", "Industrieweg", "3542", "NL02ABNA0123456789", "123 4567")
		if len(hits) > 0 {
			t.Fatalf("plaintext personal data at rest:\n%s", strings.Join(hits, "\n"))
		}
	})
}

func TestSearch(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		people := []relation.PersonInput{
			annaInput(),
			{Initials: "J.", FirstNames: "Jan", Surname: "Jansen", Email: "jan@jansen.example", Phones: []string{"06-12345678"},
				Address: relation.Address{Street: "Dorpsstraat", HouseNumber: "1", Postcode: "9999 ZZ", City: "Ergens"}},
			{Initials: "P.", FirstNames: "Piet", Surname: "Janssens", IBANs: []string{"NL44RABO0123456789"}},
			{Initials: "J.", FirstNames: "Johanna", Surname: "Bakker-Jansen"},
			{Initials: "K.", FirstNames: "Kees", SurnamePrefix: "de", Surname: "Vries"},
			{Initials: "É.", FirstNames: "Éva", Surname: "Özdemir"},
		}
		ids := map[string]int64{}
		for _, p := range people {
			id, err := e.rel.CreatePerson(ctx, e.Manager, p)
			if err != nil {
				t.Fatal(err)
			}
			ids[p.Surname] = id
		}
		// The same people in another organisation must never be found from A.
		for _, p := range people {
			if _, err := e.rel.CreatePerson(ctx, e.OwnerB, p); err != nil {
				t.Fatal(err)
			}
		}
		cid, err := e.rel.CreateCompany(ctx, e.Manager, relation.CompanyInput{Name: "Jansen Installatietechniek", KvK: "87654321"})
		if err != nil {
			t.Fatal(err)
		}
		ids["company"] = cid
		search := func(a account.Actor, q string) []int64 {
			t.Helper()
			p, err := e.rel.List(ctx, a, listing.Query{Search: q}, relation.Filter{})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			var out []int64
			for _, it := range p.Items {
				out = append(out, it.ID)
			}
			if p.Total != len(out) {
				t.Fatalf("search %q: total %d, %d items", q, p.Total, len(out))
			}
			slices.Sort(out)
			return out
		}
		sorted := func(names ...string) []int64 {
			var out []int64
			for _, n := range names {
				out = append(out, ids[n])
			}
			slices.Sort(out)
			return out
		}
		cases := []struct {
			q    string
			want []int64
		}{
			{"jans", sorted("Jansen", "Janssens", "Bakker-Jansen", "company")},
			{"JANSEN", sorted("Jansen", "Bakker-Jansen", "company")},
			{"piet jans", sorted("Janssens")},
			{"jan jans", sorted("Jansen", "Janssens", "Bakker-Jansen", "company")},
			{"j jansen", sorted("Jansen", "Bakker-Jansen", "company")},
			{"jansen installatie", sorted("company")},
			{"de vr", sorted("Vries")},
			{"k vries", sorted("Vries")},
			{"ozd", sorted("Özdemir")},
			{"Éva", sorted("Özdemir")},
			{"van der heijden", sorted("Heijden")},
			{"heijdenx", nil},
			{"installatie", sorted("company")},
			{"ANNA.vdheijden@voorbeeld.nl", sorted("Heijden")},
			{"jan@jansen.example", sorted("Jansen")},
			{"NL44 RABO 0123 4567 89", sorted("Janssens")},
			{"nl91abna0417164300", sorted("Heijden")},
			{"NL20 INGB 0001 2345 67", sorted("Heijden")},
			{"1094AA", sorted("Heijden")},
			{"9999 zz", sorted("Jansen")},
			{"+31 6 1234 5678", sorted("Jansen")},
			{"06 44 33 22 11", sorted("Heijden")},
			{"020 555 1234", sorted("Heijden")},
			{"87654321", sorted("company")},
			{"", sorted("Heijden", "Jansen", "Janssens", "Bakker-Jansen", "Vries", "Özdemir", "company")},
			{"!!!", nil},
		}
		for _, c := range cases {
			if got := search(e.Viewer, c.q); !slices.Equal(got, c.want) {
				t.Errorf("search %q: got %v, want %v", c.q, got, c.want)
			}
		}
		// Organisation B finds its own people, none of A's.
		for _, q := range []string{"jans", "jan@jansen.example", "NL44RABO0123456789", "1094 AA", "0612345678", "87654321"} {
			for _, id := range search(e.OwnerB, q) {
				if slices.Contains(ids2(ids), id) {
					t.Errorf("organisation B's search %q found A's relation %d", q, id)
				}
			}
		}
		if got := search(e.OwnerB, "jan@jansen.example"); len(got) != 1 {
			t.Errorf("B's own search: %v", got)
		}
		// Filters.
		p, err := e.rel.List(ctx, e.Viewer, listing.Query{Search: "jans"}, relation.Filter{Kind: relation.Company})
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != cid || p.Items[0].Name != "Jansen Installatietechniek" {
			t.Fatalf("company filter: %+v %v", p, err)
		}
		p, err = e.rel.List(ctx, e.Viewer, listing.Query{}, relation.Filter{Role: relation.RoleGuarantor})
		if err != nil || len(p.Items) != 1 || p.Items[0].Name != "Heijden, A.M. van der" || p.Items[0].City != "Amsterdam" {
			t.Fatalf("role filter: %+v %v", p, err)
		}
		// A bookkeeper has no portfolio access.
		if _, err := e.rel.List(ctx, e.Bookkeeper, listing.Query{}, relation.Filter{}); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("bookkeeper list: %v", err)
		}
	})
}

// Every way of answering a search gives the same pages: the Go path with
// few or many matches and probing or merging words, and the SQL path (a
// kind filter); and so does every page, in both directions.
func TestSearchStrategiesAgree(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := rand.New(rand.NewPCG(5, 6))
		var rows []relation.PersonInput
		for i := range 90 {
			p := randomPerson(r, i)
			if i%3 == 0 { // an exact value many share: found and read at once
				p.Email = "Gedeeld@Voorbeeld.nl"
			}
			rows = append(rows, p)
		}
		var made []int64
		if err := e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error {
			var err error
			made, _, err = e.rel.UpsertPersonsTx(ctx, tx, e.Manager, rows)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := e.rel.Restrict(ctx, e.Manager, made[3], relation.GroundAccuracy); err != nil {
			t.Fatal(err)
		}
		type result struct {
			total int
			ids   []int64
		}
		run := func(q listing.Query, f relation.Filter) result {
			t.Helper()
			p, err := e.rel.List(ctx, e.Viewer, q, f)
			if err != nil {
				t.Fatal(err)
			}
			var res result
			res.total = p.Total
			for _, it := range p.Items {
				res.ids = append(res.ids, it.ID)
			}
			return res
		}
		for _, search := range []string{"j", "van", "van d", "de v", "a van", "jan", "e", "bakker", "zz", "d v e"} {
			for _, sort := range []string{"name", "created"} {
				for _, desc := range []bool{false, true} {
					for _, page := range []listing.Query{{Limit: 7}, {Limit: 7, Offset: 7}, {Limit: 50, Offset: 3}, {Limit: 5, Offset: 1000}} {
						q := page
						q.Search, q.Sort, q.Desc = search, sort, desc
						want := run(q, relation.Filter{Kind: relation.Person}) // the SQL path
						for _, th := range [][3]int{{5000, 1000, 2000}, {1, 1, 2000}, {1 << 30, 1 << 30, 2000}, {3, 5, 2}, {1, 1, 1}, {1, 1, 7}} {
							restore := relation.SetStrategyThresholds(th[0], th[1], th[2])
							got := run(q, relation.Filter{})
							restore()
							if got.total != want.total || !slices.Equal(got.ids, want.ids) {
								t.Fatalf("search %q sort %s desc %v page %+v thresholds %v:\n got %v\nwant %v", search, sort, desc, page, th, got, want)
							}
						}
					}
				}
			}
		}
		// An exact value's matches, read with the search or (more than
		// exactMatchesRead) found first, as the SQL path has them; a viewer
		// does not see a restricted person on any path.
		for _, sort := range []string{"name", "created"} {
			for _, desc := range []bool{false, true} {
				for _, page := range []listing.Query{{Limit: 7}, {Limit: 7, Offset: 28}, {Limit: 50}, {Limit: 5, Offset: 1000}} {
					for _, after := range []int64{0, 40} {
						q := page
						q.Search, q.Sort, q.Desc = "gedeeld@voorbeeld.nl", sort, desc
						want := run(q, relation.Filter{Kind: relation.Person, AfterID: after})
						for _, n := range []int{100, 30, 29, 1} {
							restore := relation.SetExactMatchesRead(n)
							got := run(q, relation.Filter{AfterID: after})
							restore()
							if got.total != want.total || !slices.Equal(got.ids, want.ids) || (after == 0 && page.Offset == 0 && got.total != 29) {
								t.Fatalf("e-mail sort %s desc %v page %+v after %d read %d:\n got %v\nwant %v", sort, desc, page, after, n, got, want)
							}
						}
					}
				}
			}
		}
		// The cursor of the API (ids above AfterID) on both paths.
		for _, after := range []int64{0, 20, 60} {
			q := listing.Query{Search: "e", Sort: "created", Limit: 10}
			a, b := run(q, relation.Filter{AfterID: after}), run(q, relation.Filter{AfterID: after, Kind: relation.Person})
			if a.total != b.total || !slices.Equal(a.ids, b.ids) || (len(a.ids) > 0 && a.ids[0] <= after) {
				t.Fatalf("after %d: %v vs %v", after, a, b)
			}
		}
	})
}

func ids2(m map[string]int64) []int64 {
	var out []int64
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

var (
	surnames = []string{"Jansen", "de Jong", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
		"de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
		"Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
		"van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra",
		"Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen",
		"Post", "Kuiper", "Veenstra", "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink", "de Ruiter", "Timmermans",
		"Groen", "Gerritsen", "Jonker", "van Loon", "Boer", "van der Velde", "Willemsen", "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen",
		"Schipper", "de Koning", "van der Laan", "Koning", "van der Velden", "Driessen", "van Doorn", "Hermans", "Evers", "van den Bosch",
		"van der Meulen", "Hofman", "Bosman", "Wouters", "de Kok", "van Rijn", "Sanders", "Aarts", "Bakker-Visser", "Özdemir", "Çelik", "Yılmaz"}
	firstNames = []string{"Jan", "Piet", "Kees", "Anna", "Maria", "Sanne", "Daan", "Emma", "Lotte", "Bram", "Ruud", "Ingrid", "Fatima",
		"Mohamed", "Sophie", "Lucas", "Eva", "Thijs", "Noor", "Willem"}
)

func randomPerson(r *rand.Rand, i int) relation.PersonInput {
	s := surnames[r.IntN(len(surnames))]
	prefix := ""
	for _, p := range []string{"van der ", "van den ", "van de ", "van ", "de "} {
		if strings.HasPrefix(s, p) {
			prefix, s = strings.TrimSpace(p), strings.TrimPrefix(s, p)
			break
		}
	}
	f := firstNames[r.IntN(len(firstNames))]
	return relation.PersonInput{Ref: fmt.Sprintf("R%05d", i), FirstNames: f, Initials: f[:1] + ".", SurnamePrefix: prefix, Surname: s}
}

// expectedOrder sorts like a person would file them: by surname ignoring
// case, diacritics and the surname prefix, then initials, then prefix,
// then first names; equal names in the order they were entered.
func expectedOrder(ps []relation.PersonInput, ids []int64) []int64 {
	plain := strings.NewReplacer("Ö", "O", "ö", "o", "Ç", "C", "ç", "c", "ı", "i", "ğ", "g", "ş", "s", "é", "e")
	key := func(p relation.PersonInput) string {
		return strings.ToLower(plain.Replace(p.Surname)) + "\x01" + strings.ToLower(p.Initials) + "\x01" + p.SurnamePrefix +
			"\x01" + strings.ToLower(p.FirstNames)
	}
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := strings.Compare(key(ps[a]), key(ps[b])); c != 0 {
			return c
		}
		return int(ids[a] - ids[b])
	})
	out := make([]int64, len(idx))
	for i, j := range idx {
		out[i] = ids[j]
	}
	return out
}

func listAll(t *testing.T, e *env, a account.Actor, desc bool) ([]int64, []string) {
	t.Helper()
	var ids []int64
	var names []string
	for page := 0; ; page++ {
		p, err := e.rel.List(ctx, a, listing.Query{Sort: "name", Desc: desc, Limit: 50, Offset: page * 50}, relation.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Items {
			ids = append(ids, it.ID)
			names = append(names, it.Name)
		}
		if len(p.Items) < 50 {
			return ids, names
		}
	}
}

// 200 random Dutch names entered in random order, some one by one and some
// through the import, list in alphabetical order; so do names squeezed into
// one gap until the ranks must be spread out again.
func TestSortOrder(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := rand.New(rand.NewPCG(1, 2))
		var ps []relation.PersonInput
		var ids []int64
		for i := range 120 {
			p := randomPerson(r, i)
			id, err := e.rel.CreatePerson(ctx, e.Manager, p)
			if err != nil {
				t.Fatal(err)
			}
			ps, ids = append(ps, p), append(ids, id)
		}
		var batch []relation.PersonInput
		for i := 120; i < 200; i++ {
			batch = append(batch, randomPerson(r, i))
		}
		var bids []int64
		err := e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error {
			var rerrs relation.RowErrors
			var err error
			bids, rerrs, err = e.rel.UpsertPersonsTx(ctx, tx, e.Manager, batch)
			if len(rerrs) > 0 {
				return fmt.Errorf("row errors: %v", rerrs)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ps, ids = append(ps, batch...), append(ids, bids...)
		got, names := listAll(t, e, e.Viewer, false)
		want := expectedOrder(ps, ids)
		if !slices.Equal(got, want) {
			t.Fatalf("name order wrong:\n%s", strings.Join(names, "\n"))
		}
		desc, _ := listAll(t, e, e.Viewer, true)
		slices.Reverse(desc)
		if !slices.Equal(desc, want) {
			t.Fatal("descending order is not the reverse")
		}

		// A rename moves the person to its new place.
		ps[0].Surname, ps[0].SurnamePrefix = "Aalders", ""
		if err := e.rel.UpdatePerson(ctx, e.Manager, ids[0], ps[0]); err != nil {
			t.Fatal(err)
		}
		if got, _ := listAll(t, e, e.Viewer, false); !slices.Equal(got, expectedOrder(ps, ids)) || got[0] != ids[0] {
			t.Fatal("order wrong after a rename")
		}

		// Squeeze 70 names, each just before the previous one, between two
		// neighbours: the gap runs out and the ranks are spread out again.
		for i := range 70 {
			p := relation.PersonInput{Initials: "Z.", Surname: fmt.Sprintf("Mmm%03d", 999-i)}
			id, err := e.rel.CreatePerson(ctx, e.Manager, p)
			if err != nil {
				t.Fatal(err)
			}
			ps, ids = append(ps, p), append(ids, id)
		}
		if n := count(t, e, `SELECT renumbered FROM relation_order_state WHERE org_id = $1`, e.Manager.OrgID); n == 0 {
			t.Error("the squeezed gap never needed renumbering; the test does not test it")
		}
		if got, names := listAll(t, e, e.Viewer, false); !slices.Equal(got, expectedOrder(ps, ids)) {
			t.Fatalf("order wrong after renumbering:\n%s", strings.Join(names, "\n"))
		}
	})
}

func TestMinors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		acceptAgreement(t, e, e.Owner)
		child := relation.PersonInput{Initials: "T.", Surname: "Kind", BirthDate: "2010-03-16", Roles: relation.RolesOf(relation.RoleTenant)}
		_, err := e.rel.CreatePerson(ctx, e.Manager, child)
		fieldErr(t, err, "birth_date", "relation.tenant_under_16")
		// As a guarantor's household member, say, it is stored and flagged.
		child.Roles = relation.RolesOf(relation.RoleContact)
		id, err := e.rel.CreatePerson(ctx, e.Manager, child)
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.rel.Get(ctx, e.Viewer, id, relation.ViaWeb)
		if err != nil || !r.Minor {
			t.Fatalf("minor flag: %+v %v", r, err)
		}
		err = e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error { return e.rel.CheckTenantAge(ctx, tx, id) })
		wantErr(t, err, relation.ErrTenantUnder16)
		err = e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error { return e.rel.MarkTenantTx(ctx, tx, e.Manager, id) })
		wantErr(t, err, relation.ErrTenantUnder16)
		// Sixteen today: a tenant.
		adult := relation.PersonInput{Initials: "S.", Surname: "Zestien", BirthDate: "15-3-2010", Roles: relation.RolesOf(relation.RoleTenant)}
		aid, err := e.rel.CreatePerson(ctx, e.Manager, adult)
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := e.rel.Get(ctx, e.Viewer, aid, relation.ViaWeb); r.Minor || !r.Roles.Has(relation.RoleTenant) {
			t.Fatalf("sixteen-year-old: %+v", r)
		}
		// The next day the child turns 16 and may become a tenant.
		e.Clock.Advance(24 * time.Hour)
		err = e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error { return e.rel.MarkTenantTx(ctx, tx, e.Manager, id) })
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := e.rel.Get(ctx, e.Viewer, id, relation.ViaWeb); r.Minor || !r.Roles.Has(relation.RoleTenant) {
			t.Fatalf("after the birthday: %+v", r)
		}
		// Birth dates in the future or from before 1896 are refused.
		_, err = e.rel.CreatePerson(ctx, e.Manager, relation.PersonInput{Surname: "Later", BirthDate: "2027-01-01"})
		fieldErr(t, err, "birth_date", "relation.birth_date_future")
		_, err = e.rel.CreatePerson(ctx, e.Manager, relation.PersonInput{Surname: "Oud", BirthDate: "1800-01-01"})
		fieldErr(t, err, "birth_date", "relation.birth_date_past")
		_, err = e.rel.CreatePerson(ctx, e.Manager, relation.PersonInput{Surname: "Fout", BirthDate: "31-02-2000"})
		fieldErr(t, err, "birth_date", "relation.date_invalid")
	})
}

func TestOptionalFields(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		in := relation.PersonInput{Surname: "Reiziger", BirthPlace: "Rotterdam"}
		_, err := e.rel.CreatePerson(ctx, e.Manager, in)
		fieldErr(t, err, "birth_place", "relation.field_disabled")
		in = relation.PersonInput{Surname: "Reiziger", Nationality: "Belgische"}
		_, err = e.rel.CreatePerson(ctx, e.Manager, in)
		fieldErr(t, err, "nationality", "relation.field_disabled")

		on := privacy.SettingsInput{Enabled: map[string]bool{privacy.FieldBirthPlace: true},
			Purposes: map[string]string{privacy.FieldBirthPlace: "kort"}}
		fieldErr(t, e.Privacy.UpdateSettings(ctx, e.Owner, on), "birth_place_purpose", "privacy.purpose_required")
		on.Purposes[privacy.FieldBirthPlace] = "Nodig voor de aanvraag van een verklaring omtrent het gedrag."
		wantErr(t, e.Privacy.UpdateSettings(ctx, e.Manager, on), validation.ErrForbidden)
		if err := e.Privacy.UpdateSettings(ctx, e.Owner, on); err != nil {
			t.Fatal(err)
		}
		st, err := e.Privacy.Settings(ctx, e.Viewer)
		if err != nil || !st.Enabled(privacy.FieldBirthPlace) || st.Enabled(privacy.FieldNationality) ||
			st.Fields[privacy.FieldBirthPlace].Purpose != on.Purposes[privacy.FieldBirthPlace] {
			t.Fatalf("settings %+v %v", st, err)
		}
		in = relation.PersonInput{Surname: "Reiziger", BirthPlace: "Rotterdam"}
		id, err := e.rel.CreatePerson(ctx, e.Manager, in)
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := e.rel.Get(ctx, e.Viewer, id, relation.ViaWeb); r.BirthPlace != "Rotterdam" {
			t.Fatalf("birth place %q", r.BirthPlace)
		}
		// Another organisation's settings are its own.
		_, err = e.rel.CreatePerson(ctx, e.OwnerB, in)
		fieldErr(t, err, "birth_place", "relation.field_disabled")
		if n := len(events(t, e, e.Owner.OrgID, "privacy.optional_field_enabled")); n != 1 {
			t.Fatalf("%d enable events", n)
		}
	})
}

func TestProcessorAgreementGate(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tenant := relation.PersonInput{Initials: "H.", Surname: "Huurder", Roles: relation.RolesOf(relation.RoleTenant)}
		_, err := e.rel.CreatePerson(ctx, e.Manager, tenant)
		wantErr(t, err, relation.ErrAgreementRequired)
		if p, ok := validation.AsProblem(err); !ok || p.Status != 409 {
			t.Fatalf("not a 409 problem: %v", err)
		}
		_, err = e.rel.CreateCompany(ctx, e.Manager,
			relation.CompanyInput{Name: "Winkel BV", LegalForm: "bv", Roles: relation.RolesOf(relation.RoleTenant)})
		wantErr(t, err, relation.ErrAgreementRequired)
		// Other roles are fine, but adding the tenant role is not.
		tenant.Roles = relation.RolesOf(relation.RoleGuarantor)
		id, err := e.rel.CreatePerson(ctx, e.Manager, tenant)
		if err != nil {
			t.Fatal(err)
		}
		tenant.Roles = relation.RolesOf(relation.RoleGuarantor, relation.RoleTenant)
		wantErr(t, e.rel.UpdatePerson(ctx, e.Manager, id, tenant), relation.ErrAgreementRequired)
		err = e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error { return e.rel.MarkTenantTx(ctx, tx, e.Manager, id) })
		wantErr(t, err, relation.ErrAgreementRequired)
		err = e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error {
			_, _, err := e.rel.UpsertPersonsTx(ctx, tx, e.Manager,
				[]relation.PersonInput{{Ref: "X1", Surname: "Import", Roles: relation.RolesOf(relation.RoleTenant)}})
			return err
		})
		wantErr(t, err, relation.ErrAgreementRequired)
		if n := count(t, e, `SELECT count(*) FROM relations WHERE roles <> 2`); n != 0 {
			t.Fatalf("%d relations written without agreement", n)
		}

		// Only an owner accepts, only the current version.
		v := e.Privacy.Current().Version
		if v != "2026-01" || !strings.Contains(e.Privacy.Current().Text(), "artikel 28") {
			t.Fatalf("current agreement %q", v)
		}
		for _, a := range []account.Actor{e.Manager, e.Viewer, e.Bookkeeper} {
			wantErr(t, e.Privacy.AcceptProcessorAgreement(ctx, a, v), validation.ErrForbidden)
		}
		api := e.Owner
		api.Kind, api.Scopes = "api", []account.Scope{account.ScopeRead, account.ScopeWrite}
		wantErr(t, e.Privacy.AcceptProcessorAgreement(ctx, api, v), validation.ErrForbidden)
		fieldErr(t, e.Privacy.AcceptProcessorAgreement(ctx, e.Owner, "2019-01"), "version", "privacy.agreement_version")
		st, err := e.Privacy.ProcessorAgreementStatus(ctx, e.Viewer)
		if err != nil || st.Accepted != nil {
			t.Fatalf("status before: %+v %v", st, err)
		}
		acceptAgreement(t, e, e.Owner)
		acceptAgreement(t, e, e.Owner) // again: no second record
		st, err = e.Privacy.ProcessorAgreementStatus(ctx, e.Viewer)
		if err != nil || st.Accepted == nil || st.Accepted.UserID != e.Owner.UserID || st.Accepted.Version != v || len(st.History) != 1 ||
			!st.Accepted.AcceptedAt.Equal(now) {
			t.Fatalf("status after: %+v %v", st, err)
		}
		if n := len(events(t, e, e.Owner.OrgID, "privacy.processor_agreement_accepted")); n != 1 {
			t.Fatalf("%d acceptance events", n)
		}
		if _, err := e.rel.CreatePerson(ctx, e.Manager,
			relation.PersonInput{Surname: "Huurder", Roles: relation.RolesOf(relation.RoleTenant)}); err != nil {
			t.Fatal(err)
		}
		if err := e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error { return e.rel.MarkTenantTx(ctx, tx, e.Manager, id) }); err != nil {
			t.Fatal(err)
		}
		// Organisation B has not accepted anything.
		_, err = e.rel.CreatePerson(ctx, e.OwnerB, relation.PersonInput{Surname: "Huurder", Roles: relation.RolesOf(relation.RoleTenant)})
		wantErr(t, err, relation.ErrAgreementRequired)
	})
}

func TestAccessLog(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		acceptAgreement(t, e, e.Owner)
		in := annaInput()
		in.Roles = relation.RolesOf(relation.RoleTenant)
		id, err := e.rel.CreatePerson(ctx, e.Manager, in)
		if err != nil {
			t.Fatal(err)
		}
		cid, err := e.rel.CreateCompany(ctx, e.Manager, relation.CompanyInput{Name: "Huurder BV", LegalForm: "bv"})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(events(t, e, e.Owner.OrgID, "relation.viewed")); n != 0 {
			t.Fatalf("%d views before anyone looked", n)
		}
		// Lists are not logged.
		if _, err := e.rel.List(ctx, e.Viewer, listing.Query{}, relation.Filter{}); err != nil {
			t.Fatal(err)
		}
		if n := len(events(t, e, e.Owner.OrgID, "relation.viewed")); n != 0 {
			t.Fatalf("a list logged %d views", n)
		}
		if _, err := e.rel.Get(ctx, e.Viewer, id, relation.ViaWeb); err != nil {
			t.Fatal(err)
		}
		if _, err := e.rel.Get(ctx, e.Manager, id, relation.ViaAPI); err != nil {
			t.Fatal(err)
		}
		var facts map[int64]relation.PartyFacts
		err = e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error {
			var err error
			facts, err = e.rel.PartyFacts(ctx, tx, e.Manager, "lease.contract", id, cid, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f := facts[id]
		if f.DisplayName != "A.M. van der Heijden" || f.Address != "Zeeburgerdijk 112-B\n1094 AA Amsterdam" ||
			f.Email != "anna.vdheijden@voorbeeld.nl" ||
			f.BirthDate != civil.New(1984, 7, 21) || f.Language != "en" || !f.IsTenant || f.Kind != "person" {
			t.Fatalf("party facts %+v", f)
		}
		if facts[cid].DisplayName != "Huurder BV" || facts[cid].Kind != "company" || facts[cid].IsTenant {
			t.Fatalf("company facts %+v", facts[cid])
		}
		evs := events(t, e, e.Owner.OrgID, "relation.viewed")
		var got []string
		for _, ev := range evs {
			got = append(got, fmt.Sprintf("%d %s %s %s", ev.ActorUserID, ev.TargetType, ev.TargetID, ev.Details["via"]))
			if strings.Contains(fmt.Sprint(ev), "Heijden") || strings.Contains(fmt.Sprint(ev), "Anna") {
				t.Fatalf("a name in the access log: %+v", ev)
			}
		}
		want := []string{
			fmt.Sprintf("%d relation %d lease.contract", e.Manager.UserID, cid),
			fmt.Sprintf("%d relation %d lease.contract", e.Manager.UserID, id),
			fmt.Sprintf("%d relation %d api", e.Manager.UserID, id),
			fmt.Sprintf("%d relation %d web", e.Viewer.UserID, id),
		}
		if !slices.Equal(got, want) {
			t.Fatalf("access events\n got %q\nwant %q", got, want)
		}
		log, err := e.rel.AccessLog(ctx, e.Viewer, id, 10)
		if err != nil || len(log) != 3 {
			t.Fatalf("access log of the record: %d %v", len(log), err)
		}
		// A CSV export is logged once, with the number of rows.
		if _, err := e.rel.List(ctx, e.Viewer, listing.Query{All: true}, relation.Filter{}); err != nil {
			t.Fatal(err)
		}
		if evs := events(t, e, e.Owner.OrgID, "relation.list_exported"); len(evs) != 1 || evs[0].Details["rows"] != "2" {
			t.Fatalf("export events %+v", evs)
		}
		// PartyFacts refuses a purpose that is not a code, and ids of
		// another organisation.
		err = e.DB.InOrg(ctx, e.OwnerB.OrgID, func(tx *db.Tx) error {
			_, err := e.rel.PartyFacts(ctx, tx, e.OwnerB, "lease.contract", id)
			return err
		})
		wantErr(t, err, validation.ErrNotFound)
		err = e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error {
			_, err := e.rel.PartyFacts(ctx, tx, e.Manager, "Anna van der Heijden", id)
			return err
		})
		if err == nil {
			t.Fatal("a free-text purpose was accepted")
		}
	})
}

// Bad input names the field and writes nothing at all.
func TestInvalidInputWritesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tables := []string{"relations", "relation_search", "vault_subjects", "audit_events", "relation_contacts"}
		snapshot := func() []int {
			var out []int
			for _, tb := range tables {
				out = append(out, count(t, e, `SELECT count(*) FROM `+tb))
			}
			return out
		}
		before := snapshot()
		person := func(mut func(*relation.PersonInput)) error {
			in := annaInput()
			mut(&in)
			_, err := e.rel.CreatePerson(ctx, e.Manager, in)
			return err
		}
		company := func(mut func(*relation.CompanyInput)) error {
			in := relation.CompanyInput{Name: "Bouwbedrijf Van Dam", LegalForm: "bv", KvK: "12345678"}
			mut(&in)
			_, err := e.rel.CreateCompany(ctx, e.Manager, in)
			return err
		}
		fieldErr(t, person(func(in *relation.PersonInput) { in.IBANs = []string{"NL91ABNA0417164300", "NL91ABNA0417164301"} }),
			"ibans[1]", "relation.iban_invalid")
		fieldErr(t, person(func(in *relation.PersonInput) { in.IBANs = []string{"NL91ABNA0417164300", "nl91 abna 0417 1643 00"} }),
			"ibans[1]", "relation.iban_duplicate")
		fieldErr(t, person(func(in *relation.PersonInput) { in.Postcode = "0123 AB" }), "postcode", "relation.postcode_invalid")
		fieldErr(t, person(func(in *relation.PersonInput) { in.Postcode = "" }), "postcode", "field.required")
		fieldErr(t, person(func(in *relation.PersonInput) { in.HouseNumber = "12a" }), "house_number", "relation.house_number_invalid")
		fieldErr(t, person(func(in *relation.PersonInput) { in.Surname = " " }), "surname", "field.required")
		fieldErr(t, person(func(in *relation.PersonInput) { in.Email = "anna@" }), "email", "email.invalid")
		fieldErr(t, person(func(in *relation.PersonInput) { in.Phones = []string{"06-1234", ""} }), "phones[0]", "relation.phone_invalid")
		fieldErr(t, person(func(in *relation.PersonInput) { in.Language = "de" }), "language", "field.invalid")
		fieldErr(t, person(func(in *relation.PersonInput) { in.Country = "Nederland" }), "country", "relation.country_invalid")
		fieldErr(t, person(func(in *relation.PersonInput) { in.SupplierCategories = []string{"energie"} }), "supplier_categories",
			"relation.categories_need_supplier")
		fieldErr(t, person(func(in *relation.PersonInput) { in.Roles, in.IBANs = relation.RolesOf(relation.RoleSupplier), nil }), "ibans[0]",
			"relation.supplier_iban_required")
		fieldErr(t, company(func(in *relation.CompanyInput) { in.KvK = "1234567" }), "kvk", "relation.kvk_invalid")
		fieldErr(t, company(func(in *relation.CompanyInput) { in.BTW = "NL123456789B02" }), "btw_id", "relation.btw_invalid")
		fieldErr(t, company(func(in *relation.CompanyInput) { in.Name = "" }), "name", "field.required")
		fieldErr(t, company(func(in *relation.CompanyInput) { in.LegalForm = "gmbh" }), "legal_form", "field.invalid")
		// NL123456782B01 passes the 11-test: the old btw-nummer of a sole
		// trader holds the BSN, so it is refused unless the company is a
		// legal entity.
		fieldErr(t, company(func(in *relation.CompanyInput) { in.LegalForm, in.BTW = "eenmanszaak", "NL123456782B01" }),
			"btw_id", "relation.btw_contains_bsn")
		fieldErr(t, company(func(in *relation.CompanyInput) { in.LegalForm, in.BTW = "", "NL123456782B01" }),
			"btw_id", "relation.btw_contains_bsn")
		fieldErr(t, company(func(in *relation.CompanyInput) { in.ContactPersonIDs = []int64{999999} }), "contact_person_ids",
			"relation.contact_not_person")
		if after := snapshot(); !slices.Equal(after, before) {
			t.Fatalf("bad input wrote rows: %v → %v (%v)", before, after, tables)
		}
		// A BV's RSIN-based btw-id passes.
		if err := company(func(in *relation.CompanyInput) { in.BTW = "NL123456782B01" }); err != nil {
			t.Fatal(err)
		}
		// A taken reference is a field error.
		if _, err := e.rel.CreatePerson(ctx, e.Manager, annaInput()); err != nil {
			t.Fatal(err)
		}
		_, err := e.rel.CreatePerson(ctx, e.Manager, annaInput())
		fieldErr(t, err, "ref", "relation.ref_taken")
		// Another organisation may use the same reference.
		if _, err := e.rel.CreatePerson(ctx, e.OwnerB, annaInput()); err != nil {
			t.Fatal(err)
		}
		// Roles: a viewer cannot write.
		_, err = e.rel.CreatePerson(ctx, e.Viewer, annaInput())
		wantErr(t, err, validation.ErrForbidden)
	})
}

// Organisation B can neither see nor change A's relations.
func TestIsolation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		id, err := e.rel.CreatePerson(ctx, e.Manager, annaInput())
		if err != nil {
			t.Fatal(err)
		}
		cid, err := e.rel.CreateCompany(ctx, e.Manager, relation.CompanyInput{Name: "Glans BV", LegalForm: "bv"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.rel.Get(ctx, e.OwnerB, id, relation.ViaWeb)
		wantErr(t, err, validation.ErrNotFound)
		wantErr(t, e.rel.UpdatePerson(ctx, e.OwnerB, id, annaInput()), validation.ErrNotFound)
		wantErr(t, e.rel.UpdateCompany(ctx, e.OwnerB, cid, relation.CompanyInput{Name: "Overgenomen"}), validation.ErrNotFound)
		wantErr(t, e.rel.LinkContact(ctx, e.OwnerB, cid, id), validation.ErrNotFound)
		_, err = e.rel.AccessLog(ctx, e.OwnerB, id, 10)
		wantErr(t, err, validation.ErrNotFound)
		err = e.DB.InOrg(ctx, e.OwnerB.OrgID, func(tx *db.Tx) error { return e.rel.CheckTenantAge(ctx, tx, id) })
		wantErr(t, err, validation.ErrNotFound)
		// B's own company cannot take A's person as contact.
		bc, err := e.rel.CreateCompany(ctx, e.OwnerB, relation.CompanyInput{Name: "Beta BV", LegalForm: "bv"})
		if err != nil {
			t.Fatal(err)
		}
		fieldErr(t, e.rel.LinkContact(ctx, e.OwnerB, bc, id), "person_id", "relation.contact_not_person")
		p, err := e.rel.List(ctx, e.OwnerB, listing.Query{}, relation.Filter{})
		if err != nil || p.Total != 1 || p.Items[0].ID != bc {
			t.Fatalf("B's list: %+v %v", p, err)
		}
		// A's record is unchanged.
		r, err := e.rel.Get(ctx, e.Viewer, id, relation.ViaWeb)
		if err != nil || r.Surname != "Heijden" {
			t.Fatalf("A's person: %+v %v", r, err)
		}
		// Linking and unlinking within A.
		if err := e.rel.LinkContact(ctx, e.Manager, cid, id); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.rel.LinkContact(ctx, e.Manager, id, cid), relation.ErrKindMismatch)
		if err := e.rel.UnlinkContact(ctx, e.Manager, cid, id); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.rel.UnlinkContact(ctx, e.Manager, cid, id), validation.ErrNotFound)
		wantErr(t, e.rel.UpdateCompany(ctx, e.Manager, id, relation.CompanyInput{Name: "X"}), relation.ErrKindMismatch)
	})
}

// The importer's path: keyed by reference, importing twice changes nothing,
// bad rows are reported and skipped, roles are only added.
func TestUpsertPersons(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := rand.New(rand.NewPCG(3, 4))
		var rows []relation.PersonInput
		for i := range 40 {
			p := randomPerson(r, i)
			p.Email = fmt.Sprintf("persoon%d@voorbeeld.nl", i)
			p.IBANs = []string{"NL91ABNA0417164300"}
			rows = append(rows, p)
		}
		rows[5].Postcode = "kapot"
		rows[7].Ref = rows[6].Ref
		var ids []int64
		var rerrs relation.RowErrors
		importRows := func() {
			t.Helper()
			if err := e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error {
				var err error
				ids, rerrs, err = e.rel.UpsertPersonsTx(ctx, tx, e.Manager, rows)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		importRows()
		if len(rerrs) != 2 || rerrs[5]["postcode"] != "relation.postcode_invalid" ||
			rerrs[7]["ref"] != "relation.ref_duplicate" || ids[5] != 0 || ids[7] != 0 {
			t.Fatalf("row errors %v, ids %v", rerrs, ids)
		}
		first := slices.Clone(ids)
		tables := []string{"relations", "relation_search", "vault_subjects", "audit_events"}
		snapshot := func() []int {
			var out []int
			for _, tb := range tables {
				out = append(out, count(t, e, `SELECT count(*) FROM `+tb))
			}
			return out
		}
		before := snapshot()
		importRows()
		if !slices.Equal(ids, first) {
			t.Fatalf("second import gave other ids: %v vs %v", ids, first)
		}
		if after := snapshot(); !slices.Equal(after, before) {
			t.Fatalf("importing twice changed %v: %v → %v", tables, before, after)
		}
		// The tenant role given elsewhere survives a re-import.
		acceptAgreement(t, e, e.Owner)
		if err := e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error { return e.rel.MarkTenantTx(ctx, tx, e.Manager, ids[0]) }); err != nil {
			t.Fatal(err)
		}
		rows[1].Surname = "Veranderd"
		rows[2].Roles = relation.RolesOf(relation.RoleOwner)
		importRows()
		if !slices.Equal(ids, first) {
			t.Fatal("ids changed")
		}
		p0, _ := e.rel.Get(ctx, e.Viewer, ids[0], relation.ViaWeb)
		p1, _ := e.rel.Get(ctx, e.Viewer, ids[1], relation.ViaWeb)
		p2, _ := e.rel.Get(ctx, e.Viewer, ids[2], relation.ViaWeb)
		if !p0.Roles.Has(relation.RoleTenant) || p1.Surname != "Veranderd" || !p2.Roles.Has(relation.RoleOwner) {
			t.Fatalf("after update import: %v %q %v", p0.Roles.List(), p1.Surname, p2.Roles.List())
		}
		got, _ := listAll(t, e, e.Viewer, false)
		var valid []relation.PersonInput
		var vids []int64
		for i, p := range rows {
			if ids[i] != 0 {
				valid, vids = append(valid, p), append(vids, ids[i])
			}
		}
		if !slices.Equal(got, expectedOrder(valid, vids)) {
			t.Fatal("import order wrong")
		}
		if n := len(events(t, e, e.Owner.OrgID, "relation.updated")); n != 3 {
			t.Fatalf("%d update events, want 3 (tenant mark, rename, role)", n)
		}
		// The e-mail addresses are found, and not readable.
		if p, _ := e.rel.List(ctx, e.Viewer, listing.Query{Search: "persoon3@voorbeeld.nl"},
			relation.Filter{}); p.Total != 1 || p.Items[0].ID != ids[3] {
			t.Fatalf("search after import: %+v", p)
		}
		if hits := apptest.FindPlaintext(t, e.DB, "persoon3@", "voorbeeld.nl", "Veranderd"); len(hits) > 0 {
			t.Fatalf("plaintext: %v", hits)
		}
		// A reference that belongs to a company is a row error.
		if _, err := e.rel.CreateCompany(ctx, e.Manager, relation.CompanyInput{Ref: "C-1", Name: "Bedrijf BV", LegalForm: "bv"}); err != nil {
			t.Fatal(err)
		}
		err := e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error {
			ids, rerrs,
				err := e.rel.UpsertPersonsTx(ctx, tx, e.Manager,
				[]relation.PersonInput{{Ref: "C-1", Surname: "Persoon"}, {Ref: "N-1", Surname: "Nieuw"}})
			if err == nil && (rerrs[0]["ref"] != "relation.kind_mismatch" || ids[0] != 0 || ids[1] == 0) {
				t.Errorf("company ref in import: %v %v", ids, rerrs)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// A viewer cannot import.
		err = e.DB.InOrg(ctx, e.Viewer.OrgID, func(tx *db.Tx) error {
			_, _, err := e.rel.UpsertPersonsTx(ctx, tx, e.Viewer, rows[:1])
			return err
		})
		wantErr(t, err, validation.ErrForbidden)
	})
}
