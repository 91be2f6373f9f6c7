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

// The lease form's search fields find units and relations beyond the first
// page of the selects, keep what is chosen, and show another organisation
// nothing.
func TestLeasePickerOptions(t *testing.T) {
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
	resp, body := c.do("GET", fmt.Sprintf("/o/a/lease-options/units?q=zuiderzee&unit_ids=%d", f.homes[0]), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("unit options: %d", resp.StatusCode)
	}
	if !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>`, f.homes[0])) ||
		!strings.Contains(body, fmt.Sprintf(`<option value="%d">Zuiderzeeweg 77`, far)) ||
		strings.Contains(body, fmt.Sprintf(`value="%d"`, f.homes[1])) {
		t.Fatalf("unit options: %s", body)
	}
	_, body = c.do("GET", "/o/a/lease-options/tenants?q=zwart", nil)
	if !strings.Contains(body, fmt.Sprintf(`<option value="%d">`, bram)) || strings.Contains(body, fmt.Sprintf(`value="%d"`, f.tenant)) {
		t.Fatalf("tenant options: %s", body)
	}
	if resp, _ := c.do("GET", "/o/a/lease-options/owners", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown kind: %d", resp.StatusCode)
	}
	g := newLeaseFixture(t, e, "b")
	cb := newClient(t, e.URL())
	cb.login(g.email, g.pw)
	other := fmt.Sprintf("/o/b/lease-options/units?q=zuiderzee&unit_ids=%d", far)
	if _, body := cb.do("GET", other, nil); strings.Contains(body, "Zuiderzeeweg") {
		t.Fatalf("another organisation found the unit: %s", body)
	}
}
