package privacy

// Documents and other binary columns (PRIVACY.md P19–P21): every BLOB or
// BYTEA column of the schema says how it is sealed and what erasure and
// retention do to it, so nothing personal sits in a plaintext blob and
// erasure reaches every stored document about a person.
// TestEveryBlobIsClassified holds this list to the schema.

// Sealing is how a binary column is protected.
type Sealing string

// The ways a binary column is sealed.
const (
	// SealedPerPerson: under the person's own vault subject (a relation, a
	// user); shredding the person's key makes it unreadable everywhere.
	SealedPerPerson Sealing = "person"
	// SealedPerDocument: under a vault subject of the document's own,
	// which erasing any person the document concerns shreds (a lease with
	// two tenants: erasing either shreds it). The erasure journal replays
	// the shred after a restore, so old backups cannot open it either.
	SealedPerDocument Sealing = "document"
	// SealedFiscal: in the fiscal archive (ledger.SealFiscal), per
	// organisation and year: kept for the tax record keeping after an
	// erasure, destroyed with the year's key when the retention ends.
	SealedFiscal Sealing = "fiscal"
	// SealedPerOrganisation: under the organisation key: about several
	// persons or none in particular; erasure replaces or keeps it as Why says.
	SealedPerOrganisation Sealing = "organisation"
	// KeyMaterial: wrapped keys, blind indexes: no plaintext at all.
	KeyMaterial Sealing = "key"
	// Plain: holds no personal data.
	Plain Sealing = "plain"
)

// Blob classifies one binary column.
type Blob struct {
	Sealing Sealing
	Why     string
}

