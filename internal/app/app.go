// Package app wires HMS together: configuration → database → services →
// HTTP. The command line (cmd/hms) and the end-to-end tests both start the
// product through it, so tests run exactly what production runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"hms/internal/account"
	"hms/internal/api"
	"hms/internal/app/services"
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
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/migrations"
	"hms/internal/platform/ratelimit"
	"hms/internal/platform/vault"
	"hms/internal/portfolio"
	"hms/internal/privacy"
	"hms/internal/privacy/guard"
	"hms/internal/privacy/requests"
	"hms/internal/privacy/retention"
	"hms/internal/reconcile"
	"hms/internal/relation"
	"hms/internal/rentincrease"
	"hms/internal/report"
	"hms/internal/settlement"
	"hms/internal/stats"
	"hms/internal/subscription"
	"hms/internal/web"
)

// Config is every setting of the product. cmd/hms fills it from flags and
// HMS_* environment variables.
type Config struct {
	Addr        string // host:port to listen on; ":0" picks a free port
	DataDir     string // embedded SQLite directory (default ./hms-data)
	DatabaseURL string // postgres://hms_org…: PostgreSQL, organisation work (HMS_DATABASE_URL)
	BaseURL     string // public URL for links in e-mails; derived from Addr when empty
	SMTPURL     string // smtp://user:pass@host:port; empty keeps mail in the outbox
	MailFrom    string
	Workers     int                // background job workers (0: 2)
	MasterKey   []byte             // the vault's master key; nil: from HMS_MASTER_KEY(_FILE) or the data directory
	HeldMail    func(mail.Message) // see mail.Config.Held; only the demo sets it
	Clock       clock.Clock
	Log         *slog.Logger
	// TrustedProxies are the reverse proxies in front of HMS, whose
	// X-Forwarded-For names the client (HMS_TRUSTED_PROXIES).
	TrustedProxies []netip.Prefix
	// MetricsToken (HMS_METRICS_TOKEN) and MetricsFrom (HMS_METRICS_ADDR)
	// say who may read /metrics; with neither, nobody does.
	MetricsToken string
	MetricsFrom  []netip.Prefix
	// DatabaseSystemURL is the same database as hms_system, for the
	// cross-organisation work (HMS_DATABASE_SYSTEM_URL).
	DatabaseSystemURL string
	// DatabaseOwnerURL is the schema owner's URL: only `hms migrate`,
	// `hms backup`, `hms restore` (and tests) set it, and then Open migrates
	// first. A server without it
	// checks that the schema is up to date instead.
	DatabaseOwnerURL string
	// StorageCountry and MailCountry are where the data is stored and the
	// SMTP server stands, as ISO country codes (HMS_STORAGE_COUNTRY,
	// HMS_MAIL_COUNTRY; empty: NL). Start-up refuses a country outside the
	// EEA without an adequacy decision (privacy.CheckLocations, P18).
	StorageCountry, MailCountry string
	// Retention is how long finished jobs and mail that will not be sent
	// any more are kept (HMS_RETENTION_DAYS); zero: DefaultRetention.
	Retention time.Duration
	// Contact is how HMS itself is reached, on the website's contact page
	// (HMS_CONTACT_*); empty: web.DefaultContact.
	Contact web.SiteContact
	// Policies are the privacy policy and terms versions; nil: the
	// published ones (tests bring versions still to come).
	Policies *privacy.Policies
	// CreditorID and CreditorName are HMS's own Incassant-ID and name, on
	// the mandate a customer signs to subscribe (HMS_CREDITOR_ID,
	// HMS_CREDITOR_NAME); without them nobody can subscribe.
	CreditorID, CreditorName string
	// CancelShredDays: days after a cancellation takes effect until the
	// organisation is shredded (HMS_CANCEL_SHRED_DAYS; 0: 60).
	CancelShredDays int
	// PastDueGraceDays: days after a first failed collection of an HMS
	// invoice until, unpaid, the organisation may only read
	// (HMS_PAST_DUE_GRACE_DAYS; 0: 14).
	PastDueGraceDays int
	// Seller is HMS's address, KvK number and btw-id on its own invoices
	// (HMS_SELLER_ADDRESS, HMS_SELLER_KVK, HMS_SELLER_VATID; the name is
	// CreditorName).
	Seller subscription.Seller
}

