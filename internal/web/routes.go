package web

import (
	"io/fs"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hms/internal/account"
	"hms/internal/privacy"
	"hms/internal/privacy/requests"
)

// Access says who may use a route; TestAuthorizationMatrix walks them all.
type Access struct {
	Kind string             // "public", "user", "org", "staff"
	Perm account.Permission // for Kind "org"
}

// Route is one registered route, kept so tests can enumerate every route.
// File marks a download (a PDF, a bank file, evidence): not a page to read.
type Route struct {
	Method, Pattern string
	Access          Access
	File            bool
}

var (
	public = Access{Kind: "public"}
	user   = Access{Kind: "user"}
	staff  = Access{Kind: "staff"}
)

// org admits members of the organisation in the path whose role holds p.
func org(p account.Permission) Access { return Access{Kind: "org", Perm: p} }

// The permissions the back office asks for, by name, so each line below reads
// as path, access, handler.
var (
	orgRead        = org(account.PermOrgRead)
	membersManage  = org(account.PermMembersManage)
	tokensManage   = org(account.PermTokensManage)
	portfolioRead  = org(account.PermPortfolioRead)
	portfolioWrite = org(account.PermPortfolioWrite)
	financeRead    = org(account.PermFinanceRead)
	financeWrite   = org(account.PermFinanceWrite)
)

