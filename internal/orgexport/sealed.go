package orgexport

import (
	"context"
	"strings"

	"hms/internal/platform/db"
)

// How a sealed column is opened.
const (
	ByOrg     = "org"     // vault.OpenOrg(Field)
	BySubject = "subject" // vault.Open under the subject in SubjectSQL
	ByFiscal  = "fiscal"  // the fiscal archive of the year in YearColumn
	Plain     = "plain"   // not sealed (the logo)
)

// Sealed says how the export opens one sealed (or binary) column of an
// organisation table. A column with a Dir is a stored file, written as
// documents/<Dir>/<name>.<ext>; a column without is text, written decrypted
// as the column Name of the table's JSON and CSV files. Field is the vault
// field it was sealed with ("%d" stands for the row's id). The test holds
// this list (with LeftOut) to privacy.Blobs: every sealed column of an
// organisation table is opened here or left out with a reason.
type Sealed struct {
	Table, Column string
	By            string
	Field         string
	SubjectSQL    string // BySubject: an SQL expression of the row giving the vault subject
	YearColumn    string // ByFiscal
	Legacy        string // BySubject rows without a subject (before migration 00040): ByOrg or Plain
	LegacyFlag    string // Legacy ByOrg only when this column is true (lease_documents.sealed); else plain
	Name          string // text: the decrypted column's name
	Dir           string // file: the folder under documents/
	NameSQL       string // file: an SQL expression naming it (default: the id)
	Ext           string // file: the extension ("" : the name has its own)
	TypeColumn    string // file: a content-type column choosing the extension
	IDColumn      string // the row's key (default id)
}

func (sc Sealed) idColumn() string {
	if sc.IDColumn == "" {
		return "id"
	}
	return sc.IDColumn
}

// Fiscal opens the fiscal archive (ledger.Service).
type Fiscal interface {
	OpenFiscal(ctx context.Context, tx *db.Tx, year int, field string, sealed []byte) ([]byte, error)
}

