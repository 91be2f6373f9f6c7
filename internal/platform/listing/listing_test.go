package listing

import (
	"net/url"
	"testing"
)

func TestFromValuesAndNormalize(t *testing.T) {
	q := FromValues(url.Values{"q": {"  Jansen "}, "sort": {"evil; DROP"}, "dir": {"desc"}, "page": {"3"},
		"per": {"20"}}).Normalize("name", "city")
	if q.Search != "Jansen" || q.Sort != "name" || !q.Desc || q.Offset != 40 || q.Limit != 20 || q.PageNumber() != 3 {
		t.Fatalf("%+v", q)
	}
	if q.Direction() != "DESC" || q.Pages(41) != 3 || q.Pages(0) != 1 {
		t.Fatal("direction or pages")
	}
	if big := (Query{Limit: 10000}).Normalize(); big.Limit != MaxLimit {
		t.Fatal("limit not clamped")
	}
	if EscapeLike(`50%_a\b`) != `50\%\_a\\b` {
		t.Fatal("escape")
	}
}
