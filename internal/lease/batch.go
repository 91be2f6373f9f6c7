package lease

import (
	"slices"

	"hms/internal/platform/civil"
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
