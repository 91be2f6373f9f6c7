package privacy

// The register of processing activities (GDPR art. 30; PRIVACY.md P1) as
// data: every table that holds personal data names the activity it serves
// and its personal columns with their category; every other table says why
// it holds none. The register that staff and customers read, as a page, CSV
// and PDF, is made from these declarations, and TestEveryColumnIsDeclared
// compares them with the schema, so a new column or table with personal
// data cannot be added without saying why HMS keeps it.

// Role is HMS's role in an activity.
type Role string

// The roles (PRIVACY.md: HMS is controller for its customers' users and
// subscription, processor for the people its customers enter).
const (
	Controller Role = "controller" // verwerkingsverantwoordelijke, art. 30(1)
	Processor  Role = "processor"  // verwerker, on the customer's instructions, art. 30(2)
)

// Words is a text in Dutch and English.
type Words struct{ NL, EN string }

// In is the text in lang ("nl" or "en"; Dutch otherwise).
func (w Words) In(lang string) string {
	if lang == "en" {
		return w.EN
	}
	return w.NL
}

// Category is a kind of personal data.
type Category string

// The categories of personal data HMS holds.
const (
	Identity  Category = "identity"  // names, birth date and place, nationality
	Contact   Category = "contact"   // e-mail, phone
	Address   Category = "address"   // postal addresses, the rented home's address
	Financial Category = "financial" // IBANs, amounts owed and paid, mandates
	Document  Category = "document"  // letters, invoices, statements, evidence as files
	FreeText  Category = "free_text" // notes, reasons, descriptions people type (guarded: P10)
	Login     Category = "login"     // account credentials and second factors
	Technical Category = "technical" // blind indexes, tokens, keys, log entries that name a person
)

// Categories lists the categories in the register's order, with their words.
var Categories = []struct {
	Category Category
	Words    Words
}{
	{Identity, Words{"Identiteit (naam, geboortedatum en -plaats, nationaliteit)",
		"Identity (name, date and place of birth, nationality)"}},
	{Contact, Words{"Contactgegevens (e-mail, telefoon)", "Contact details (e-mail, phone)"}},
	{Address, Words{"Adressen (postadres, adres van de gehuurde woning)", "Addresses (postal address, address of the rented home)"}},
	{Financial, Words{"Financiële gegevens (IBAN, huur, betalingen, machtigingen)", "Financial data (IBAN, rent, payments, mandates)"}},
	{Document, Words{"Documenten (brieven, facturen, afrekeningen, bewijsstukken)", "Documents (letters, invoices, statements, evidence)"}},
	{FreeText, Words{"Vrije tekst (notities, redenen, omschrijvingen)", "Free text (notes, reasons, descriptions)"}},
	{Login, Words{"Inloggegevens (wachtwoord-hash, tweede factor)", "Login data (password hash, second factor)"}},
	{Technical, Words{"Technische gegevens (zoeksleutels, tokens, sleutels, logregels)",
		"Technical data (search keys, tokens, keys, log entries)"}},
}

// Columns declares a table's personal columns under one category; no
// columns means the rows as a whole (amounts and dates about a person).
type Columns struct {
	Table    string
	Columns  []string
	Category Category
}

// Activity is one processing activity of the register.
type Activity struct {
	Key        string
	Role       Role
	Name       Words
	Purpose    Words
	Basis      Words // the legal basis (art. 6)
	Subjects   Words // the categories of data subjects
	Recipients Words
	Retention  Words
	Data       []Columns
}

// Transfers and Security are the same for every activity: HMS keeps data
// in the EEA and protects it with the measures of DESIGN.md §4–5.
var (
	Transfers = Words{"Geen doorgifte buiten de Europese Economische Ruimte.",
		"No transfer outside the European Economic Area."}
	Security = Words{"Versleuteling per persoon (AES-256-GCM, sleutels per organisatie), blinde indexen voor zoeken, " +
		"TLS, rollen per organisatie, toegangslog, manipulatiebestendig auditlog, versleutelde back-ups.",
		"Encryption per person (AES-256-GCM, keys per organisation), blind indexes for look-ups, TLS, roles per " +
			"organisation, access log, tamper-evident audit log, encrypted backups."}
)