// App is a running (or runnable) HMS: its settings, the services it built
// and the two HTTP faces.
type App struct {
	Config
	services.Services
	API *api.API
	Web *web.Server

	listener net.Listener
	server   *http.Server
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	// demoFilling is true while serve --demo fills the portfolio in the
	// background (FillDemo); the dashboard says so.
	demoFilling atomic.Bool
}

// Open connects to the database, migrates it and builds every service; it
// does not listen yet (the CLI uses it without a server).
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "hms-data"
	}
	if cfg.MailFrom == "" {
		cfg.MailFrom = "HMS <noreply@hms.localhost>"
	}
	if cfg.StorageCountry == "" {
		cfg.StorageCountry = "NL"
	}
	if cfg.MailCountry == "" {
		cfg.MailCountry = "NL"
	}
	// Before the database is touched: no data goes where it may not be.
	if err := privacy.CheckLocations(cfg.StorageCountry, cfg.MailCountry); err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, db.Config{DataDir: cfg.DataDir, URL: cfg.DatabaseURL, SystemURL: cfg.DatabaseSystemURL,
		OwnerURL: cfg.DatabaseOwnerURL})
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Services: services.Services{DB: d}}
	if err := a.build(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a.recoverRuns(ctx)
	return a, nil
}

// recoverRuns closes rent runs whose process stopped (see
// billing.RecoverRuns), at every start-up (serve and each CLI command) and
// in the upkeep. A run whose job is still owned by the queue is resumed by
// the queue itself when its dead worker's lease lapses.
func (a *App) recoverRuns(ctx context.Context) {
	n, err := a.Billing.RecoverRuns(ctx)
	if err != nil {
		a.Log.Error("recover rent runs", "err", err)
	}
	if n > 0 {
		a.Log.Warn("rent runs whose process stopped marked failed", "runs", n)
	}
	// An import runs in one transaction: one whose worker died kept nothing
	// and is marked failed, to be uploaded again.
	if n, err = a.Importer.RecoverUploads(ctx); err != nil {
		a.Log.Error("recover imports", "err", err)
	}
	if n > 0 {
		a.Log.Warn("imports whose process stopped marked failed", "imports", n)
	}
}

