package requests_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/privacy/requests"
	"hms/internal/relation"
)

// Due dates are one calendar month after receipt on the Amsterdam
// calendar, clamped to the month's end; an extension adds one or two
// months to the first due day, once, within the first month.
func TestDueDates(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2027, time.January, 31, 12, 0, 0, 0, ams), "2027-02-28"},
		{time.Date(2028, time.January, 31, 12, 0, 0, 0, ams), "2028-02-29"},
		{time.Date(2027, time.March, 31, 9, 0, 0, 0, ams), "2027-04-30"},
		{time.Date(2027, time.December, 15, 9, 0, 0, 0, ams), "2028-01-15"},
		// 23:30 UTC on 31 January is 1 February in Amsterdam.
		{time.Date(2027, time.January, 31, 23, 30, 0, 0, time.UTC), "2027-03-01"},
	}
	for _, c := range cases {
		if got := requests.DueOn(c.at).String(); got != c.want {
			t.Errorf("DueOn(%s) = %s, want %s", c.at, got, c.want)
		}
	}
	first := civil.MustParse("2027-02-28")
	if got := requests.ExtendedDue(first, 2).String(); got != "2027-04-28" {
		t.Errorf("extended by two months: %s", got)
	}
	r := &requests.Request{State: requests.InProgress, DueOn: first, FirstDueOn: first}
	if !requests.CanExtend(r, first) {
		t.Error("cannot extend on the due day")
	}
	if requests.CanExtend(r, first.AddDays(1)) {
		t.Error("extended after the first month")
	}
	r.State, r.DueOn = requests.Extended, requests.ExtendedDue(first, 1)
	if requests.CanExtend(r, first.AddDays(-3)) {
		t.Error("extended twice")
	}
}