// Register lists HMS's processing activities: those for its customers'
// tenants and relations (processor), then its own (controller).
var Register = []Activity{
	{
		Key: "tenants", Role: Processor,
		Name: Words{"Huurders- en relatiebeheer", "Tenant and relation administration"},
		Purpose: Words{"Het vastleggen van huurders, borgen, contactpersonen en leveranciers, hun huurcontracten, " +
			"opzeggingen en de wettelijk verplichte informatie aan de huurder.",
			"Recording tenants, guarantors, contacts and suppliers, their leases, notices and the information the law " +
				"requires for the tenant."},
		Basis:      Words{"Uitvoering van de huurovereenkomst (art. 6(1)(b) AVG).", "Performance of the lease (art. 6(1)(b) GDPR)."},
		Subjects:   Words{"Huurders, borgen, contactpersonen, leveranciers.", "Tenants, guarantors, contacts, suppliers."},
		Recipients: Words{"Medewerkers van de verhuurder met een rol in HMS.", "The landlord's staff with a role in HMS."},
		Retention: Words{"Zolang de relatie loopt en daarna tot de laatste verplichting is afgewikkeld; gewist op verzoek " +
			"door de sleutels te vernietigen.",
			"While the relationship lasts and until the last obligation is settled; erased on request by destroying the keys."},
		Data: []Columns{
			{"relations", []string{"name_sealed", "birth_sealed", "company_name", "kvk", "btw_id"}, Identity},
			{"relations", []string{"contact_sealed"}, Contact},
			{"relations", []string{"address_sealed"}, Address},
			{"relations", []string{"ibans_sealed"}, Financial},
			{"relations", []string{"list_sealed", "fingerprint", "subject_id"}, Technical},
			{"relations", []string{"restricted_at", "restriction_ground", "restricted_by"}, Technical},
			{"relation_objections", []string{"grounds_sealed", "decision_sealed"}, FreeText},
			{"relation_objections", nil, Identity},
			{"relation_search", []string{"token"}, Technical},
			{"relation_order", []string{"sort_key"}, Technical},
			{"relation_contacts", nil, Identity},
			{"lease_parties", nil, Identity},
			{"leases", nil, Financial},
			{"lease_components", []string{"label"}, FreeText},
			{"lease_components", nil, Financial},
			{"lease_terminations", []string{"reason"}, FreeText},
			{"lease_documents", []string{"content"}, Document},
			{"lease_documents", []string{"subject_id"}, Technical},
			{"lease_document_deliveries", nil, Document},
			{"units", []string{"street", "house_number", "addition", "postcode", "city"}, Address},
			{"meter_readings", nil, Financial},
			{"settlement_occupants", nil, Identity},
			{"vault_subjects", []string{"keyset_wrapped"}, Technical},
			{"vault_erasures", []string{"subject_id"}, Technical},
			{"imports", []string{"file_sealed", "file_name"}, Document},
		},
	},
	{
		Key: "receivables", Role: Processor,
		Name: Words{"Huur innen en administreren", "Collecting and accounting for rent"},
		Purpose: Words{"Het in rekening brengen van huur en servicekosten, het verwerken van betalingen, herinneringen " +
			"en aanmaningen, betalingsregelingen, huurverhogingen, de servicekostenafrekening, waarborgsommen en " +
			"terugbetalingen.",
			"Charging rent and service costs, processing payments, reminders and demands, payment plans, rent increases, " +
				"the service-cost settlement, deposits and refunds."},
		Basis: Words{"Uitvoering van de huurovereenkomst en de wettelijke bewaarplicht (art. 6(1)(b) en (c) AVG; art. 52 AWR).",
			"Performance of the lease and the statutory duty to keep records (art. 6(1)(b) and (c) GDPR; art. 52 AWR)."},
		Subjects: Words{"Huurders en borgen.", "Tenants and guarantors."},
		Recipients: Words{"De verhuurder; de huurder zelf (facturen, brieven); bij overdracht een deurwaarder of " +
			"incassobureau dat de verhuurder aanwijst.",
			"The landlord; the tenant (invoices, letters); on a hand-over, a bailiff or collection agency the landlord names."},
		Retention: Words{"Facturen, betalingen en hun debiteurgegevens zeven jaar na afloop van het boekjaar " +
			"(fiscale bewaarplicht), daarna vernietigd.",
			"Invoices, payments and their debtor details seven years after the end of the fiscal year (tax record " +
				"keeping), then destroyed."},
		Data: []Columns{
			{"ledger_invoices", []string{"debtor_sealed"}, Identity},
			{"ledger_invoices", []string{"document_sealed"}, Document},
			{"ledger_invoices", []string{"reason"}, FreeText},
			{"ledger_invoices", nil, Financial},
			{"ledger_charges", nil, Financial},
			{"ledger_payments", []string{"reference", "reference_sealed"}, FreeText},
			{"ledger_payments", nil, Financial},
			{"ledger_allocations", nil, Financial},
			{"ledger_fiscal_keys", []string{"subject_id"}, Technical},
			{"lease_deposit_entries", []string{"reason", "note"}, FreeText},
			{"lease_deposit_entries", nil, Financial},
			{"deposit_evidence", []string{"name_sealed", "content_sealed"}, Document},
			{"deposit_evidence", []string{"subject_id"}, Technical},
			{"deposit_specifications", []string{"content"}, Document},
			{"deposit_specifications", []string{"subject_id"}, Technical},
			{"dunning_proposals", []string{"reason"}, FreeText},
			{"dunning_proposals", nil, Financial},
			{"dunning_proposal_items", nil, Financial},
			{"dunning_letters", []string{"document_sealed"}, Document},
			{"dunning_letters", nil, Financial},
			{"dunning_letter_items", nil, Financial},
			{"dunning_plans", []string{"note"}, FreeText},
			{"dunning_plans", nil, Financial},
			{"dunning_plan_items", nil, Financial},
			{"dunning_plan_terms", nil, Financial},
			{"rent_increase_proposals", []string{"address"}, Address},
			{"rent_increase_proposals", []string{"notes"}, FreeText},
			{"rent_increase_proposals", []string{"letter"}, Document},
			{"rent_increase_proposals", []string{"letter_subject_id"}, Technical},
			{"rent_increase_proposals", nil, Financial},
			{"rent_increase_clauses", nil, Financial},
			{"settlement_statements", []string{"document_sealed"}, Document},
			{"settlement_statements", nil, Financial},
			{"settlement_run_occupancies", nil, Financial},
			{"settlement_run_lines", nil, Financial},
			{"settlement_levy_shares", nil, Financial},
			{"settlement_prior_advances", nil, Financial},
			{"settlement_cost_entries", []string{"description", "evidence_name"}, FreeText},
			{"settlement_cost_entries", []string{"evidence_sealed"}, Document},
			{"payouts", []string{"note"}, FreeText},
			{"payouts", nil, Financial},
		},
	},
	{
		Key: "payments", Role: Processor,
		Name: Words{"Incasso en bankafschriften", "Direct debit and bank statements"},
		Purpose: Words{"Het innen van huur per SEPA-incasso op basis van een machtiging, het inlezen van bankafschriften " +
			"en het koppelen van betalingen aan openstaande posten, en het terugbetalen per overboeking.",
			"Collecting rent by SEPA direct debit under a mandate, reading bank statements and matching payments to open " +
				"items, and paying back by transfer."},
		Basis:    Words{"Uitvoering van de huurovereenkomst (art. 6(1)(b) AVG).", "Performance of the lease (art. 6(1)(b) GDPR)."},
		Subjects: Words{"Huurders en andere betalers.", "Tenants and other payers."},
		Recipients: Words{"De verhuurder; de bank van de verhuurder (de verhuurder levert de bestanden zelf aan).",
			"The landlord; the landlord's bank (the landlord delivers the files)."},
		Retention: Words{"Machtigingen tot 36 maanden na de laatste incasso; bankregels en bestanden zeven jaar " +
			"(fiscale bewaarplicht).",
			"Mandates until 36 months after the last collection; bank lines and files seven years (tax record keeping)."},
		Data: []Columns{
			{"dd_mandates", []string{"debtor_sealed"}, Financial},
			{"dd_mandates", []string{"iban_token"}, Technical},
			{"dd_mandates", nil, Financial},
			{"dd_items", []string{"debtor_sealed"}, Financial},
			{"dd_items", nil, Financial},
			{"bank_lines", []string{"details_sealed"}, Financial},
			{"bank_lines", []string{"payer_token"}, Technical},
			{"bank_lines", []string{"note"}, FreeText},
			{"bank_lines", nil, Financial},
			{"bank_entries", nil, Financial},
			{"bank_payers", []string{"payer_token"}, Technical},
			{"bank_uploads", []string{"file_sealed", "file_name"}, Document},
			{"bank_imports", []string{"file_name"}, FreeText},
			{"payout_batches", []string{"file_sealed"}, Document},
		},
	},
	{
		Key: "mail", Role: Processor,
		Name: Words{"Berichten aan huurders", "Messages to tenants"},
		Purpose: Words{"Het versturen van facturen, brieven en afrekeningen per e-mail namens de verhuurder.",
			"Sending invoices, letters and statements by e-mail on the landlord's behalf."},
		Basis: Words{"Uitvoering van de huurovereenkomst (art. 6(1)(b) AVG).", "Performance of the lease (art. 6(1)(b) GDPR)."},
		Subjects: Words{"Huurders; ook gebruikers van HMS (uitnodigingen, wachtwoordherstel).",
			"Tenants; also HMS's users (invitations, password resets)."},
		Recipients: Words{"De ontvanger van het bericht; de mailserver van HMS.", "The message's recipient; HMS's mail server."},
		Retention: Words{"Verzonden berichten worden na de bewaartermijn van de wachtrij verwijderd (standaard 30 dagen).",
			"Sent messages are deleted after the queue's retention (30 days by default)."},
		Data: []Columns{
			{"mail_outbox", []string{"message_sealed"}, Document},
		},
	},
	{
		Key: "accounts", Role: Controller,
		Name: Words{"Accounts van gebruikers", "User accounts"},
		Purpose: Words{"Het aanmaken van accounts, inloggen, tweestapsverificatie, uitnodigingen, rollen per organisatie en API-sleutels.",
			"Creating accounts, signing in, two-step verification, invitations, roles per organisation and API keys."},
		Basis: Words{"Uitvoering van de overeenkomst met de klant (art. 6(1)(b) AVG).",
			"Performance of the contract with the customer (art. 6(1)(b) GDPR)."},
		Subjects: Words{"Gebruikers van HMS (verhuurders, beheerders, hun medewerkers).",
			"HMS's users (landlords, managers, their staff)."},
		Recipients: Words{"Medewerkers van HMS die het platform beheren.", "HMS staff who run the platform."},
		Retention: Words{"Zolang het account bestaat; sessies en inlogpogingen kort (uren tot dagen).",
			"While the account exists; sessions and login attempts briefly (hours to days)."},
		Data: []Columns{
			{"users", []string{"name_sealed"}, Identity},
			{"users", []string{"email_sealed"}, Contact},
			{"users", []string{"email_index", "subject_id"}, Technical},
			{"users", []string{"password_hash", "totp_secret_sealed"}, Login},
			{"recovery_codes", []string{"code_hash"}, Login},
			{"user_tokens", []string{"token_hash", "data_sealed"}, Login},
			{"sessions", []string{"token", "data"}, Login},
			{"api_tokens", []string{"token_hash"}, Login},
			{"invitations", []string{"email_sealed"}, Contact},
			{"invitations", []string{"email_index", "token_hash"}, Technical},
			{"memberships", nil, Identity},
			{"privacy_agreement_acceptances", nil, Identity},
			{"policy_dismissals", nil, Identity},
		},
	},
	{
		Key: "customers", Role: Controller,
		Name: Words{"Klantgegevens van verhuurders", "Landlords' customer details"},
		Purpose: Words{"De gegevens van de verhuurder die op zijn documenten staan (naam, adres, contact, KvK, btw, " +
			"rekeningnummers, incassant-ID) en de abonnementsgegevens.",
			"The landlord's details that its documents print (name, address, contact, KvK, VAT, account numbers, creditor " +
				"id) and the subscription details."},
		Basis: Words{"Uitvoering van de overeenkomst met de klant; wettelijke plicht voor facturen (art. 6(1)(b) en (c) AVG).",
			"Performance of the contract with the customer; legal duty for invoices (art. 6(1)(b) and (c) GDPR)."},
		Subjects: Words{"Verhuurders die een natuurlijke persoon of eenmanszaak zijn.",
			"Landlords who are natural persons or sole traders."},
		Recipients: Words{"Huurders van de verhuurder (op documenten); medewerkers van HMS.",
			"The landlord's tenants (on documents); HMS staff."},
		Retention: Words{"Zolang de klant klant is; daarna volgens de fiscale bewaarplicht voor facturen.",
			"While the customer is a customer; then as tax record keeping requires for invoices."},
		Data: []Columns{
			{"organisations", []string{"name"}, Identity},
			{"org_profiles", []string{"legal_name", "kvk", "vat_id"}, Identity},
			{"org_profiles", []string{"street", "house_number", "postcode", "city"}, Address},
			{"org_profiles", []string{"email", "phone"}, Contact},
			{"org_profiles", []string{"logo"}, Document},
			{"lease_settings", []string{"landlord_name"}, Identity},
			{"lease_settings", []string{"landlord_address"}, Address},
			{"lease_settings", []string{"landlord_phone", "landlord_email"}, Contact},
			{"billing_settings", []string{"issuer_kvk", "issuer_vat_id"}, Identity},
			{"billing_settings", []string{"issuer_iban"}, Financial},
			{"bank_accounts", []string{"iban", "bic", "name"}, Financial},
			{"bank_settings", []string{"creditor_id", "creditor_name"}, Financial},
			{"dd_batches", []string{"creditor_name", "creditor_iban", "creditor_bic"}, Financial},
			{"rent_increase_settings", []string{"sender_name"}, Identity},
			{"privacy_optional_fields", []string{"purpose"}, FreeText},
		},
	},
	{
		Key: "hms_billing", Role: Controller,
		Name: Words{"Abonnement en facturen van HMS", "HMS's subscription and invoices"},
		Purpose: Words{"Het abonnement van de klant bij HMS: de factuurgegevens (naam, adres, e-mail, KvK, btw, rekening), " +
			"de machtiging, de facturen van HMS en de incasso ervan.",
			"The customer's subscription with HMS: the billing details (name, address, e-mail, KvK, VAT, account), the mandate, " +
				"HMS's invoices and their collection."},
		Basis: Words{"Uitvoering van de overeenkomst met de klant en de wettelijke bewaarplicht voor facturen " +
			"(art. 6(1)(b) en (c) AVG; art. 52 AWR).",
			"Performance of the contract with the customer and the statutory duty to keep invoices (art. 6(1)(b) and (c) GDPR; art. 52 AWR)."},
		Subjects: Words{"Factuurcontacten en eigenaren van klanten; klanten die een natuurlijke persoon of eenmanszaak zijn.",
			"Customers' billing contacts and owners; customers who are natural persons or sole traders."},
		Recipients: Words{"Medewerkers van HMS; de bank van HMS (incasso).", "HMS staff; HMS's bank (collection)."},
		Retention: Words{"Factuurgegevens zolang het abonnement loopt; facturen en hun factuurgegevens zeven jaar na afloop van het " +
			"boekjaar (fiscale bewaarplicht), daarna vernietigd.",
			"Billing details while the subscription runs; invoices and the billing details on them seven years after the end of the " +
				"fiscal year (tax record keeping), then destroyed."},
		Data: []Columns{
			// The subscription with HMS (package subscription, P8): billing
			// details and the IBAN sealed per subscriber, the mandate HMS
			// collects its fee under.
			{"subscriptions", []string{"details_sealed"}, Identity},
			{"subscriptions", []string{"iban_sealed", "bic", "mandate_reference", "mandate_signed_at"}, Financial},
			{"subscriptions", []string{"subject_id"}, Technical},
			// A cancellation: who asked it (a user id), its dates, and how
			// many owners the shred's confirmation went to.
			{"subscription_cancellations", []string{"requested_by"}, Technical},
			// HMS's own invoices: the billing details printed, sealed.
			{"subscription_invoices", []string{"buyer_sealed"}, Identity},
			{"subscription_invoices", []string{"mandate_reference"}, Financial},
			{"subscription_invoices", []string{"subject_id"}, Technical},
			{"subscription_batches", []string{"file_sealed"}, Financial},
			{"subscription_batches", []string{"subject_id"}, Technical},
		},
	},
	{
		Key: "security", Role: Controller,
		Name: Words{"Beveiliging en verantwoording", "Security and accountability"},
		Purpose: Words{"Het vastleggen wie wat deed en wie welke persoonsgegevens bekeek (toegangslog), het beperken van " +
			"inlogpogingen en het uitvoeren van achtergrondtaken.",
			"Recording who did what and who viewed which personal data (access log), limiting login attempts and running " +
				"background jobs."},
		Basis: Words{"Gerechtvaardigd belang en de plicht tot passende beveiliging (art. 6(1)(f) en art. 32 AVG).",
			"Legitimate interest and the duty of appropriate security (art. 6(1)(f) and art. 32 GDPR)."},
		Subjects: Words{"Gebruikers; de personen over wie een logregel gaat (alleen met nummers, nooit met namen).",
			"Users; the people a log entry is about (by number only, never by name)."},
		Recipients: Words{"De eigenaren van de organisatie (toegangslog); medewerkers van HMS.",
			"The organisation's owners (access log); HMS staff."},
		Retention: Words{"Auditlog standaard zeven jaar (de organisatie stelt dit in onder Bewaartermijnen); inlogpogingen en " +
			"tellers uren; taken tot 30 dagen na afloop; juridische blokkades tot ze worden opgeheven.",
			"Audit log seven years by default (the organisation sets it under Retention periods); login attempts and counters " +
				"hours; jobs until 30 days after they end; legal holds until they are lifted."},
		Data: []Columns{
			{"audit_events", []string{"actor_user_id", "target_id", "details"}, Technical},
			{"login_failures", []string{"key"}, Technical},
			{"rate_counters", []string{"key"}, Technical},
			{"jobs", []string{"payload", "last_error"}, Technical},
			{"access_grants", []string{"staff_user_id"}, Technical},
			{"access_grants", []string{"reason"}, FreeText},
			{"retention_holds", []string{"target_id", "placed_by", "lifted_by"}, Technical},
			{"retention_holds", []string{"reason"}, FreeText},
			{"breaches", []string{"description", "categories", "consequences", "measures", "no_notify_reason",
				"late_reason"}, FreeText},
		},
	},
	{
		Key: "subject_requests", Role: Processor,
		Name: Words{"Verzoeken van betrokkenen aan de verhuurder", "Data subjects' requests to the landlord"},
		Purpose: Words{"Het ontvangen, controleren en beantwoorden van verzoeken om inzage, correctie, aanvulling, wissing, " +
			"overdracht, beperking en bezwaar over gegevens die de verhuurder vastlegde.",
			"Receiving, verifying and answering requests for access, rectification, completion, erasure, portability, " +
				"restriction and objection about data the landlord recorded."},
		Basis: Words{"Wettelijke verplichting (art. 6(1)(c) en art. 12-22 AVG).",
			"Legal obligation (art. 6(1)(c) and art. 12-22 GDPR)."},
		Subjects:   Words{"Verzoekers: huurders, oud-huurders en andere betrokkenen.", "Requesters: tenants, former tenants and others."},
		Recipients: Words{"Eigenaren en beheerders van de verhuurder; de verzoeker.", "The landlord's owners and managers; the requester."},
		Retention: Words{"Tot het verzoek is afgehandeld en de verantwoording ervan niet meer nodig is; gewist door de sleutels " +
			"te vernietigen.", "Until the request is answered and accounting for it is no longer needed; erased by destroying the keys."},
		Data: []Columns{
			{"privacy_requests", []string{"data_sealed"}, Identity},
			{"privacy_requests", []string{"export_sealed"}, Document},
			{"privacy_requests", []string{"subject_id", "code_hash", "person_id"}, Technical},
		},
	},
	{
		Key: "hms_subject_requests", Role: Controller,
		Name: Words{"Verzoeken van betrokkenen aan HMS", "Data subjects' requests to HMS"},
		Purpose: Words{"Het beantwoorden van verzoeken over gebruikersaccounts en de website, en het doorsturen van verzoeken " +
			"naar de verhuurder die verantwoordelijke is.",
			"Answering requests about user accounts and the website, and forwarding requests to the landlord who is controller."},
		Basis: Words{"Wettelijke verplichting (art. 6(1)(c) en art. 12-22 AVG).",
			"Legal obligation (art. 6(1)(c) and art. 12-22 GDPR)."},
		Subjects: Words{"Verzoekers.", "Requesters."},
		Recipients: Words{"Medewerkers van HMS; de verhuurder naar wie een verzoek wordt doorgestuurd.",
			"HMS staff; the landlord a request is forwarded to."},
		Retention: Words{"Tot het verzoek is afgehandeld en de verantwoording ervan niet meer nodig is; links 14 dagen.",
			"Until the request is answered and accounting for it is no longer needed; links 14 days."},
		Data: []Columns{
			{"privacy_platform_requests", []string{"data_sealed"}, Identity},
			{"privacy_platform_requests", []string{"export_sealed"}, Document},
			{"privacy_platform_requests", []string{"subject_id", "code_hash", "person_id"}, Technical},
			{"privacy_request_tokens", []string{"token_hash"}, Technical},
		},
	},
}

