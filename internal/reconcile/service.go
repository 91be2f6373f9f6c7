package reconcile

import (
	"context"
	"fmt"
	"io"
	"time"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/bankfile"
	"hms/internal/ledger"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/privacy/guard"
)

// Deps are what the service needs. Collections and Payouts may be nil.
type Deps struct {
	DB          *db.DB
	Audit       *audit.Log
	Vault       *vault.Vault
	Clock       clock.Clock
	Accounts    *account.Service
	Jobs        *jobs.Queue
	Ledger      *ledger.Service
	Bank        *bank.Service
	Collections Collections
	Payouts     Payouts
}

// Service is the face of the reconciliation.
type Service struct {
	db          *db.DB
	audit       *audit.Log
	vault       *vault.Vault
	clk         clock.Clock
	accounts    *account.Service
	jobs        *jobs.Queue
	ledger      *ledger.Service
	bank        *bank.Service
	collections Collections
	payouts     Payouts
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	s := &Service{db: d.DB, audit: d.Audit, vault: d.Vault, clk: d.Clock, accounts: d.Accounts, jobs: d.Jobs, ledger: d.Ledger,
		bank: d.Bank, collections: d.Collections, payouts: d.Payouts}
	if d.Jobs != nil {
		d.Jobs.Register(JobKind, s.runUpload, jobs.MaxAttempts(1), jobs.Timeout(time.Hour), jobs.Interactive())
	}
	return s
}

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType string, id int64,
	details map[string]string) error {
	kind := a.Kind
	if kind == "" {
		kind = audit.ActorUser
	}
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: action,
		TargetType: targetType, TargetID: fmt.Sprint(id), Details: details})
}

// ImportOptions steer an import.
type ImportOptions struct {
	FileName string
	// AddAccount adds the accounts of the file the organisation does not
	// have yet, instead of refusing the file.
	AddAccount bool
	// Progress, when set, hears how many bytes of the file are read and
	// stored, of Size.
	Progress func(done, total int)
	// Size is the file's length in bytes, for Progress (0: unknown); a file
	// said to be larger than MaxFileBytes is refused unread.
	Size int64
	// nameReviewed: the file name passed the privacy guard when the file
	// was uploaded (Submit), so the job does not ask again.
	nameReviewed bool
}

// MaxFileBytes bounds a statement file: 128 MiB, a camt.053 of about
// 170,000 entries (a year of a large portfolio's rent in one file; 100,000
// entries are 75 MB). Import reads a file as it stores it, so its memory does
// not grow with the file; an upload (Submit, the web page, the API) holds the
// file whole a few times while it is sealed and stored, which this bounds. A
// larger file is refused before anything is stored.
const MaxFileBytes = 128 << 20

// Import reads a statement file and stores it, or nothing of it: a file
// that cannot be read, or holds a statement for an account the
// organisation does not have (without AddAccount), is *Refused. The file is
// read as it is stored, a few hundred entries at a time, in the one
// transaction that a refusal anywhere in it rolls back.
func (s *Service) Import(ctx context.Context, a account.Actor, r io.Reader, opt ImportOptions) (Result, error) {
	if !a.Can(account.PermFinanceWrite) {
		return Result{}, validation.ErrForbidden
	}
	if opt.Size > MaxFileBytes {
		return Result{}, &Refused{MsgID: bankfile.ErrTooLarge, Detail: fmt.Sprintf("%d bytes, at most %d", opt.Size, MaxFileBytes)}
	}
	var res Result
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if !opt.nameReviewed {
			if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "file_name", Value: opt.FileName}); err != nil {
				return err
			}
		}
		im := &importer{s: s, tx: tx, a: a, opt: opt, today: s.today(), pay: s.ledger.NewPaymentBatch(tx, a)}
		var err error
		res, err = im.run(ctx, r)
		return err
	})
	return res, err
}
