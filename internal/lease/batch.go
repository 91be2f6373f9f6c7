package lease

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// importChunk is how many rows of an import UpsertLeasesTx reads ahead for
// at once.
const importChunk = 500

// leaseBatch is what UpsertLeasesTx reads for a chunk of rows in a few
// queries, so that saving a row does not ask the database again: the leases
// the rows' references name, the facts of every unit they name, and the
// periods of every lease on those units (the overlap check). save keeps it
// true as it writes.
type leaseBatch struct {
	ids   map[string]int64 // reference → lease id, for the chunk's references
	refs  map[string]bool  // the references asked for
	facts map[int64]Unit   // nil: read per row (a unit was missing)
	held  map[int64][]held // unit → the leases that hold it
}

// held is one lease's hold on a unit: from start to endsOn (zero: open).
type held struct {
	lease         int64
	start, endsOn civil.Date
}

func (s *Service) readBatch(ctx context.Context, tx *db.Tx, rows []Input) (*leaseBatch, error) {
	b := &leaseBatch{ids: map[string]int64{}, refs: map[string]bool{}, held: map[int64][]held{}}
	var refs []string
	var units []int64
	for _, in := range rows {
		if in.Reference != "" {
			refs = append(refs, in.Reference)
		}
		units = append(units, in.UnitIDs...)
	}
	slices.Sort(refs)
	refs = slices.Compact(refs)
	for _, r := range refs {
		b.refs[r] = true
	}
	if len(refs) > 0 {
		args := []any{tx.OrgID()}
		for _, r := range refs {
			args = append(args, r)
		}
		rs, err := tx.QueryContext(ctx, `SELECT reference, id FROM leases WHERE org_id = $1 AND reference IN (`+
			tx.Params(2, len(refs))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("find leases by reference: %w", err)
		}
		for rs.Next() {
			var ref string
			var id int64
			if err := rs.Scan(&ref, &id); err != nil {
				rs.Close()
				return nil, fmt.Errorf("find leases by reference: %w", err)
			}
			b.ids[ref] = id
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, fmt.Errorf("find leases by reference: %w", err)
		}
	}
	slices.Sort(units)
	units = slices.Compact(units)
	if len(units) == 0 {
		b.facts = map[int64]Unit{}
		return b, nil
	}
	fs, err := s.portfolio.UnitFacts(ctx, tx, units...)
	switch {
	case errors.Is(err, validation.ErrNotFound):
		// Some unit is missing: each row reads its own, as unitFacts does.
	case err != nil:
		return nil, err
	default:
		b.facts = make(map[int64]Unit, len(fs))
		for id, f := range fs {
			b.facts[id] = Unit{ID: f.ID, ComplexID: f.ComplexID, Address: f.Address, Residential: f.Residential, Segment: f.Segment}
		}
	}
	args := []any{tx.OrgID()}
	for _, u := range units {
		args = append(args, u)
	}
	rs, err := tx.QueryContext(ctx, `SELECT lu.unit_id, l.id, l.start_date, l.ends_on FROM lease_units lu CROSS JOIN leases l
		WHERE l.id = lu.lease_id AND l.org_id = lu.org_id AND lu.org_id = $1 AND lu.unit_id IN (`+tx.Params(2, len(units))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("check overlapping leases: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var unit int64
		var h held
		if err := rs.Scan(&unit, &h.lease, &h.start, &h.endsOn); err != nil {
			return nil, fmt.Errorf("check overlapping leases: %w", err)
		}
		b.held[unit] = append(b.held[unit], h)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("check overlapping leases: %w", err)
	}
	return b, nil
}

// unitFacts is unitFacts from the batch: all of ids, or none when one is
// missing.
func (b *leaseBatch) unitFacts(ids []int64) (map[int64]Unit, bool) {
	if b == nil || b.facts == nil {
		return nil, false
	}
	out := make(map[int64]Unit, len(ids))
	for _, id := range ids {
		u, ok := b.facts[id]
		if !ok {
			return map[int64]Unit{}, true
		}
		out[id] = u
	}
	return out, true
}

// overlapping is overlapping from the batch: the units among unitIDs that
// another lease than leaseID holds on some day from start to endsOn.
func (b *leaseBatch) overlapping(leaseID int64, unitIDs []int64, start, endsOn civil.Date) []int64 {
	var out []int64
	for _, u := range unitIDs {
		for _, h := range b.held[u] {
			if h.lease == leaseID {
				continue
			}
			if (endsOn.IsZero() || !h.start.After(endsOn)) && (h.endsOn.IsZero() || !h.endsOn.Before(start)) {
				out = append(out, u)
				break
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// referenceTaken is referenceTaken from the batch; ok is false for a
// reference the batch did not read.
func (b *leaseBatch) referenceTaken(leaseID int64, ref string) (taken, ok bool) {
	if b == nil || !b.refs[ref] {
		return false, false
	}
	id, found := b.ids[ref]
	return found && id != leaseID, true
}

// saved records that lease id (reference ref) now holds units from start
// to endsOn instead of the units it held before (oldUnits).
func (b *leaseBatch) saved(id int64, ref string, oldUnits, units []int64, start, endsOn civil.Date) {
	b.refs[ref] = true
	b.ids[ref] = id
	for _, u := range oldUnits {
		b.held[u] = slices.DeleteFunc(b.held[u], func(h held) bool { return h.lease == id })
	}
	for _, u := range units {
		b.held[u] = slices.DeleteFunc(b.held[u], func(h held) bool { return h.lease == id })
	}
	for _, u := range units {
		b.held[u] = append(b.held[u], held{lease: id, start: start, endsOn: endsOn})
	}
}