// NoPersonalData are the tables that hold no personal data, with why.
var NoPersonalData = map[string]string{
	"audit_heads":                 "the audit chain's last hash per organisation",
	"complexes":                   "buildings: a name and the building's address",
	"cpi_indices":                 "published price indices",
	"dunning_settings":            "the organisation's dunning terms",
	"job_turns":                   "which organisation's job ran last",
	"ledger_counters":             "the last invoice number per series",
	"ledger_runs":                 "rent runs: period, scope and totals",
	"lease_units":                 "which units a lease lets",
	"meters":                      "a unit's meters and their numbers",
	"payout_settings":             "the four-eyes setting",
	"policy_announcements":        "which policy and terms versions were mailed, when, to how many",
	"plans":                       "HMS's price tiers by number of units",
	"subscription_counters":       "the last number of HMS's own invoice series",
	"subscription_batch_items":    "which of HMS's invoices a collection took, as FRST or RCUR, for how much; collected or returned (R-code)",
	"trial_reminders":             "which trial reminders an organisation's owners were sent, when, to how many",
	"rent_increase_cap_overrides": "the organisation's own rent caps",
	"settlement_degree_days":      "degree days per month",
	"settlement_key_shares":       "shares of units in a cost key",
	"settlement_keys":             "cost keys per complex and year",
	"settlement_knmi_days":        "KNMI daily temperatures",
	"settlement_levies":           "levies on a complex (a name such as OZB, an amount)",
	"settlement_run_costs":        "costs of a settlement run per cost line",
	"settlement_run_entries":      "cost entries assigned to a settlement run",
	"settlement_runs":             "settlement runs of a complex and year",
	"settlement_settings":         "the organisation's settlement terms and texts",
	"settlement_vat_classes":      "VAT classes of cost categories",
	"settlement_years":            "a complex's settlement year settings",
	"settlement_cost_entry_units": "which units a cost entry is for",
	"vault_org_keys":              "the organisation's wrapped keys",
	"vault_org_erasures":          "the shredded organisations' ids and when, replayed after a restore",
	"privacy_settings":            "the organisation's guard mode for free text",
	"relation_order_state":        "the version of the relations' sort order",
	"hms_org_seals":               "PostgreSQL only: the random seal naming an organisation to its role",
	"bank_statements":             "a statement's balances and dates",
	"breach_customers":            "which customers a breach touched: counts and when they were told",
	"stats_daily": "website statistics (PRIVACY.md P2): page views and unique visitors per day and per path, referrer host, " +
		"device class, browser and system family, country and screen class; no address, user agent or visitor key",
	"retention_rules":   "the organisation's retention periods per category",
	"audit_checkpoints": "where an audit chain was pruned: a position, a hash and a signature",
}

