package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// The search picker finds units and relations by what is typed, keeps what
// is chosen (checked, on top, with its share), and shows another
// organisation nothing.
func TestPickerOptions(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	f := newLeaseFixture(t, e, "a")
	ctx := context.Background()
	far, err := e.Portfolio.CreateUnit(ctx, f.owner, portfolio.UnitInput{Street: "Zuiderzeeweg", HouseNumber: "77", Postcode: "1095 KJ",
		City: "Amsterdam", Type: portfolio.TypeZelfstandig, FloorArea: "50", Segment: portfolio.SegmentVrij})
	if err != nil {
		t.Fatal(err)
	}
	bram, err := e.Relations.CreatePerson(ctx, f.owner, relation.PersonInput{FirstNames: "Bram", Surname: "Zwart",
		Address: relation.Address{Street: "Dam", HouseNumber: "1", Postcode: "1012 JS", City: "Amsterdam"}})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, e.URL())
	c.login(f.email, f.pw)
	resp, body := c.do("GET", fmt.Sprintf("/o/a/pick/units?pick_field=unit_ids&pick_multiple=1&q=zuiderzee&unit_ids=%d", f.homes[0]), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("unit options: %d", resp.StatusCode)
	}
	if !strings.Contains(body, fmt.Sprintf(`type="checkbox" name="unit_ids" value="%d" checked>`, f.homes[0])) ||
		!strings.Contains(body, fmt.Sprintf(`type="checkbox" name="unit_ids" value="%d" > Zuiderzeeweg 77`, far)) ||
		strings.Contains(body, fmt.Sprintf(`value="%d"`, f.homes[1])) {
		t.Fatalf("unit options: %s", body)
	}
	if i, j := strings.Index(body, fmt.Sprintf(`value="%d"`, f.homes[0])), strings.Index(body, fmt.Sprintf(`value="%d"`, far)); i > j {
		t.Fatalf("the chosen unit is not on top: %s", body)
	}
	// A share row keeps its share; a single picker offers radio buttons.
	// The field "shares" is not confused with the flag pick_shares.
	_, body = c.do("GET", fmt.Sprintf("/o/a/pick/units?pick_field=shares&pick_multiple=1&pick_shares=1&q=zuiderzee&shares=%d&share.%d=2,5",
		far, far), nil)
	if !strings.Contains(body, fmt.Sprintf(`name="share.%d" value="2,5"`, far)) || strings.Count(body, "checked") != 1 {
		t.Fatalf("share row: %s", body)
	}
	_, body = c.do("GET", "/o/a/pick/relations?pick_field=tenant_ids&q=zwart", nil)
	if !strings.Contains(body, fmt.Sprintf(`type="radio" name="tenant_ids" value="%d" >`, bram)) ||
		strings.Contains(body, fmt.Sprintf(`value="%d"`, f.tenant)) {
		t.Fatalf("tenant options: %s", body)
	}
	if resp, _ := c.do("GET", "/o/a/pick/owners?pick_field=x", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown kind: %d", resp.StatusCode)
	}
	if resp, _ := c.do("GET", "/o/a/pick/units?pick_field=%22%3E", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a field name that is no name: %d", resp.StatusCode)
	}
	g := newLeaseFixture(t, e, "b")
	cb := newClient(t, e.URL())
	cb.login(g.email, g.pw)
	other := fmt.Sprintf("/o/b/pick/units?pick_field=unit_ids&pick_multiple=1&q=zuiderzee&unit_ids=%d", far)
	if _, body := cb.do("GET", other, nil); strings.Contains(body, "Zuiderzeeweg") {
		t.Fatalf("another organisation found the unit: %s", body)
	}
}
