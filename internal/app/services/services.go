// Package services is the one list of what HMS is built from: the platform
// pieces and the capability services. Package app builds it once; the web
// server and the JSON API embed it in their Deps, so a handler writes
// s.Leases and a new service is added here, in app, and nowhere else.
package services

import (
	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/billing"
	"hms/internal/deposit"
	"hms/internal/directdebit"
	"hms/internal/dunning"
	"hms/internal/importer"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/orgexport"
	"hms/internal/orgprofile"
	"hms/internal/overview"
	"hms/internal/payout"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/ratelimit"
	"hms/internal/platform/vault"
	"hms/internal/portfolio"
	"hms/internal/privacy"
	"hms/internal/privacy/requests"
	"hms/internal/privacy/retention"
	"hms/internal/reconcile"
	"hms/internal/relation"
	"hms/internal/rentincrease"
	"hms/internal/report"
	"hms/internal/settlement"
	"hms/internal/stats"
	"hms/internal/subscription"
)

// Services are the built platform and capabilities. The clock and the logger
// are settings (app.Config), not services, so they are not here.
type Services struct {
	DB    *db.DB
	Vault *vault.Vault
	Audit *audit.Log
	// AccessLog appends record openings in batches (audit.Appender).
	AccessLog *audit.Appender
	Jobs      *jobs.Queue
	Outbox    *mail.Outbox
	Limiter   *ratelimit.Limiter
	Texts     *i18n.Catalog

	Accounts      *account.Service
	Privacy       *privacy.Service
	Portfolio     *portfolio.Service
	Relations     *relation.Service
	Leases        *lease.Service
	Ledger        *ledger.Service
	Billing       *billing.Service
	Importer      *importer.Service
	RentIncreases *rentincrease.Service  // yearly rent increases and commercial indexation
	Deposits      *deposit.Service       // deposits at lease end: deadline, evidenced deductions, refund payouts
	Settlement    *settlement.Service    // service-cost settlement: cost entries, keys per year, runs
	Statements    *settlement.Statements // settlement statements: PDF, booking, sending, new advance, deadlines, levies
	Bank          *bank.Service          // the organisation's bank accounts and SEPA creditor settings
	DirectDebit   *directdebit.Service   // SEPA direct debit: mandates per lease, collections (pain.008)
	Reconcile     *reconcile.Service     // bank statements: import, matching, review, returned debits
	Dunning       *dunning.Service       // arrears: proposals, letters, collection costs, hand-overs, payment plans, ageing
	Payouts       *payout.Service        // payouts to tenants (deposit refunds, settlement credits, overpayments), four eyes, pain.001
	Reports       *report.Service        // reports: rent roll, arrears ageing, vacancy, income, deposits held (page, CSV, PDF)
	Overview      *overview.Service      // the overview's figures and charts, the back-office search
	OrgProfile    *orgprofile.Service    // the organisation's details every document prints (issuer block, logo, payment term)
	Stats         *stats.Service         // website statistics without cookies: counts in memory, daily aggregates
	OrgExport     *orgexport.Service     // the whole organisation as one zip (issue 14, art. 28(3)(g) GDPR)
	Rights        *privacy.Rights        // subject requests: export (access, portability) and erasure over every capability's Source
	Keeping       *retention.Service     // retention (P19): rules per category, legal holds, the daily privacy.retention run
	Subscriptions *subscription.Service  // plans, trials, subscriptions with HMS's own SEPA mandate (HMS is controller)
	Requests      *requests.Service      // subject requests: intake, identity code, routing, due dates, answers (P20–P22)
}
