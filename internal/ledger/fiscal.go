package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// The fiscal archive (DESIGN.md §4): what the law makes us keep with the
// books (the debtor's name and address as printed on an invoice, the
// invoice document) is sealed under a vault subject per organisation and
// fiscal year, not under the person's own subject. Erasing the person
// leaves the invoice printable; destroying the year's subject when the
// retention period ends destroys the year's archive at once.

// RetentionYears is how many full years after the end of a fiscal year its
// records must be kept: AWR art. 52 lid 4 (bewaarplicht, 7 years; DOMAIN.md
// §8.1).
const RetentionYears = 7

// fiscalSubjectKind is the vault subject kind of a fiscal year's key.
const fiscalSubjectKind = "fiscal"

var (
	// ErrFiscalShredded: the fiscal year's archive was destroyed at the end
	// of its retention period; nothing sealed in it opens any more.
	ErrFiscalShredded = &validation.Problem{Status: 410, Code: "billing.doc.archive_destroyed"}
	// ErrRetentionRunning: the year is still within its retention period.
	ErrRetentionRunning = &validation.Problem{Status: 409, Code: "billing.doc.retention_running"}
)

// fiscalSubject returns the subject of tx's organisation for year; create
// makes it on first use (tx must be able to write). Without create, a
// year that has none yet is vault.ErrNoSubject.
func (s *Service) fiscalSubject(ctx context.Context, tx *db.Tx, year int, create bool) (vault.SubjectID, error) {
	id, err := fiscalKey(ctx, tx, year)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if !create {
		return 0, vault.ErrNoSubject
	}
	fresh, err := s.vault.NewSubject(ctx, tx, fiscalSubjectKind)
	if err != nil {
		return 0, fmt.Errorf("ledger: fiscal key %d: %w", year, err)
	}
	// On PostgreSQL another transaction may create the year's key at the
	// same time: the insert then waits for it and does nothing, and the
	// row read next is the winner's (READ COMMITTED sees it).
	stored, err := insertFiscalKey(ctx, tx, year, fresh)
	if err != nil {
		return 0, err
	}
	if stored {
		return fresh, nil
	}
	// Lost the race: our subject seals nothing; destroy its key.
	if err := s.vault.Shred(ctx, tx, fresh); err != nil {
		return 0, fmt.Errorf("ledger: fiscal key %d: %w", year, err)
	}
	return fiscalKey(ctx, tx, year)
}

// SealFiscal seals data in the fiscal archive of year for tx's
// organisation, bound to field (name the row and column, e.g.
// "ledger_invoices.debtor/123", so a ciphertext cannot pass for another
// row's). The year's key is created on first use, in tx.
func (s *Service) SealFiscal(ctx context.Context, tx *db.Tx, year int, field string, data []byte) ([]byte, error) {
	subject, err := s.fiscalSubject(ctx, tx, year, true)
	if err != nil {
		return nil, err
	}
	out, err := s.vault.Seal(ctx, tx, subject, field, data)
	if errors.Is(err, vault.ErrShredded) {
		return nil, ErrFiscalShredded
	}
	if err != nil {
		return nil, fmt.Errorf("seal fiscal %s: %w", field, err)
	}
	return out, nil
}

// OpenFiscal opens what SealFiscal sealed for the same year and field. It
// works in a read-only transaction. After ShredFiscalYear it returns
// ErrFiscalShredded.
func (s *Service) OpenFiscal(ctx context.Context, tx *db.Tx, year int, field string, sealed []byte) ([]byte, error) {
	subject, err := s.fiscalSubject(ctx, tx, year, false)
	if err != nil {
		return nil, fmt.Errorf("open fiscal %s: %w", field, err)
	}
	out, err := s.vault.Open(ctx, tx, subject, field, sealed)
	if errors.Is(err, vault.ErrShredded) {
		return nil, ErrFiscalShredded
	}
	if err != nil {
		return nil, fmt.Errorf("open fiscal %s: %w", field, err)
	}
	return out, nil
}

// FiscalYearDestroyable reports whether year's retention has ended on the
// service's today: RetentionYears full years after 31 December of year.
func (s *Service) FiscalYearDestroyable(year int) bool {
	return s.today().Year > year+RetentionYears
}

// ShredFiscalYear destroys the organisation's fiscal archive of year (the
// debtor snapshots and invoice documents sealed under it) at the end of the
// retention period. Only an owner may; a year still within its retention
// period is refused. The amounts and references in the ledger stay. A year
// without an archive is recorded as shredded too, so nothing is sealed in
// it afterwards.
func (s *Service) ShredFiscalYear(ctx context.Context, a account.Actor, year int) error {
	if a.Role != account.Owner || a.Kind == "api" || !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	if year < 1900 || year > 9999 {
		return validation.Errors{"year": "field.invalid"}
	}
	if !s.FiscalYearDestroyable(year) {
		return ErrRetentionRunning
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		subject, err := s.fiscalSubject(ctx, tx, year, true)
		if err != nil {
			return err
		}
		if err := s.vault.Shred(ctx, tx, subject); err != nil {
			return fmt.Errorf("shred fiscal year %d: %w", year, err)
		}
		return s.Record(ctx, tx, a, "ledger.fiscal_year_shredded", "organisation", tx.OrgID(), map[string]string{"year": fmt.Sprint(year)})
	})
}

// FiscalYearsKeptTx lists the years of tx's organisation whose fiscal
// archive still exists (a key not yet destroyed), oldest first: what the
// retention job (package privacy/retention) may shred once their period ends.
func (s *Service) FiscalYearsKeptTx(ctx context.Context, tx *db.Tx) ([]int, error) {
	return fiscalYearsKept(ctx, tx)
}
