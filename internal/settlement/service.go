package settlement

// The stored settlement (part 1): cost entries (costs.go), keys per year and
// degree days (keys.go), and runs that build a Compute input from the
// database, compute it and store the result for review (run.go). The SQL is
// in store.go; the tables are described in migration 00011_settlement.sql.

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/payout"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Deps are what the service needs. Portfolio, Leases and Ledger are kept for
// the capabilities built on this one; a run reads units, leases and charges
// of a whole complex with a few batched queries of its own (store.go), so
// that building the input stays linear in the size of the complex.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Log
	Vault     *vault.Vault
	Clock     clock.Clock
	Portfolio *portfolio.Service
	Relations *relation.Service
	Leases    *lease.Service
	Ledger    *ledger.Service
	Payouts   *payout.Service // pays settlement credits back
}

// Service is the face of the stored service-cost settlement.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	vault     *vault.Vault
	clk       clock.Clock
	portfolio *portfolio.Service
	relations *relation.Service
	leases    *lease.Service
	ledger    *ledger.Service
	payouts   *payout.Service
}

// New returns the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, vault: d.Vault, clk: d.Clock, portfolio: d.Portfolio,
		relations: d.Relations, leases: d.Leases, ledger: d.Ledger, payouts: d.Payouts}
}

// Problems of this capability (message ids in settlement.<lang>.json).
var (
	ErrFinal       = &validation.Problem{Status: 409, Code: "settlement.run_final"}
	ErrHasWarnings = &validation.Problem{Status: 409, Code: "settlement.run_has_warnings"}
	ErrInFinalRun  = &validation.Problem{Status: 409, Code: "settlement.entry_in_final_run"}
	ErrNoEvidence  = &validation.Problem{Status: 404, Code: "settlement.no_evidence"}
	ErrNotLeaving  = &validation.Problem{Status: 409, Code: "settlement.lease_not_ending"}
	ErrNoUnits     = &validation.Problem{Status: 409, Code: "settlement.complex_no_units"}
)

// ComputeError is a settlement the calculator refused for a reason that is
// no single cost's (it names the field and says what is wrong, in English).
type ComputeError struct{ Err *Error }

func (e *ComputeError) Error() string { return "settlement: " + e.Err.Error() }

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

// Today is the service's current date.
func (s *Service) Today() civil.Date { return s.today() }

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType string, id int64,
	details map[string]string) error {
	kind := a.Kind
	if kind == "" {
		kind = audit.ActorUser
	}
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: action,
		TargetType: targetType, TargetID: fmt.Sprint(id), Details: details})
}

func canRead(a account.Actor) error {
	if !a.Can(account.PermFinanceRead) {
		return validation.ErrForbidden
	}
	return nil
}

func canWrite(a account.Actor) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	return nil
}
