package directdebit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/relation"
	"hms/internal/sepa"
)

// CollectionInput is what a collection is asked to take.
type CollectionInput struct {
	// CollectionDate is the requested collection date (ReqdColltnDt): a
	// TARGET2 business day, at least the bank's lead days ahead.
	CollectionDate civil.Date
	// DueUntil takes the open invoices due on or before it (zero: the
	// collection date).
	DueUntil civil.Date
	// AccountID is the account to collect to (zero: the first account for
	// rent that is not archived).
	AccountID int64
}

// Expectation is what the person confirmed from a preview: Create makes
// the batch only when it still counts and totals that.
type Expectation struct {
	Count int
	Total money.Cents
}

// Prenotice says how the debtor is told of a debit beforehand (DOMAIN §5.3:
// at least PrenoticeDays before the collection date).
type Prenotice string

// The ways of pre-notification.
const (
	// PrenoticeInvoice: the invoice (which says the amount will be
	// collected) was sent early enough.
	PrenoticeInvoice Prenotice = "invoice"
	// PrenoticeMail: creating the collection mails the debtor.
	PrenoticeMail Prenotice = "mail"
)

// Prenotices in display order.
var Prenotices = []Prenotice{PrenoticeInvoice, PrenoticeMail}

// Sequences are the sequence types a collection uses (never FNAL: a lease's
// last debit is an ordinary one).
var Sequences = []sepa.Sequence{sepa.First, sepa.Recurrent, sepa.OneOff}

// Reasons an invoice is left out of a collection (message ids).
const (
	ReasonNoMandate        = "directdebit.reason.no_mandate"
	ReasonMandateRevoked   = "directdebit.reason.mandate_revoked"
	ReasonMandateExpired   = "directdebit.reason.mandate_expired"
	ReasonMandateSuspended = "directdebit.reason.mandate_suspended"
	ReasonOneOffUsed       = "directdebit.reason.one_off_used"
	ReasonSignedAfter      = "directdebit.reason.signed_after"
	ReasonInBatch          = "directdebit.reason.in_batch"
	ReasonPrenoticeLate    = "directdebit.reason.prenotice_late"
	ReasonNoEmail          = "directdebit.reason.no_email"
	// ReasonRestricted: a tenant or the mandate's debtor has restricted
	// processing (art. 18 GDPR): nothing is collected from the lease.
	ReasonRestricted = relation.LeftOutRestricted
)

// Line is one invoice of a preview: collected, or left out with a reason.
type Line struct {
	InvoiceID      int64
	InvoiceNumber  string
	LeaseID        int64
	LeaseReference string
	TenantName     string
	Address        string
	Amount         money.Cents // what is open on the invoice
	DueDate        civil.Date
	// The mandate it is (or would be) collected under, when there is one.
	MandateID        int64
	MandateReference string
	Sequence         sepa.Sequence
	Amended          bool
	Prenotice        Prenotice
	// Reason (a message id) says why the invoice is left out; "" when it
	// is collected. InBatchOn is the collection date of the batch that
	// holds it already (ReasonInBatch).
	Reason    string
	InBatchOn civil.Date
}

// Preview is what a collection would take.
type Preview struct {
	CollectionDate, DueUntil civil.Date
	// Earliest is the first collection date the bank takes a file for today.
	Earliest      civil.Date
	Account       bank.Account
	CreditorID    string
	CreditorName  string
	Version       sepa.DirectDebitVersion
	PrenoticeDays int
	Lines         []Line // collected, in lease and due-date order
	LeftOut       []Line // left out, with the reason
	Count         int
	Total         money.Cents
	LeftOutTotal  money.Cents
	// Mails is how many debtors are mailed a pre-notification.
	Mails int
}

// Defaults are what the collection form starts with.
type Defaults struct {
	Earliest  civil.Date // the first date the bank takes
	Suggested civil.Date // the first business day that leaves room to pre-notify by mail
	Settings  bank.Settings
	Accounts  []bank.Account // the accounts a collection can go to (not archived)
	Account   bank.Account   // the default one (ID 0: none)
}

