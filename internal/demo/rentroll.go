// Package demo makes a realistic synthetic portfolio: a rent roll of Dutch
// complexes and units with tenants and leases, deterministic for a seed. It
// feeds the importer, so `hms demo` and `hms serve --demo` exercise the same
// path a customer's spreadsheet takes. Every name, address and account is
// invented: e-mail addresses use example domains and IBANs are generated
// with valid check digits at real bank codes but random account numbers.
package demo

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"hms/internal/importer"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/csvfile"
)

var (
	firstNames = []string{
		"Jan", "Pieter", "Kees", "Henk", "Willem", "Daan", "Sem", "Lucas", "Levi", "Finn", "Noah", "Bram", "Thijs", "Ruben", "Jesse",
		"Anna", "Emma", "Sophie", "Julia", "Lotte", "Fleur", "Sanne", "Eva", "Iris", "Femke", "Noor", "Lisa", "Maud", "Tess", "Saskia",
		"Mohamed", "Fatima", "Yusuf", "Ayşe", "Mehmet", "Priya", "Wei", "Olga", "Piotr",
		"Marieke", "Gerrit", "Hendrika", "Joost", "Anouk", "Stijn",
	}
	prefixes = []string{"", "", "", "", "", "van", "de", "van der", "van den", "van de", "den", "ter", "te"}
	surnames = []string{"Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "Dekker",
		"Brouwer", "Dijkstra", "Kok", "Jacobs", "Vermeulen", "Willems", "Hoekstra", "Koster", "Prins", "Huisman", "Kuipers", "Postma", "Schouten",
		"Wouters", "Veenstra", "Kramer", "Bosman", "Hofman", "Yılmaz", "El Amrani", "Boukhari", "Nguyen", "Kowalski", "Öztürk",
		"Groen", "Boer", "Lammers", "Zwart"}
	streets = []string{"Kerkstraat", "Dorpsstraat", "Molenweg", "Schoolstraat", "Stationsweg", "Julianastraat", "Beatrixlaan",
		"Wilhelminastraat", "Nieuwstraat", "Marktplein", "Parklaan", "Lindelaan", "Eikenlaan", "Irisstraat", "Tulpstraat", "Havenkade", "Singel",
		"Prinsengracht", "Burgemeester de Withstraat", "Oranjestraat", "Sportlaan", "Zuiderweg", "Noorderplein", "Esdoornstraat"}
	cities = []struct {
		name       string
		postcodeLo int
	}{{"Amsterdam", 1011}, {"Rotterdam", 3011}, {"Utrecht", 3511}, {"Den Haag", 2511}, {"Eindhoven", 5611}, {"Groningen", 9711},
		{"Tilburg", 5011}, {"Almere", 1311}, {"Breda", 4811}, {"Nijmegen", 6511}, {"Zwolle", 8011}, {"Leiden", 2311}, {"Deventer", 7411}}
	complexNames = []string{"De Linde", "Het Anker", "Zonnehof", "De Meander", "Parkzicht", "De Vaart", "Hofstede", "De Bongerd", "Het Baken",
		"Residentie Oranje", "De Wieken", "Molenhof", "De Kroon", "Waterrijk", "Het Plein"}
	banks = []string{"ABNA", "INGB", "RABO", "SNSB", "ASNB", "TRIO", "KNAB", "BUNQ"}
)

// Options shape the portfolio.
type Options struct {
	Seed  uint64
	Units int
	Today civil.Date // leases start before it; tenant changes happen in its year
}

// RentRoll returns rows keyed by importer column key. Each unit has one row,
// or two when its tenant changed during the year (the first lease ended, the
// second began); about one unit in twenty is vacant.
func RentRoll(o Options) []map[string]string {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	var rows []map[string]string
	tenant, lease, block := 0, 0, 0
	for unit := 0; unit < o.Units; block++ {
		// Complexes of various sizes; some units stand alone.
		size := []int{1, 1, 4, 8, 12, 24, 40, 80}[rng.IntN(8)]
		size = min(size, o.Units-unit)
		city := cities[rng.IntN(len(cities))]
		street := streets[rng.IntN(len(streets))]
		// Each block of units gets a postcode of its own, so addresses never
		// collide however large the portfolio (18×26 letter pairs × 80 numbers).
		postcode := fmt.Sprintf("%04d %c%c", city.postcodeLo+(block/468)%80, 'A'+(block/26)%18, 'A'+block%26)
		complexName := ""
		if size > 1 {
			complexName = fmt.Sprintf("%s %s (%d)", complexNames[rng.IntN(len(complexNames))], city.name, unit)
		}
		segment := []string{"sociaal", "sociaal", "middenhuur", "vrije sector", "vrije sector", "commercieel"}[rng.IntN(6)]
		firstNumber := 1 + rng.IntN(150)
		for i := 0; i < size; i++ {
			unitType := "zelfstandig"
			switch {
			case segment == "commercieel":
				unitType = "bedrijfsruimte"
			case size >= 24 && i%12 == 11:
				unitType = "parkeerplaats"
			case segment == "sociaal" && i%10 == 9:
				unitType = "onzelfstandig"
			}
			addition := ""
			if size > 1 {
				addition = fmt.Sprintf("%d", i%4+1)
			}
			area := 25 + rng.IntN(120)
			if unitType == "parkeerplaats" {
				area = 12
			}
			base := map[string]string{
				"complex": complexName, "street": street, "house_number": fmt.Sprint(firstNumber + i/4), "addition": addition,
				"postcode": postcode, "city": city.name, "unit_type": unitType, "floor_area": fmt.Sprintf("%d,%d", area, rng.IntN(10)),
				"rooms": fmt.Sprint(1 + area/30), "segment": segment,
				"energy_label": []string{"A", "A", "B", "B", "C", "C", "D", "E", "F", "G"}[rng.IntN(10)],
			}
			if segment == "sociaal" && (unitType == "zelfstandig" || unitType == "onzelfstandig") {
				base["wws_points"] = fmt.Sprint(90 + rng.IntN(53))
			}
			unit++
			if rng.IntN(20) == 0 {
				rows = append(rows, base) // vacant
				continue
			}
			rent := rentFor(rng, segment, unitType)
			changed := rng.IntN(12) == 0
			start := o.Today.AddMonths(-(3 + rng.IntN(120))).FirstOfMonth()
			if changed {
				// The previous tenant left during this year; a new one followed.
				end := civil.New(o.Today.Year, time.Month(1+rng.IntN(max(1, int(o.Today.Month)-1))), 1).LastOfMonth()
				if !end.Before(o.Today) {
					end = o.Today.AddMonths(-1).LastOfMonth()
				}
				if !start.Before(end) {
					start = end.AddMonths(-24).FirstOfMonth()
				}
				tenant++
				lease++
				rows = append(rows, withLease(rng, base, tenant, lease, start, end, rent))
				start = end.AddDays(1)
				rent += rent / 50
			}
			tenant++
			lease++
			rows = append(rows, withLease(rng, base, tenant, lease, start, civil.Date{}, rent))
		}
	}
	return rows
}

