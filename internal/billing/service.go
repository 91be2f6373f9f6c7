package billing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Deps are what the service needs.
type Deps struct {
	DB     *db.DB
	Audit  *audit.Log
	Clock  clock.Clock
	Ledger *ledger.Service
	// For invoice documents: the tenants' names, addresses and e-mail
	// addresses, the lease's terms and the issuer's details, and the outbox.
	Relations *relation.Service
	Leases    *lease.Service
	Outbox    *mail.Outbox
	// For scope pickers: complexes and units by name and address.
	Portfolio *portfolio.Service
	// Jobs runs rent runs and invoice documents in the background, acting
	// as the user who started them (Accounts); nil: no background work.
	Jobs     *jobs.Queue
	Accounts *account.Service
}

// Service is the face of billing: the rent run and invoice documents.
type Service struct {
	db     *db.DB
	audit  *audit.Log
	clk    clock.Clock
	ledger *ledger.Service
	jobs   *jobs.Queue
	// documents
	relations *relation.Service
	leases    *lease.Service
	outbox    *mail.Outbox
	portfolio *portfolio.Service
	docBatch  int
	// batch is how many leases one transaction of a run posts.
	batch int
	// fault, when set (tests), is asked at every step of a run whether to
	// fail there, to prove an interrupted run can simply be run again.
	fault func(ctx context.Context, point string) error
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	s := &Service{db: d.DB, audit: d.Audit, clk: d.Clock, ledger: d.Ledger, batch: 1000,
		relations: d.Relations, leases: d.Leases, outbox: d.Outbox, portfolio: d.Portfolio, docBatch: 50}
	if d.Jobs != nil {
		s.registerJobs(d.Jobs, d.Accounts)
	}
	return s
}

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

func (s *Service) check(ctx context.Context, point string) error {
	if s.fault == nil {
		return nil
	}
	return s.fault(ctx, point)
}

// --- settings ---

// Settings are an organisation's billing settings.
type Settings struct {
	Proration       Proration
	PeriodProration PeriodProration
	IssuerIBAN      string // the account invoices ask to be paid to
	SendInvoices    bool
	// paymentTerm is the organisation's payment term (orgprofile): a late
	// run's invoices are due this many days after issue. The KvK number, VAT
	// id and the rest of the issuer are the organisation's details too.
	paymentTerm int
}

// MaxPaymentTerm is the longest payment term a setting may give.
const MaxPaymentTerm = 365

// DefaultSettings apply until an organisation saves its own.
var DefaultSettings = Settings{Proration: ActualDays, PeriodProration: WholePeriod, paymentTerm: DefaultPaymentTerm, SendInvoices: true}

// rules are the settings a run on issue date today computes with.
func (st Settings) rules(today civil.Date) Rules {
	return Rules{Proration: st.Proration, Period: st.PeriodProration, PaymentTerm: st.paymentTerm, Today: today}
}

// Settings reads the organisation's billing settings.
func (s *Service) Settings(ctx context.Context, a account.Actor) (Settings, error) {
	if !a.Can(account.PermFinanceRead) {
		return Settings{}, validation.ErrForbidden
	}
	var st Settings
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		st, err = loadSettings(ctx, tx)
		return err
	})
	return st, err
}

// SaveSettings replaces the organisation's billing settings.
func (s *Service) SaveSettings(ctx context.Context, a account.Actor, st Settings) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	fe := validation.Errors{}
	if !slices.Contains(Prorations, st.Proration) {
		fe.Add("proration", "field.invalid")
	}
	if st.PeriodProration == "" {
		st.PeriodProration = WholePeriod
	}
	if !slices.Contains(PeriodProrations, st.PeriodProration) {
		fe.Add("period_proration", "field.invalid")
	}
	if st.IssuerIBAN = nl.NormalizeIBAN(st.IssuerIBAN); st.IssuerIBAN != "" && nl.ValidateIBAN(st.IssuerIBAN) != nil {
		fe.Add("issuer_iban", "relation.iban_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := saveSettings(ctx, tx, st, s.now()); err != nil {
			return err
		}
		return s.ledger.Record(ctx, tx, a, "billing.settings_updated", "organisation", tx.OrgID(), nil)
	})
}

// --- the rent run ---

