package lease

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

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