// Defaults reads the settings and dates the collection form starts with.
func (s *Service) Defaults(ctx context.Context, a account.Actor) (Defaults, error) {
	if !a.Can(account.PermFinanceRead) {
		return Defaults{}, validation.ErrForbidden
	}
	var d Defaults
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if d.Settings, err = bank.SettingsTx(ctx, tx); err != nil {
			return err
		}
		all, err := bank.AccountsTx(ctx, tx)
		if err != nil {
			return err
		}
		for _, ac := range all {
			if !ac.Archived {
				d.Accounts = append(d.Accounts, ac)
			}
		}
		d.Account, _ = defaultAccount(d.Accounts)
		return nil
	})
	today := s.today()
	d.Earliest = sepa.EarliestCollectionDate(today, d.Settings.LeadBusinessDays)
	d.Suggested = today.AddDays(d.Settings.PrenoticeDays)
	if !sepa.IsBusinessDay(d.Suggested) {
		d.Suggested = sepa.NextBusinessDay(d.Suggested)
	}
	if d.Suggested.Before(d.Earliest) {
		d.Suggested = d.Earliest
	}
	return d, err
}

// defaultAccount is the first account for rent that is not archived.
func defaultAccount(accounts []bank.Account) (bank.Account, bool) {
	for _, ac := range accounts {
		if !ac.Archived && ac.Purpose == bank.PurposeRent {
			return ac, true
		}
	}
	return bank.Account{}, false
}

// Preview says what a collection on in.CollectionDate would take: per
// invoice the lease, tenant, address, amount open, due date, mandate and
// sequence type, and what it leaves out and why. It refuses a collection
// date before the bank's lead time or on a day TARGET2 is closed (field
// collection_date), and a collection without an Incassant-ID or account.
func (s *Service) Preview(ctx context.Context, a account.Actor, in CollectionInput) (*Preview, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var p *Preview
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		p, _, err = s.plan(ctx, tx, in)
		return err
	})
	return p, err
}

// planned is what Create needs of a plan besides the preview.
type planned struct {
	mandates map[int64]*storedMandate // by id, not opened
	leases   map[int64]*leaseFacts
	tenants  map[int64]bool // tenant ids with an e-mail address
}