// registerRoutes is the route table: every page and action of the site, each
// with who may use it and its handler, read top to bottom. A new route is one
// line here (see docs/ARCHITECTURE.md, "House style").
func (s *Server) registerRoutes() {
	// The platform: static files, health, metrics, the JSON API.
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", cacheStatic(http.StripPrefix("/static/", http.FileServerFS(static))))
	s.routes = append(s.routes, Route{Method: "GET", Pattern: "/static/", Access: public, File: true})
	s.handle("GET", "/healthz", public, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	s.handle("GET", "/readyz", public, s.readyz)
	if s.Registry != nil {
		s.mux.Handle("GET /metrics", s.metricsGate(promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{})))
		s.routes = append(s.routes, Route{Method: "GET", Pattern: "/metrics", Access: public, File: true})
	}
	if s.API != nil {
		s.mux.Handle("/api/", s.API)
		s.routes = append(s.routes, Route{Method: "ANY", Pattern: "/api/", Access: Access{Kind: "api"}})
	}

	// The public website (site.go): Dutch paths, English under /en/, the
	// language from the path.
	nl, en := func(h http.HandlerFunc) http.HandlerFunc { return inLanguage("nl", h) },
		func(h http.HandlerFunc) http.HandlerFunc { return inLanguage("en", h) }
	s.handle("GET", "/{$}", public, nl(s.siteStatic("home")))
	s.handle("GET", "/en/{$}", public, en(s.siteStatic("home")))
	s.handle("GET", "/en", public, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/en/", http.StatusMovedPermanently) })
	s.handle("GET", "/functies", public, nl(s.siteFeatures))
	s.handle("GET", "/en/features", public, en(s.siteFeatures))
	s.handle("GET", "/prijzen", public, nl(s.sitePricing))
	s.handle("GET", "/en/pricing", public, en(s.sitePricing))
	s.handle("GET", "/contact", public, nl(s.siteContact))
	s.handle("GET", "/en/contact", public, en(s.siteContact))
	s.handle("GET", "/aanmelden", public, nl(s.siteSignupForm))
	s.handle("POST", "/aanmelden", public, nl(s.signup))
	s.handle("GET", "/en/signup", public, en(s.siteSignupForm))
	s.handle("POST", "/en/signup", public, en(s.signup))
	s.handle("GET", "/signup", public, s.signupMoved)
	s.handle("POST", "/signup", public, s.signup)
	s.handle("GET", "/privacy", public, nl(s.policyPage(privacy.PrivacyPolicy)))
	s.handle("GET", "/privacy/versies/{version}", public, nl(s.policyVersionPage(privacy.PrivacyPolicy)))
	s.handle("GET", "/en/privacy", public, en(s.policyPage(privacy.PrivacyPolicy)))
	s.handle("GET", "/en/privacy/versions/{version}", public, en(s.policyVersionPage(privacy.PrivacyPolicy)))
	s.handle("GET", "/voorwaarden", public, nl(s.policyPage(privacy.Terms)))
	s.handle("GET", "/voorwaarden/versies/{version}", public, nl(s.policyVersionPage(privacy.Terms)))
	s.handle("GET", "/en/terms", public, en(s.policyPage(privacy.Terms)))
	s.handle("GET", "/en/terms/versions/{version}", public, en(s.policyVersionPage(privacy.Terms)))
	s.handle("GET", "/sitemap.xml", public, s.sitemap)
	s.handle("GET", "/robots.txt", public, s.robots)

	// Login, password reset, invitations.
	s.handle("POST", "/lang", public, s.setLanguage)
	s.handle("GET", "/confirm", public, s.confirm)
	s.handle("GET", "/login", public, s.loginForm)
	s.handle("POST", "/login", public, s.login)
	s.handle("GET", "/login/code", public, s.loginCodeForm)
	s.handle("POST", "/login/code", public, s.loginCode)
	s.handle("POST", "/logout", public, s.logout)
	s.handle("GET", "/password/forgot", public, s.forgotForm)
	s.handle("POST", "/password/forgot", public, s.forgot)
	s.handle("GET", "/password/reset", public, s.resetForm)
	s.handle("POST", "/password/reset", public, s.reset)
	s.handle("GET", "/invitation", public, s.invitationForm)
	s.handle("POST", "/invitation", public, s.acceptInvitation)
	// Subject requests on the website (Dutch and English), the code, the export's download.
	for _, sp := range []srPublic{srDutch, srEnglish} {
		s.handle("GET", sp.Base, public, s.srForm(sp))
		s.handle("POST", sp.Base, public, s.srSubmit(sp))
		s.handle("POST", sp.Base+"/code", public, s.srVerify(sp))
	}
	s.file(requests.DownloadPath, public, s.srDownload)

	// A signed-in user's own pages.
	s.handle("GET", "/app", user, s.appHome)
	s.handle("GET", "/orgs", user, s.orgList)
	s.handle("GET", "/account", user, s.accountPage)
	s.handle("POST", "/account/password", user, s.changePassword)
	s.handle("POST", "/account/email", user, s.changeEmail)
	s.handle("GET", "/account/totp", user, s.totpSetup)
	s.handle("POST", "/account/totp", user, s.totpEnable)
	s.handle("POST", "/account/totp/disable", user, s.totpDisable)
	s.handle("POST", "/account/policy-notice", user, s.dismissPolicyNotice)

	// The organisation: dashboard, members, API tokens, job progress.
	s.handle("GET", "/o/{org}/{$}", orgRead, s.dashboard)
	s.handle("GET", "/o/{org}/search", orgRead, s.search)
	s.handle("GET", "/o/{org}/members", orgRead, s.members)
	s.handle("POST", "/o/{org}/members/invite", membersManage, s.invite)
	s.handle("POST", "/o/{org}/members/{user}/role", membersManage, s.changeRole)
	s.handle("POST", "/o/{org}/members/{user}/remove", membersManage, s.removeMember)
	s.handle("POST", "/o/{org}/members/{user}/sessions/end", membersManage, s.endSessions)
	s.handle("GET", "/o/{org}/tokens", tokensManage, s.tokens)
	s.handle("POST", "/o/{org}/tokens", tokensManage, s.createToken)
	s.handle("POST", "/o/{org}/tokens/{id}/revoke", tokensManage, s.revokeToken)
	s.handle("GET", "/o/{org}/jobs", orgRead, s.jobList)
	s.handle("GET", "/o/{org}/jobs/{id}", orgRead, s.jobStatus)

	// Privacy: the processor agreement and the organisation's settings.
	s.handle("GET", "/o/{org}/privacy/processor-agreement", orgRead, s.agreementPage)
	s.handle("POST", "/o/{org}/privacy/processor-agreement", membersManage, s.agreementAccept)
	s.handle("GET", "/o/{org}/privacy/settings", orgRead, s.privacySettings)
	s.handle("POST", "/o/{org}/privacy/settings", membersManage, s.privacySettingsSave)
	s.handle("GET", "/o/{org}/privacy/register", orgRead, s.privacyRegister)
	s.handle("GET", "/o/{org}/privacy/retention", orgRead, s.retentionPage)
	s.handle("POST", "/o/{org}/privacy/retention", membersManage, s.retentionSave)
	s.handle("POST", "/o/{org}/privacy/retention/holds", membersManage, s.retentionHold)
	s.handle("POST", "/o/{org}/privacy/retention/holds/{id}/lift", membersManage, s.retentionLift)
	s.handle("GET", "/o/{org}/privacy/requests", portfolioWrite, s.srList(false))
	s.handle("GET", "/o/{org}/privacy/requests/new", portfolioWrite, s.srNew)
	s.handle("POST", "/o/{org}/privacy/requests", portfolioWrite, s.srCreate)
	s.handle("GET", "/o/{org}/privacy/requests/{id}", portfolioWrite, s.srShow(false))
	for _, action := range []string{"verify", "extend", "refuse", "complete", "export", "restrict", "object", "rectify"} {
		s.handle("POST", "/o/{org}/privacy/requests/{id}/"+action, portfolioWrite, s.srAct(false, action))
	}
	s.handle("POST", "/o/{org}/privacy/requests/{id}/erase", membersManage, s.srAct(false, "erase"))
	s.handle("GET", "/o/{org}/settings/access", membersManage, s.grantsPage)
	s.handle("POST", "/o/{org}/settings/access/{id}", membersManage, s.grantDecide)

	// The organisation's details every document prints (orgprofile).
	s.handle("GET", "/o/{org}/settings/subscription", membersManage, s.subscriptionPage)
	s.handle("POST", "/o/{org}/settings/subscription", membersManage, s.subscribe)
	s.handle("POST", "/o/{org}/settings/subscription/cancel", membersManage, s.subscriptionCancel)
	s.handle("POST", "/o/{org}/settings/subscription/cancel/undo", membersManage, s.subscriptionUndoCancel)
	s.file("/o/{org}/settings/subscription/mandate.pdf", membersManage, s.subscriptionMandate)
	s.file("/o/{org}/settings/subscription/invoices/{number}", membersManage, s.subscriptionInvoicePDF)
	s.handle("GET", "/o/{org}/settings/organisation", orgRead, s.orgProfile)
	s.handle("POST", "/o/{org}/settings/organisation", portfolioWrite, s.orgProfileSave)
	s.file("/o/{org}/settings/organisation/logo", orgRead, s.orgProfileLogo)
	s.handle("GET", "/o/{org}/settings/export", membersManage, s.orgExportPage)
	s.file("/o/{org}/settings/export/zip", membersManage, s.orgExportZip)

	// Portfolio: complexes and units with their meters and readings.
	s.handle("GET", "/o/{org}/complexes", portfolioRead, s.complexList)
	s.handle("GET", "/o/{org}/complexes/new", portfolioWrite, s.complexNew)
	s.handle("POST", "/o/{org}/complexes", portfolioWrite, s.complexCreate)
	s.handle("GET", "/o/{org}/complexes/{id}", portfolioRead, s.complexShow)
	s.handle("GET", "/o/{org}/complexes/{id}/edit", portfolioWrite, s.complexEdit)
	s.handle("POST", "/o/{org}/complexes/{id}", portfolioWrite, s.complexUpdate)
	s.handle("POST", "/o/{org}/complexes/{id}/delete", portfolioWrite, s.complexDelete)
	s.handle("GET", "/o/{org}/units", portfolioRead, s.unitList)
	s.handle("GET", "/o/{org}/units/new", portfolioWrite, s.unitNew)
	s.handle("POST", "/o/{org}/units", portfolioWrite, s.unitCreate)
	s.handle("GET", "/o/{org}/units/{id}", portfolioRead, s.unitShow)
	s.handle("GET", "/o/{org}/units/{id}/edit", portfolioWrite, s.unitEdit)
	s.handle("POST", "/o/{org}/units/{id}", portfolioWrite, s.unitUpdate)
	s.handle("POST", "/o/{org}/units/{id}/delete", portfolioWrite, s.unitDelete)
	s.handle("POST", "/o/{org}/units/{id}/meters", portfolioWrite, s.meterCreate)
	s.handle("POST", "/o/{org}/units/{id}/meters/{meter}/readings", portfolioWrite, s.readingCreate)

	// Relations: persons and companies.
	s.handle("GET", "/o/{org}/relations", portfolioRead, s.relationList)
	s.handle("GET", "/o/{org}/relations/new", portfolioWrite, s.relationNew)
	s.handle("POST", "/o/{org}/relations", portfolioWrite, s.relationCreate)
	s.handle("GET", "/o/{org}/relations/{id}", portfolioRead, s.relationShow)
	s.handle("GET", "/o/{org}/relations/{id}/edit", portfolioWrite, s.relationEdit)
	s.handle("POST", "/o/{org}/relations/{id}", portfolioWrite, s.relationUpdate)
	s.handle("POST", "/o/{org}/relations/{id}/contacts", portfolioWrite, s.relationLinkContact)
	s.handle("POST", "/o/{org}/relations/{id}/contacts/{person}/remove", portfolioWrite, s.relationUnlinkContact)
	s.handle("POST", "/o/{org}/relations/{id}/restriction", portfolioWrite, s.relationRestrict)
	s.handle("POST", "/o/{org}/relations/{id}/restriction/lift", portfolioWrite, s.relationLiftRestriction)
	s.handle("POST", "/o/{org}/relations/{id}/objections", portfolioWrite, s.relationObjection)
	s.handle("POST", "/o/{org}/relations/{id}/objections/{objection}/decide", portfolioWrite, s.relationDecideObjection)
	// A person's subject rights: export for owners and managers, erasure
	// for owners (the services check the role; PRIVACY.md P20).
	s.handle("GET", "/o/{org}/relations/{id}/export", portfolioWrite, s.relationExport)
	s.handle("GET", "/o/{org}/relations/{id}/erase", membersManage, s.relationEraseConfirm)
	s.handle("POST", "/o/{org}/relations/{id}/erase", membersManage, s.relationErase)

	// Leases: components, deposit, notice, the Wgv tenant information; the
	// lease form's search for units and relations (htmx).
	s.handle("GET", "/o/{org}/leases", portfolioRead, s.leaseList)
	s.handle("GET", "/o/{org}/leases/new", portfolioWrite, s.leaseNew)
	s.handle("POST", "/o/{org}/leases/new", portfolioWrite, s.leaseCreate)
	s.handle("GET", "/o/{org}/leases/settings", portfolioRead, s.leaseSettings)
	s.handle("POST", "/o/{org}/leases/settings", portfolioWrite, s.leaseSaveSettings)
	s.handle("GET", "/o/{org}/leases/{id}", portfolioRead, s.leaseDetail)
	s.handle("GET", "/o/{org}/leases/{id}/edit", portfolioWrite, s.leaseEdit)
	s.handle("POST", "/o/{org}/leases/{id}/edit", portfolioWrite, s.leaseUpdate)
	s.handle("POST", "/o/{org}/leases/{id}/components", portfolioWrite, s.leaseSetComponent)
	s.handle("POST", "/o/{org}/leases/{id}/deposit", portfolioWrite, s.leaseAddDeposit)
	s.handle("POST", "/o/{org}/leases/{id}/notice/preview", portfolioWrite, s.leaseNoticePreview)
	s.handle("POST", "/o/{org}/leases/{id}/notice", portfolioWrite, s.leaseNoticeGive)
	s.handle("POST", "/o/{org}/leases/{id}/notice/withdraw", portfolioWrite, s.leaseNoticeWithdraw)
	s.handle("POST", "/o/{org}/leases/{id}/documents", portfolioWrite, s.leaseGenerateInformation)
	s.file("/o/{org}/leases/{id}/documents/{doc}", portfolioRead, s.leaseDocument)
	s.handle("POST", "/o/{org}/leases/{id}/documents/{doc}/provided", portfolioWrite, s.leaseInformationProvided)
	s.handle("GET", "/o/{org}/pick/{kind}", orgRead, s.pick)

	// The rent-roll import (a background job; the page polls it).
	s.handle("GET", "/o/{org}/import", portfolioWrite, s.importForm)
	s.handle("POST", "/o/{org}/import", portfolioWrite, s.importUpload)
	s.handle("GET", "/o/{org}/import/{id}", portfolioRead, s.importStatus)
	// Moving in: opening balances and the advances of before HMS (checked whole, one request).
	s.handle("GET", "/o/{org}/import/opening-balances", financeWrite, s.importOpeningForm)
	s.handle("POST", "/o/{org}/import/opening-balances", financeWrite, s.importOpening)
	s.handle("GET", "/o/{org}/import/advances", financeWrite, s.importAdvancesForm)
	s.handle("POST", "/o/{org}/import/advances", financeWrite, s.importAdvances)

	// Finance: the rent run, invoices, lease accounts (open items, payments,
	// statements), debtors and billing settings.
	s.handle("GET", "/o/{org}/finance", financeRead, s.financeDebtors)
	s.handle("GET", "/o/{org}/finance/rentrun", financeRead, s.financeRentRun)
	s.handle("POST", "/o/{org}/finance/rentrun", financeWrite, s.financeStartRun)
	s.handle("GET", "/o/{org}/finance/scope-options", financeRead, s.scopeOptions)
	s.handle("GET", "/o/{org}/finance/runs/{id}/undo", financeRead, s.financeUndoPlan)
	s.handle("POST", "/o/{org}/finance/runs/{id}/undo", financeWrite, s.financeUndoRun)
	s.handle("GET", "/o/{org}/finance/runs/{id}", financeRead, s.financeRun)
	s.handle("GET", "/o/{org}/finance/invoices", financeRead, s.financeInvoices)
	s.handle("GET", "/o/{org}/finance/invoices/{id}", financeRead, s.financeInvoice)
	s.file("/o/{org}/finance/invoices/{id}/pdf", financeRead, s.financeInvoicePDF)
	s.handle("POST", "/o/{org}/finance/invoices/{id}/credit", financeWrite, s.financeCredit)
	s.handle("GET", "/o/{org}/finance/leases/{id}", financeRead, s.financeAccount)
	s.handle("POST", "/o/{org}/finance/leases/{id}/payments", financeWrite, s.financePayment)
	s.handle("POST", "/o/{org}/finance/leases/{id}/payments/{pid}/reverse", financeWrite, s.financeReverse)
	s.handle("POST", "/o/{org}/finance/leases/{id}/allocate", financeWrite, s.financeAllocate)
	s.handle("GET", "/o/{org}/finance/tenants/{id}", financeRead, s.financeTenant)
	// Direct debit: a lease's mandates (on its account page) and the
	// collections (the Incasso tab).
	s.handle("POST", "/o/{org}/finance/leases/{id}/mandates", financeWrite, s.mandateCreate)
	s.handle("POST", "/o/{org}/finance/leases/{id}/mandates/{mid}/amend", financeWrite, s.mandateAmend)
	s.handle("POST", "/o/{org}/finance/leases/{id}/mandates/{mid}/revoke", financeWrite, s.mandateRevoke)
	s.handle("POST", "/o/{org}/finance/leases/{id}/mandates/{mid}/resume", financeWrite, s.mandateResume)
	s.file("/o/{org}/finance/leases/{id}/mandates/{mid}/form", financeRead, s.mandateForm)
	s.handle("GET", "/o/{org}/finance/mandates", financeRead, s.mandateList)
	s.handle("GET", "/o/{org}/finance/collections", financeRead, s.collections)
	s.handle("POST", "/o/{org}/finance/collections", financeWrite, s.collectionCreate)
	s.handle("GET", "/o/{org}/finance/collections/{id}", financeRead, s.collection)
	s.file("/o/{org}/finance/collections/{id}/file", financeRead, s.collectionFile)
	s.handle("GET", "/o/{org}/finance/settings", financeRead, s.financeSettings)
	s.handle("POST", "/o/{org}/finance/settings", financeWrite, s.financeSaveSettings)

	// Bank: the organisation's accounts and its SEPA creditor settings.
	s.handle("GET", "/o/{org}/finance/bank", financeRead, s.bankSettings)
	s.handle("POST", "/o/{org}/finance/bank/accounts", financeWrite, s.bankAddAccount)
	s.handle("GET", "/o/{org}/finance/bank/accounts/{id}", financeRead, s.bankAccountForm)
	s.handle("POST", "/o/{org}/finance/bank/accounts/{id}", financeWrite, s.bankSaveAccount)
	s.handle("POST", "/o/{org}/finance/bank/settings", financeWrite, s.bankSaveSettings)

	// Bank statements: upload (a job), the lines and what became of each,
	// the review queue.
	s.handle("GET", "/o/{org}/finance/statements", financeRead, s.statements)
	s.handle("POST", "/o/{org}/finance/statements", financeWrite, s.statementsUpload)
	s.handle("GET", "/o/{org}/finance/statements/uploads/{id}", financeRead, s.statementsUploadStatus)
	s.handle("GET", "/o/{org}/finance/statements/lines/{id}", financeRead, s.statementLine)
	s.handle("POST", "/o/{org}/finance/statements/lines/{id}/match", financeWrite, s.statementMatch)
	s.handle("POST", "/o/{org}/finance/statements/lines/{id}/ignore", financeWrite, s.statementIgnore)
	// Payouts: deposit refunds, settlement credits and overpayments to pay
	// (four eyes), batches previewed and made into pain.001 files, the
	// settings (four eyes is the owner's).
	s.handle("GET", "/o/{org}/finance/payouts", financeRead, s.payoutList)
	s.handle("POST", "/o/{org}/finance/payouts/approve", financeWrite, s.payoutApprove)
	s.handle("POST", "/o/{org}/finance/payouts/overpayments", financeWrite, s.payoutOverpayment)
	s.handle("POST", "/o/{org}/finance/payouts/{id}/cancel", financeWrite, s.payoutCancel)
	s.handle("POST", "/o/{org}/finance/payouts/{id}/paid", financeWrite, s.payoutPaid)
	s.handle("GET", "/o/{org}/finance/payouts/batch", financeRead, s.payoutPreview)
	s.handle("POST", "/o/{org}/finance/payouts/batches", financeWrite, s.payoutBatchCreate)
	s.handle("GET", "/o/{org}/finance/payouts/batches/{id}", financeRead, s.payoutBatch)
	s.file("/o/{org}/finance/payouts/batches/{id}/file", financeRead, s.payoutBatchFile)
	s.handle("GET", "/o/{org}/finance/payouts/settings", financeRead, s.payoutSettings)
	s.handle("POST", "/o/{org}/finance/payouts/settings", membersManage, s.payoutSaveSettings)

	// Deposits: the list to return (a finance tab) and a lease's deposit
	// page (deadline, deductions with evidence, settle, specification, payout).
	s.handle("GET", "/o/{org}/finance/deposits", financeRead, s.depositDue)
	s.handle("GET", "/o/{org}/finance/deposits/{id}", financeRead, s.depositPage)
	s.handle("POST", "/o/{org}/finance/deposits/{id}/deductions", financeWrite, s.depositDeduct)
	s.handle("POST", "/o/{org}/finance/deposits/{id}/deductions/{entry}/evidence", financeWrite, s.depositAddEvidence)
	s.file("/o/{org}/finance/deposits/{id}/evidence/{ev}", financeRead, s.depositEvidence)
	s.handle("POST", "/o/{org}/finance/deposits/{id}/settle", financeWrite, s.depositSettle)
	s.handle("POST", "/o/{org}/finance/deposits/{id}/specifications", financeWrite, s.depositSpecify)
	s.file("/o/{org}/finance/deposits/{id}/specifications/{spec}", financeRead, s.depositSpecification)
	s.handle("POST", "/o/{org}/finance/deposits/{id}/payout/paid", financeWrite, s.depositPaid)

	// Dunning (a finance tab): the daily run's proposals, sending letters
	// with a confirm step, hand-overs and collection costs decided by a
	// person, the letters sent, a lease's dunning with its payment plans, the
	// arrears ageing list and the settings.
	s.handle("GET", "/o/{org}/dunning", financeRead, s.dnProposals)
	s.handle("POST", "/o/{org}/dunning/propose", financeWrite, s.dnPropose)
	s.handle("POST", "/o/{org}/dunning/send/confirm", financeWrite, s.dnSendConfirm)
	s.handle("POST", "/o/{org}/dunning/send", financeWrite, s.dnSend)
	s.handle("POST", "/o/{org}/dunning/proposals/{id}/dismiss", financeWrite, s.dnDismiss)
	s.handle("POST", "/o/{org}/dunning/proposals/{id}/approve", financeWrite, s.dnApprove)
	s.handle("POST", "/o/{org}/dunning/proposals/{id}/reject", financeWrite, s.dnReject)
	s.handle("POST", "/o/{org}/dunning/proposals/{id}/charge", financeWrite, s.dnCharge)
	s.handle("GET", "/o/{org}/dunning/letters", financeRead, s.dnLetters)
	s.file("/o/{org}/dunning/letters/{id}/pdf", financeRead, s.dnLetterPDF)
	s.handle("GET", "/o/{org}/dunning/leases/{id}", financeRead, s.dnLease)
	s.handle("POST", "/o/{org}/dunning/leases/{id}/plans", financeWrite, s.dnPlanCreate)
	s.handle("GET", "/o/{org}/dunning/plans", financeRead, s.dnPlans)
	s.handle("POST", "/o/{org}/dunning/plans/{id}/cancel", financeWrite, s.dnPlanCancel)
	s.handle("GET", "/o/{org}/dunning/arrears", financeRead, s.dnArrears)
	s.handle("GET", "/o/{org}/dunning/settings", financeRead, s.dnSettings)
	s.handle("POST", "/o/{org}/dunning/settings", financeWrite, s.dnSettingsSave)

	// Reports: the list, and each report (rent-roll, arrears, vacancy,
	// income, deposits) as a page, or its CSV or PDF (?format=csv|pdf).
	s.handle("GET", "/o/{org}/reports", financeRead, s.reportsIndex)
	s.handle("GET", "/o/{org}/reports/{name}", financeRead, s.reportShow)

	// Rent increases: proposals, confirmation, letters, caps, CPI, clauses.
	s.handle("GET", "/o/{org}/rent-increases", financeRead, s.riList)
	s.handle("POST", "/o/{org}/rent-increases", financeWrite, s.riPropose)
	s.handle("POST", "/o/{org}/rent-increases/confirm", financeWrite, s.riConfirm)
	s.handle("GET", "/o/{org}/rent-increases/settings", financeRead, s.riSettings)
	s.handle("POST", "/o/{org}/rent-increases/settings/caps", financeWrite, s.riSaveCap)
	s.handle("POST", "/o/{org}/rent-increases/settings/cpi", financeWrite, s.riImportCPI)
	s.handle("POST", "/o/{org}/rent-increases/settings/caps/import", financeWrite, s.riImportCaps)
	s.handle("POST", "/o/{org}/rent-increases/settings/letter", financeWrite, s.riSaveLetter)
	s.handle("GET", "/o/{org}/rent-increase-clauses/{lease}", financeRead, s.riClause)
	s.handle("POST", "/o/{org}/rent-increase-clauses/{lease}", financeWrite, s.riSaveClause)
	s.handle("POST", "/o/{org}/rent-increases/{id}", financeWrite, s.riAdjust)
	s.file("/o/{org}/rent-increases/{id}/letter", financeRead, s.riLetter)
	s.handle("POST", "/o/{org}/rent-increases/{id}/delivery", financeWrite, s.riDelivery)
	// Applying changes the lease's rent: portfolio write (the service checks finance write too).
	s.handle("POST", "/o/{org}/rent-increases/{id}/apply", portfolioWrite, s.riApply)

	// Service-cost settlement: cost entries, keys, degree days, runs.
	s.handle("GET", "/o/{org}/settlement", financeRead, s.stCosts)
	s.handle("POST", "/o/{org}/settlement/import", financeWrite, s.stImport)
	s.handle("GET", "/o/{org}/settlement/costs/new", financeWrite, s.stCostNew)
	s.handle("POST", "/o/{org}/settlement/costs", financeWrite, s.stCostCreate)
	s.handle("GET", "/o/{org}/settlement/costs/{id}", financeRead, s.stCostEdit)
	s.handle("POST", "/o/{org}/settlement/costs/{id}", financeWrite, s.stCostUpdate)
	s.handle("POST", "/o/{org}/settlement/costs/{id}/delete", financeWrite, s.stCostDelete)
	s.handle("POST", "/o/{org}/settlement/costs/{id}/evidence", financeWrite, s.stEvidenceUpload)
	s.file("/o/{org}/settlement/costs/{id}/evidence", financeRead, s.stEvidence)
	s.handle("GET", "/o/{org}/settlement/keys", financeRead, s.stKeys)
	s.handle("POST", "/o/{org}/settlement/keys", financeWrite, s.stKeySave)
	s.handle("POST", "/o/{org}/settlement/keys/delete", financeWrite, s.stKeyDelete)
	s.handle("POST", "/o/{org}/settlement/keys/copy", financeWrite, s.stKeysCopy)
	s.handle("POST", "/o/{org}/settlement/year", financeWrite, s.stYearSave)
	s.handle("POST", "/o/{org}/settlement/degree-days", financeWrite, s.stDegreeDays)
	s.handle("POST", "/o/{org}/settlement/knmi", financeWrite, s.stKNMIImport)
	s.handle("POST", "/o/{org}/settlement/station", financeWrite, s.stStationSave)
	s.handle("GET", "/o/{org}/settlement/runs", financeRead, s.stRuns)
	s.handle("POST", "/o/{org}/settlement/runs", financeWrite, s.stRunCreate)
	s.handle("GET", "/o/{org}/settlement/runs/{id}", financeRead, s.stRun)
	s.handle("POST", "/o/{org}/settlement/runs/{id}/finalise", financeWrite, s.stRunFinalise)

	// Settlement statements: review and send a final run's statements (a job
	// with progress), a tenant's PDF, the new advance; deadlines and levies.
	s.handle("GET", "/o/{org}/settlement/runs/{id}/statements", financeRead, s.stStatements)
	s.handle("POST", "/o/{org}/settlement/runs/{id}/send", financeWrite, s.stSend)
	s.file("/o/{org}/settlement/runs/{id}/statements/{occ}/pdf", financeRead, s.stStatementPDF)
	// Setting the advance changes the lease: portfolio write (the service checks finance write too).
	s.handle("POST", "/o/{org}/settlement/runs/{id}/statements/{occ}/advance", portfolioWrite, s.stApplyAdvance)
	s.handle("GET", "/o/{org}/settlement/deadlines", financeRead, s.stDeadlines)
	s.handle("GET", "/o/{org}/settlement/levies", financeRead, s.stLevies)
	s.handle("GET", "/o/{org}/settlement/levies/new", financeWrite, s.stLevyNew)
	s.handle("POST", "/o/{org}/settlement/levies", financeWrite, s.stLevyCreate)
	s.handle("POST", "/o/{org}/settlement/levies/{id}/book", financeWrite, s.stLevyBook)
	s.handle("POST", "/o/{org}/settlement/levies/{id}/delete", financeWrite, s.stLevyDelete)
	s.handle("GET", "/o/{org}/settlement/settings", financeRead, s.stSettings)
	s.handle("POST", "/o/{org}/settlement/settings", financeWrite, s.stSettingsSave)
	s.handle("POST", "/o/{org}/settlement/vat", financeWrite, s.stVATSave)

	// The staff console (second factor required).
	s.handle("GET", "/console", staff, s.console)
	s.handle("GET", "/console/outbox", staff, s.consoleOutbox)
	s.handle("GET", "/console/jobs", staff, s.consoleJobs)
	s.handle("GET", "/console/stats", staff, s.consoleStats)
	s.handle("GET", "/console/privacy/register", staff, s.consolePrivacyRegister)
	s.handle("GET", "/console/access", staff, s.consoleAccess)
	s.handle("POST", "/console/access", staff, s.consoleAccessRequest)
	s.handle("POST", "/console/access/{id}/end", staff, s.consoleAccessEnd)
	s.handle("GET", "/console/privacy/breaches", staff, s.consoleBreaches)
	s.handle("GET", "/console/privacy/breaches/new", staff, s.consoleBreachNew)
	s.handle("POST", "/console/privacy/breaches/new", staff, s.consoleBreachCreate)
	s.handle("GET", "/console/privacy/breaches/{id}", staff, s.consoleBreach)
	s.handle("POST", "/console/privacy/breaches/{id}/assess", staff, s.consoleBreachAssess)
	s.handle("POST", "/console/privacy/breaches/{id}/impact", staff, s.consoleBreachImpact)
	s.handle("POST", "/console/privacy/breaches/{id}/notify-customers", staff, s.consoleBreachNotifyCustomers)
	s.handle("POST", "/console/privacy/breaches/{id}/ap", staff, s.consoleBreachAP)
	s.handle("POST", "/console/privacy/breaches/{id}/subjects", staff, s.consoleBreachSubjects)
	s.handle("POST", "/console/privacy/breaches/{id}/close", staff, s.consoleBreachClose)
	s.handle("POST", "/console/audit/verify", staff, s.consoleAuditVerify)
	s.handle("GET", "/console/customers", staff, s.consoleCustomers)
	s.handle("GET", "/console/customers/{id}", staff, s.consoleCustomer)
	s.file("/console/customers/{id}/invoices/{number}", staff, s.consoleCustomerInvoicePDF)
	s.handle("GET", "/console/collections", staff, s.consoleCollections)
	s.handle("POST", "/console/collections", staff, s.consoleCollect)
	s.file("/console/collections/{id}/file", staff, s.consoleCollectionFile)
	s.handle("GET", "/console/collections/{id}", staff, s.consoleBatch)
	s.handle("POST", "/console/collections/{id}/returned", staff, s.consoleBatchReturned)
	s.handle("POST", "/console/collections/{id}/collected", staff, s.consoleBatchCollected)
	s.handle("POST", "/console/customers/{id}/invoices/{number}/paid", staff, s.consoleInvoicePaid)
	s.handle("GET", "/console/plans", staff, s.consolePlans)
	s.handle("POST", "/console/plans", staff, s.consolePlanSave)
	s.handle("GET", "/console/privacy/requests", staff, s.srList(true))
	s.handle("GET", "/console/privacy/requests/{id}", staff, s.srShow(true))
	for _, action := range []string{"verify", "extend", "refuse", "complete", "forward", "export", "erase", "rectify"} {
		s.handle("POST", "/console/privacy/requests/{id}/"+action, staff, s.srAct(true, action))
	}

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.notFound(w, r) })
}

// handle registers one route behind its access check and the clean-input
// check, and remembers it for Routes.
// file registers a GET route that answers a download rather than a page.
func (s *Server) file(pattern string, access Access, h http.HandlerFunc) {
	s.handle("GET", pattern, access, h)
	s.routes[len(s.routes)-1].File = true
}

func (s *Server) handle(method, pattern string, access Access, h http.HandlerFunc) {
	s.routes = append(s.routes, Route{Method: method, Pattern: pattern, Access: access})
	clean := s.cleanInput(h) // after the access check: a refusal says nothing to outsiders
	var wrapped http.Handler
	switch access.Kind {
	case "public":
		wrapped = s.countVisit(clean) // a public page answered 200 with HTML is counted (web/stats.go)
	case "user":
		wrapped = s.requireUser(clean)
	case "org":
		wrapped = s.requireUser(s.requireOrg(access.Perm, clean))
	case "staff":
		wrapped = s.requireUser(s.requireStaff(clean))
	default:
		panic("unknown access kind " + access.Kind)
	}
	s.mux.Handle(method+" "+pattern, wrapped)
}
