package privacy

import (
	"fmt"
	"slices"
	"strings"
)

// The register of recipients and sub-processors (PRIVACY.md P17, P18) as
// data: who receives personal data from HMS, for what, and in which
// country. The storage and mail locations come from the configuration
// (HMS_STORAGE_COUNTRY, HMS_MAIL_COUNTRY), so what the register says is
// what start-up checked (CheckLocations).

// EEA are the member states of the European Economic Area: the 27 EU
// member states and Iceland, Liechtenstein and Norway (EEA Agreement,
// art. 126; GDPR applies there directly).
var EEA = []string{
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
	"LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
	"IS", "LI", "NO",
}

// Adequate are the countries with an adequacy decision of the European
// Commission under art. 45 GDPR (or art. 25(6) of Directive 95/46, kept in
// force by art. 45(9)), as listed by the Commission on "Adequacy decisions"
// (commission.europa.eu, data protection, international dimension).
// Canada's decision covers only commercial organisations under PIPEDA and
// the United States' only organisations certified under the EU-US Data
// Privacy Framework: a configuration cannot show either, so they are in
// Partial and start-up does not accept them on the country alone.
var Adequate = []string{
	"AD", // Andorra
	"AR", // Argentina
	"CH", // Switzerland
	"FO", // Faroe Islands
	"GB", // United Kingdom (GDPR and LED decisions, 2021, renewed)
	"GG", // Guernsey
	"IL", // Israel
	"IM", // Isle of Man
	"JE", // Jersey
	"JP", // Japan
	"KR", // Republic of Korea
	"NZ", // New Zealand
	"UY", // Uruguay
}

// Partial are the countries whose adequacy decision covers only some
// recipients there (see Adequate).
var Partial = []string{"CA", "US"}

// Location is where a country stands under chapter V of the GDPR.
type Location string

// The locations.
const (
	InEEA        Location = "eea"      // no transfer
	AdequateLand Location = "adequate" // a transfer on an adequacy decision (art. 45)
	NoBasis      Location = "none"     // refused: no adequacy decision HMS can rely on
)

// Locations lists the locations.
var Locations = []Location{InEEA, AdequateLand, NoBasis}

// LocationOf says where country (ISO 3166-1 alpha-2) stands.
func LocationOf(country string) Location {
	c := strings.ToUpper(strings.TrimSpace(country))
	switch {
	case slices.Contains(EEA, c):
		return InEEA
	case slices.Contains(Adequate, c):
		return AdequateLand
	default:
		return NoBasis
	}
}

// CheckLocations refuses a storage or mail location that would transfer
// personal data to a country without an adequacy decision (art. 44–45
// GDPR; PRIVACY.md P18). HMS offers no other transfer basis (standard
// clauses are a contract, not a setting), so start-up stops instead.
func CheckLocations(storage, mail string) error {
	for _, l := range []struct{ setting, country string }{
		{"HMS_STORAGE_COUNTRY", storage}, {"HMS_MAIL_COUNTRY", mail},
	} {
		c := strings.ToUpper(strings.TrimSpace(l.country))
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return fmt.Errorf("%s=%q: give a country as two letters (ISO 3166-1), such as NL", l.setting, l.country)
		}
		if LocationOf(c) == NoBasis {
			why := "is outside the European Economic Area and has no adequacy decision of the European Commission"
			if slices.Contains(Partial, c) {
				why = "is outside the European Economic Area and its adequacy decision covers only some " +
					"organisations there, which a setting cannot show"
			}
			return fmt.Errorf("%s=%s: %s (GDPR art. 45); HMS does not start with personal data there", l.setting, c, why)
		}
	}
	return nil
}

// Recipient is one recipient or sub-processor of the register.
type Recipient struct {
	Key     string
	Name    Words
	Purpose Words
	Country string // ISO 3166-1 alpha-2
	// Setting names the configuration that gives the country; empty when
	// the country is fixed.
	Setting string
}

// Location is where the recipient's country stands.
func (r Recipient) Location() Location { return LocationOf(r.Country) }