// plan works out a collection in tx: the preview, and what Create needs.
func (s *Service) plan(ctx context.Context, tx *db.Tx, in CollectionInput) (*Preview, *planned, error) {
	st, err := bank.SettingsTx(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	if st.CreditorID == "" {
		return nil, nil, ErrNoCreditorID
	}
	accounts, err := bank.AccountsTx(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	today := s.today()
	p := &Preview{CollectionDate: in.CollectionDate, DueUntil: in.DueUntil, CreditorID: st.CreditorID,
		Earliest: sepa.EarliestCollectionDate(today, st.LeadBusinessDays), PrenoticeDays: st.PrenoticeDays}
	fe := validation.Errors{}
	if in.AccountID != 0 {
		i := slices.IndexFunc(accounts, func(ac bank.Account) bool { return ac.ID == in.AccountID && !ac.Archived })
		if i < 0 {
			fe.Add("account_id", "directdebit.collection.account_invalid")
		} else {
			p.Account = accounts[i]
		}
	} else if ac, ok := defaultAccount(accounts); ok {
		p.Account = ac
	} else {
		return nil, nil, ErrNoAccount
	}
	switch d := in.CollectionDate; {
	case d.IsZero():
		fe.Add("collection_date", "field.required")
	case !sepa.IsBusinessDay(d):
		fe.Add("collection_date", "directdebit.collection_date.closed")
	case d.Before(p.Earliest):
		fe.Add("collection_date", "directdebit.collection_date.too_early")
	}
	if p.DueUntil.IsZero() {
		p.DueUntil = in.CollectionDate
	}
	if err := fe.Err(); err != nil {
		return nil, nil, err
	}
	p.Version = p.Account.DirectDebitVersion
	if p.CreditorName = st.CreditorName; p.CreditorName == "" {
		if p.CreditorName, err = orgName(ctx, tx); err != nil {
			return nil, nil, err
		}
	}

	cands, err := openInvoices(ctx, tx, p.DueUntil)
	if err != nil {
		return nil, nil, err
	}
	var leaseIDs []int64
	for _, c := range cands {
		if len(leaseIDs) == 0 || leaseIDs[len(leaseIDs)-1] != c.leaseID {
			leaseIDs = append(leaseIDs, c.leaseID)
		}
	}
	pl := &planned{mandates: map[int64]*storedMandate{}}
	if pl.leases, err = leasesOf(ctx, tx, leaseIDs); err != nil {
		return nil, nil, err
	}
	// Per lease its current mandate, else its latest one.
	byLease := map[int64]*storedMandate{}
	if len(leaseIDs) > 0 {
		ms, err := listMandates(ctx, tx, "m.lease_id IN ("+tx.Params(2, len(leaseIDs))+")", int64sAny(leaseIDs)...)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range ms {
			pl.mandates[m.ID] = m
			if old := byLease[m.LeaseID]; old == nil || m.Current() || (!old.Current() && m.ID > old.ID) {
				byLease[m.LeaseID] = m
			}
		}
	}
	inBatch, err := invoicesInBatches(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	// Names and addresses as a list shows them.
	var tenantIDs, unitIDs, parties []int64
	for _, l := range pl.leases {
		if len(l.tenantIDs) > 0 {
			tenantIDs = append(tenantIDs, l.tenantIDs[0])
		}
		parties = append(parties, l.tenantIDs...)
		unitIDs = append(unitIDs, l.unitIDs...)
	}
	for _, m := range byLease {
		if m.PartyID != 0 {
			parties = append(parties, m.PartyID)
		}
	}
	names, err := s.relations.DisplayNames(ctx, tx, tenantIDs...)
	if err != nil {
		return nil, nil, err
	}
	units, err := s.portfolio.UnitFacts(ctx, tx, unitIDs...)
	if err != nil && !errors.Is(err, validation.ErrNotFound) {
		return nil, nil, err
	}
	if pl.tenants, err = s.relations.HasEmailTx(ctx, tx, parties...); err != nil {
		return nil, nil, err
	}
	restricted, err := s.relations.RestrictedTx(ctx, tx, parties...)
	if err != nil {
		return nil, nil, err
	}

	mailOK := !in.CollectionDate.Before(today.AddDays(st.PrenoticeDays))
	noticeBy := in.CollectionDate.AddDays(-st.PrenoticeDays)
	seen := map[int64]bool{} // mandates with a debit in this collection
	mailed := map[int64]bool{}
	for _, c := range cands {
		lf := pl.leases[c.leaseID]
		if lf == nil {
			continue
		}
		ln := Line{InvoiceID: c.invoiceID, InvoiceNumber: c.number, LeaseID: c.leaseID, LeaseReference: lf.reference,
			Amount: c.open, DueDate: c.dueDate}
		if len(lf.tenantIDs) > 0 {
			ln.TenantName = names[lf.tenantIDs[0]]
		}
		var addrs []string
		for _, u := range lf.unitIDs {
			if f, ok := units[u]; ok {
				addrs = append(addrs, f.Address)
			}
		}
		ln.Address = strings.Join(addrs, "; ")
		m := byLease[c.leaseID]
		if m != nil {
			ln.MandateID, ln.MandateReference = m.ID, m.Reference
		}
		switch {
		case !inBatch[c.invoiceID].IsZero():
			ln.Reason, ln.InBatchOn = ReasonInBatch, inBatch[c.invoiceID]
		case slices.ContainsFunc(lf.tenantIDs, func(id int64) bool { return restricted[id] }) || (m != nil && restricted[m.PartyID]):
			ln.Reason = ReasonRestricted
		case m == nil:
			ln.Reason = ReasonNoMandate
		case m.Status == Revoked:
			ln.Reason = ReasonMandateRevoked
		case m.Status == Expired || m.ExpiredOn(in.CollectionDate):
			ln.Reason = ReasonMandateExpired
		case m.Status == Suspended:
			ln.Reason = ReasonMandateSuspended
		case m.SignedOn.After(in.CollectionDate):
			ln.Reason = ReasonSignedAfter
		case m.Kind == OneOff && (m.Used() || seen[m.ID]):
			ln.Reason = ReasonOneOffUsed
		}
		if ln.Reason == "" {
			ln.Prenotice = PrenoticeInvoice
			if !sentBy(c.sentAt.String, noticeBy) {
				ln.Prenotice = PrenoticeMail
				switch {
				case !mailOK:
					ln.Reason = ReasonPrenoticeLate
				case !(m.PartyID != 0 && pl.tenants[m.PartyID]) && !slices.ContainsFunc(lf.tenantIDs, func(id int64) bool { return pl.tenants[id] }):
					ln.Reason = ReasonNoEmail
				}
			}
		}
		if ln.Reason != "" {
			ln.Prenotice = ""
			p.LeftOut = append(p.LeftOut, ln)
			p.LeftOutTotal += ln.Amount
			continue
		}
		ln.Sequence = m.NextSequence()
		if ln.Sequence == sepa.First && seen[m.ID] {
			ln.Sequence = sepa.Recurrent
		}
		ln.Amended = m.Amended
		seen[m.ID] = true
		if ln.Prenotice == PrenoticeMail && !mailed[m.ID] {
			mailed[m.ID] = true
			p.Mails++
		}
		p.Lines = append(p.Lines, ln)
		p.Count++
		p.Total += ln.Amount
	}
	order := func(x, y Line) int {
		if c := strings.Compare(x.LeaseReference, y.LeaseReference); c != 0 {
			return c
		}
		if c := x.DueDate.Compare(y.DueDate); c != 0 {
			return c
		}
		return strings.Compare(x.InvoiceNumber, y.InvoiceNumber)
	}
	slices.SortStableFunc(p.Lines, order)
	slices.SortStableFunc(p.LeftOut, order)
	return p, pl, nil
}

// sentBy reports whether an invoice sent at the stored instant sentAt
// ("" when not sent) was sent on or before day d.
func sentBy(sentAt string, d civil.Date) bool {
	if sentAt == "" {
		return false
	}
	t, err := db.ParseTS(sentAt)
	return err == nil && !civil.Today(t).After(d)
}

func int64sAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func orgName(ctx context.Context, tx *db.Tx) (string, error) {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, tx.OrgID()).Scan(&name); err != nil {
		return "", fmt.Errorf("directdebit: organisation name: %w", err)
	}
	return name, nil
}

// --- batches ---

// ItemState is where a debit stands.
type ItemState string

// The states of a debit: collected (in a file), paid (seen on the
// statement), returned (an R-transaction: the invoice is open again and can
// be collected anew), cancelled (taken out before it reached the bank).
const (
	ItemCollected ItemState = "collected"
	ItemPaid      ItemState = "paid"
	ItemReturned  ItemState = "returned"
	ItemCancelled ItemState = "cancelled"
)

// ItemStates in display order.
var ItemStates = []ItemState{ItemCollected, ItemPaid, ItemReturned, ItemCancelled}

// Batch is a collection made: one pain.008 file.
type Batch struct {
	ID             int64
	MessageID      string // the file's MsgId
	Version        sepa.DirectDebitVersion
	AccountID      int64
	CreditorID     string
	CreditorName   string
	CreditorIBAN   string
	CreditorBIC    string
	CollectionDate civil.Date
	DueUntil       civil.Date
	Count          int
	Total          money.Cents
	Prenotices     int // debtors mailed a pre-notification
	CreatedAt      time.Time
	CreatedBy      int64
	Items          []Item // filled by Batch
}

// FileName is the name the file is downloaded under.
func (b Batch) FileName() string { return b.MessageID + ".xml" }

// Item is one direct debit of a batch: an invoice's open amount under a
// mandate. The statement matching finds it by EndToEndID (a single debit),
// or by PaymentInfoID or the batch's MessageID (a batch booked as one entry).
type Item struct {
	ID               int64
	BatchID          int64
	MessageID        string
	CollectionDate   civil.Date
	InvoiceID        int64
	InvoiceNumber    string
	LeaseID          int64
	LeaseReference   string
	MandateID        int64
	MandateReference string
	Kenmerk          string // the invoice's betalingskenmerk, sent as structured remittance
	Amount           money.Cents
	Sequence         sepa.Sequence
	EndToEndID       string
	PaymentInfoID    string // PmtInfId of the item's block in the file
	Prenotice        Prenotice
	State            ItemState
	ReturnReason     string // the R-transaction's reason code (AC04, AM04, …)
	ReturnedOn       civil.Date
	PaidOn           civil.Date
	TenantName       string // filled by Batch, for display
}

// messageID names a batch's file: unique per organisation.
func messageID(b *Batch) string {
	return fmt.Sprintf("HMS-DD-%s-%d", b.CreatedAt.In(time.UTC).Format("20060102"), b.ID)
}

// Create makes the collection the person previewed: it repeats the preview
// and refuses (ErrChanged) when the count or total differs from expect. It
// stores the batch and one debit per invoice, marks the mandates collected
// (clearing their amendments) and mails the pre-notifications that are due,
// all in one transaction. The file is File's to write.
func (s *Service) Create(ctx context.Context, a account.Actor, in CollectionInput, expect Expectation) (*Batch, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	var b *Batch
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, pl, err := s.plan(ctx, tx, in)
		if err != nil {
			return err
		}
		if p.Count != expect.Count || p.Total != expect.Total {
			return ErrChanged
		}
		if p.Count == 0 {
			return ErrNothingToCollect
		}
		if _, err := s.expireTx(ctx, tx, a); err != nil {
			return err
		}
		created, err := db.ParseTS(s.now()) // as stored, so the file is the same when written again
		if err != nil {
			return err
		}
		b = &Batch{Version: p.Version, AccountID: p.Account.ID, CreditorID: p.CreditorID, CreditorName: p.CreditorName,
			CreditorIBAN: p.Account.IBAN, CreditorBIC: p.Account.BIC, CollectionDate: p.CollectionDate, DueUntil: p.DueUntil,
			Count: p.Count, Total: p.Total, Prenotices: p.Mails, CreatedAt: created, CreatedBy: a.UserID}
		if err := insertBatch(ctx, tx, b); err != nil {
			return err
		}
		items := make([]*storedItem, len(p.Lines))
		debtors := make([]debtorData, len(p.Lines))
		used := map[int64]*storedMandate{}
		for i, ln := range p.Lines {
			m := pl.mandates[ln.MandateID]
			if _, ok := used[m.ID]; !ok {
				if err := s.openMandate(ctx, tx, m); err != nil {
					return err
				}
				used[m.ID] = m
			}
			d := debtorData{Name: m.DebtorName, IBAN: m.IBAN}
			it := &storedItem{Item: Item{InvoiceID: ln.InvoiceID, InvoiceNumber: ln.InvoiceNumber, LeaseID: ln.LeaseID,
				MandateID: m.ID, MandateReference: m.Reference, Amount: ln.Amount, Sequence: ln.Sequence, Prenotice: ln.Prenotice,
				EndToEndID: fmt.Sprintf("%s-%d", ln.InvoiceNumber, b.ID), State: ItemCollected}, signedOn: m.SignedOn}
			if m.Amended {
				it.originalReference, d.OriginalIBAN = m.OriginalReference, m.OriginalIBAN
			}
			if it.Kenmerk, err = invoiceKenmerk(ctx, tx, ln.InvoiceID); err != nil {
				return err
			}
			// The BIC is kept with the debit, so the file says the same later
			// whatever HMS's table of Dutch banks says then.
			d.BIC = nl.BICOfIBAN(d.IBAN)
			items[i], debtors[i] = it, d
		}
		f, err := fileOf(b, items, debtors)
		if err != nil {
			return fmt.Errorf("directdebit: file of batch %d: %w", b.ID, err)
		}
		block := map[sepa.Sequence]string{}
		for _, blk := range f.Batches {
			block[blk.Sequence] = blk.ID
		}
		now := s.now()
		for i, it := range items {
			it.PaymentInfoID = block[it.Sequence]
			if it.sealed, err = s.seal(ctx, tx, fieldItemDebtor, debtors[i]); err != nil {
				return err
			}
			if err := insertItem(ctx, tx, b.ID, it); err != nil {
				if db.IsUniqueViolation(err) {
					return ErrChanged // collected by someone else just now
				}
				return err
			}
		}
		for _, m := range used {
			sealed, err := s.seal(ctx, tx, fieldMandateDebtor, debtorData{Name: m.DebtorName, IBAN: m.IBAN, Place: m.SignedPlace})
			if err != nil {
				return err
			}
			if err := markCollected(ctx, tx, m.ID, b.CollectionDate, sealed, now); err != nil {
				return err
			}
		}
		if err := s.prenotify(ctx, tx, a, b, p, pl, used); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "directdebit.collection_created", "dd_batch", b.ID, map[string]string{
			"items": fmt.Sprint(b.Count), "total_cents": fmt.Sprint(int64(b.Total)), "collection_date": b.CollectionDate.String(),
			"prenotices": fmt.Sprint(b.Prenotices)})
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func invoiceKenmerk(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var k string
	err := tx.QueryRowContext(ctx, `SELECT kenmerk FROM ledger_invoices WHERE org_id = $1 AND id = $2`, tx.OrgID(), id).Scan(&k)
	if err != nil {
		return "", fmt.Errorf("directdebit: kenmerk of invoice %d: %w", id, err)
	}
	return k, nil
}

// fileOf is the pain.008 file of a batch and its items (debtors in the same
// order): the same input always gives the same bytes.
func fileOf(b *Batch, items []*storedItem, debtors []debtorData) (*sepa.File, error) {
	c := sepa.Collection{Version: b.Version, MessageID: b.MessageID, CreatedAt: b.CreatedAt, CollectionDate: b.CollectionDate,
		Creditor: sepa.Creditor{Name: b.CreditorName, IBAN: b.CreditorIBAN, BIC: b.CreditorBIC, CreditorID: b.CreditorID}}
	c.Debits = make([]sepa.Debit, len(items))
	for i, it := range items {
		d := debtors[i]
		mandate := sepa.Mandate{ID: it.MandateReference, SignedOn: it.signedOn}
		if it.originalReference != "" || d.OriginalIBAN != "" {
			mandate.Amendment = &sepa.Amendment{OriginalID: it.originalReference, OriginalIBAN: d.OriginalIBAN}
		}
		c.Debits[i] = sepa.Debit{EndToEndID: it.EndToEndID, Amount: it.Amount, Mandate: mandate, Sequence: it.Sequence,
			Debtor: sepa.Party{Name: d.Name, IBAN: d.IBAN, BIC: d.BIC}, Kenmerk: it.Kenmerk}
	}
	return sepa.DirectDebit(c)
}

// Batches lists the collections, newest first (limit 0: all).
func (s *Service) Batches(ctx context.Context, a account.Actor, limit int) ([]Batch, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Batch
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = listBatches(ctx, tx, 0, limit, true)
		return err
	})
	return out, err
}

