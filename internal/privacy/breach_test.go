package privacy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
	"hms/internal/relation"
)

// fieldErr is the message at field in err, or "".
func fieldErr(err error, field string) string {
	fe, _ := validation.AsFields(err)
	return fe[field]
}

// The 72-hour clock (art. 33(1)): the deadline is 72 hours after
// discovery; past it without a notification the breach is overdue; a
// notification after it needs the reason for the delay, one within it
// does not; a low risk needs the reason it is not notified; the states go
// open → assessed → notified → closed.
func TestBreachClockAndLateReason(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		p := o.Privacy
		start := o.Clock.Now()
		_, err := p.RecordBreach(ctx, 1, privacy.BreachInput{DiscoveredAt: start.Add(time.Hour), Description: "x"})
		if fieldErr(err, "discovered_at") == "" {
			t.Errorf("a discovery in the future: %v", err)
		}
		if _, err := p.RecordBreach(ctx, 1, privacy.BreachInput{DiscoveredAt: start}); fieldErr(err, "description") == "" {
			t.Errorf("no description: %v", err)
		}
		late, err := p.RecordBreach(ctx, 1, privacy.BreachInput{DiscoveredAt: start.Add(-time.Hour), Description: "Laptop gestolen",
			Categories: "namen, adressen", Subjects: 40, Records: 120})
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.Breach(ctx, late)
		if err != nil {
			t.Fatal(err)
		}
		if b.State != privacy.BreachOpen || !b.Deadline().Equal(start.Add(71*time.Hour)) || b.Overdue(o.Clock.Now()) || b.Subjects != 40 {
			t.Fatalf("recorded: %+v deadline %v", b, b.Deadline())
		}
		// Not yet assessed: the notification may be due, so the clock runs.
		if !b.Overdue(start.Add(71*time.Hour + time.Minute)) {
			t.Error("an unassessed breach past 72 hours is not overdue")
		}
		if err := p.RecordAPNotification(ctx, 1, late, start, ""); !errors.Is(err, privacy.ErrBreachState) {
			t.Errorf("notified before the assessment: %v", err)
		}
		if err := p.Assess(ctx, 1, late, privacy.RiskLow, " "); fieldErr(err, "reason") != "breach.reason_required" {
			t.Errorf("low risk without a reason: %v", err)
		}
		if err := p.Assess(ctx, 1, late, privacy.RiskSome, ""); err != nil {
			t.Fatal(err)
		}
		o.Clock.Advance(80 * time.Hour)
		list, err := p.Breaches(ctx)
		if err != nil || len(list) != 1 || !list[0].Overdue(o.Clock.Now()) || list[0].State != privacy.BreachAssessed {
			t.Fatalf("after 80 hours: %v %+v", err, list)
		}
		at := o.Clock.Now().Add(-time.Hour) // 78 hours after discovery
		if err := p.RecordAPNotification(ctx, 1, late, at, ""); fieldErr(err, "late_reason") != "breach.late_reason_required" {
			t.Errorf("late without a reason: %v", err)
		}
		if err := p.RecordAPNotification(ctx, 1, late, at, "Omvang pas na onderzoek bekend"); err != nil {
			t.Fatal(err)
		}
		if b, _ = p.Breach(ctx, late); !b.Late() || b.Overdue(o.Clock.Now()) || b.State != privacy.BreachNotified ||
			b.LateReason == "" || !b.APNotifiedAt.Equal(at) {
			t.Errorf("notified late: %+v", b)
		}
		if err := p.CloseBreach(ctx, 1, late); err != nil {
			t.Fatal(err)
		}

		// Within the 72 hours no reason is asked, and one given is not kept.
		now := o.Clock.Now()
		onTime, err := p.RecordBreach(ctx, 1, privacy.BreachInput{DiscoveredAt: now.Add(-70 * time.Hour), Description: "Mail verkeerd verstuurd"})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Assess(ctx, 1, onTime, privacy.RiskHigh, ""); err != nil {
			t.Fatal(err)
		}
		if err := p.RecordAPNotification(ctx, 1, onTime, now, "niet nodig"); err != nil {
			t.Fatal(err)
		}
		if err := p.CloseBreach(ctx, 1, onTime); !errors.Is(err, privacy.ErrBreachState) {
			t.Errorf("a high risk closed before the subjects were told: %v", err)
		}
		if err := p.RecordSubjectsNotified(ctx, 1, onTime, now); err != nil {
			t.Fatal(err)
		}
		if err := p.CloseBreach(ctx, 1, onTime); err != nil {
			t.Fatal(err)
		}
		if b, _ = p.Breach(ctx, onTime); b.Late() || b.LateReason != "" || b.State != privacy.BreachClosed {
			t.Errorf("notified on time: %+v", b)
		}

		// A low risk is closed without notification.
		low, _ := p.RecordBreach(ctx, 1, privacy.BreachInput{DiscoveredAt: now, Description: "Versleutelde schijf kwijt"})
		if err := p.Assess(ctx, 1, low, privacy.RiskLow, "Versleuteld; sleutel niet gelekt"); err != nil {
			t.Fatal(err)
		}
		if b, _ = p.Breach(ctx, low); b.NeedsAP() || b.Overdue(now.Add(100*time.Hour)) {
			t.Errorf("low risk: %+v", b)
		}
		if err := p.CloseBreach(ctx, 1, low); err != nil {
			t.Fatal(err)
		}
	})
}

