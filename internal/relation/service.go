// Package relation is the only home of personal data about the people and
// companies a customer deals with: tenants, guarantors, contacts, suppliers.
package relation

import (
	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/vault"
	"hms/internal/privacy"
)

// Deps are what the service needs.
type Deps struct {
	DB      *db.DB
	Vault   *vault.Vault
	Audit   *audit.Log
	Clock   clock.Clock
	Privacy *privacy.Service
}

// Service is the face of the relation capability.
type Service struct {
	db      *db.DB
	vault   *vault.Vault
	audit   *audit.Log
	clk     clock.Clock
	privacy *privacy.Service
}

// New returns the service.
func New(d Deps) *Service {
	return &Service{db: d.DB, vault: d.Vault, audit: d.Audit, clk: d.Clock, privacy: d.Privacy}
}