func (a *App) build(ctx context.Context) error {
	if a.DB.Dialect == db.Postgres && a.DB.Owner() == nil {
		if err := migrations.Check(ctx, a.DB); err != nil {
			return fmt.Errorf("%w: run hms migrate with the owner's URL (HMS_DATABASE_OWNER_URL) first", err)
		}
	} else if err := migrations.Migrate(ctx, a.DB); err != nil {
		return err
	}
	// Only the embedded database may generate its own master key; a
	// PostgreSQL deployment must be given one, or instances would disagree.
	key := a.MasterKey
	if key == nil {
		var err error
		if key, err = vault.LoadMasterKey(a.DataDir, a.DatabaseURL == ""); err != nil {
			return err
		}
	}
	var err error
	if a.Vault, err = vault.New(key, a.Clock); err != nil {
		return err
	}
	// The platform's own keys (organisation 0) exist before anyone looks up
	// a user by blind index in a read-only transaction.
	if err := a.DB.System(ctx, func(tx *db.Tx) error { return a.Vault.EnsureOrgKeys(ctx, tx) }); err != nil {
		return fmt.Errorf("platform keys: %w", err)
	}
	if a.Texts, err = i18n.New(); err != nil {
		return err
	}
	a.Audit = audit.New(a.Clock)
	a.Jobs = jobs.New(a.DB, a.Clock)
	// While serve --demo fills its organisation, the workers wait: the fill's
	// rent runs enqueue hundreds of invoice documents, and making them took
	// SQLite's one writer from the fill for tens of seconds.
	a.Jobs.Hold = a.demoFilling.Load
	mailCfg := mail.Config{SMTPURL: a.SMTPURL, From: a.MailFrom, Held: a.HeldMail}
	// A bad SMTP URL or sender stops the start, not every later send.
	if err := mailCfg.Validate(); err != nil {
		return err
	}
	a.Outbox = mail.NewOutbox(a.DB, a.Vault, a.Jobs, a.Clock, mailCfg)
	a.Limiter = ratelimit.New(a.DB, a.Clock)
	a.registerRetention()
	if a.BaseURL == "" {
		a.BaseURL = baseURLFor(a.Addr)
	}
	a.Accounts = account.New(account.Deps{DB: a.DB, Vault: a.Vault, Audit: a.Audit, Mail: a.Outbox, Limiter: a.Limiter,
		Clock: a.Clock, Texts: a.Texts, BaseURL: func() string { return a.BaseURL },
		Guard: func(ctx context.Context, tx *db.Tx, actor account.Actor, field, value string) error {
			return guard.Review(ctx, tx, a.Audit, actor, guard.Text{Field: field, Value: value})
		},
		// A sign-up accepts the terms the site shows as in effect that day.
		Terms: func(day civil.Date) string { return a.Privacy.Policies().Current(privacy.Terms, day).Version }})
	a.OrgProfile = orgprofile.New(orgprofile.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock})
	a.Privacy = privacy.New(privacy.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock, Outbox: a.Outbox, Owners: a.Accounts,
		StorageCountry: a.StorageCountry, MailCountry: a.MailCountry, Policies: a.Policies,
		Users: a.Accounts, Jobs: a.Jobs, BaseURL: func() string { return a.BaseURL }})
	a.Subscriptions = subscription.New(subscription.Deps{DB: a.DB, Audit: a.Audit, Vault: a.Vault, Clock: a.Clock, Outbox: a.Outbox,
		Jobs: a.Jobs, Texts: a.Texts, Owners: a.Accounts, Creditor: subscription.Creditor{ID: a.CreditorID, Name: a.CreditorName},
		Seller: a.Seller, BaseURL: func() string { return a.BaseURL }, ShredAfterDays: a.CancelShredDays,
		PastDueGraceDays: a.PastDueGraceDays})
	// A restore replays the journal of shredded organisations: their rows go again.
	a.Vault.OnOrgReplay(a.Subscriptions.ReplayShred)
	// Unit status follows from leases, and a unit in a lease cannot be deleted.
	a.Portfolio = portfolio.New(portfolio.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock, Occupancy: lease.Occupancy{}})
	a.AccessLog = audit.NewAppender(a.DB, a.Audit)
	a.Relations = relation.New(relation.Deps{DB: a.DB, Vault: a.Vault, Audit: a.Audit, Clock: a.Clock, Privacy: a.Privacy,
		Access: a.AccessLog})
	// A restore replays the erasure journal; each capability that keeps blind
	// indexes of a subject says here how to forget them (hms restore).
	a.Vault.OnReplay(a.Relations.ReplayErasureTx)
	a.Leases = lease.New(lease.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock, Portfolio: a.Portfolio, Relations: a.Relations, Vault: a.Vault})
	a.Ledger = ledger.New(ledger.Deps{DB: a.DB, Audit: a.Audit, Vault: a.Vault, Clock: a.Clock, Accounts: leaseAccounts{a.Leases}})
	// A rent increase may only start after the periods already posted.
	a.RentIncreases = rentincrease.New(rentincrease.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock, Leases: a.Leases,
		Portfolio: a.Portfolio, Relations: a.Relations, PostedThrough: a.Ledger, Vault: a.Vault})
	a.Billing = billing.New(billing.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock, Ledger: a.Ledger, Relations: a.Relations, Leases: a.Leases,
		Outbox: a.Outbox, Portfolio: a.Portfolio, Jobs: a.Jobs, Accounts: a.Accounts})
	a.Bank = bank.New(bank.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock})
	a.Payouts = payout.New(payout.Deps{DB: a.DB, Audit: a.Audit, Vault: a.Vault, Clock: a.Clock, Leases: a.Leases, Ledger: a.Ledger,
		Relations: a.Relations})
	a.Deposits = deposit.New(deposit.Deps{DB: a.DB, Audit: a.Audit, Vault: a.Vault, Clock: a.Clock, Leases: a.Leases, Ledger: a.Ledger,
		Payouts: a.Payouts})
	a.DirectDebit = directdebit.New(directdebit.Deps{DB: a.DB, Audit: a.Audit, Vault: a.Vault, Clock: a.Clock, Leases: a.Leases,
		Relations: a.Relations, Portfolio: a.Portfolio, Outbox: a.Outbox, Jobs: a.Jobs, Texts: a.Texts})
	a.Reconcile = reconcile.New(reconcile.Deps{DB: a.DB, Audit: a.Audit, Vault: a.Vault, Clock: a.Clock, Accounts: a.Accounts,
		Jobs: a.Jobs, Ledger: a.Ledger, Bank: a.Bank, Collections: collections{},
		Payouts: payouts{a.Payouts}})
	// The books keep a person's payment texts and bank lines under the
	// organisation key: a restore erases them again too.
	a.Vault.OnReplay(a.replayPersonErasure)
	a.Settlement = settlement.New(settlement.Deps{DB: a.DB, Audit: a.Audit, Vault: a.Vault, Clock: a.Clock, Portfolio: a.Portfolio,
		Relations: a.Relations, Leases: a.Leases, Ledger: a.Ledger, Payouts: a.Payouts})
	a.Statements = settlement.NewStatements(a.Settlement, a.Outbox, a.Jobs, a.Accounts)
	a.Dunning = dunning.New(dunning.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock, Ledger: a.Ledger, Leases: a.Leases, Relations: a.Relations,
		Portfolio: a.Portfolio, Billing: a.Billing, Outbox: a.Outbox, Jobs: a.Jobs})
	a.Reports = report.New(report.Deps{DB: a.DB, Clock: a.Clock, Leases: a.Leases, Relations: a.Relations})
	a.Importer = importer.New(importer.Deps{DB: a.DB, Audit: a.Audit, Portfolio: a.Portfolio, Relations: a.Relations, Leases: a.Leases,
		Vault: a.Vault, Jobs: a.Jobs, Accounts: a.Accounts, Clock: a.Clock})
	a.Overview = overview.New(overview.Deps{DB: a.DB, Clock: a.Clock, Deposits: a.Deposits, Statements: a.Statements,
		Relations: a.Relations, Portfolio: a.Portfolio, Leases: a.Leases, Ledger: a.Ledger})
	// Subject requests (PRIVACY.md P20): every capability that holds data
	// about a person is listed here once; a new one that is missing fails
	// the export test that walks this list.
	if a.Rights, err = privacy.NewRights(privacy.RightsDeps{DB: a.DB, Audit: a.Audit, Clock: a.Clock, Texts: a.Texts,
		Person: a.Relations.PrivacySource(), Sources: []privacy.Source{
			a.Leases.PrivacySource(), a.Billing.PrivacySource(), a.Statements.PrivacySource(), a.Dunning.PrivacySource(),
			a.DirectDebit.PrivacySource(), a.Reconcile.PrivacySource(), a.Deposits.PrivacySource(), a.Payouts.PrivacySource(),
			a.RentIncreases.PrivacySource(), privacy.AccessLog{Audit: a.Audit, Texts: a.Texts},
		}, Accounts: a.Accounts, Billing: a.Subscriptions}); err != nil {
		return err
	}
	a.Stats = stats.New(stats.Deps{DB: a.DB, Clock: a.Clock, Log: a.Log})
	a.Keeping = retention.New(retention.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock, Keys: a.Vault, Rights: a.Rights,
		Ledger: a.Ledger, Names: a.Relations, Jobs: a.Jobs})
	a.Requests = requests.New(requests.Deps{DB: a.DB, Vault: a.Vault, Audit: a.Audit, Clock: a.Clock, Outbox: a.Outbox,
		Texts: a.Texts, Rights: a.Rights, Owners: a.Accounts, Persons: a.Relations, Jobs: a.Jobs,
		BaseURL: func() string { return a.BaseURL }, AccountRights: a.Rights, Accounts: a.Accounts, Staff: a.Accounts})
	a.OrgExport = orgexport.New(orgexport.Deps{DB: a.DB, Audit: a.Audit, Clock: a.Clock, Person: a.Relations.PrivacySource(),
		Vault: a.Vault, Fiscal: a.Ledger})
	a.API = api.New(api.Deps{Services: a.Services, Log: a.Log})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Web, err = web.New(web.Deps{Services: a.Services, Clock: a.Clock, Log: a.Log, API: a.API, Registry: reg,
		SecureCookies: !servesLocalHTTP(a.BaseURL, a.Addr), TrustedProxies: a.TrustedProxies,
		MetricsToken: a.MetricsToken, MetricsFrom: a.MetricsFrom, DemoFilling: a.demoFilling.Load,
		BaseURL: func() string { return a.BaseURL }, Contact: a.Contact, Plans: sitePlans(a.Subscriptions)})
	return err
}