// RunInput is what a rent run is asked to do.
type RunInput struct {
	Period string // "2026-01" or "2026-Q1"
	Scope  Scope
	// Expect is what the person confirmed from a preview. A run starts only
	// when posting now books exactly that many invoices for that total (nil:
	// the caller previews and posts in one step, as the CLI and the demo do).
	Expect *Expectation
}

// Expectation is a preview's count and total, repeated when confirming.
type Expectation struct {
	Invoices int
	Total    money.Cents
}

func (in RunInput) parse() (Period, error) {
	per, err := ParsePeriod(in.Period)
	if err != nil {
		return Period{}, validation.Errors{"period": "billing.period.invalid"}
	}
	return per, nil
}

// span is the days a run of per looks at: a quarterly lease's period can
// begin two months before a month of the run.
func (per Period) span() (civil.Date, civil.Date) {
	return billingPeriod(lease.Quarterly, per.Months[0]).First, per.Months[len(per.Months)-1].Last()
}

// Preview is what posting a run would do now: only what is missing.
type Preview struct {
	Period   string
	Scope    ResolvedScope
	Invoices int
	Lines    int
	Net      money.Cents
	VAT      money.Cents
	Total    money.Cents
	ByKind   []KindTotal
	Warnings []Warning
	Charges  []Charge // the window [Offset, Offset+Limit) of the invoices to post, in lease order
	Skipped  int      // leases already charged for their period
	// VATBlocked names the issuer details that lines with VAT need and the
	// organisation has not set: posting is refused until they are.
	VATBlocked []IssuerSetting
}

// KindTotal is the total of one component kind in a preview.
type KindTotal struct {
	Kind  string
	Net   money.Cents
	Lines int
}

// Warning is something to look at before posting.
type Warning struct {
	LeaseID   int64
	Reference string
	Message   string // message id
}

// PreviewWindow chooses which invoices a preview lists in full.
type PreviewWindow struct {
	Offset, Limit int
}

