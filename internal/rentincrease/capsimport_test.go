package rentincrease_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/rentincrease"
)

// DOMAIN §4.1: the maximums are versioned data, published each year. The
// proposal for 1 July 2027 is held up by the unknown social cap with a
// note that names the caps page; a CSV file of caps is checked line by line
// and field by field (nothing is stored while any line is wrong), after
// which the proposal uses it: €800.00 + 3.5% = €828.00. The same file
// again changes nothing; another organisation does not see it.
func TestProposal2027NamesTheCapsPageAndCapsImportDOMAIN41(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		lid := e.lease(e.Owner, portfolio.SegmentSociaal, "2020-01-01", 80000)
		ps, err := e.svc.Propose(ctx, e.Owner, d("2027-07-01"))
		if err != nil || len(ps) != 1 || ps[0].Status != rentincrease.StatusSkipped || ps[0].Notes[0].Code != "rentincrease.note.no_cap" {
			t.Fatalf("2027 without a cap: %+v %v", ps, err)
		}
		n := ps[0].Notes[0]
		msg := e.Texts.T("nl", n.Code, map[string]any{"segment": n.Args["segment"], "year": n.Args["year"]})
		if !strings.Contains(msg, "Maxima, CPI en brief") || !strings.Contains(msg, "2027") || !strings.Contains(msg, "CSV") {
			t.Fatalf("the note does not say where to enter the cap: %q", msg)
		}

		bad := "segment;year;percent;source\n" +
			"sociaal;2027;3,5;https://www.rijksoverheid.nl/2027\n" + // fine, but the file has errors
			"commercieel;2027;3,5;x\n" + // not a capped segment
			"vrije_sector;twintig;3;x\n" + // year
			"middenhuur;2027;-1;x\n" + // percent
			"middenhuur;2028;4;\n" + // source required
			"sociaal;2027;3,6;dubbel\n" + // duplicate segment and year
			"sociaal;2027\n" // fields
		_, cellErrs, err := e.svc.ImportCaps(ctx, e.Owner, strings.NewReader(bad))
		var got []string
		for _, ce := range cellErrs {
			got = append(got, fmt.Sprintf("%d:%s:%s", ce.Line, ce.Column, ce.Reason))
		}
		want := "3:segment:rentincrease.caps.segment_invalid 4:year:rentincrease.caps.year_invalid 5:percent:rentincrease.percent.invalid " +
			"6:source:rentincrease.cap.source_required 7:year:rentincrease.caps.duplicate 8::rentincrease.caps.fields"
		if err == nil || strings.Join(got, " ") != want {
			t.Fatalf("bad file:\n got %s\nwant %s (%v)", strings.Join(got, " "), want, err)
		}
		for _, ce := range cellErrs {
			if e.Texts.T("nl", ce.Reason, nil) == ce.Reason || e.Texts.T("en", ce.Reason, nil) == ce.Reason {
				t.Errorf("no text for %s", ce.Reason)
			}
		}
		if caps, _ := e.svc.Caps(ctx, e.Owner); len(caps) != len(rentincrease.BuiltinCaps()) {
			t.Fatalf("a bad file stored caps: %d rows", len(caps))
		}
		if _, _, err := e.svc.ImportCaps(ctx, e.Viewer, strings.NewReader("sociaal;2027;3,5;x\n")); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer imports: %v", err)
		}

		good := "segment;year;percent;source\nsociaal;2027;3,5;https://www.rijksoverheid.nl/2027\n"
		res, _, err := e.svc.ImportCaps(ctx, e.Owner, strings.NewReader(good))
		if err != nil || res.Added != 1 || res.Lines != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if res, _, _ = e.svc.ImportCaps(ctx, e.Owner, strings.NewReader(good)); res.Unchanged != 1 || res.Added+res.Changed != 0 {
			t.Fatalf("second import: %+v", res)
		}
		if evs := e.events("rentincrease.caps_imported"); len(evs) != 1 {
			t.Fatalf("%d import events, want 1", len(evs))
		}
		ps, _ = e.svc.Propose(ctx, e.Owner, d("2027-07-01"))
		if ps[0].LeaseID != lid || ps[0].Status != rentincrease.StatusDraft || ps[0].MaxCents != 82800 {
			t.Fatalf("with the imported cap: %+v", ps[0])
		}
		if capsB, _ := e.svc.Caps(ctx, e.OwnerB); len(capsB) != len(rentincrease.BuiltinCaps()) {
			t.Fatalf("other organisation sees the import: %d rows", len(capsB))
		}
	})
}
