// Package lease holds leases (huurcontracten): their units and tenants, rent
// components valid from a date, deposits, notice and termination, and the
// tenant information the Wet goed verhuurderschap requires.
package lease

import (
	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Deps are what the service needs.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Log
	Clock     clock.Clock
	Portfolio *portfolio.Service
	Relations *relation.Service
}

// Service is the face of the lease capability.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	clk       clock.Clock
	portfolio *portfolio.Service
	relations *relation.Service
}

// New returns the service.
func New(d Deps) *Service {
	return &Service{db: d.DB, audit: d.Audit, clk: d.Clock, portfolio: d.Portfolio, relations: d.Relations}
}