// mailTo reads the newest message to addr from the outbox of org (0: the
// platform's).
func mailTo(t *testing.T, e *apptest.Org, org int64, addr string) mail.Message {
	t.Helper()
	var out []mail.Stored
	err := inRead(e, org, func(tx *db.Tx) error {
		var err error
		out, err = e.Outbox.List(context.Background(), tx, 100)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range out {
		if m.Message.To == addr {
			return m.Message
		}
	}
	t.Fatalf("no mail to %s in the outbox of %d", addr, org)
	return mail.Message{}
}

func inRead(e *apptest.Org, org int64, fn func(*db.Tx) error) error {
	if org == 0 {
		return e.DB.ReadSystem(context.Background(), fn)
	}
	return e.DB.ReadOrg(context.Background(), org, fn)
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

func codeIn(t *testing.T, m mail.Message) string {
	t.Helper()
	c := sixDigits.FindString(m.Text)
	if c == "" {
		t.Fatalf("no code in %q", m.Text)
	}
	return c
}

func field(err error, name string) string {
	fe, _ := validation.AsFields(err)
	return fe[name]
}

// The website's request goes to the one organisation whose name matches
// (case and spaces aside), else to the console; the e-mailed code verifies
// it; wrong codes count, three spend it, ten minutes expire it, a new code
// starts again.
func TestSubmitRoutesAndVerifies(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		staff := requests.Staff(1)

		// Empty form: errors at the fields, nothing stored.
		_, err := e.Requests.Submit(ctx, requests.SubmitInput{About: requests.AboutLandlord})
		for _, f := range []string{"kind", "landlord", "name", "email"} {
			if field(err, f) == "" {
				t.Errorf("no error at %s: %v", f, err)
			}
		}
		sub, err := e.Requests.Submit(ctx, requests.SubmitInput{Kind: requests.Access, About: requests.AboutLandlord,
			Landlord: "  ALPHA ", Name: "Wilhelmina Wisvelt", Email: "wis@voorbeeld.nl", Lang: "nl"})
		if err != nil {
			t.Fatal(err)
		}
		inbox, err := e.Requests.List(ctx, e.Owner, requests.Filter{})
		if err != nil || len(inbox) != 1 || inbox[0].State != requests.Verifying || inbox[0].Personal.Name != "Wilhelmina Wisvelt" {
			t.Fatalf("alpha's inbox: %+v %v", inbox, err)
		}
		if got, _ := e.Requests.List(ctx, e.OwnerB, requests.Filter{}); len(got) != 0 {
			t.Fatalf("beta sees alpha's request: %+v", got)
		}
		if got, _ := e.Requests.List(ctx, staff, requests.Filter{}); len(got) != 0 {
			t.Fatalf("the console sees the landlord's request: %+v", got)
		}
		if _, err := e.Requests.List(ctx, e.Viewer, requests.Filter{}); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a viewer lists requests: %v", err)
		}
		org := e.Owner.OrgID
		code := codeIn(t, mailTo(t, e, org, "wis@voorbeeld.nl"))
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		if err := e.Requests.Verify(ctx, sub.Token, wrong); field(err, "code") != "subject_request.code_wrong" {
			t.Fatalf("wrong code: %v", err)
		}
		if err := e.Requests.Verify(ctx, "v_nonsense", code); !errors.Is(err, requests.ErrLinkInvalid) {
			t.Fatalf("unknown link: %v", err)
		}
		if err := e.Requests.Verify(ctx, sub.Token, code); err != nil {
			t.Fatal(err)
		}
		r, err := e.Requests.Get(ctx, e.Owner, inbox[0].ID)
		if err != nil || r.State != requests.InProgress || r.VerifiedBy != "code" {
			t.Fatalf("after the code: %+v %v", r, err)
		}
		if err := e.Requests.Verify(ctx, sub.Token, code); !errors.Is(err, requests.ErrLinkInvalid) {
			t.Fatalf("the code form's link works twice: %v", err)
		}
		if n := e.Count(`SELECT count(*) FROM privacy_requests WHERE code_hash LIKE '%' || $1 || '%'`, code); n != 0 {
			t.Fatal("the code is stored in plain text")
		}

		// Unknown landlord and HMS's own account: the console.
		sub2, err := e.Requests.Submit(ctx, requests.SubmitInput{Kind: requests.Erasure, About: requests.AboutLandlord,
			Landlord: "Woonstichting Nergens", Name: "Piet Puk", Email: "piet@voorbeeld.nl", Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Requests.Submit(ctx, requests.SubmitInput{Kind: requests.Unlawful, About: requests.AboutAccount,
			Name: "Klaas Vaak", Email: "klaas@voorbeeld.nl"}); err != nil {
			t.Fatal(err)
		}
		console, err := e.Requests.List(ctx, staff, requests.Filter{})
		if err != nil || len(console) != 2 {
			t.Fatalf("console: %+v %v", console, err)
		}
		if _, err := e.Requests.List(ctx, requests.Staff(0), requests.Filter{}); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("no staff: %v", err)
		}

		// Three wrong codes spend the code; a new one works.
		for i := range 3 {
			err := e.Requests.Verify(ctx, sub2.Token, "999999")
			want := "subject_request.code_wrong"
			if i == 2 {
				want = "subject_request.code_spent"
			}
			if field(err, "code") != want {
				t.Fatalf("wrong code %d: %v", i+1, err)
			}
		}
		code2 := codeIn(t, mailTo(t, e, 0, "piet@voorbeeld.nl"))
		if err := e.Requests.Verify(ctx, sub2.Token, code2); field(err, "code") != "subject_request.code_spent" {
			t.Fatalf("the right code after three wrong ones: %v", err)
		}
		if err := e.Requests.Resend(ctx, sub2.Token); err != nil {
			t.Fatal(err)
		}
		code3 := codeIn(t, mailTo(t, e, 0, "piet@voorbeeld.nl"))
		e.Clock.Advance(requests.CodeTTL + time.Second)
		if err := e.Requests.Verify(ctx, sub2.Token, code3); field(err, "code") != "subject_request.code_expired" {
			t.Fatalf("an expired code: %v", err)
		}
		if err := e.Requests.Resend(ctx, sub2.Token); err != nil {
			t.Fatal(err)
		}
		code4 := codeIn(t, mailTo(t, e, 0, "piet@voorbeeld.nl"))
		e.Clock.Advance(requests.CodeTTL - time.Second)
		if err := e.Requests.Verify(ctx, sub2.Token, code4); err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.Resend(ctx, sub2.Token); !errors.Is(err, requests.ErrLinkInvalid) {
			t.Fatalf("a code sent after verification: %v", err)
		}

		// Staff forward the request to alpha; the console's waits.
		var forwarded int64
		for _, r := range console {
			if r.Personal.Email == "piet@voorbeeld.nl" {
				forwarded = r.ID
			}
		}
		if err := e.Requests.Forward(ctx, staff, forwarded, org); err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.Forward(ctx, staff, forwarded, org); !errors.Is(err, requests.ErrState) {
			t.Fatalf("forwarded twice: %v", err)
		}
		fw, _ := e.Requests.Get(ctx, staff, forwarded)
		if fw.State != requests.AwaitingController || fw.Forwarded != org {
			t.Fatalf("the console's copy: %+v", fw)
		}
		inbox, _ = e.Requests.List(ctx, e.Owner, requests.Filter{})
		if len(inbox) != 2 {
			t.Fatalf("alpha's inbox after forwarding: %d", len(inbox))
		}
		var copy *requests.Request
		for _, r := range inbox {
			if r.Personal.Email == "piet@voorbeeld.nl" {
				copy = r
			}
		}
		if copy == nil || copy.State != requests.InProgress || copy.Kind != requests.Erasure || copy.Lang != "en" {
			t.Fatalf("alpha's copy: %+v", copy)
		}
		if err := e.Requests.Refuse(ctx, e.Owner, copy.ID, "Wij kennen u niet als huurder."); err != nil {
			t.Fatal(err)
		}
		if m := mailTo(t, e, org, "piet@voorbeeld.nl"); !strings.Contains(m.Text, "autoriteitpersoonsgegevens.nl") ||
			!strings.Contains(m.Text, "Wij kennen u niet") {
			t.Fatalf("refusal mail: %q", m.Text)
		}
		if fw, _ := e.Requests.Get(ctx, staff, forwarded); fw.State != requests.Refused {
			t.Fatalf("the console's copy after the landlord refused: %s", fw.State)
		}
	})
}

// A request recorded on a person's behalf with a note is verified; the
// term is extended once, by at most two months, within the first month;
// the overdue list comes first.
func TestExtendAndOverdue(t *testing.T) {
	now := time.Date(2027, time.January, 31, 10, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		in := requests.RecordInput{Kind: requests.Objection, Name: "Jan Jansen", Email: "jan@voorbeeld.nl", Note: "paspoort gezien"}
		a, err := e.Requests.Record(ctx, e.Manager, in)
		if err != nil {
			t.Fatal(err)
		}
		in.Note = ""
		b, err := e.Requests.Record(ctx, e.Manager, in)
		if err != nil {
			t.Fatal(err)
		}
		ra, _ := e.Requests.Get(ctx, e.Owner, a)
		rb, _ := e.Requests.Get(ctx, e.Owner, b)
		if ra.State != requests.InProgress || ra.VerifiedBy != "manual" || rb.State != requests.Received {
			t.Fatalf("recorded: %s/%s, %s", ra.State, ra.VerifiedBy, rb.State)
		}
		if ra.DueOn.String() != "2027-02-28" {
			t.Fatalf("due %s", ra.DueOn)
		}
		if err := e.Requests.Complete(ctx, e.Owner, b, "bezwaar genoteerd"); err == nil {
			t.Fatal("completed without a verified identity")
		}
		if err := e.Requests.Extend(ctx, e.Owner, a, 3, "veel gegevens"); field(err, "months") == "" {
			t.Fatalf("three months: %v", err)
		}
		if err := e.Requests.Extend(ctx, e.Owner, a, 2, ""); field(err, "reason") == "" {
			t.Fatalf("no reason: %v", err)
		}
		if err := e.Requests.Extend(ctx, e.Owner, a, 2, "veel gegevens bij meerdere complexen"); err != nil {
			t.Fatal(err)
		}
		ra, _ = e.Requests.Get(ctx, e.Owner, a)
		if ra.State != requests.Extended || ra.DueOn.String() != "2027-04-28" {
			t.Fatalf("extended: %s %s", ra.State, ra.DueOn)
		}
		if m := mailTo(t, e, e.Owner.OrgID, "jan@voorbeeld.nl"); !strings.Contains(m.Text, "28 april 2027") {
			t.Fatalf("extension mail: %q", m.Text)
		}
		if err := e.Requests.Extend(ctx, e.Owner, a, 1, "nog meer"); err == nil {
			t.Fatal("extended twice")
		}
		// A month and a day later: b may no longer be extended and is overdue.
		e.Clock.Set(time.Date(2027, time.March, 1, 10, 0, 0, 0, time.UTC))
		if err := e.Requests.Extend(ctx, e.Owner, b, 1, "te laat"); err == nil {
			t.Fatal("extended after the first month")
		}
		list, _ := e.Requests.List(ctx, e.Owner, requests.Filter{})
		if len(list) != 2 || list[0].ID != b || !list[0].Overdue(civil.Today(e.Clock.Now())) {
			t.Fatalf("overdue first: %+v", list)
		}
		over, _ := e.Requests.List(ctx, e.Owner, requests.Filter{Overdue: civil.Today(e.Clock.Now())})
		if len(over) != 1 || over[0].ID != b {
			t.Fatalf("overdue list: %+v", over)
		}
		n, err := e.Requests.Remind(ctx)
		if err != nil || n != 1 {
			t.Fatalf("reminded %d organisations: %v", n, err)
		}
		if n, _ := e.Requests.Remind(ctx); n != 0 {
			t.Fatal("reminded twice on one day")
		}
		if err := e.Requests.VerifyManually(ctx, e.Owner, b, "rijbewijs gezien"); err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.Complete(ctx, e.Owner, b, "bezwaar gehonoreerd"); err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.Complete(ctx, e.Owner, b, "nogmaals"); !errors.Is(err, requests.ErrState) {
			t.Fatalf("completed twice: %v", err)
		}
	})
}