func rentFor(rng *rand.Rand, segment, unitType string) money.Cents {
	euros := map[string][2]int{"sociaal": {520, 880}, "middenhuur": {900, 1180}, "vrije sector": {1200, 2400},
		"commercieel": {1500, 5200}}[segment]
	c := money.Cents((euros[0] + rng.IntN(euros[1]-euros[0])) * 100)
	switch unitType {
	case "parkeerplaats":
		c = money.Cents((60 + rng.IntN(90)) * 100)
	case "onzelfstandig":
		c = money.Cents((380 + rng.IntN(300)) * 100)
	}
	return c + money.Cents(rng.IntN(4)*25)
}

func withLease(rng *rand.Rand, base map[string]string, tenant, lease int, start, end civil.Date, rent money.Cents) map[string]string {
	row := make(map[string]string, len(base)+16)
	for k, v := range base {
		row[k] = v
	}
	first := firstNames[rng.IntN(len(firstNames))]
	prefix := prefixes[rng.IntN(len(prefixes))]
	surname := surnames[rng.IntN(len(surnames))]
	bank := banks[rng.IntN(len(banks))]
	account := fmt.Sprintf("%010d", rng.Int64N(10_000_000_000))
	iban := "NL" + nl.IBANCheckDigits("NL", bank+account) + bank + account
	mail := strings.ToLower(strings.NewReplacer(" ", "", "ı", "i", "ş", "s", "ö", "o", "ü", "u").Replace(first + "." + prefix + surname))
	row["tenant_ref"] = fmt.Sprintf("D%06d", tenant)
	row["tenant_initials"] = string([]rune(first)[0]) + "."
	row["tenant_first_name"] = first
	row["tenant_prefix"] = prefix
	row["tenant_surname"] = surname
	row["tenant_email"] = fmt.Sprintf("%s%d@example.nl", mail, tenant)
	row["tenant_phone"] = fmt.Sprintf("06%08d", rng.IntN(100_000_000))
	row["tenant_iban"] = iban
	row["tenant_birth_date"] = civil.New(1940+rng.IntN(64), time.Month(1+rng.IntN(12)), 1+rng.IntN(28)).String()
	row["lease_ref"] = fmt.Sprintf("HC-%06d", lease)
	row["lease_start"] = start.String()
	if !end.IsZero() {
		row["lease_end"] = end.String()
	}
	row["bare_rent"] = money.FormatPlain(rent, "nl")
	if row["unit_type"] != "parkeerplaats" && row["unit_type"] != "bedrijfsruimte" {
		row["service_costs"] = money.FormatPlain(money.Cents((25+rng.IntN(95))*100), "nl")
	}
	if rng.IntN(3) > 0 && row["unit_type"] != "bedrijfsruimte" {
		row["deposit"] = money.FormatPlain(rent*money.Cents(1+rng.IntN(2)), "nl")
	}
	row["payment_method"] = "incasso"
	if rng.IntN(10) < 3 {
		row["payment_method"] = "overboeking"
	}
	row["due_day"] = "1"
	return row
}

// WriteCSV writes rows as a Dutch rent-roll file (csvfile.Write: semicolons,
// Dutch headers), the format the importer documents.
func WriteCSV(w io.Writer, rows []map[string]string) error {
	header := make([]string, len(importer.Columns))
	for i, c := range importer.Columns {
		header[i] = c.Dutch
	}
	recs := make([][]string, len(rows))
	for n, r := range rows {
		recs[n] = make([]string, len(importer.Columns))
		for i, c := range importer.Columns {
			recs[n][i] = r[c.Key]
		}
	}
	return csvfile.Write(w, header, recs)
}
