// Command hms is the whole product: web server, background jobs and the
// operator's tools. Run `hms help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/importer"
	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/i18n"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/subscription"
	"hms/internal/web"
)

const usage = `hms: rental administration for Dutch landlords

Usage:
  hms serve [--addr HOST:PORT] [--demo]      run the web server and background jobs
  hms migrate [--database-owner-url URL]     bring the database schema up to date (PostgreSQL: as the
                                             schema owner; creates the roles hms_org and hms_system)
  hms user create --org SLUG --email E --role owner|manager|bookkeeper|viewer [--name N]
  hms user create --staff --email E           create a platform staff account
  hms token create --org SLUG --email E [--name N] [--scopes read,write,admin]
  hms audit verify                           check the hash chains of the audit log
  hms backup --out FILE                      an encrypted backup of every organisation's data (PostgreSQL:
                                             with the schema owner's URL, --database-owner-url)
  hms restore [--force] FILE                 load a backup into an empty database (--force: replace the
                                             data), then erase again everyone erased since; see README
  hms import --org SLUG FILE.csv             import units, tenants and leases from a rent roll
  hms org show|set --org SLUG [--kvk N …]   the organisation's details every document prints
  hms subscription show --org SLUG           the organisation's trial, price by units and subscription with HMS
  hms subscription cancel --org SLUG [--undo]  cancel at the end of the paid period (--undo: withdraw it before)
  hms subscription invoices --org SLUG       HMS's monthly invoices to the organisation
  hms subscription invoice-run [--month YYYY-MM]  issue HMS's invoices of the month (default: this month; once each)
  hms subscription collect --out FILE        HMS's pain.008 file of every invoice due for collection
  hms plans list                             HMS's plans (units, price a month excl. VAT, active)
  hms privacy export --org SLUG --person ID --out FILE.zip [--lang en]   a person's data (zip: HTML, JSON, CSV)
  hms privacy erase --org SLUG --person ID   erase a person (crypto-shredding), prints the receipt
  hms privacy restrict --org SLUG --person ID --reason GROUND [--lift]   restrict a person's processing (art. 18)
  hms privacy object --org SLUG --person ID --processing P --grounds TEXT [--decision D] [--reason TEXT]
                                             record a person's objection (art. 21); upheld restricts them
  hms access request --staff EMAIL --org SLUG --hours N --reason TEXT   a staff member asks for access
  hms access list [--org SLUG]               access grants and their state
  hms access approve|refuse|end --id N --by EMAIL   an owner decides or ends a grant (staff end their own)
  Commands that write free text take --guard-reason FIELD=REASON for text the privacy guard warned about.
  hms import opening-balances --org SLUG FILE.csv   open items from the previous system (booked as opening charges)
  hms import advances --org SLUG FILE.csv   service-cost advances charged and received before HMS
  hms demo --org SLUG [--units N]            create (or fill) an organisation with a synthetic portfolio
  hms rentrun --org SLUG --period YYYY-MM [--preview] [--complex ID | --unit ID | --lease ID]
                                             charge a month's rent (again: only what is missing)
  hms rentincrease propose --org SLUG --date YYYY-MM-DD [--confirm]
                                             propose the yearly increase (and confirm it: letters)
  hms rentincrease caps import --org SLUG FILE.csv
                                             own maximum increases (segment;year;percent;source)
  hms cpi import --org SLUG FILE.csv         import CPI figures (series;month;index) for indexation
  hms deposits due --org SLUG                deposits to return: ended leases with money held, deadlines
  hms sepa export --org SLUG --collection-date YYYY-MM-DD [--due-until YYYY-MM-DD] --out FILE
                                             collect the open invoices of leases with a mandate: makes the
                                             batch (pre-notifications by mail) and writes its pain.008 file
  hms bank import --org SLUG [--add-account] [--json] FILE
                                             import a camt.053 or MT940 statement and match its credits;
                                             all or nothing, exit code 2 naming the line or element
  hms dunning propose --org SLUG             propose the next dunning step per lease in arrears now (as the daily
                                             run does) and print what waits for a person: count and total
  hms payouts export --org SLUG [--due-until YYYY-MM-DD] [--account ID] [--execution-date YYYY-MM-DD] --out FILE
                                             the pain.001 file of the approved payouts (deposit refunds,
                                             settlement credits, overpayments); prints count and sum;
                                             nothing to pay: a message and no file
  hms report rent-roll|arrears|vacancy|income|deposits --org SLUG [--date YYYY-MM-DD | --from D --to D | --year YYYY]
             [--complex NAME] [--format csv|pdf|json] [--lang nl|en] [--out FILE]
                                             a report (as on the Rapportages page): vacancy takes days, income
                                             months (YYYY-MM) or a year; CSV by default, to stdout without --out
  hms privacy register [--format csv|pdf|json] [--lang nl|en] [--out FILE]
                                             the register of processing activities (GDPR art. 30), made
                                             from the declarations of every table and column
  hms privacy breaches                       the breach register (staff): state, risk and the 72-hour clock
  hms privacy retention --org SLUG [--dry-run]
                                             the retention rules run now (erase former tenants, destroy expired
                                             fiscal years, prune audit log, mail, jobs); --dry-run only says what
  hms privacy hold --org SLUG (--person ID | --lease REFERENCE) --reason TEXT
                                             a legal hold: retention erases and destroys nothing it covers
  hms privacy hold lift --org SLUG --id N    lift a legal hold
  hms privacy requests --org SLUG [--overdue]
                                             the organisation's subject requests, overdue first (or only those)
  hms settlement compute < IN.json           service-cost settlement of a JSON scenario (no database;
                                             docs/settlement-format.md; exit code 2 on invalid input)
  hms settlement run --org SLUG (--complex ID --year YYYY | --lease ID)
                                             settle a complex's year (or a leaving tenant) from the
                                             database; stored as a draft for review
  hms settlement costs import --org SLUG FILE.csv
                                             import cost entries (supplier invoices); all rows or none,
                                             exit code 2 with line and column on a bad file
  hms settlement degreedays import --org SLUG --station N FILE
                                             import a KNMI station's daily temperatures (etmgeg_NNN.txt)
                                             for weighted degree days; exit code 2 on a bad file
  hms settlement send --org SLUG --run ID     send a final run's statements now (book each balance
                                             once, store and mail the PDF), with progress
  hms settlement deadlines --org SLUG [--year YYYY]
                                             complexes and their settlement against 30 June
  hms stats [--days N | --from D --to D] [--json]
                                             the website statistics (no cookies): visitors, page views,
                                             pages, referrers, devices, browsers, systems, countries
  hms search --org SLUG [--json] QUERY       find persons, companies, units, leases, invoices and
                                             complexes by name, address, postcode, reference, number
                                             or betalingskenmerk; exact matches first

Every command takes:
  --data DIR            embedded SQLite directory (env HMS_DATA_DIR, default ./hms-data)
  --database-url URL    PostgreSQL as the role hms_org (env HMS_DATABASE_URL); wins over --data
  --database-system-url URL
                        the same database as the role hms_system (env HMS_DATABASE_SYSTEM_URL)
Secrets come from the environment only: HMS_MASTER_KEY or HMS_MASTER_KEY_FILE,
HMS_SMTP_URL (smtp://user:pass@host:port). Other settings: HMS_BASE_URL, HMS_MAIL_FROM,
HMS_TRUSTED_PROXIES (addresses or networks of reverse proxies whose X-Forwarded-For names the client),
HMS_METRICS_ADDR (addresses or networks that may read /metrics), HMS_METRICS_TOKEN (secret: a bearer token for /metrics)
HMS_RETENTION_DAYS (days finished jobs and sent mail are kept, default 30), and HMS_STORAGE_COUNTRY and
HMS_MAIL_COUNTRY (where the data is stored and the SMTP server stands, two letters, default NL; a country
outside the EEA without an adequacy decision stops every command), and HMS_CONTACT_EMAIL with HMS_CONTACT_NAME,
HMS_CONTACT_PHONE, HMS_CONTACT_ADDRESS and HMS_CONTACT_KVK (HMS's own contact details on the website's /contact).

HMS_CREDITOR_ID and HMS_CREDITOR_NAME are
HMS's own Incassant-ID and name, printed on the SEPA mandate a customer signs to subscribe.
HMS_CANCEL_SHRED_DAYS is how many days after a cancellation takes effect its export can still be downloaded
before the organisation is shredded (default 60).
HMS_PAST_DUE_GRACE_DAYS is how many days after a first failed collection an HMS invoice may stay unpaid
before the organisation can only read (default 14).
HMS's own Incassant-ID and name, printed on the SEPA mandate a customer signs to subscribe;
HMS_SELLER_ADDRESS, HMS_SELLER_KVK and HMS_SELLER_VATID are HMS's address, KvK number and btw-id on its
monthly invoices to its customers; HMS_CREDITOR_IBAN (and HMS_CREDITOR_BIC) the account HMS collects them to.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "hms:", err)
		os.Exit(exitCode(err))
	}
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// cliClock is "now" for every command; tests set a clock of their own so
// they pass on any day.
var cliClock clock.Clock = clock.Real{}

// commonFlags registers the storage flags every command takes.
func commonFlags(fs *flag.FlagSet, cfg *app.Config) {
	cfg.Clock = cliClock
	fs.StringVar(&cfg.DataDir, "data", env("HMS_DATA_DIR", "hms-data"), "embedded SQLite directory")
	fs.StringVar(&cfg.DatabaseURL, "database-url", env("HMS_DATABASE_URL", ""), "PostgreSQL URL as hms_org (postgres://…)")
	fs.StringVar(&cfg.DatabaseSystemURL, "database-system-url", env("HMS_DATABASE_SYSTEM_URL", ""),
		"PostgreSQL URL as hms_system (postgres://…)")
	cfg.SMTPURL = os.Getenv("HMS_SMTP_URL")
	cfg.MailFrom = env("HMS_MAIL_FROM", "")
	cfg.BaseURL = env("HMS_BASE_URL", "")
	cfg.StorageCountry = env("HMS_STORAGE_COUNTRY", "NL")
	cfg.MailCountry = env("HMS_MAIL_COUNTRY", "NL")
	if e := os.Getenv("HMS_CONTACT_EMAIL"); e != "" {
		cfg.Contact = web.SiteContact{Name: env("HMS_CONTACT_NAME", web.DefaultContact.Name), Email: e,
			Phone: os.Getenv("HMS_CONTACT_PHONE"), Address: os.Getenv("HMS_CONTACT_ADDRESS"), KvK: os.Getenv("HMS_CONTACT_KVK")}
	}
	cfg.CreditorID, cfg.CreditorName = env("HMS_CREDITOR_ID", ""), env("HMS_CREDITOR_NAME", "")
	cfg.CancelShredDays, _ = strconv.Atoi(env("HMS_CANCEL_SHRED_DAYS", "0"))    // serve refuses what is not a number
	cfg.PastDueGraceDays, _ = strconv.Atoi(env("HMS_PAST_DUE_GRACE_DAYS", "0")) // serve refuses what is not a number
	cfg.Seller = subscription.Seller{Address: os.Getenv("HMS_SELLER_ADDRESS"), KvK: os.Getenv("HMS_SELLER_KVK"),
		VATID: os.Getenv("HMS_SELLER_VATID"), IBAN: os.Getenv("HMS_CREDITOR_IBAN"), BIC: os.Getenv("HMS_CREDITOR_BIC")}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout)
	case "migrate":
		var cfg app.Config
		fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
		commonFlags(fs, &cfg)
		// Only migrate, backup and restore take the owner's URL: a server
		// never holds it.
		fs.StringVar(&cfg.DatabaseOwnerURL, "database-owner-url", env("HMS_DATABASE_OWNER_URL", ""),
			"PostgreSQL URL as the schema owner (postgres://…)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if cfg.DatabaseURL != "" && cfg.DatabaseOwnerURL == "" {
			return errors.New("hms migrate on PostgreSQL needs the schema owner's URL: --database-owner-url or HMS_DATABASE_OWNER_URL")
		}
		a, err := app.Open(ctx, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		fmt.Fprintln(stdout, "database is up to date")
		return nil
	case "user":
		if len(args) < 2 || args[1] != "create" {
			return errors.New("usage: hms user create --org SLUG --email E --role R")
		}
		return userCreate(ctx, args[2:], stdout)
	case "token":
		if len(args) < 2 || args[1] != "create" {
			return errors.New("usage: hms token create --org SLUG --email E [--scopes read,write]")
		}
		return tokenCreate(ctx, args[2:], stdout)
	case "import":
		return importFile(ctx, args[1:], stdout)
	case "org":
		return orgCommand(ctx, args[1:], stdout)
	case "subscription":
		return subscriptionCommand(ctx, args[1:], stdout)
	case "plans":
		return plansCommand(ctx, args[1:], stdout)
	case "privacy":
		return privacyCommand(ctx, args[1:], stdout)
	case "access":
		return accessCommand(ctx, args[1:], stdout)
	case "rentrun":
		return rentRun(ctx, args[1:], stdout)
	case "demo":
		return demoCommand(ctx, args[1:], stdout)
	case "rentincrease":
		return rentIncreaseCommand(ctx, args[1:], stdout)
	case "cpi":
		return cpiCommand(ctx, args[1:], stdout)
	case "deposits":
		return depositCommand(ctx, args[1:], stdout)
	case "sepa":
		return sepaCommand(ctx, args[1:], stdout)
	case "bank":
		return bankCommand(ctx, args[1:], stdout)
	case "dunning":
		return dunningCommand(ctx, args[1:], stdout)
	case "payouts":
		return payoutsCommand(ctx, args[1:], stdout)
	case "report":
		return reportCommand(ctx, args[1:], stdout)
	case "settlement":
		return settlementCommand(ctx, args[1:], os.Stdin, stdout, stderr)
	case "search":
		return searchCommand(ctx, args[1:], stdout)
	case "stats":
		return statsCommand(ctx, args[1:], stdout)
	case "backup":
		return backupCommand(ctx, args[1:], stdout)
	case "restore":
		return restoreCommand(ctx, args[1:], stdout)
	case "audit":
		if len(args) < 2 || args[1] != "verify" {
			return errors.New("usage: hms audit verify")
		}
		return auditVerify(ctx, args[2:], stdout)
	}
	return fmt.Errorf("unknown command %q; run hms help", args[0])
}

func serve(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	fs.StringVar(&cfg.Addr, "addr", env("HMS_ADDR", "localhost:8080"), "address to listen on")
	demo := fs.Bool("demo", false, "start on a fresh embedded database with a demo organisation")
	if err := fs.Parse(args); err != nil {
		return err
	}
	proxies, err := web.ParseTrustedProxies(os.Getenv("HMS_TRUSTED_PROXIES"))
	if err != nil {
		return fmt.Errorf("HMS_TRUSTED_PROXIES: %w", err)
	}
	cfg.TrustedProxies = proxies
	if cfg.MetricsFrom, err = web.ParseNetworks(os.Getenv("HMS_METRICS_ADDR")); err != nil {
		return fmt.Errorf("HMS_METRICS_ADDR: %w", err)
	}
	cfg.MetricsToken = os.Getenv("HMS_METRICS_TOKEN")
	if days := os.Getenv("HMS_RETENTION_DAYS"); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return fmt.Errorf("HMS_RETENTION_DAYS: %q is not a number of days", days)
		}
		cfg.Retention = time.Duration(n) * 24 * time.Hour
	}
	if days := os.Getenv("HMS_CANCEL_SHRED_DAYS"); days != "" {
		if n, err := strconv.Atoi(days); err != nil || n < 1 {
			return fmt.Errorf("HMS_CANCEL_SHRED_DAYS: %q is not a number of days", days)
		}
	}
	if days := os.Getenv("HMS_PAST_DUE_GRACE_DAYS"); days != "" {
		if n, err := strconv.Atoi(days); err != nil || n < 1 {
			return fmt.Errorf("HMS_PAST_DUE_GRACE_DAYS: %q is not a number of days", days)
		}
	}
	if *demo {
		dir, err := os.MkdirTemp("", "hms-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir, cfg.DatabaseURL = dir, ""
		// A throw-away database: printing its mail lets sign-up work without a mail server.
		cfg.HeldMail = func(m mail.Message) {
			fmt.Fprintf(stdout, "\n--- e-mail to %s: %s\n%s\n---\n", m.To, m.Subject, m.Text)
		}
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Start(ctx); err != nil {
		return err
	}
	lang := cliLang()
	say := func(id string, args ...any) {
		data := map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
		fmt.Fprintln(stdout, a.Texts.T(lang, id, data))
	}
	say("serve.running", "URL", a.URL())
	if *demo {
		login, owner, err := a.SeedDemoOwner(ctx, "demo")
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		// The login first; the portfolio fills in the background (the
		// dashboard says so until it is done).
		say("serve.login_as", "Email", login.Email, "Password", login.Password)
		say("serve.demo_building")
		a.StartDemoFill(ctx, owner, "demo", 150, func(res *importer.Result, err error) {
			if err != nil {
				fmt.Fprintf(stdout, "demo data: %v\n", err)
				return
			}
			say("serve.demo_ready", "Org", login.OrgSlug, "Units", res.Units, "Tenants", res.Tenants, "Leases", res.Leases)
		})
	}
	if cfg.SMTPURL == "" {
		say("serve.no_smtp")
	}
	<-ctx.Done()
	say("serve.stopping")
	return nil
}

func openApp(ctx context.Context, name string, args []string, extra func(fs *flag.FlagSet)) (*app.App, error) {
	var cfg app.Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	commonFlags(fs, &cfg)
	extra(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg)
}

func userCreate(ctx context.Context, args []string, stdout io.Writer) error {
	var in account.CreateUserInput
	var role string
	a, err := openApp(ctx, "user create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&in.OrgSlug, "org", "", "organisation slug (created when missing)")
		fs.StringVar(&in.Email, "email", "", "e-mail address")
		fs.StringVar(&in.Name, "name", "", "full name")
		fs.StringVar(&role, "role", "", "owner, manager, bookkeeper or viewer")
		fs.BoolVar(&in.Staff, "staff", false, "platform staff (HMS employee)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	in.Role = account.Role(role)
	pw, id, err := a.Accounts.CreateUser(ctx, in)
	if err != nil {
		return explain(a, err)
	}
	if pw == "" {
		fmt.Fprintf(stdout, "user %d exists; membership updated\n", id)
		return nil
	}
	fmt.Fprintf(stdout, "user %d created; one-time password: %s\n", id, pw)
	return nil
}

func tokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	var slug, email, name, scopes string
	a, err := openApp(ctx, "token create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", "organisation slug")
		fs.StringVar(&email, "email", "", "the owner the token acts for")
		fs.StringVar(&name, "name", "cli", "a name to recognise the token by")
		fs.StringVar(&scopes, "scopes", "read", "comma-separated: read, write, admin")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	uid, err := a.Accounts.UserIDByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("no user with e-mail %q", email)
	}
	actor, err := a.Accounts.ActorFor(ctx, uid, slug)
	if err != nil {
		return fmt.Errorf("%s is not a member of organisation %q", email, slug)
	}
	var sc []account.Scope
	for _, s := range strings.Split(scopes, ",") {
		if s = strings.TrimSpace(s); s != "" {
			sc = append(sc, account.Scope(s))
		}
	}
	tok, err := a.Accounts.CreateAPIToken(ctx, actor, name, sc)
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func importFile(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && (args[0] == "opening-balances" || args[0] == "advances") {
		return importMoving(ctx, args[0], args[1:], stdout)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	if err := fs.Parse(args); err != nil {
		return err
	}
	file := fs.Arg(0)
	if file == "" || fs.NArg() > 1 {
		return errors.New("usage: hms import --org SLUG FILE.csv")
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	org, err := a.Accounts.OrgBySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("no organisation %q", *slug)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	// The operator acts for the organisation as the system, with an owner's rights.
	actor := account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}
	if err := mayWrite(ctx, a, org); err != nil {
		return err
	}
	res, cellErrs, err := a.Importer.Import(ctx, actor, f, nil)
	if len(cellErrs) > 0 {
		for _, ce := range cellErrs {
			col := ce.Column
			if col == "" {
				col = "(line)"
			}
			fmt.Fprintf(stdout, "line %d, %s: %s\n", ce.Line, col, a.Texts.T("en", ce.Reason, nil))
		}
		return fmt.Errorf("%d errors; nothing was imported", len(cellErrs))
	}
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "imported %d lines: %d complexes, %d units, %d tenants, %d leases\n", res.Rows, res.Complexes,
		res.Units, res.Tenants, res.Leases)
	for _, c := range []struct {
		what string
		n    importer.Counts
	}{{"new", res.New}, {"updated", res.Changed}, {"unchanged", res.Unchanged}} {
		fmt.Fprintf(stdout, "  %s: %d units, %d tenants, %d leases\n", c.what, c.n.Units, c.n.Tenants, c.n.Leases)
	}
	return nil
}

func demoCommand(ctx context.Context, args []string, stdout io.Writer) error {
	var slug string
	var units int
	a, err := openApp(ctx, "demo", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "demo", "organisation slug (created when missing)")
		fs.IntVar(&units, "units", 100, "number of units")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	login, res, err := a.SeedDemo(ctx, slug, units)
	if err != nil {
		return explain(a, err)
	}
	if res != nil {
		fmt.Fprintf(stdout, "organisation %q: %d units, %d tenants, %d leases\n", slug, res.Units, res.Tenants, res.Leases)
	}
	if login.Password != "" {
		fmt.Fprintf(stdout, "log in as %s with password %s\n", login.Email, login.Password)
	}
	return nil
}

func auditVerify(ctx context.Context, args []string, stdout io.Writer) error {
	a, err := openApp(ctx, "audit verify", args, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := audit.Verify(ctx, a.DB, audit.WithVault(a.Vault))
	if err != nil {
		return err
	}
	if rep.Broken != nil {
		return fmt.Errorf("audit chain broken: organisation %d, sequence %d (event %d): %s",
			rep.Broken.OrgID, rep.Broken.Seq, rep.Broken.EventID, rep.Broken.Reason)
	}
	fmt.Fprintf(stdout, "audit log intact: %d events in %d chains\n", rep.Events, rep.Orgs)
	return nil
}

// explain turns a service error into an English sentence for the terminal.
func explain(a *app.App, err error) error { return explainFlags(a, err, nil) }

// explainFlags is explain for a command whose flags are named otherwise
// than the service's fields (field → flag); invalid input exits with 2.
func explainFlags(a *app.App, err error, flags map[string]string) error {
	if fe, ok := validation.AsFields(err); ok {
		var parts []string
		for f, msg := range fe {
			name := "--" + f
			if fl, ok := flags[f]; ok {
				name = fl
			}
			if f == "_" {
				parts = append(parts, a.Texts.T("en", msg, nil))
				continue
			}
			parts = append(parts, name+": "+a.Texts.T("en", msg, nil))
		}
		slices.Sort(parts)
		return &exitError{code: 2, err: errors.New(strings.Join(parts, "; "))}
	}
	if p, ok := validation.AsProblem(err); ok {
		return errors.New(a.Texts.T("en", p.Code, nil))
	}
	return err
}

// cliLang is the language of what `hms serve` says on start-up: HMS_LANG,
// else English when the locale (LC_ALL, LC_MESSAGES, LANG) is English, else
// Dutch, the product's first language.
func cliLang() string {
	if l := i18n.Supported(os.Getenv("HMS_LANG")); l != "" {
		return l
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			if strings.HasPrefix(l, "en") {
				return "en"
			}
			break
		}
	}
	return i18n.Default
}