// recipients lists who receives personal data from HMS. Banks are not in
// it: payment and collection files are downloaded by the user, HMS sends
// nothing to a bank (P17).
var recipients = []Recipient{
	{Key: "hosting", Setting: "HMS_STORAGE_COUNTRY",
		Name: Words{"Hosting en opslag (database, bestanden, back-ups)", "Hosting and storage (database, files, backups)"},
		Purpose: Words{"Het bewaren van alle gegevens van HMS, versleuteld per persoon.",
			"Keeping all of HMS's data, encrypted per person."}},
	{Key: "mail", Setting: "HMS_MAIL_COUNTRY",
		Name: Words{"E-mailverzending (SMTP-server)", "Sending e-mail (SMTP server)"},
		Purpose: Words{"Het bezorgen van e-mail van HMS en van de verhuurder: bevestigingen, facturen, brieven.",
			"Delivering e-mail from HMS and from the landlord: confirmations, invoices, letters."}},
	{Key: "ap", Country: "NL",
		Name: Words{"Autoriteit Persoonsgegevens", "Dutch Data Protection Authority (Autoriteit Persoonsgegevens)"},
		Purpose: Words{"Melding van een datalek (art. 33 AVG), alleen wanneer dat nodig is.",
			"Notification of a personal data breach (art. 33 GDPR), only when required."}},
}

// Recipients is the register with the configured countries filled in.
func (s *Service) Recipients() []Recipient {
	out := slices.Clone(recipients)
	for i := range out {
		switch out[i].Setting {
		case "HMS_STORAGE_COUNTRY":
			out[i].Country = s.storageCountry
		case "HMS_MAIL_COUNTRY":
			out[i].Country = s.mailCountry
		}
	}
	return out
}

// countryNames are the names of the countries CheckLocations accepts.
var countryNames = map[string]Words{
	"AT": {"Oostenrijk", "Austria"}, "BE": {"België", "Belgium"}, "BG": {"Bulgarije", "Bulgaria"},
	"CY": {"Cyprus", "Cyprus"}, "CZ": {"Tsjechië", "Czechia"}, "DE": {"Duitsland", "Germany"},
	"DK": {"Denemarken", "Denmark"}, "EE": {"Estland", "Estonia"}, "ES": {"Spanje", "Spain"},
	"FI": {"Finland", "Finland"}, "FR": {"Frankrijk", "France"}, "GR": {"Griekenland", "Greece"},
	"HR": {"Kroatië", "Croatia"}, "HU": {"Hongarije", "Hungary"}, "IE": {"Ierland", "Ireland"},
	"IT": {"Italië", "Italy"}, "LT": {"Litouwen", "Lithuania"}, "LU": {"Luxemburg", "Luxembourg"},
	"LV": {"Letland", "Latvia"}, "MT": {"Malta", "Malta"}, "NL": {"Nederland", "the Netherlands"},
	"PL": {"Polen", "Poland"}, "PT": {"Portugal", "Portugal"}, "RO": {"Roemenië", "Romania"},
	"SE": {"Zweden", "Sweden"}, "SI": {"Slovenië", "Slovenia"}, "SK": {"Slowakije", "Slovakia"},
	"IS": {"IJsland", "Iceland"}, "LI": {"Liechtenstein", "Liechtenstein"}, "NO": {"Noorwegen", "Norway"},
	"AD": {"Andorra", "Andorra"}, "AR": {"Argentinië", "Argentina"}, "CH": {"Zwitserland", "Switzerland"},
	"FO": {"Faeröer", "Faroe Islands"}, "GB": {"Verenigd Koninkrijk", "United Kingdom"},
	"GG": {"Guernsey", "Guernsey"}, "IL": {"Israël", "Israel"}, "IM": {"Isle of Man", "Isle of Man"},
	"JE": {"Jersey", "Jersey"}, "JP": {"Japan", "Japan"}, "KR": {"Zuid-Korea", "South Korea"},
	"NZ": {"Nieuw-Zeeland", "New Zealand"}, "UY": {"Uruguay", "Uruguay"},
}

// CountryName is the recipient's country in lang.
func (r Recipient) CountryName(lang string) string {
	if w, ok := countryNames[r.Country]; ok {
		return w.In(lang)
	}
	return r.Country
}
