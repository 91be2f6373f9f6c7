package lease

import (
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
)

// ListSQL is the count and the page statement of a list, with their
// arguments.
func ListSQL(tx *db.Tx, f ListFilter, q listing.Query) (count, page string, args []any, err error) {
	lq, err := newListQuery(f, q.Search, civil.New(2026, 1, 1))
	if err != nil {
		return "", "", nil, err
	}
	cond, args := lq.bind(tx)
	page, _ = lq.page(tx, q)
	return listing.CappedCount(` FROM leases l WHERE ` + cond), page, args, nil
}