// SealedColumns is every sealed column of an organisation table that the
// export opens. The vault fields are those the capabilities seal with; a
// wrong one fails the export (and its test) rather than writing nothing.
var SealedColumns = []Sealed{
	{Table: "ledger_invoices", Column: "debtor_sealed", By: ByFiscal, Field: "ledger_invoices.debtor_sealed/%d", YearColumn: "fiscal_year",
		Name: "debtor"},
	{Table: "ledger_invoices", Column: "document_sealed", By: ByFiscal, Field: "ledger_invoices.document_sealed/%d",
		YearColumn: "fiscal_year", Dir: "invoices", NameSQL: "number", Ext: "pdf"},
	{Table: "dunning_letters", Column: "document_sealed", By: ByFiscal, Field: "dunning_letters.document_sealed/%d",
		YearColumn: "fiscal_year", Dir: "dunning-letters", Ext: "pdf"},
	{Table: "settlement_statements", Column: "document_sealed", By: ByFiscal, Field: "settlement_statements.document/%d",
		YearColumn: "document_year", Dir: "settlement-statements", Ext: "pdf"},
	{Table: "lease_documents", Column: "content", By: BySubject, Field: "lease_documents.content", SubjectSQL: "subject_id",
		Legacy: ByOrg, LegacyFlag: "sealed", Dir: "lease-documents", Ext: "pdf"},
	{Table: "deposit_specifications", Column: "content", By: BySubject, Field: "deposit_specifications.content",
		SubjectSQL: "subject_id", Legacy: ByOrg, Dir: "deposit-specifications", Ext: "pdf"},
	{Table: "deposit_evidence", Column: "name_sealed", By: BySubject, Field: "deposit_evidence.name", SubjectSQL: "subject_id",
		Legacy: ByOrg, Name: "name"},
	{Table: "deposit_evidence", Column: "content_sealed", By: BySubject, Field: "deposit_evidence.content", SubjectSQL: "subject_id",
		Legacy: ByOrg, Dir: "deposit-evidence", TypeColumn: "content_type"},
	{Table: "rent_increase_proposals", Column: "letter", By: BySubject, Field: "rent_increase_proposals.letter",
		SubjectSQL: "letter_subject_id", Legacy: Plain, Dir: "rent-increase-letters", Ext: "pdf"},
	{Table: "relation_objections", Column: "grounds_sealed", By: BySubject, Field: "relation.objection",
		SubjectSQL: "(SELECT r.subject_id FROM relations r WHERE r.id = relation_id)", Name: "grounds"},
	{Table: "relation_objections", Column: "decision_sealed", By: BySubject, Field: "relation.objection_decision",
		SubjectSQL: "(SELECT r.subject_id FROM relations r WHERE r.id = relation_id)", Name: "decision"},
	{Table: "privacy_requests", Column: "data_sealed", By: BySubject, Field: "privacy_requests.data_sealed", SubjectSQL: "subject_id",
		Name: "data"},
	{Table: "privacy_requests", Column: "export_sealed", By: BySubject, Field: "privacy_requests.export_sealed",
		SubjectSQL: "subject_id", Dir: "subject-request-exports", Ext: "zip"},
	{Table: "dd_mandates", Column: "debtor_sealed", By: ByOrg, Field: "dd_mandates.debtor", Name: "debtor"},
	{Table: "dd_items", Column: "debtor_sealed", By: ByOrg, Field: "dd_items.debtor", Name: "debtor"},
	{Table: "bank_lines", Column: "details_sealed", By: ByOrg, Field: "bank_lines.details", Name: "details"},
	{Table: "ledger_payments", Column: "reference_sealed", By: ByOrg, Field: "ledger_payments.reference", Name: "reference"},
	{Table: "bank_uploads", Column: "file_sealed", By: ByOrg, Field: "bank_uploads.file", Dir: "bank-statements",
		NameSQL: "file_name"},
	{Table: "payout_batches", Column: "file_sealed", By: ByOrg, Field: "payout_batches.file", Dir: "payment-files", Ext: "xml"},
	{Table: "imports", Column: "file_sealed", By: ByOrg, Field: "imports.file", Dir: "imports", NameSQL: "file_name"},
	{Table: "settlement_cost_entries", Column: "evidence_sealed", By: ByOrg, Field: "settlement.evidence", Dir: "cost-evidence",
		NameSQL: "evidence_name"},
	{Table: "mail_outbox", Column: "message_sealed", By: ByOrg, Field: "mail_outbox.message", Dir: "mail", Ext: "eml"},
	{Table: "invitations", Column: "email_sealed", By: ByOrg, Field: "invitations.email", Name: "email"},
	{Table: "org_profiles", Column: "logo", By: Plain, Dir: "logo", TypeColumn: "logo_type", IDColumn: "org_id",
		NameSQL: "'logo'"},
}

// LeftOut are the sealed columns of organisation tables the export does
// not open as such, each with the reason.
var LeftOut = map[string]string{
	"relations.name_sealed":    "opened through the relation's own record: columns of relations",
	"relations.address_sealed": "opened through the relation's own record: columns of relations",
	"relations.contact_sealed": "opened through the relation's own record: columns of relations",
	"relations.birth_sealed":   "opened through the relation's own record: columns of relations",
	"relations.ibans_sealed":   "opened through the relation's own record: columns of relations",
	"relations.list_sealed":    "a copy of the name and place for lists, already in relations",
	"vault_subjects.keyset_wrapped": "key material: a key is not data, and opening a key would hand out the " +
		"means to read every backup",
	"vault_org_keys.aead_wrapped":  "key material",
	"vault_org_keys.index_wrapped": "key material",
	"relation_search.token":        "blind index tokens: look-up keys, no data",
	"sessions.data":                "session state of logged-in users, no organisation data",
}

var extOfType = map[string]string{"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

// textSealed are the text columns opened into table t.
func textSealed(t string) []Sealed {
	var out []Sealed
	for _, s := range SealedColumns {
		if s.Table == t && s.Dir == "" {
			out = append(out, s)
		}
	}
	return out
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	case []byte:
		return string(x) == "1" || string(x) == "true"
	case string:
		return x == "1" || x == "true"
	}
	return false
}

func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 {
			return '-'
		}
		return r
	}, s)
}