// BatchesAfter lists the collections after id afterID in id order, for the
// API's pages.
func (s *Service) BatchesAfter(ctx context.Context, a account.Actor, afterID int64, limit int) ([]Batch, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Batch
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = listBatches(ctx, tx, afterID, limit, false)
		return err
	})
	return out, err
}

// Batch reads a collection with its debits (tenants' names as a list shows
// them).
func (s *Service) Batch(ctx context.Context, a account.Actor, id int64) (*Batch, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var b *Batch
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if b, err = readBatch(ctx, tx, id); err != nil {
			return err
		}
		items, err := listItems(ctx, tx, "it.batch_id = $2", id)
		if err != nil {
			return err
		}
		var leaseIDs []int64
		for _, it := range items {
			leaseIDs = append(leaseIDs, it.LeaseID)
		}
		leases, err := leasesOf(ctx, tx, leaseIDs)
		if err != nil {
			return err
		}
		var first []int64
		for _, l := range leases {
			if len(l.tenantIDs) > 0 {
				first = append(first, l.tenantIDs[0])
			}
		}
		names, err := s.relations.DisplayNames(ctx, tx, first...)
		if err != nil {
			return err
		}
		for _, it := range items {
			if l := leases[it.LeaseID]; l != nil && len(l.tenantIDs) > 0 {
				it.TenantName = names[l.tenantIDs[0]]
			}
			b.Items = append(b.Items, it.Item)
		}
		return nil
	})
	return b, err
}

// File writes a collection's pain.008 file from what was stored when it was
// made: the same bytes every time. It holds debtors' names and IBANs, so
// each download is recorded.
func (s *Service) File(ctx context.Context, a account.Actor, id int64) ([]byte, *Batch, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, nil, validation.ErrForbidden
	}
	var out []byte
	var b *Batch
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if b, err = readBatch(ctx, tx, id); err != nil {
			return err
		}
		items, err := listItems(ctx, tx, "it.batch_id = $2", id)
		if err != nil {
			return err
		}
		debtors := make([]debtorData, len(items))
		for i, it := range items {
			if debtors[i], err = s.open(ctx, tx, fieldItemDebtor, it.sealed); err != nil {
				return err
			}
		}
		f, err := fileOf(b, items, debtors)
		if err != nil {
			return fmt.Errorf("directdebit: file of batch %d: %w", id, err)
		}
		out = f.Bytes()
		return s.record(ctx, tx, a, "directdebit.collection_downloaded", "dd_batch", id, nil)
	})
	return out, b, err
}