// Access: the export zip of the chosen person is sealed with the request,
// the requester gets a link that downloads it once. Erasure: a running
// lease refuses it, with the reason in the mail.
func TestExportAndErase(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		person := e.Person(e.Owner, relation.PersonInput{FirstNames: "Wilhelmina", Surname: "Wisvelt"})
		id, err := e.Requests.Record(ctx, e.Owner, requests.RecordInput{Kind: requests.Access, Name: "W. Wisvelt",
			Email: "wis@voorbeeld.nl", Note: "bekend van de balie"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.SendExport(ctx, e.Owner, id, 0); field(err, "person") == "" {
			t.Fatalf("no person: %v", err)
		}
		if err := e.Requests.SendExport(ctx, e.Owner, id, person); err != nil {
			t.Fatal(err)
		}
		m := mailTo(t, e, e.Owner.OrgID, "wis@voorbeeld.nl")
		i := strings.Index(m.Text, requests.DownloadPath)
		if i < 0 {
			t.Fatalf("no link in %q", m.Text)
		}
		link, _ := url.Parse(strings.Fields(m.Text[i:])[0])
		data, err := e.Requests.Download(ctx, link.Query().Get("token"))
		if err != nil {
			t.Fatal(err)
		}
		if !zipHolds(t, data, "Wisvelt") {
			t.Fatal("the zip does not name the person")
		}
		if _, err := e.Requests.Download(ctx, link.Query().Get("token")); !errors.Is(err, requests.ErrLinkInvalid) {
			t.Fatalf("downloaded twice: %v", err)
		}
		r, _ := e.Requests.Get(ctx, e.Owner, id)
		if r.State != requests.Completed || r.PersonID != person {
			t.Fatalf("after the export: %+v", r)
		}

		// Erasure of a tenant with a running lease: refused with the reason.
		unit := e.Unit(e.Owner, portfolio.UnitInput{})
		tenant := e.Person(e.Owner, relation.PersonInput{FirstNames: "Henk", Surname: "Huurder"})
		e.Lease(e.Owner, lease.Input{UnitIDs: []int64{unit}, TenantIDs: []int64{tenant}})
		er, err := e.Requests.Record(ctx, e.Owner, requests.RecordInput{Kind: requests.Erasure, Name: "Henk Huurder",
			Email: "henk@voorbeeld.nl", Note: "paspoort"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.Erase(ctx, e.Manager, er, tenant); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a manager erases: %v", err)
		}
		if err := e.Requests.Erase(ctx, e.Owner, er, tenant); err != nil {
			t.Fatal(err)
		}
		r, _ = e.Requests.Get(ctx, e.Owner, er)
		if r.State != requests.Refused || r.RefusalID == "" {
			t.Fatalf("erasure with a running lease: %+v", r)
		}
		if m := mailTo(t, e, e.Owner.OrgID, "henk@voorbeeld.nl"); !strings.Contains(m.Text, "Autoriteit Persoonsgegevens") {
			t.Fatalf("refusal mail: %q", m.Text)
		}
	})
}

func zipHolds(t *testing.T, data []byte, s string) bool {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// Restriction and objection requests are answered from the request: the
// person is restricted (or the objection recorded, pending, in the
// requester's words), the request completed and the requester mailed;
// another kind, an unverified request or a bad ground changes nothing.
func TestRestrictAndObjectFromRequest(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		person := e.Person(e.Owner, relation.PersonInput{FirstNames: "Bea", Surname: "Beperkt"})
		rid, err := e.Requests.Record(ctx, e.Manager, requests.RecordInput{Kind: requests.Restriction, Name: "Bea Beperkt",
			Email: "bea@voorbeeld.nl"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.Restrict(ctx, e.Manager, rid, person, relation.GroundAccuracy); err == nil {
			t.Fatal("restricted on an unverified request")
		}
		if err := e.Requests.VerifyManually(ctx, e.Manager, rid, "paspoort gezien"); err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.Restrict(ctx, e.Manager, rid, 0, relation.GroundAccuracy); field(err, "person") == "" {
			t.Fatalf("no person: %v", err)
		}
		if err := e.Requests.Restrict(ctx, e.Manager, rid, person, "whim"); field(err, "ground") == "" {
			t.Fatalf("bad ground: %v", err)
		}
		if err := e.Requests.Object(ctx, e.Manager, rid, person, relation.ProcessingMail); !errors.Is(err, requests.ErrState) {
			t.Fatalf("an objection on a restriction request: %v", err)
		}
		if rel, _ := e.Relations.Get(ctx, e.Owner, person, "web"); rel.Restriction != nil {
			t.Fatal("restricted by a failed step")
		}
		if err := e.Requests.Restrict(ctx, e.Manager, rid, person, relation.GroundAccuracy); err != nil {
			t.Fatal(err)
		}
		rel, err := e.Relations.Get(ctx, e.Owner, person, "web")
		if err != nil || rel.Restriction == nil || rel.Restriction.Ground != relation.GroundAccuracy {
			t.Fatalf("not restricted: %+v %v", rel, err)
		}
		r, _ := e.Requests.Get(ctx, e.Owner, rid)
		if r.State != requests.Completed || r.PersonID != person || r.Outcome != "subject_request.outcome.restricted" {
			t.Fatalf("after the restriction: %+v", r)
		}
		if m := mailTo(t, e, e.Owner.OrgID, "bea@voorbeeld.nl"); !strings.Contains(m.Text, "beperkt") {
			t.Fatalf("restriction mail: %q", m.Text)
		}

		oid, err := e.Requests.Record(ctx, e.Owner, requests.RecordInput{Kind: requests.Objection, Name: "Bea Beperkt",
			Email: "bea2@voorbeeld.nl", Details: "Ik wil geen incasso meer.", Note: "bekend van de balie"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.Object(ctx, e.Owner, oid, person, "whim"); field(err, "processing") == "" {
			t.Fatalf("bad processing: %v", err)
		}
		if err := e.Requests.Object(ctx, e.Owner, oid, person, relation.ProcessingDirectDebit); err != nil {
			t.Fatal(err)
		}
		obs, err := e.Relations.Objections(ctx, e.Owner, person)
		if err != nil || len(obs) != 1 || obs[0].Grounds != "Ik wil geen incasso meer." ||
			obs[0].Processing != relation.ProcessingDirectDebit || obs[0].Decision != relation.DecisionPending {
			t.Fatalf("objection: %+v %v", obs, err)
		}
		if m := mailTo(t, e, e.Owner.OrgID, "bea2@voorbeeld.nl"); !strings.Contains(m.Text, "automatische incasso") {
			t.Fatalf("objection mail: %q", m.Text)
		}
		if err := e.Requests.Object(ctx, e.Owner, oid, person, relation.ProcessingMail); !errors.Is(err, requests.ErrState) {
			t.Fatalf("answered twice: %v", err)
		}
	})
}

// A rectification's proposed values are shown next to the person's and,
// approved, written to the person and mailed to the requester; a value the
// record refuses is reported at its field and nothing changes.
func TestRectifyReviewedChange(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		person := e.Person(e.Owner, relation.PersonInput{FirstNames: "Rik", Surname: "Recht", Email: "rik@oud.nl"})
		bad, err := e.Requests.Record(ctx, e.Manager, requests.RecordInput{Kind: requests.Rectification, Name: "Rik Recht",
			Email: "rik@voorbeeld.nl", Note: "paspoort", Proposed: map[string]string{"iban": "NL00BANK0000000000", "email": "rik@nieuw.nl"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Requests.Rectify(ctx, e.Manager, bad, person); field(err, "proposed_iban") == "" {
			t.Fatalf("bad IBAN: %v", err)
		}
		if rel, _ := e.Relations.Get(ctx, e.Owner, person, "web"); rel.Email != "rik@oud.nl" {
			t.Fatalf("changed by a refused step: %s", rel.Email)
		}
		id, err := e.Requests.Record(ctx, e.Manager, requests.RecordInput{Kind: requests.Rectification, Name: "Rik Recht",
			Email: "rik@voorbeeld.nl", Note: "paspoort", Proposed: map[string]string{"email": " rik@nieuw.nl ", "phone": "0612345678",
				"shoe_size": "44"}})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := e.Requests.Changes(ctx, e.Manager, id, person)
		if err != nil || len(ch) != 2 || ch[0].Field != "email" || ch[0].Old != "rik@oud.nl" || ch[0].New != "rik@nieuw.nl" ||
			ch[1].Field != "phone" || ch[1].Old != "" {
			t.Fatalf("changes: %+v %v", ch, err)
		}
		if err := e.Requests.Rectify(ctx, e.Manager, id, person); err != nil {
			t.Fatal(err)
		}
		rel, _ := e.Relations.Get(ctx, e.Owner, person, "web")
		if rel.Email != "rik@nieuw.nl" || len(rel.Phones) != 1 || rel.Surname != "Recht" {
			t.Fatalf("after approval: %+v", rel)
		}
		r, _ := e.Requests.Get(ctx, e.Owner, id)
		if r.State != requests.Completed || r.Outcome != "subject_request.outcome.rectified" {
			t.Fatalf("request after approval: %+v", r)
		}
		var to []mail.Message
		_ = inRead(e, e.Owner.OrgID, func(tx *db.Tx) error {
			out, err := e.Outbox.List(ctx, tx, 100)
			for _, m := range out {
				if m.Message.To == "rik@voorbeeld.nl" && strings.Contains(m.Message.Text, "rik@nieuw.nl") {
					to = append(to, m.Message)
				}
			}
			return err
		})
		if len(to) != 1 {
			t.Fatalf("mails naming the change: %d", len(to))
		}
		if err := e.Requests.Rectify(ctx, e.Manager, id, person); !errors.Is(err, requests.ErrState) {
			t.Fatalf("approved twice: %v", err)
		}
	})
}
