package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"hms/internal/app/apptest"
)

// walk follows next_cursor from the first page to the last and returns the
// ids (under key) in the order the pages gave them.
func walk(t *testing.T, c call, path, key string, limit int) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 50 {
			t.Fatalf("%s: no last page", path)
		}
		st, page := c.do("GET", fmt.Sprintf("%s?limit=%d%s", path, limit, cursor), "")
		items := pfItems(page)
		if st != 200 || len(items) > limit {
			t.Fatalf("%s page %d: %d, %d items: %v", path, pages, st, len(items), page)
		}
		for _, it := range items {
			ids = append(ids, fmt.Sprint(it[key]))
		}
		next, ok := page["next_cursor"].(string)
		if !ok {
			return ids
		}
		if len(items) != limit {
			t.Fatalf("%s page %d: %d items and a next page", path, pages, len(items))
		}
		cursor = "&cursor=" + url.QueryEscape(next)
	}
}

// Lists page alike: walking a list with more items than the limit gives each
// item once, in the order of the whole list, whether the service pages by id
// (complexes; another organisation's complex never shows) or the API pages
// what the service reads whole (tokens, newest first). A cursor the list did
// not give out is a problem at query.cursor.
func TestEveryListPagesWithoutGapsOrRepeats(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := setupOrg(t, e, "alpha")
		b := setupOrg(t, e, "beta")
		ca := call{t, e.URL(), a.tokens["admin"]}
		for i := range 7 {
			if st, body := ca.do("POST", "/complexes", fmt.Sprintf(`{"name":"Hof %d"}`, i)); st != 201 {
				t.Fatalf("complex: %d %v", st, body)
			}
			if st, body := ca.do("POST", "/tokens", fmt.Sprintf(`{"name":"t%d","scopes":["read"]}`, i)); st != 201 {
				t.Fatalf("token: %d %v", st, body)
			}
		}
		cb := call{t, e.URL(), b.tokens["admin"]}
		if st, _ := cb.do("POST", "/complexes", `{"name":"Elders"}`); st != 201 {
			t.Fatal("complex of beta")
		}
		for _, l := range []struct {
			path, key string
			want      int
		}{
			{"/complexes", "id", 7},
			{"/tokens", "id", 10}, // the three of setupOrg and seven more
		} {
			_, whole := ca.do("GET", l.path+"?limit=200", "")
			var want []string
			for _, it := range pfItems(whole) {
				want = append(want, fmt.Sprint(it[l.key]))
			}
			if len(want) != l.want || whole["next_cursor"] != nil {
				t.Fatalf("%s whole: %d items %v", l.path, len(want), whole)
			}
			for _, limit := range []int{1, 2, 3, 7} {
				if got := walk(t, ca, l.path, l.key, limit); !slices.Equal(got, want) {
					t.Errorf("%s by %d: %v, want %v", l.path, limit, got, want)
				}
			}
		}
		st, prob := ca.do("GET", "/tokens?cursor=nonsense", "")
		pfProblemAt(t, st, prob, 422, "query.cursor")
		st, prob = ca.do("GET", "/complexes?cursor=-3", "")
		pfProblemAt(t, st, prob, 422, "query.cursor")
	})
}
