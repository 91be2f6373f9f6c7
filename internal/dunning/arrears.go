package dunning

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// The arrears ageing list: per lease with charges past their due date on a
// chosen day, what is overdue in buckets by days overdue (0–30, 31–60,
// 61–90, over 90), read from the ledger as it stood on that day (invoices
// issued and allocations made by then), so a list of an earlier day can be
// made again.

// AgeingSorts are the sort keys of Arrears; the first is the default.
var AgeingSorts = []string{"days", "overdue", "lease", "total"}

// Arrears is the ageing list on day on (zero: today), searched (lease
// reference, tenant name, address), sorted and paged by q.
func (s *Service) Arrears(ctx context.Context, a account.Actor, on civil.Date, q listing.Query) (*Ageing, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	if on.IsZero() {
		on = s.today()
	}
	if q.Sort == "" {
		q.Sort, q.Desc = AgeingSorts[0], true
	}
	q = q.Normalize(AgeingSorts...)
	out := &Ageing{On: on}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		cs, err := ledger.OpenOnTx(ctx, tx, on)
		if err != nil {
			return err
		}
		rows := ageing(cs, on)
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.LeaseID
		}
		ls, err := s.leases.ListedTx(ctx, tx, ids)
		if err != nil {
			return err
		}
		search := strings.ToLower(q.Search)
		for _, r := range rows {
			l, ok := ls[r.LeaseID]
			if !ok {
				continue
			}
			r.Reference = l.Reference
			r.Tenants, r.Address = namesAndAddress(l.Parties, l.Units)
			if search != "" && !strings.Contains(strings.ToLower(r.Reference+" "+strings.Join(r.Tenants, " ")+" "+r.Address), search) {
				continue
			}
			out.Rows = append(out.Rows, r)
			out.Overdue += r.Overdue
			for i := range r.Buckets {
				out.Buckets[i] += r.Buckets[i]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortAgeing(out.Rows, q.Sort, q.Desc)
	out.Total = len(out.Rows)
	if !q.All {
		start := min(q.Offset, len(out.Rows))
		out.Rows = out.Rows[start:min(start+q.Limit, len(out.Rows))]
	}
	return out, nil
}

// AgeingOf is the ageing of the charges open on day on (ledger.OpenOnTx) per
// lease, without names or order: the rows of Arrears, for the reports that
// show the same figures (package report).
func AgeingOf(cs []ledger.Charge, on civil.Date) []AgeingRow { return ageing(cs, on) }

// ageing groups the charges open on day on per lease; leases with nothing
// overdue are left out.
func ageing(cs []ledger.Charge, on civil.Date) []AgeingRow {
	byLease := map[int64]*AgeingRow{}
	var order []int64
	for _, c := range cs {
		r, ok := byLease[c.LeaseID]
		if !ok {
			r = &AgeingRow{LeaseID: c.LeaseID}
			byLease[c.LeaseID] = r
			order = append(order, c.LeaseID)
		}
		open := c.Open()
		r.TotalOpen += open
		if !c.DueDate.Before(on) {
			continue
		}
		days := c.DueDate.DaysUntil(on)
		r.Overdue += open
		r.Buckets[bucket(days)] += open
		if r.OldestDue.IsZero() || c.DueDate.Before(r.OldestDue) {
			r.OldestDue, r.DaysOverdue = c.DueDate, days
		}
	}
	out := make([]AgeingRow, 0, len(order))
	for _, id := range order {
		if r := byLease[id]; r.Overdue > 0 {
			out = append(out, *r)
		}
	}
	return out
}

func sortAgeing(rows []AgeingRow, by string, desc bool) {
	slices.SortStableFunc(rows, func(x, y AgeingRow) int {
		var c int
		switch by {
		case "overdue":
			c = cmp.Compare(x.Overdue, y.Overdue)
		case "total":
			c = cmp.Compare(x.TotalOpen, y.TotalOpen)
		case "lease":
			c = strings.Compare(x.Reference, y.Reference)
		default:
			c = cmp.Compare(x.DaysOverdue, y.DaysOverdue)
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = strings.Compare(x.Reference, y.Reference)
		}
		return c
	})
}

// namesAndAddress are a listed lease's tenants' names and its units'
// addresses on one line.
func namesAndAddress(tenants []lease.Party, units []lease.Unit) ([]string, string) {
	var names, addrs []string
	for _, t := range tenants {
		names = append(names, t.Name)
	}
	for _, u := range units {
		if u.Address != "" {
			addrs = append(addrs, u.Address)
		}
	}
	return names, strings.Join(addrs, "; ")
}
