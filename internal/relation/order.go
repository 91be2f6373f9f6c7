package relation

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"hms/internal/platform/db"
)

// Name order without stored names (see doc.go): every relation has a rank
// in relation_order, sort_key, a uint64 written as 16 hexadecimal digits so
// that text order is number order on both engines. A new or renamed relation is placed by
// comparing its name with O(log n) decrypted names and taking a rank
// between its neighbours; when two neighbours have no rank left between
// them, the organisation's ranks are spread out again in one pass.

const (
	keyBase = uint64(1) << 62 // first rank after renumbering: room to prepend
	keyStep = uint64(1) << 40 // distance between ranks after renumbering and when appending
)

func keyString(k uint64) string { return fmt.Sprintf("%016x", k) }

func parseKey(s string) (uint64, error) {
	k, err := strconv.ParseUint(s, 16, 64)
	if err != nil || len(s) != 16 {
		return 0, fmt.Errorf("relation: bad sort key %q", s)
	}
	return k, nil
}

// entry is a relation in order: its rank, and its collation key once known.
type entry struct {
	id   int64
	key  uint64
	coll string
	has  bool // coll is known
}

// compareColl orders by collation key, then id (equal names keep the order
// they were entered in).
func compareColl(aColl string, aID int64, bColl string, bID int64) int {
	if c := cmp.Compare(aColl, bColl); c != 0 {
		return c
	}
	return cmp.Compare(aID, bID)
}