// Start listens on Addr and serves until Close; background jobs start too.
func (a *App) Start(ctx context.Context) error {
	a.sealLegacyDocuments(ctx)
	a.sealLegacyReferences(ctx)
	if err := a.scheduleRetention(ctx, a.Clock.Now()); err != nil {
		return err
	}
	if err := a.Dunning.ScheduleDaily(ctx, a.Clock.Now()); err != nil {
		return err
	}
	if err := a.Privacy.ScheduleAnnounce(ctx, a.Clock.Now()); err != nil {
		return err
	}
	if err := a.Keeping.ScheduleDaily(ctx, a.Clock.Now()); err != nil {
		return err
	}
	if err := a.DirectDebit.ScheduleExpiry(ctx, a.Clock.Now()); err != nil {
		return err
	}
	if err := a.Subscriptions.ScheduleReminders(ctx, a.Clock.Now()); err != nil {
		return err
	}
	if err := a.Subscriptions.ScheduleShred(ctx, a.Clock.Now()); err != nil {
		return err
	}
	if err := a.Subscriptions.ScheduleInvoices(ctx, a.Subscriptions.NextInvoiceRun()); err != nil {
		return err
	}
	if err := a.Requests.ScheduleRemind(ctx, a.Clock.Now()); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Addr, err)
	}
	a.listener = ln
	if a.BaseURL == "" || strings.HasSuffix(a.BaseURL, ":0") {
		a.BaseURL = baseURLFor(ln.Addr().String()) // before serving: the accounts service reads it for links
	}
	ctx, a.cancel = context.WithCancel(ctx)
	workers := a.Workers
	if workers == 0 {
		workers = 2
	}
	a.Jobs.Start(ctx, workers)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.maintain(ctx)
	}()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.flushStats(ctx)
	}()
	a.server = &http.Server{Handler: a.Web, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := a.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("http server", "err", err)
		}
	}()
	return nil
}