// Preview computes the run without writing anything.
func (s *Service) Preview(ctx context.Context, a account.Actor, in RunInput, w PreviewWindow) (*Preview, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	per, err := in.parse()
	if err != nil {
		return nil, err
	}
	if w.Limit <= 0 || w.Limit > 500 {
		w.Limit = 50
	}
	p := &Preview{Period: per.Key}
	kinds := map[string]*KindTotal{}
	seen := map[postedKey]bool{}
	hasVAT := false
	err = s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		from, to := per.span()
		scope, err := s.resolveScope(ctx, tx, a, in.Scope, from, to)
		if err != nil {
			return err
		}
		p.Scope = scope
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		for _, m := range per.Months {
			if err := s.walk(ctx, tx, m, scope.Billing(), st.rules(s.today()).forRun(per), func(cs []Charge, skipped int) error {
				p.Skipped += skipped
				for _, c := range cs {
					// A quarterly lease meets its quarter in each month of a
					// quarter run: it is charged once.
					k := c.key()
					if seen[k] {
						continue
					}
					seen[k] = true
					for _, msg := range c.Warnings {
						if len(p.Warnings) < 1000 {
							p.Warnings = append(p.Warnings, Warning{c.LeaseID, c.Reference, msg})
						}
					}
					if len(c.Lines) == 0 {
						continue
					}
					if p.Invoices >= w.Offset && len(p.Charges) < w.Limit {
						p.Charges = append(p.Charges, c)
					}
					p.Invoices++
					for _, l := range c.Lines {
						hasVAT = hasVAT || l.VATRate != 0
						p.Lines++
						p.Net += l.Net
						p.VAT += l.VAT()
						kind, _, _ := strings.Cut(l.Line, "|")
						k := kinds[kind]
						if k == nil {
							k = &KindTotal{Kind: kind}
							kinds[kind] = k
						}
						k.Net += l.Net
						k.Lines++
					}
				}
				return nil
			}); err != nil {
				return err
			}
		}
		if hasVAT {
			p.VATBlocked, err = s.missingForVAT(ctx, tx, st)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	p.Total = p.Net + p.VAT
	for _, k := range lease.ComponentKinds {
		if t := kinds[string(k)]; t != nil {
			p.ByKind = append(p.ByKind, *t)
		}
	}
	return p, nil
}

// walk computes, batch by batch in lease order, the charges still missing
// for month m; fn gets each batch's charges and how many leases were
// already charged.
func (s *Service) walk(ctx context.Context, tx *db.Tx, m civil.Month, scope lease.BillingScope, p Rules,
	fn func([]Charge, int) error) error {
	var after int64
	for {
		cs, last, _, skipped, err := s.batchCharges(ctx, tx, m, scope, p, after)
		if err != nil {
			return err
		}
		if last == 0 {
			return nil
		}
		if err := fn(cs, skipped); err != nil {
			return err
		}
		after = last
	}
}

// batchCharges computes the missing charges of the next batch of leases
// after afterID; last is the batch's last lease id (0: no more leases).
func (s *Service) batchCharges(ctx context.Context, tx *db.Tx, m civil.Month, scope lease.BillingScope, p Rules, afterID int64) (
	cs []Charge, last int64, seen, skipped int, err error) {
	// A quarterly lease's period can begin two months before m.
	from := billingPeriod(lease.Quarterly, m).First
	ls, err := lease.Billable(ctx, tx, scope, from, m.Last(), afterID, s.batch)
	if err != nil || len(ls) == 0 {
		return nil, 0, 0, 0, err
	}
	last, seen = ls[len(ls)-1].ID, len(ls)
	have, err := postedLines(ctx, tx, ls[0].ID, last, billingPeriod(lease.Monthly, m).Key, billingPeriod(lease.Quarterly, m).Key)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	for _, l := range ls {
		c := compute(l, m, p)
		if len(c.Lines) == 0 && len(c.Warnings) == 1 && c.Warnings[0] == "billing.warn.no_components" && c.DueDate.IsZero() {
			continue // not running in its billing period
		}
		posted := have[postedKey{l.ID, c.Period.Key}]
		if len(posted) > 0 {
			c.Lines = slices.DeleteFunc(c.Lines, func(dl ledger.DraftLine) bool { return posted[dl.Line] })
			c.Warnings = nil
			if len(c.Lines) == 0 {
				skipped++
				continue
			}
		}
		cs = append(cs, c)
	}
	cc, err := corrections(ctx, tx, ls, p)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	cs = append(cs, cc...)
	return cs, last, seen, skipped, nil
}

type postedKey struct {
	lease  int64
	period string
}

// Run is a rent run's record.
type Run struct {
	ID         int64
	Period     string
	Scope      string // "lease:12"; "" for the whole organisation
	ScopeName  string // the scope in words, as confirmed
	State      string
	JobID      int64
	Invoices   int64
	Charges    int64
	Total      money.Cents
	Error      string
	CreatedAt  time.Time
	FinishedAt time.Time
	UndoneAt   time.Time // zero: not undone
	// UndoCreditNotes is how many credit notes undoing the run booked.
	UndoCreditNotes int64
	// Job is the progress of a queued or running run's job (GetRun only;
	// nil otherwise, or once the job is gone).
	Job *jobs.Status
}

// StartRun records a run and queues it as a job; the page follows the
// job's progress. The scope must resolve, and what the person confirmed
// (in.Expect) must still be what the run would post.
func (s *Service) StartRun(ctx context.Context, a account.Actor, in RunInput) (*Run, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	per, scope, err := s.confirm(ctx, a, in)
	if err != nil {
		return nil, err
	}
	// The run is read back in the transaction that wrote it (one
	// transaction less a start; the job is then still queued).
	var run *Run
	err = s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		id, err := s.newRun(ctx, tx, a, per, scope)
		if err != nil {
			return err
		}
		jobID, err := s.jobs.Enqueue(ctx, tx, JobRentRun, runPayload{RunID: id, UserID: a.UserID, Period: per.Key, Scope: scope.Billing()})
		if err != nil {
			return err
		}
		if err := setRunJob(ctx, tx, id, jobID); err != nil {
			return err
		}
		if err := s.ledger.Record(ctx, tx, a, "billing.run_started", "run", id,
			map[string]string{"period": per.Key, "scope": scope.Key()}); err != nil {
			return err
		}
		run, err = s.getRun(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// newRun records a run of period, unless a run of that period is still in
// progress (409 billing.run.in_progress): a second start, on this instance
// or another, waits for the first's check and then finds it, so a period is
// never posted by two runs at once.
func (s *Service) newRun(ctx context.Context, tx *db.Tx, a account.Actor, per Period, scope ResolvedScope) (int64, error) {
	if err := lockRunStarts(ctx, tx); err != nil {
		return 0, err
	}
	busy, err := runInProgress(ctx, tx, per.Key, s.now())
	if err != nil {
		return 0, err
	}
	if busy {
		return 0, conflict("billing.run.in_progress")
	}
	return insertRun(ctx, tx, per, scope, s.now(), a.UserID)
}

// confirm resolves a run's period and scope and, when the person confirmed
// a preview, checks that posting now would book the same.
func (s *Service) confirm(ctx context.Context, a account.Actor, in RunInput) (Period, ResolvedScope, error) {
	per, err := in.parse()
	if err != nil {
		return Period{}, ResolvedScope{}, err
	}
	p, err := s.Preview(ctx, a, in, PreviewWindow{Limit: 1})
	if err != nil {
		return Period{}, ResolvedScope{}, err
	}
	if len(p.VATBlocked) > 0 {
		return Period{}, ResolvedScope{}, ErrVATIssuerMissing
	}
	if in.Expect != nil && (in.Expect.Invoices != p.Invoices || in.Expect.Total != p.Total) {
		return Period{}, ResolvedScope{}, conflict("billing.run.changed")
	}
	return per, p.Scope, nil
}

// PostRun runs a period now, in the caller's goroutine (the CLI and the
// demo): batch by batch, each batch one transaction. Progress, when not
// nil, hears after every batch.
func (s *Service) PostRun(ctx context.Context, a account.Actor, in RunInput, progress func(done, total int)) (*Run, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	per, scope, err := s.confirm(ctx, a, in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if id, err = s.newRun(ctx, tx, a, per, scope); err != nil {
			return err
		}
		return s.renewAlive(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	stop := s.keepAlive(ctx, a.OrgID, id)
	err = s.post(ctx, a, id, per, scope.Billing(), progress)
	stop()
	if err != nil {
		return nil, err
	}
	return s.GetRun(ctx, a, id)
}

// A run posted in-process has no job whose lease shows it is alive: its
// process renews the run's alive_until instead, on the queue's rhythm, so
// that RecoverRuns can tell a run whose process died from one still posting.
const (
	aliveFor   = jobs.DefaultLease
	aliveEvery = jobs.DefaultLease / 3
)

func (s *Service) renewAlive(ctx context.Context, tx *db.Tx, runID int64) error {
	return setRunAlive(ctx, tx, runID, db.TS(s.clk.Now().Add(aliveFor)))
}

// keepAlive renews run runID's alive_until until the returned stop is called.
func (s *Service) keepAlive(ctx context.Context, orgID, runID int64) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(aliveEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				// A failed renewal is retried at the next tick; the run is
				// only judged dead after a whole aliveFor without one.
				_ = s.db.InOrg(ctx, orgID, func(tx *db.Tx) error { return s.renewAlive(ctx, tx, runID) })
			}
		}
	}()
	return func() { cancel(); <-done }
}

// post does the work of run id. Each batch of leases is one transaction
// that posts the batch's missing invoices, moves the run's counters and
// writes one audit event; a failure anywhere leaves whole batches, and
// running the period again adds exactly what is missing.
func (s *Service) post(ctx context.Context, a account.Actor, runID int64, per Period, scope lease.BillingScope,
	progress func(done, total int)) (err error) {
	postedAny, resumed := false, false
	defer func() {
		// The queue gave the job to another worker, or this process is
		// going away: that worker (or the next process) finishes the run,
		// so this one records nothing, as if it had died.
		if c := context.Cause(ctx); err != nil && (errors.Is(c, jobs.ErrAbandoned) || errors.Is(c, jobs.ErrLeaseLost)) {
			return
		}
		// A fresh context: the run's own may be the thing that was cancelled.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		// The documents are made and sent by their own job, not in the
		// run's batches, so the run stays fast; also for the batches a
		// failed run did commit, and for a resumed run whose earlier
		// attempt posted it all (the job only makes what is missing).
		if postedAny || resumed {
			if qerr := s.enqueueDocuments(fctx, a, runID); qerr != nil && err == nil {
				err = qerr
			}
		}
		state, msg := "done", ""
		if err != nil {
			state, msg = "failed", clip(audit.Redact(err.Error()), 500)
		}
		// A run whose outcome cannot be recorded stays "running" until
		// RecoverRuns closes it; the caller hears both errors.
		if ferr := s.db.InOrg(fctx, a.OrgID, func(tx *db.Tx) error { return finishRun(fctx, tx, runID, state, msg, s.now()) }); ferr != nil {
			err = errors.Join(err, ferr)
		}
	}()
	var total int
	var prorate Rules
	issue := s.today()
	err = s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		st, err := loadSettings(ctx, tx)
		prorate = st.rules(issue).forRun(per)
		if err != nil {
			return err
		}
		before, err := runInvoices(ctx, tx, runID)
		if err != nil {
			return err
		}
		resumed = before > 0
		for _, m := range per.Months {
			n, err := lease.CountBillable(ctx, tx, scope, billingPeriod(lease.Quarterly, m).First, m.Last())
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return err
	}
	done := 0
	if err := s.setRunning(ctx, a, runID); err != nil {
		return err
	}
	for _, m := range per.Months {
		var after int64
		for {
			if err := s.check(ctx, "batch.begin"); err != nil {
				return err
			}
			var last int64
			var seen, batchPosted int
			err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
				if err := tx.CustomPlans(ctx); err != nil {
					return err
				}
				cs, l, n, _, err := s.batchCharges(ctx, tx, m, scope, prorate, after)
				if err != nil || l == 0 {
					return err
				}
				last, seen = l, n
				drafts := make([]ledger.Draft, 0, len(cs))
				var lines int
				var sum money.Cents
				for _, c := range cs {
					if len(c.Lines) == 0 {
						continue
					}
					drafts = append(drafts, ledger.Draft{LeaseID: c.LeaseID, Period: c.Period.Key, IssueDate: issue, DueDate: c.DueDate,
						RunID: runID, Lines: c.Lines, Proration: prorate.Method(), Kind: c.Kind, Reason: c.Reason})
					lines += len(c.Lines)
				}
				if err := s.check(ctx, "batch.computed"); err != nil {
					return err
				}
				posted, err := ledger.PostTx(ctx, tx, drafts, s.now(), a.UserID)
				if err != nil {
					return err
				}
				if err := s.check(ctx, "batch.posted"); err != nil {
					return err
				}
				for _, p := range posted {
					sum += p.Total
				}
				batchPosted = len(posted)
				if err := addToRun(ctx, tx, runID, len(posted), lines, sum); err != nil {
					return err
				}
				if len(posted) > 0 {
					if err := s.ledger.Record(ctx, tx, a, "billing.invoices_posted", "run", runID, map[string]string{
						"period": m.String(), "invoices": fmt.Sprint(len(posted)), "first": posted[0].Number,
						"last": posted[len(posted)-1].Number}); err != nil {
						return err
					}
				}
				return s.check(ctx, "batch.commit")
			})
			if err != nil {
				return err
			}
			postedAny = postedAny || batchPosted > 0
			if last == 0 {
				break
			}
			after = last
			done += seen
			if progress != nil {
				progress(min(done, total), total)
			}
			if err := s.check(ctx, "batch.after"); err != nil {
				return err
			}
		}
	}
	if progress != nil {
		progress(total, total)
	}
	return nil
}

