package relation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hms/internal/platform/db"
	"hms/internal/platform/listing"
)

// Searching without the planner. The ids that match a search are computed
// here from index ranges of relation_search, each already in relation_id
// order: an exact value is one range; name words start from the longest
// word's range and narrow it word by word, by merging with the next word's
// range, or, once few candidates are left, by probing the next word for
// just those ids. The page is then ordered from relation_order: the keys
// of a few matches are read and sorted, or for many matches the rank index
// is walked in order until the page is full. So the cost follows the
// number of matches, not the organisation's size. (Left to the planner,
// SQLite walked the rank index and probed the tokens of each of 100,000
// relations to find one IBAN, and PostgreSQL without fresh statistics
// intersected two words with a quadratic nested loop.)

// Thresholds between the strategies (variables so tests can move them).
var (
	probeBelow = 5000 // narrow by probing once fewer candidates than this are left
	sortBelow  = 1000 // order by reading the matches' keys up to this many matches
	walkBatch  = 4000 // most ranks read per query when walking them in order
)

const chunk = 500 // ids per IN (…) list

// searchIDs returns the ids of the relations matching q, ascending.
func (s *Service) searchIDs(ctx context.Context, tx *db.Tx, q query) ([]int64, error) {
	t := s.tokenizer(ctx, tx)
	switch {
	case q.exact != nil:
		tok, err := t.token(q.exact.kind, q.exact.value)
		if err != nil {
			return nil, err
		}
		return tokenIDs(ctx, tx, q.exact.kind, tok)
	case q.kvk != "":
		return queryIDs(ctx, tx, `SELECT id FROM relations WHERE org_id = $1 AND kvk = $2 ORDER BY id`, tx.OrgID(), q.kvk)
	}
	var ws []string // the distinct words, longest first
	for _, w := range q.words {
		if !slices.Contains(ws, w) {
			ws = append(ws, w)
		}
	}
	slices.SortStableFunc(ws, func(a, b string) int { return cmp.Compare(utf8.RuneCountInString(b), utf8.RuneCountInString(a)) })
	var ids []int64
	for i, w := range ws {
		tok, err := t.token(tokName, w)
		if err != nil {
			return nil, err
		}
		switch {
		case i == 0:
			ids, err = tokenIDs(ctx, tx, tokName, tok)
		case len(ids) == 0:
			return ids, nil
		case len(ids) < probeBelow || tx.Dialect() == db.Postgres:
			ids, err = probeIDs(ctx, tx, tok, ids)
		default:
			var more []int64
			if more, err = tokenIDs(ctx, tx, tokName, tok); err == nil {
				ids = intersect(ids, more)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func tokenIDs(ctx context.Context, tx *db.Tx, kind string, tok []byte) ([]int64, error) {
	return queryIDs(ctx, tx, `SELECT relation_id FROM relation_search WHERE org_id = $1 AND kind = $2 AND token = $3 ORDER BY relation_id`,
		tx.OrgID(), kind, tok)
}

// probeIDs keeps the ids that also have name token tok: one primary-key
// look-up per id inside the database. PostgreSQL gets the ids as one array
// (a long IN list there became a filter over the token's whole range when
// the planner had no statistics); SQLite gets IN lists.
func probeIDs(ctx context.Context, tx *db.Tx, tok []byte, ids []int64) ([]int64, error) {
	if tx.Dialect() == db.Postgres {
		return queryIDs(ctx, tx, `SELECT s.relation_id FROM unnest($4::bigint[]) AS c(id)
			JOIN relation_search s ON s.org_id = $1 AND s.kind = $2 AND s.token = $3 AND s.relation_id = c.id
			ORDER BY s.relation_id`, tx.OrgID(), tokName, tok, ids)
	}
	var out []int64
	for rest := ids; len(rest) > 0; {
		c := rest[:min(len(rest), chunk)]
		rest = rest[len(c):]
		args := []any{tx.OrgID(), tokName, tok}
		got, err := queryIDs(ctx, tx, `SELECT relation_id FROM relation_search WHERE org_id = $1 AND kind = $2 AND token = $3
			AND relation_id IN (`+marks(&args, c)+`) ORDER BY relation_id`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// marks appends ids to args and returns their placeholders. The list is
// padded (repeating the last id) to one of a few lengths, so that
// PostgreSQL's per-connection statement cache holds a handful of
// statements, not one per list length.
func marks(args *[]any, ids []int64) string {
	n := len(ids)
	for _, size := range []int{1, 4, 16, 64, 200, chunk} {
		if n <= size {
			n = size
			break
		}
	}
	ms := make([]string, n)
	for i := range n {
		*args = append(*args, ids[min(i, len(ids)-1)])
		ms[i] = fmt.Sprintf("$%d", len(*args))
	}
	return strings.Join(ms, ", ")
}

func queryIDs(ctx context.Context, tx *db.Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search relations: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// intersect merges two ascending lists.
func intersect(a, b []int64) []int64 {
	out := a[:0:0]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// pageOf returns the ids of q's page among the matching ids (ascending),
// sorted by name (rank) or by creation (id).
func pageOf(ctx context.Context, tx *db.Tx, ids []int64, q listing.Query) ([]int64, error) {
	end := min(len(ids), q.Offset+q.Limit)
	if q.Offset >= len(ids) {
		return nil, nil
	}
	if len(ids) == 1 {
		return ids, nil // one match (an IBAN, an e-mail address) needs no order
	}
	if q.Sort == "created" {
		if q.Desc {
			ids = slices.Clone(ids)
			slices.Reverse(ids)
		}
		return ids[q.Offset:end], nil
	}
	if len(ids) <= sortBelow {
		type ranked struct {
			id  int64
			key string
		}
		var rs []ranked
		for rest := ids; len(rest) > 0; {
			c := rest[:min(len(rest), chunk)]
			rest = rest[len(c):]
			args := []any{tx.OrgID()}
			rows, err := tx.QueryContext(ctx,
				`SELECT relation_id, sort_key FROM relation_order WHERE org_id = $1 AND relation_id IN (`+marks(&args, c)+`)`, args...)
			if err != nil {
				return nil, fmt.Errorf("order relations: %w", err)
			}
			for rows.Next() {
				var r ranked
				if err := rows.Scan(&r.id, &r.key); err != nil {
					rows.Close()
					return nil, err
				}
				rs = append(rs, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		slices.SortFunc(rs, func(a, b ranked) int {
			c := cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.id, b.id))
			if q.Desc {
				return -c
			}
			return c
		})
		var out []int64
		for _, r := range rs[min(q.Offset, len(rs)):min(len(rs), q.Offset+q.Limit)] {
			out = append(out, r.id)
		}
		return out, nil
	}
	// Many matches: walk the ranks in order, a batch at a time (a query
	// without LIMIT would be planned as a full sort), until the page is full.
	in := make(map[int64]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	dir, cmpOp := "ASC", ">"
	if q.Desc {
		dir, cmpOp = "DESC", "<"
	}
	var out []int64
	skip := q.Offset
	var lastKey string
	var lastID int64
	batch := 2 * (q.Offset + q.Limit)
	for first := true; len(out) < q.Limit; first = false {
		batch = min(2*batch, walkBatch)
		args := []any{tx.OrgID()}
		after := ""
		if !first {
			args = append(args, lastKey, lastID)
			after = ` AND (sort_key, relation_id) ` + cmpOp + ` ($2, $3)`
		}
		rows, err := tx.QueryContext(ctx, `SELECT relation_id, sort_key FROM relation_order WHERE org_id = $1`+after+
			` ORDER BY sort_key `+dir+`, relation_id `+dir+` LIMIT `+fmt.Sprint(batch), args...)
		if err != nil {
			return nil, fmt.Errorf("order relations: %w", err)
		}
		n := 0
		for rows.Next() {
			n++
			if err := rows.Scan(&lastID, &lastKey); err != nil {
				rows.Close()
				return nil, err
			}
			if !in[lastID] || len(out) == q.Limit {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, lastID)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if n < batch {
			break
		}
	}
	return out, nil
}
