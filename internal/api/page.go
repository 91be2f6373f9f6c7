package api

import (
	"errors"
	"strconv"
)

// Every list operation pages the same way: its input embeds PageInput, its
// output body is (or embeds) Page[T]. The limits are declared here once; the
// struct tags of PageInput repeat them for the OpenAPI document
// (TestPageLimitsAreDeclaredOnce keeps the two equal).
const (
	pageDefaultLimit = 50
	pageMaxLimit     = 200
)

// PageInput is embedded in the input of every list operation. The parameter
// names are the ones clients already send (cursor, limit).
type PageInput struct {
	Cursor string `query:"cursor" maxLength:"200" doc:"Opaque: the next_cursor of the previous page; absent for the first page"`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Items per page (default 50, at most 200)"`
}

// Page is the body of every list operation's answer (outputs that add a
// total embed it).
type Page[T any] struct {
	Items      []T    `json:"items" doc:"This page's items, in the list's order"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor for the next page; absent on the last page"`
}

// errBadCursor answers a cursor this list did not give out: 422 at query.cursor.
var errBadCursor = errors.New("api: cursor not given out by this list")

// limit is the page size asked for, within the declared bounds.
func (p PageInput) limit() int {
	if p.Limit <= 0 {
		return pageDefaultLimit
	}
	return min(p.Limit, pageMaxLimit)
}

// afterID reads the cursor of a list in id order: the last id seen (0 for the
// first page).
func (p PageInput) afterID() (int64, error) {
	if p.Cursor == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(p.Cursor, 10, 64)
	if err != nil || id < 0 {
		return 0, errBadCursor
	}
	return id, nil
}

// pageByID makes a page of a list the service read in id order after the
// cursor, asking for one item more than the limit: that extra item is only
// the sign that another page follows.
func pageByID[S, J any](items []S, p PageInput, id func(S) int64, toJSON func(S) J) Page[J] {
	limit := p.limit()
	page := Page[J]{Items: make([]J, 0, min(len(items), limit))}
	for i, it := range items {
		if i == limit {
			page.NextCursor = strconv.FormatInt(id(items[i-1]), 10)
			break
		}
		page.Items = append(page.Items, toJSON(it))
	}
	return page
}

// pageOf pages a list the service reads whole (lists bounded by their parent,
// or computed): items are in the list's order and key names each item
// uniquely; the cursor is the key of the last item seen.
func pageOf[J any](items []J, p PageInput, key func(J) string) (Page[J], error) {
	start := 0
	if p.Cursor != "" {
		start = -1
		for i, it := range items {
			if key(it) == p.Cursor {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return Page[J]{}, errBadCursor
		}
	}
	end := min(start+p.limit(), len(items))
	page := Page[J]{Items: append(make([]J, 0, end-start), items[start:end]...)}
	if end < len(items) {
		page.NextCursor = key(items[end-1])
	}
	return page, nil
}

// idKey is the cursor key of an item with an id.
func idKey(id int64) string { return strconv.FormatInt(id, 10) }

// offset reads the cursor of a list the service pages by position (a sort
// the caller chooses, or a computed order): the number of items already seen.
func (p PageInput) offset() (int, error) {
	if p.Cursor == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(p.Cursor)
	if err != nil || n < 0 {
		return 0, errBadCursor
	}
	return n, nil
}

// pageAt makes a page of a list the service read by position from offset,
// with one item more than the limit.
func pageAt[S, J any](items []S, p PageInput, offset int, toJSON func(S) J) Page[J] {
	limit := p.limit()
	page := Page[J]{Items: make([]J, 0, min(len(items), limit))}
	for i, it := range items {
		if i == limit {
			page.NextCursor = strconv.Itoa(offset + limit)
			break
		}
		page.Items = append(page.Items, toJSON(it))
	}
	return page
}

// IDPageInput pages a list that belongs to the record named in the path.
type IDPageInput struct {
	ID int64 `path:"id"`
	PageInput
}
