// Package portfolio is the property register: complexes, units
// (verhuureenheden), meters and their readings.
package portfolio

import (
	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
)

// Deps are what the service needs.
type Deps struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock
}

// Service is the face of the portfolio capability for web, API and CLI.
type Service struct {
	db    *db.DB
	audit *audit.Log
	clk   clock.Clock
}

// New returns the service.
func New(d Deps) *Service { return &Service{db: d.DB, audit: d.Audit, clk: d.Clock} }