// The impact query counts per organisation the rows of the chosen tables
// and the distinct relations they name; notifying mails each owner of
// each affected customer once, through the outbox.
func TestBreachImpactAndCustomerNotice(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		p := o.Privacy
		// alpha: three people and a lease whose tenant is a fourth; beta: one.
		for range 3 {
			o.Person(o.Owner, relation.PersonInput{})
		}
		o.Lease(o.Owner, lease.Input{})
		o.Person(o.OwnerB, relation.PersonInput{})

		if _, err := p.Impact(ctx, []string{"relations", "no_such_table"}); fieldErr(err, "tables") != "breach.tables_unknown" {
			t.Errorf("a table outside the register: %v", err)
		}
		got, err := p.Impact(ctx, []string{"relations"})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string][2]int{}
		for _, c := range got {
			counts[c.Name] = [2]int{c.Rows, c.Persons}
		}
		if len(got) != 2 || counts["alpha"] != [2]int{4, 4} || counts["beta"] != [2]int{1, 1} {
			t.Fatalf("impact of relations: %+v", got)
		}
		// lease_parties names the tenant again: more rows, the same people.
		got, err = p.Impact(ctx, []string{"relations", "lease_parties"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Name != "alpha" || got[0].Rows != 5 || got[0].Persons != 4 {
			t.Fatalf("impact of relations and lease parties: %+v", got)
		}
		// A table naming no relation: rows only.
		got, _ = p.Impact(ctx, []string{"leases"})
		if len(got) != 1 || got[0].Name != "alpha" || got[0].Rows != 1 || got[0].Persons != -1 {
			t.Fatalf("impact of leases: %+v", got)
		}

		id, err := p.RecordBreach(ctx, 1, privacy.BreachInput{DiscoveredAt: o.Clock.Now(), Description: "Back-up onversleuteld gedeeld",
			Categories: "namen", Consequences: "misbruik van adressen", Measures: "link ingetrokken"})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.RunImpact(ctx, 1, id, []string{"relations"}); err != nil {
			t.Fatal(err)
		}
		before := o.Count(`SELECT count(*) FROM mail_outbox`)
		n, err := p.NotifyCustomers(ctx, 1, id, o.Texts.T)
		if err != nil || n != 2 {
			t.Fatalf("notify: %d %v", n, err)
		}
		if after := o.Count(`SELECT count(*) FROM mail_outbox`); after != before+2 {
			t.Errorf("outbox grew from %d to %d, want one mail per owner", before, after)
		}
		b, _ := p.Breach(ctx, id)
		if len(b.Customers) != 2 || b.Customers[0].NotifiedAt.IsZero() || b.Customers[1].NotifiedAt.IsZero() {
			t.Errorf("customers: %+v", b.Customers)
		}
		// Told once: a second press sends nothing, a new impact run keeps them.
		if n, err := p.NotifyCustomers(ctx, 1, id, o.Texts.T); err != nil || n != 0 {
			t.Errorf("second notice: %d %v", n, err)
		}
		if err := p.RunImpact(ctx, 1, id, []string{"relations"}); err != nil {
			t.Fatal(err)
		}
		if b, _ = p.Breach(ctx, id); len(b.Customers) != 2 || b.Customers[0].NotifiedAt.IsZero() {
			t.Errorf("after a second impact run: %+v", b.Customers)
		}
		// The mail says what happened, to alpha's owner.
		body := o.Texts.T("nl", "mail.breach.body", map[string]any{"Description": b.Description})
		if !strings.Contains(body, "Back-up onversleuteld gedeeld") {
			t.Errorf("mail body: %s", body)
		}
	})
}

// Start-up's check of the locations (P18): the EEA and adequate countries
// pass; others, and countries whose decision covers only some recipients,
// are refused with the setting named.
func TestCheckLocations(t *testing.T) {
	for _, ok := range [][2]string{{"NL", "NL"}, {"de", "IE"}, {"NO", "CH"}, {"GB", "JP"}} {
		if err := privacy.CheckLocations(ok[0], ok[1]); err != nil {
			t.Errorf("%v refused: %v", ok, err)
		}
	}
	for _, bad := range []struct{ storage, mail, want string }{
		{"CN", "NL", "HMS_STORAGE_COUNTRY=CN"},
		{"NL", "US", "HMS_MAIL_COUNTRY=US"},
		{"NL", "IN", "adequacy decision"},
		{"", "NL", "two letters"},
		{"NLD", "NL", "two letters"},
	} {
		err := privacy.CheckLocations(bad.storage, bad.mail)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s/%s: %v", bad.storage, bad.mail, err)
		}
	}
}