// maintain sweeps expired sessions and rate counters and closes stopped
// rent runs now and then. Every
// instance may do it: the deletes are idempotent.
func (a *App) maintain(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := a.Clock.Now()
			if err := web.SweepSessions(ctx, a.DB, now); err != nil {
				a.Log.Error("sweep sessions", "err", err)
			}
			if err := a.Limiter.Sweep(ctx, now.Add(-24*time.Hour)); err != nil {
				a.Log.Error("sweep rate counters", "err", err)
			}
			a.recoverRuns(ctx)
			// SQLite plans from statistics it only has once analysed;
			// without them it can prefer an (org_id, …) index to a primary
			// key and scan an organisation per row. PostgreSQL's autovacuum
			// does this itself.
			if a.DB.Dialect == db.SQLite {
				if _, err := a.DB.Raw().ExecContext(ctx, `PRAGMA optimize`); err != nil {
					a.Log.Error("sqlite optimize", "err", err)
				}
			}
		}
	}
}

// flushStats adds the website statistics counted in memory to the database
// every minute (the last flush is Close's).
func (a *App) flushStats(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.Stats.Flush(ctx); err != nil {
				a.Log.Error("flush statistics", "err", err)
			}
		}
	}
}

// URL is where the server listens, for tests and the start-up message.
func (a *App) URL() string {
	if a.listener == nil {
		return a.BaseURL
	}
	return baseURLFor(a.listener.Addr().String())
}

// Close stops the server and the workers and closes the database.
func (a *App) Close() error {
	var err error
	if a.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = a.server.Shutdown(ctx)
		cancel()
	}
	if a.cancel != nil {
		a.cancel()
	}
	if a.Jobs != nil {
		a.Jobs.Wait()
	}
	a.wg.Wait()
	if a.AccessLog != nil {
		a.AccessLog.Close() // openings whose request gave up waiting
	}
	// What the statistics counted since the last minute's flush, after the
	// server stopped answering: nothing counted is lost.
	if a.Stats != nil {
		if ferr := a.Stats.Flush(context.Background()); ferr != nil {
			err = errors.Join(err, fmt.Errorf("flush statistics: %w", ferr))
		}
	}
	return errors.Join(err, a.DB.Close())
}

func baseURLFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// servesLocalHTTP reports whether HMS is only on this machine over plain
// HTTP: the base URL is http:// on localhost or a loopback address, or, with
// no base URL, the listen address is. Only then are cookies sent without
// Secure and HSTS left out; "http://localhost.example.nl" or listening on
// 0.0.0.0 is not local.
func servesLocalHTTP(base, addr string) bool {
	if base != "" {
		u, err := url.Parse(base)
		return err == nil && u.Scheme == "http" && loopbackHost(u.Hostname())
	}
	host, _, err := net.SplitHostPort(addr)
	return err == nil && loopbackHost(host)
}

func loopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Unmap().IsLoopback()
}
