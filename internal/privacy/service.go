// Package privacy keeps the privacy policy's promises that span
// capabilities. It never imports the capabilities; they call it.
//
// So far it holds the processor agreement (verwerkersovereenkomst, GDPR
// art. 28; PRIVACY.md P9): its versions, and which owner accepted which
// version when; and the organisation's choice of optional personal-data
// fields (birth place, nationality; P5), each turned on only with a stated
// purpose; the register of processing activities (P1); the breach register
// with its 72-hour clock and impact query (P16); and the register of
// recipients and sub-processors with the check of data locations (P17, P18).
package privacy

import (
	"strings"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
)

// Deps are what the service needs.
type Deps struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock
	// Outbox and Owners send a breach's notice to the affected customers.
	Outbox *mail.Outbox
	Owners OwnerContacts
	// StorageCountry and MailCountry are the configured locations (P18);
	// empty: NL.
	StorageCountry, MailCountry string
	// Policies are the versions of the privacy policy and the terms; nil:
	// PublishedPolicies (tests bring their own).
	Policies *Policies
	// Users mails every user a version's announcement; Jobs runs the daily
	// announcement (JobAnnounce). Both nil: no announcements (tests of the
	// rest).
	Users   UserMailer
	Jobs    *jobs.Queue
	BaseURL func() string // for links in mail
}

// Service is the face of the privacy capability.
type Service struct {
	db    *db.DB
	audit *audit.Log
	clk   clock.Clock

	outbox                      *mail.Outbox
	owners                      OwnerContacts
	storageCountry, mailCountry string
	policies                    *Policies
	users                       UserMailer
	jobs                        *jobs.Queue
	baseURL                     func() string
}

// New returns the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.StorageCountry == "" {
		d.StorageCountry = "NL"
	}
	if d.MailCountry == "" {
		d.MailCountry = "NL"
	}
	if d.Policies == nil {
		d.Policies = PublishedPolicies
	}
	if d.BaseURL == nil {
		d.BaseURL = func() string { return "" }
	}
	s := &Service{db: d.DB, audit: d.Audit, clk: d.Clock, outbox: d.Outbox, owners: d.Owners,
		storageCountry: strings.ToUpper(d.StorageCountry), mailCountry: strings.ToUpper(d.MailCountry),
		policies: d.Policies, users: d.Users, jobs: d.Jobs, baseURL: d.BaseURL}
	if d.Jobs != nil && d.Users != nil {
		s.registerJobs(d.Jobs)
	}
	return s
}

// isOwner reports whether the actor may take the organisation's privacy
// decisions: an owner, and through the API only with a token that has the
// admin scope (the owner-only permission members.manage).
func isOwner(a account.Actor) bool {
	return a.Role == account.Owner && a.Can(account.PermMembersManage)
}

// CanDecide reports whether the actor may accept the processor agreement
// and change the privacy settings (for pages that show a button or not).
func CanDecide(a account.Actor) bool { return isOwner(a) }
