// Package privacy keeps the privacy policy's promises that span
// capabilities. It never imports the capabilities; they call it.
package privacy

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

// Service is the face of the privacy capability.
type Service struct {
	db    *db.DB
	audit *audit.Log
	clk   clock.Clock
}

// New returns the service.
func New(d Deps) *Service { return &Service{db: d.DB, audit: d.Audit, clk: d.Clock} }