// lockOrder serialises placements in the organisation: on PostgreSQL the
// upsert locks the row until the transaction ends; SQLite has one writer.
func lockOrder(ctx context.Context, tx *db.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO relation_order_state (org_id, version) VALUES ($1, 1)
		ON CONFLICT (org_id) DO UPDATE SET version = relation_order_state.version + 1`, tx.OrgID())
	if err != nil {
		return fmt.Errorf("lock relation order: %w", err)
	}
	return nil
}

// collOf returns a stored relation's collation key, decrypting its name.
func (s *Service) collOf(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return "", err
	}
	return s.rowColl(ctx, tx, r)
}

func (s *Service) rowColl(ctx context.Context, tx *db.Tx, r *row) (string, error) {
	if r.kind == Company {
		return companyCollationKey(r.company.String), nil
	}
	n, err := s.openName(ctx, tx, r)
	if err != nil {
		return "", err
	}
	return n.collationKey(), nil
}

// place gives relation id (with collation key coll) its rank among the
// organisation's other relations. It bisects the rank space: each step
// finds the relation nearest the middle of the remaining interval, opens
// its name and keeps the half the new one belongs in, so with evenly spread
// ranks it decrypts about log2(n) names.
func (s *Service) place(ctx context.Context, tx *db.Tx, id int64, coll string) error {
	if err := lockOrder(ctx, tx); err != nil {
		return err
	}
	var lo, hi *entry // neighbours found so far; nil: open end
	for lo == nil || hi == nil || hi.key-lo.key >= 2 {
		a, b := uint64(0), uint64(math.MaxUint64)
		if lo != nil {
			a = lo.key + 1
		}
		if hi != nil {
			b = hi.key - 1
		}
		mid := a + (b-a)/2
		r, err := s.probe(ctx, tx, id, mid, b, false)
		if err != nil {
			return err
		}
		if r == nil {
			if r, err = s.probe(ctx, tx, id, a, mid, true); err != nil {
				return err
			}
		}
		if r == nil {
			break // nobody between lo and hi
		}
		if compareColl(coll, id, r.coll, r.id) < 0 {
			hi = r
		} else {
			lo = r
		}
	}
	key, ok := between(lo, hi)
	if !ok {
		return s.renumber(ctx, tx, []entry{{id: id, coll: coll, has: true}})
	}
	return setKey(ctx, tx, id, key)
}

// probe finds the relation (other than self) with a rank in [from, to]:
// the lowest one, or the highest when last is set.
func (s *Service) probe(ctx context.Context, tx *db.Tx, self int64, from, to uint64, last bool) (*entry, error) {
	if from > to {
		return nil, nil
	}
	dir := "ASC"
	if last {
		dir = "DESC"
	}
	e := &entry{}
	var k string
	err := tx.QueryRowContext(ctx, `SELECT relation_id, sort_key FROM relation_order
		WHERE org_id = $1 AND sort_key >= $2 AND sort_key <= $3 AND relation_id <> $4
		ORDER BY sort_key `+dir+`, relation_id `+dir+` LIMIT 1`, tx.OrgID(), keyString(from), keyString(to), self).Scan(&e.id, &k)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("relation order probe: %w", err)
	}
	if e.key, err = parseKey(k); err != nil {
		return nil, err
	}
	if e.coll, err = s.collOf(ctx, tx, e.id); err != nil {
		return nil, err
	}
	e.has = true
	return e, nil
}

// between picks a rank strictly between two neighbours (nil: open end).
func between(lo, hi *entry) (uint64, bool) {
	switch {
	case lo == nil && hi == nil:
		return keyBase, true
	case lo == nil:
		if hi.key > keyStep {
			return hi.key - keyStep, true
		}
		if hi.key >= 2 {
			return hi.key / 2, true
		}
	case hi == nil:
		if math.MaxUint64-lo.key > keyStep {
			return lo.key + keyStep, true
		}
		if math.MaxUint64-lo.key >= 2 {
			return lo.key + (math.MaxUint64-lo.key)/2, true
		}
	default:
		if hi.key-lo.key >= 2 {
			return lo.key + (hi.key-lo.key)/2, true
		}
	}
	return 0, false
}

// setKeySQL stores a relation's rank, new or changed.
const setKeySQL = `INSERT INTO relation_order (org_id, relation_id, sort_key) VALUES ($1, $2, $3)
	ON CONFLICT (org_id, relation_id) DO UPDATE SET sort_key = excluded.sort_key`

func setKey(ctx context.Context, tx *db.Tx, id int64, key uint64) error {
	if _, err := tx.ExecContext(ctx, setKeySQL, tx.OrgID(), id, keyString(key)); err != nil {
		return fmt.Errorf("set sort key: %w", err)
	}
	return nil
}

// loadOrder reads every placed relation's rank in order, leaving out the
// given ids (those about to be placed).
func loadOrder(ctx context.Context, tx *db.Tx, skip map[int64]bool) ([]entry, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT relation_id, sort_key FROM relation_order WHERE org_id = $1 ORDER BY sort_key, relation_id`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("load relation order: %w", err)
	}
	defer rows.Close()
	var out []entry
	for rows.Next() {
		var e entry
		var k string
		if err := rows.Scan(&e.id, &k); err != nil {
			return nil, err
		}
		if skip[e.id] {
			continue
		}
		if e.key, err = parseKey(k); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// placeMany places several relations at once (the bulk import): the new
// ones are sorted in memory, each is located among the existing ranks by
// binary search (decrypting names once each, cached), and each gap gets its
// newcomers spread evenly; one renumbering pass when a gap is too narrow.
func (s *Service) placeMany(ctx context.Context, tx *db.Tx, items []entry) error {
	if len(items) == 0 {
		return nil
	}
	if len(items) == 1 {
		return s.place(ctx, tx, items[0].id, items[0].coll)
	}
	if err := lockOrder(ctx, tx); err != nil {
		return err
	}
	skip := map[int64]bool{}
	for _, it := range items {
		skip[it.id] = true
	}
	existing, err := loadOrder(ctx, tx, skip)
	if err != nil {
		return err
	}
	items = slices.Clone(items)
	slices.SortFunc(items, func(a, b entry) int { return compareColl(a.coll, a.id, b.coll, b.id) })
	collOf := func(i int) (string, error) {
		e := &existing[i]
		if !e.has {
			c, err := s.collOf(ctx, tx, e.id)
			if err != nil {
				return "", err
			}
			e.coll, e.has = c, true
		}
		return e.coll, nil
	}
	// gap[i] is the index in existing before which items[i] belongs.
	gap := make([]int, len(items))
	lo := 0
	for i, it := range items {
		l, h := lo, len(existing)
		for l < h {
			m := l + (h-l)/2
			c, err := collOf(m)
			if err != nil {
				return err
			}
			if compareColl(it.coll, it.id, c, existing[m].id) < 0 {
				h = m
			} else {
				l = m + 1
			}
		}
		gap[i], lo = l, l
	}
	keys := make([]uint64, len(items))
	for i := 0; i < len(items); {
		j := i
		for j < len(items) && gap[j] == gap[i] {
			j++
		}
		var left, right *entry
		if g := gap[i]; g > 0 {
			left = &existing[g-1]
		}
		if g := gap[i]; g < len(existing) {
			right = &existing[g]
		}
		if !spread(left, right, keys[i:j]) {
			return s.renumber(ctx, tx, items)
		}
		i = j
	}
	stmt, err := tx.PrepareContext(ctx, setKeySQL)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, it := range items {
		if _, err := stmt.ExecContext(ctx, tx.OrgID(), it.id, keyString(keys[i])); err != nil {
			return fmt.Errorf("set sort key: %w", err)
		}
	}
	return nil
}

// spread fills keys with evenly spaced ranks strictly between left and
// right (nil: open end), or reports that there is no room.
func spread(left, right *entry, keys []uint64) bool {
	k := uint64(len(keys))
	lo, hi := uint64(0), uint64(math.MaxUint64)
	switch {
	case left == nil && right == nil:
		if k > (math.MaxUint64-keyBase)/keyStep {
			return false
		}
		for i := range keys {
			keys[i] = keyBase + uint64(i)*keyStep
		}
		return true
	case left == nil:
		hi = right.key
		if hi/keyStep > k { // step down from the first existing rank
			for i := range keys {
				keys[i] = hi - (k-uint64(i))*keyStep
			}
			return true
		}
	case right == nil:
		lo = left.key
		if (math.MaxUint64-lo)/keyStep > k {
			for i := range keys {
				keys[i] = lo + (uint64(i)+1)*keyStep
			}
			return true
		}
	default:
		lo, hi = left.key, right.key
	}
	step := (hi - lo) / (k + 1)
	if step == 0 {
		return false
	}
	for i := range keys {
		keys[i] = lo + (uint64(i)+1)*step
	}
	return true
}

// renumber spreads the ranks of all the organisation's relations evenly,
// placing items among them: one pass, one UPDATE per relation.
func (s *Service) renumber(ctx context.Context, tx *db.Tx, items []entry) error {
	skip := map[int64]bool{}
	for _, it := range items {
		skip[it.id] = true
	}
	existing, err := loadOrder(ctx, tx, skip)
	if err != nil {
		return err
	}
	items = slices.Clone(items)
	slices.SortFunc(items, func(a, b entry) int { return compareColl(a.coll, a.id, b.coll, b.id) })
	// Merge by binary search of each item (names of existing decrypted
	// once at most).
	merged := make([]int64, 0, len(existing)+len(items))
	ei := 0
	for _, it := range items {
		l, h := ei, len(existing)
		for l < h {
			m := l + (h-l)/2
			if !existing[m].has {
				c, err := s.collOf(ctx, tx, existing[m].id)
				if err != nil {
					return err
				}
				existing[m].coll, existing[m].has = c, true
			}
			if compareColl(it.coll, it.id, existing[m].coll, existing[m].id) < 0 {
				h = m
			} else {
				l = m + 1
			}
		}
		for ; ei < l; ei++ {
			merged = append(merged, existing[ei].id)
		}
		merged = append(merged, it.id)
	}
	for ; ei < len(existing); ei++ {
		merged = append(merged, existing[ei].id)
	}
	step := min(keyStep, (math.MaxUint64-keyBase)/uint64(len(merged)+1))
	stmt, err := tx.PrepareContext(ctx, setKeySQL)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, id := range merged {
		if _, err := stmt.ExecContext(ctx, tx.OrgID(), id, keyString(keyBase+uint64(i)*step)); err != nil {
			return fmt.Errorf("renumber relations: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE relation_order_state SET renumbered = renumbered + 1 WHERE org_id = $1`, tx.OrgID()); err != nil {
		return fmt.Errorf("renumber relations: %w", err)
	}
	return nil
}
