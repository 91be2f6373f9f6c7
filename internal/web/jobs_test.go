package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/jobs"
)

// Every kind of background job has a name in words in both languages, so
// the jobs page never shows a kind's code.
func TestEveryJobKindHasWords(t *testing.T) {
	e := apptest.Start(t, "sqlite", apptest.Options{})
	for _, kind := range e.Jobs.Kinds() {
		for _, lang := range []string{"nl", "en"} {
			if got := e.Texts.T(lang, "job.kind."+kind, nil); got == "" || got == "job.kind."+kind || strings.Contains(got, kind) {
				t.Errorf("job kind %s has no %s words: %q", kind, lang, got)
			}
		}
	}
}

// The jobs page lists the organisation's background jobs in words, the
// open ones where the overview's figure links, and another organisation's
// jobs never.
func TestJobListShowsTheOrganisationsJobs(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			g := newLeaseFixture(t, e, "b")
			ctx := context.Background()
			for _, org := range []int64{f.owner.OrgID, g.owner.OrgID} {
				if err := e.DB.InOrg(ctx, org, func(tx *db.Tx) error {
					_, err := e.Jobs.Enqueue(ctx, tx, "mail.send", map[string]int64{"message_id": 0}, jobs.RunAt(e.Config.Clock.Now().AddDate(1, 0, 0)))
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			body := mustBody(t, c, "/o/a/jobs?open=1")
			if strings.Count(body, `class="job-row"`) != 1 || !strings.Contains(body, e.Texts.T("nl", "job.kind.mail.send", nil)) ||
				!strings.Contains(body, "In de wachtrij") {
				t.Fatalf("open jobs: %.4000s", body)
			}
			if overview := mustBody(t, c, "/o/a/"); !strings.Contains(overview, `href="/o/a/jobs?open=1" id="fig-jobs-link">1<`) {
				t.Fatalf("the overview's figure does not link to the open job: %.6000s", overview)
			}
			if resp, _ := c.do("GET", "/o/a/jobs", nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("all jobs: %d", resp.StatusCode)
			}
		})
	}
}