// Blobs classifies every binary column of the schema, by "table.column".
var Blobs = map[string]Blob{
	// Persons and users: sealed per person.
	"relations.name_sealed":               {SealedPerPerson, "the person's name"},
	"relations.address_sealed":            {SealedPerPerson, "the person's addresses"},
	"relations.contact_sealed":            {SealedPerPerson, "the person's e-mail and phones"},
	"relations.birth_sealed":              {SealedPerPerson, "the person's birth date, place and nationality"},
	"relations.ibans_sealed":              {SealedPerPerson, "the person's IBANs"},
	"relations.list_sealed":               {SealedPerPerson, "what a list shows of the person"},
	"users.email_sealed":                  {SealedPerPerson, "the user's e-mail, under the user's subject"},
	"users.name_sealed":                   {SealedPerPerson, "the user's name, under the user's subject"},
	"users.totp_secret_sealed":            {SealedPerPerson, "the user's second factor, under the user's subject"},
	"relation_objections.grounds_sealed":  {SealedPerPerson, "the person's grounds for an objection, under the person's subject"},
	"relation_objections.decision_sealed": {SealedPerPerson, "why an objection was upheld or rejected, under the person's subject"},
	"subscriptions.details_sealed": {SealedPerPerson, "a subscriber's billing details (name, address, e-mail), under the " +
		"subscriber's own subject"},
	"subscriptions.iban_sealed": {SealedPerPerson, "the IBAN of a subscriber's SEPA mandate, under the subscriber's subject"},
	"subscription_batches.file_sealed": {SealedPerDocument, "HMS's own pain.008 file (customers' names and IBANs), under " +
		"the batch's own subject"},
	"subscription_invoices.buyer_sealed": {SealedPerPerson, "the billing details an invoice of HMS printed, under the " +
		"subscriber's subject"},

	// Subject requests: sealed under a subject of each request's own, shredded with the request.
	"privacy_requests.data_sealed":            {SealedPerDocument, "what the requester and the handlers wrote, under the request's subject"},
	"privacy_requests.export_sealed":          {SealedPerDocument, "the export zip handed to the requester, under the request's subject"},
	"privacy_platform_requests.data_sealed":   {SealedPerDocument, "a request to HMS as controller, under the request's subject"},
	"privacy_platform_requests.export_sealed": {SealedPerDocument, "an export for a request to HMS, under the request's subject"},

	// Documents about the tenants of one lease: sealed per document.
	"lease_documents.content": {SealedPerDocument, "the tenant information names the tenants; rows from before " +
		"migration 00040 (sealed per organisation) are sealed so at the server's start"},
	"deposit_specifications.content": {SealedPerDocument, "the deposit specification names the tenants; rows from " +
		"before migration 00040 are sealed so at the server's start"},
	"deposit_evidence.content_sealed": {SealedPerDocument, "evidence of a deduction (photos, invoices) about the " +
		"tenants' home; rows from before migration 00040 are sealed so at the server's start"},
	"deposit_evidence.name_sealed": {SealedPerDocument, "the evidence file's name, under the same subject"},
	"rent_increase_proposals.letter": {SealedPerDocument, "the letter names the tenants; letters from before " +
		"migration 00040 (plain) are sealed so at the server's start"},

	// The books: the fiscal archive.
	"ledger_invoices.debtor_sealed":         {SealedFiscal, "the debtor as invoiced (art. 35a Wet OB: name and address)"},
	"ledger_invoices.document_sealed":       {SealedFiscal, "the invoice PDF as sent"},
	"dunning_letters.document_sealed":       {SealedFiscal, "the reminder or demand as sent, part of the debt's records"},
	"settlement_statements.document_sealed": {SealedFiscal, "the service-cost statement as sent, booked in the ledger"},

	// About several persons or none in particular: sealed per organisation.
	"dd_mandates.debtor_sealed": {SealedPerOrganisation, "the account holder of a mandate (who may not be a tenant); " +
		"replaced by an empty record on erasure"},
	"dd_items.debtor_sealed": {SealedPerOrganisation, "the debtor of one direct debit; replaced by an empty record on erasure"},
	"bank_lines.details_sealed": {SealedPerOrganisation, "a bank line's payer and texts; replaced on erasure, the " +
		"amount and booking stay"},
	"ledger_payments.reference_sealed": {SealedPerOrganisation, "what the payer wrote on a transfer, or a payment's " +
		"note; emptied on erasure of a tenant of the lease (again after a restore), the amount and date stay"},
	"bank_uploads.file_sealed": {SealedPerOrganisation, "a bank statement file as uploaded, every payer of a " +
		"period in one file; kept as the bank's record with the books"},
	"payout_batches.file_sealed": {SealedPerOrganisation, "a pain.001 payment file naming every payee of a " +
		"batch; kept whole as the record of what was paid"},
	"imports.file_sealed": {SealedPerOrganisation, "an uploaded rent roll (many tenants in one file) until it " +
		"is imported"},
	"settlement_cost_entries.evidence_sealed": {SealedPerOrganisation, "a supplier's invoice for a building's " +
		"costs, bookkeeping evidence, not about a tenant"},
	"mail_outbox.message_sealed": {SealedPerOrganisation, "a message in the outbox; sent messages are deleted " +
		"after the queue's retention"},
	"invitations.email_sealed": {SealedPerOrganisation, "an invitee's e-mail until the invitation is used or expires"},
	"user_tokens.data_sealed":  {SealedPerOrganisation, "a new e-mail address awaiting confirmation, for hours"},

	// Keys and indexes.
	"vault_org_keys.aead_wrapped":   {KeyMaterial, "the organisation's key, wrapped by the master key"},
	"vault_org_keys.index_wrapped":  {KeyMaterial, "the organisation's index key, wrapped by the master key"},
	"vault_subjects.keyset_wrapped": {KeyMaterial, "a subject's key, wrapped by the organisation key; shredded on erasure"},
	"relation_search.token":         {KeyMaterial, "blind index tokens (HMAC) for search"},

	// No personal data.
	"sessions.data":     {Plain, "session state: the user's id, flash messages, the CSRF state"},
	"org_profiles.logo": {Plain, "the organisation's logo"},
}