// NotPersonalColumns are columns whose names suggest personal data but that
// hold none, with why (see personalName in the test).
var NotPersonalColumns = map[string]string{
	"complexes.name":                             "a building's name",
	"complexes.name_key":                         "a building's name for sorting",
	"complexes.street":                           "a building's address",
	"complexes.house_number":                     "a building's address",
	"complexes.postcode":                         "a building's address",
	"complexes.city":                             "a building's address",
	"api_tokens.name":                            "the label an owner gives a token",
	"subscriptions.creditor_name":                "HMS's own name as the creditor of the mandate",
	"plans.name_nl":                              "a plan's name",
	"plans.name_en":                              "a plan's name",
	"settlement_levies.name":                     "a levy's name (OZB, waterschap)",
	"settlement_settings.inspection_text":        "the organisation's standard text",
	"settlement_settings.objection_text":         "the organisation's standard text",
	"rent_increase_settings.objection_text":      "the organisation's standard text",
	"rent_increase_settings.objection_text_free": "the organisation's standard text",
	"lease_settings.extra_information":           "the organisation's standard text",
	"lease_documents.sealed":                     "whether the content is sealed",
	"meters.number":                              "a meter's number",
	"bank_imports.file_sha256":                   "a file's hash",
	"bank_statements.bank_ref":                   "the bank's statement reference",
	"vault_org_keys.index_wrapped":               "the organisation's wrapped index key",
	"vault_org_keys.aead_wrapped":                "the organisation's wrapped key",
	"dd_mandates.status_reason":                  "a SEPA reason code",
	"dd_items.return_reason":                     "a SEPA return reason code",
	"bank_lines.return_reason":                   "a SEPA return reason code",
	"subscription_batch_items.return_reason":     "a SEPA return reason code of HMS's own collection",
	"user_tokens.purpose":                        "what a token is for (reset, confirm)",
	"bank_accounts.purpose":                      "what an account is for (rent, deposits)",
	"jobs.progress_note":                         "a job's progress in words, without names",
	"units.energy_label":                         "a home's energy label",
	"ledger_runs.scope_name":                     "the complex or unit a rent run was for",
	"ledger_runs.undo_credit_notes":              "how many credit notes undoing a run made",
	"stats_daily.day":                            "the day the counts are of",
	"stats_daily.dimension":                      "which aggregate: total, path, referrer, device, browser, system, country or screen",
	"stats_daily.value":                          "a path without query string, a referrer's host, a family, class or country code",
	"stats_daily.pageviews":                      "a count of page views",
	"stats_daily.visitors":                       "a count of visitors, told apart in memory only by a daily secret never stored",
	"privacy_request_tokens.purpose":             "what a link is for (the code form, a download)",
}
