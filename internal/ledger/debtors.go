package ledger

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// The debtors list: every lease account whose balance is not zero, with who
// owes it (the tenants' names, the units' addresses), what is open, the
// oldest due date still open and how far it is overdue, and the open
// amounts in ageing buckets by days overdue (0–30, 31–60, 61–90, over 90)
// on today's date.

// Accounts names lease accounts for the debtors list. The app passes the
// lease service (adapted); the caller has checked the actor's permission.
type Accounts interface {
	AccountNamesTx(ctx context.Context, tx *db.Tx, leaseIDs []int64) (map[int64]AccountName, error)
}

// AccountName is a lease account in words: its tenants and units.
type AccountName struct {
	TenantIDs []int64
	Tenants   []string
	UnitIDs   []int64
	Units     []string // the units' addresses, in the order of UnitIDs
	Address   string   // the units' addresses on one line
}

// LeaseBalance is one debtor in the receivables overview.
type LeaseBalance struct {
	LeaseID   int64
	Reference string
	AccountName
	Charged money.Cents
	Paid    money.Cents
	Balance money.Cents // charged minus paid: positive owed, negative credit
	Open    money.Cents // the open charges, due or not
	// OldestDue is the due date of the oldest open charge (zero: none) and
	// DaysOverdue how many days before today it was (0 when not yet due).
	OldestDue   civil.Date
	DaysOverdue int
	Buckets     [4]money.Cents // overdue by 0–30, 31–60, 61–90 and over 90 days
}

// DebtorSorts are the sort keys of Debtors; the first is the default
// (largest balance first).
var DebtorSorts = []string{"balance", "open", "oldest", "days", "lease", "name"}

// DebtorBuckets name the ageing buckets, as the list heads them.
var DebtorBuckets = [4]string{"0–30", "31–60", "61–90", "90+"}

// ageBucket is the ageing bucket of a charge days overdue (1 and more).
func ageBucket(days int) int {
	switch {
	case days <= 30:
		return 0
	case days <= 60:
		return 1
	case days <= 90:
		return 2
	}
	return 3
}

// Debtors lists lease accounts with a balance other than zero, largest
// balance first by default. Search matches the lease reference, a tenant's
// name and a unit's address; sort by DebtorSorts.
func (s *Service) Debtors(ctx context.Context, a account.Actor, q listing.Query) (listing.Page[LeaseBalance], error) {
	var page listing.Page[LeaseBalance]
	if !a.Can(account.PermFinanceRead) {
		return page, validation.ErrForbidden
	}
	if q.Sort == "" {
		q.Sort, q.Desc = DebtorSorts[0], true
	}
	q = q.Normalize(DebtorSorts...)
	if q.All {
		q.Offset, q.Limit = 0, exportCap
	}
	today := s.today()
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		rows, err := debtorBalances(ctx, tx)
		if err != nil {
			return err
		}
		// The open amounts, oldest due dates and buckets are summed per lease
		// in the database, from the amount kept with each open invoice (an
		// invoice's charges share its due date): for every debtor when the
		// order needs them, else for the page shown.
		byOpen := q.Sort == "open" || q.Sort == "oldest" || q.Sort == "days"
		if byOpen {
			if err := openOf(ctx, tx, rows, today, false); err != nil {
				return err
			}
		}
		// Names are read for every row only when the search or the order
		// needs them; otherwise for the page shown.
		whole := q.Search != "" || q.Sort == "name"
		if whole {
			if err := s.nameAccounts(ctx, tx, rows); err != nil {
				return err
			}
			rows = searchDebtors(rows, q.Search)
		}
		sortDebtors(rows, q.Sort, q.Desc)
		page.Total = len(rows)
		start := min(q.Offset, len(rows))
		page.Items = rows[start:min(start+q.Limit, len(rows))]
		if !byOpen {
			if err := openOf(ctx, tx, page.Items, today, true); err != nil {
				return err
			}
		}
		if !whole {
			return s.nameAccounts(ctx, tx, page.Items)
		}
		return nil
	})
	return page, err
}

// openOf fills the rows' open amounts, oldest open due date, days overdue
// and buckets on day today; only the rows' leases are read when named and
// they are a page (an export's rows, up to 100,000, are read as the whole).
func openOf(ctx context.Context, tx *db.Tx, rows []LeaseBalance, today civil.Date, named bool) error {
	if len(rows) == 0 {
		return nil
	}
	var ids []int64
	if named && len(rows) <= listing.MaxLimit {
		ids = make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.LeaseID
		}
	}
	open, err := openByLease(ctx, tx, today, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		o, ok := open[r.LeaseID]
		if !ok {
			continue
		}
		r.Open, r.OldestDue, r.Buckets = o.Open, o.OldestDue, o.Buckets
		if r.OldestDue.Before(today) {
			r.DaysOverdue = r.OldestDue.DaysUntil(today)
		}
	}
	return nil
}

func (s *Service) nameAccounts(ctx context.Context, tx *db.Tx, rows []LeaseBalance) error {
	if s.accts == nil || len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.LeaseID
	}
	names, err := s.accts.AccountNamesTx(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].AccountName = names[rows[i].LeaseID]
	}
	return nil
}

func searchDebtors(rows []LeaseBalance, search string) []LeaseBalance {
	search = strings.ToLower(search)
	out := rows[:0]
	for _, r := range rows {
		text := strings.ToLower(r.Reference + " " + strings.Join(r.Tenants, " ") + " " + r.Address)
		if strings.Contains(text, search) {
			out = append(out, r)
		}
	}
	return out
}

func sortDebtors(rows []LeaseBalance, by string, desc bool) {
	slices.SortStableFunc(rows, func(x, y LeaseBalance) int {
		var c int
		switch by {
		case "open":
			c = cmp.Compare(x.Open, y.Open)
		case "oldest":
			// No open charge sorts after every date.
			switch xz, yz := x.OldestDue.IsZero(), y.OldestDue.IsZero(); {
			case xz && !yz:
				c = 1
			case yz && !xz:
				c = -1
			default:
				c = x.OldestDue.Compare(y.OldestDue)
			}
		case "days":
			c = cmp.Compare(x.DaysOverdue, y.DaysOverdue)
		case "lease":
			c = strings.Compare(x.Reference, y.Reference)
		case "name":
			c = strings.Compare(strings.ToLower(strings.Join(x.Tenants, ", ")), strings.ToLower(strings.Join(y.Tenants, ", ")))
		default:
			c = cmp.Compare(x.Balance, y.Balance)
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = strings.Compare(x.Reference, y.Reference)
		}
		if c == 0 {
			c = cmp.Compare(x.LeaseID, y.LeaseID)
		}
		return c
	})
}

// Account names a lease account: its tenants and units, for an invoice's
// page (as a list shows names). Another organisation's lease is
// validation.ErrNotFound.
func (s *Service) Account(ctx context.Context, a account.Actor, leaseID int64) (AccountName, error) {
	var n AccountName
	if !a.Can(account.PermFinanceRead) {
		return n, validation.ErrForbidden
	}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if s.accts == nil {
			return nil
		}
		names, err := s.accts.AccountNamesTx(ctx, tx, []int64{leaseID})
		if err != nil {
			return err
		}
		var ok bool
		if n, ok = names[leaseID]; !ok {
			return validation.ErrNotFound
		}
		return nil
	})
	return n, err
}