func (s *Service) setRunning(ctx context.Context, a account.Actor, runID int64) error {
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error { return startRun(ctx, tx, runID) })
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// GetRun reads a run.
func (s *Service) GetRun(ctx context.Context, a account.Actor, id int64) (*Run, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var r *Run
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		r, err = s.getRun(ctx, tx, id)
		return err
	})
	return r, err
}

// getRun reads run id and, while it is queued or running, its job.
func (s *Service) getRun(ctx context.Context, tx *db.Tx, id int64) (*Run, error) {
	rs, err := runs(ctx, tx, "id = $2", id, 1)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, validation.ErrNotFound
	}
	r := &rs[0]
	if r.JobID == 0 || (r.State != "queued" && r.State != "running") {
		return r, nil
	}
	st, err := s.jobs.Status(ctx, tx, r.JobID)
	if errors.Is(err, jobs.ErrNotFound) {
		return r, nil
	}
	if err != nil { // jobs.Status names the job
		return nil, err
	}
	r.Job = &st
	return r, nil
}

// Runs lists runs newest first: the latest limit, or the limit before the
// run beforeID (the API pages with it).
func (s *Service) Runs(ctx context.Context, a account.Actor, beforeID int64, limit int) ([]Run, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	cond := "id > $2" // every run
	if beforeID > 0 {
		cond = "id < $2"
	}
	var out []Run
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = runs(ctx, tx, cond, beforeID, limit)
		return err
	})
	return out, err
}
