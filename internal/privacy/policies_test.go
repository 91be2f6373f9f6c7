package privacy_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/app/apptest"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/privacy"
	"hms/internal/subscription"
)

// policyFile is one language's file of a version.
func policyFile(version, effective, announced string, material bool, summary, body string) *fstest.MapFile {
	m := "false"
	if material {
		m = "true"
	}
	return &fstest.MapFile{Data: []byte("---\nversion: " + version + "\neffective: " + effective + "\nannounced: " + announced +
		"\nmaterial: " + m + "\nsummary: " + summary + "\n---\n\n# " + body + "\n")}
}

// testPolicies: a first policy and terms, a material policy change in
// effect from 1 March 2026 (announced 1 February) and new terms announced
// 20 March 2026 for 1 May 2026.
func testPolicies() fstest.MapFS {
	return fstest.MapFS{
		"privacy-2021-10.nl.md": policyFile("2021-10", "2021-10-12", "2021-10-12", false, "Eerste versie.", "Privacy oud"),
		"privacy-2021-10.en.md": policyFile("2021-10", "2021-10-12", "2021-10-12", false, "First version.", "Privacy old"),
		"privacy-2026-03.nl.md": policyFile("2026-03", "2026-03-01", "2026-02-01", true, "Nieuwe bewaartermijnen.", "Privacy nieuw"),
		"privacy-2026-03.en.md": policyFile("2026-03", "2026-03-01", "2026-02-01", true, "New retention periods.", "Privacy new"),
		"terms-2026-01.nl.md":   policyFile("2026-01", "2026-01-01", "2025-12-01", false, "Eerste versie.", "Voorwaarden oud"),
		"terms-2026-01.en.md":   policyFile("2026-01", "2026-01-01", "2025-12-01", false, "First version.", "Terms old"),
		"terms-2026-05.nl.md":   policyFile("2026-05", "2026-05-01", "2026-03-20", false, "Nieuwe opzegtermijn.", "Voorwaarden nieuw"),
		"terms-2026-05.en.md":   policyFile("2026-05", "2026-05-01", "2026-03-20", false, "New notice period.", "Terms new"),
	}
}

func loadTest(t *testing.T, fsys fstest.MapFS) *privacy.Policies {
	t.Helper()
	p, err := privacy.LoadPolicies(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The published files keep the rules (LoadPolicies checks them; the
// package would not start otherwise), the current terms are the version
// signing up records, and both languages say something.
func TestPublishedPolicies(t *testing.T) {
	p := privacy.PublishedPolicies
	today := civil.New(2026, time.December, 7)
	if v := p.Current(privacy.Terms, today); v.Version != account.TermsVersion {
		t.Errorf("current terms %s, sign-up records %s", v.Version, account.TermsVersion)
	}
	for _, doc := range privacy.PolicyDocs {
		for _, v := range p.Published(doc, today) {
			if !strings.HasPrefix(v.Text("nl"), "# ") || !strings.HasPrefix(v.Text("en"), "# ") || v.Text("nl") == v.Text("en") ||
				v.Summary("nl") == "" || v.Summary("en") == "" {
				t.Errorf("%s %s: texts or summaries missing", doc, v.Version)
			}
		}
	}
	if !strings.Contains(p.Current(privacy.PrivacyPolicy, today).Text("nl"), "Autoriteit Persoonsgegevens") {
		t.Error("the policy lost its text")
	}
}

// The terms in effect from 2027-01 state the periods HMS works with, at
// their defaults, in both languages: the trial and its reminders, the
// pre-notification, the retry and the grace period of a failed collection,
// the VAT rate and the export period after a cancellation (the cancellation
// page and mail say the same number of days). A default that changes needs
// a new terms version.
func TestTermsStateTheDefaultPeriods(t *testing.T) {
	v := privacy.PublishedPolicies.Current(privacy.Terms, civil.New(2027, time.January, 7))
	if v.Version < "2027-01" {
		t.Fatalf("terms in effect on 7 January 2027: %s", v.Version)
	}
	vat := subscription.VATRateOn(civil.New(2027, time.January, 7))
	for lang, want := range map[string][]string{
		"nl": {fmt.Sprintf("%d dagen kosteloos op proef", account.TrialDays),
			fmt.Sprintf("%d dagen en %d dag voor het einde", subscription.ReminderDays[0], subscription.ReminderDays[1]),
			fmt.Sprintf("ten minste %d dagen na de factuurdatum", subscription.PreNotificationDays),
			fmt.Sprintf("niet eerder dan %d dagen na dat bericht", subscription.RetryNoticeDays),
			fmt.Sprintf("%d dagen na de eerste mislukte incasso", subscription.DefaultPastDueGraceDays),
			fmt.Sprintf("tot en met de %de dag na de laatste dag", subscription.DefaultShredAfterDays),
			fmt.Sprintf("%d %% btw", vat/money.Percent)},
		"en": {fmt.Sprintf("try HMS for %d days", account.TrialDays),
			fmt.Sprintf("%d days and %d day before the end", subscription.ReminderDays[0], subscription.ReminderDays[1]),
			fmt.Sprintf("at least %d days after the invoice date", subscription.PreNotificationDays),
			fmt.Sprintf("no earlier than %d days after that message", subscription.RetryNoticeDays),
			fmt.Sprintf("%d days after the first failed collection", subscription.DefaultPastDueGraceDays),
			fmt.Sprintf("up to and including the %dth day after the last day", subscription.DefaultShredAfterDays),
			fmt.Sprintf("%d %% VAT", vat/money.Percent)},
	} {
		for _, w := range want {
			if !strings.Contains(v.Text(lang), w) {
				t.Errorf("terms %s (%s) do not say %q", v.Version, lang, w)
			}
		}
	}
}

// A set that breaks a rule does not load.
func TestPolicyRules(t *testing.T) {
	bad := map[string]func(fstest.MapFS){
		"terms 29 days ahead": func(m fstest.MapFS) {
			m["terms-2026-05.nl.md"] = policyFile("2026-05", "2026-05-01", "2026-04-02", false, "x", "x")
			m["terms-2026-05.en.md"] = policyFile("2026-05", "2026-05-01", "2026-04-02", false, "x", "x")
		},
		"effective out of order": func(m fstest.MapFS) {
			m["privacy-2026-03.nl.md"] = policyFile("2026-03", "2021-01-01", "2021-01-01", true, "x", "x")
			m["privacy-2026-03.en.md"] = policyFile("2026-03", "2021-01-01", "2021-01-01", true, "x", "x")
		},
		"effective before announced": func(m fstest.MapFS) {
			m["privacy-2026-03.nl.md"] = policyFile("2026-03", "2026-03-01", "2026-03-02", true, "x", "x")
			m["privacy-2026-03.en.md"] = policyFile("2026-03", "2026-03-01", "2026-03-02", true, "x", "x")
		},
		"languages disagree": func(m fstest.MapFS) {
			m["privacy-2026-03.en.md"] = policyFile("2026-03", "2026-03-02", "2026-02-01", true, "x", "x")
		},
		"english missing":  func(m fstest.MapFS) { delete(m, "terms-2026-05.en.md") },
		"version mismatch": func(m fstest.MapFS) { m["terms-2026-06.nl.md"] = m["terms-2026-05.nl.md"] },
		"header incomplete": func(m fstest.MapFS) {
			m["terms-2026-05.nl.md"] = &fstest.MapFile{Data: []byte("---\nversion: 2026-05\n---\n# x\n")}
		},
	}
	loadTest(t, testPolicies())
	// Exactly 30 days is enough.
	ok := testPolicies()
	ok["terms-2026-05.nl.md"] = policyFile("2026-05", "2026-05-01", "2026-04-01", false, "x", "x")
	ok["terms-2026-05.en.md"] = policyFile("2026-05", "2026-05-01", "2026-04-01", false, "x", "x")
	loadTest(t, ok)
	for name, change := range bad {
		m := testPolicies()
		change(m)
		if _, err := privacy.LoadPolicies(m); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

// Which version is current and which upcoming, the day before, on and
// after the effective and announcement dates.
func TestPolicyCurrentAndUpcoming(t *testing.T) {
	p := loadTest(t, testPolicies())
	d := func(m time.Month, day int) civil.Date { return civil.New(2026, m, day) }
	for _, c := range []struct {
		today            civil.Date
		privacy, terms   string
		upcoming         string // terms
		publishedTerms   int
		privacyAnnounces bool
	}{
		{d(time.February, 28), "2021-10", "2026-01", "", 1, false},
		{d(time.March, 1), "2026-03", "2026-01", "", 1, true},
		{d(time.March, 19), "2026-03", "2026-01", "", 1, true},
		{d(time.March, 20), "2026-03", "2026-01", "2026-05", 2, true},
		{d(time.April, 30), "2026-03", "2026-01", "2026-05", 2, true},
		{d(time.May, 1), "2026-03", "2026-05", "", 2, true},
		{d(time.May, 2), "2026-03", "2026-05", "", 2, true},
	} {
		cp, ct := p.Current(privacy.PrivacyPolicy, c.today), p.Current(privacy.Terms, c.today)
		up, ok := p.Upcoming(privacy.Terms, c.today)
		if cp.Version != c.privacy || ct.Version != c.terms || up.Version != c.upcoming || ok != (c.upcoming != "") ||
			len(p.Published(privacy.Terms, c.today)) != c.publishedTerms || cp.Announces() != c.privacyAnnounces {
			t.Errorf("%s: privacy %s terms %s upcoming %s (%v), %d terms published", c.today, cp.Version, ct.Version, up.Version, ok,
				len(p.Published(privacy.Terms, c.today)))
		}
		if _, found := p.Find(privacy.Terms, "2026-05", c.today); found != (c.publishedTerms == 2) {
			t.Errorf("%s: terms 2026-05 readable %v", c.today, found)
		}
	}
}

// The daily job mails every user once about each version to announce, in
// their language: the material policy change and the new terms. Its next
// day's run, and a second run the same day, mail nobody again; a user who
// signed up after the announcement is not mailed.
func TestPolicyAnnouncementJob(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			pol := loadTest(t, testPolicies())
			// The users have accounts from before both announcements.
			clk := clock.NewFixed(time.Date(2026, time.January, 15, 5, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk, NoServer: true,
				Configure: func(c *app.Config) { c.Policies = pol }})
			emails := []string{"eigenaar@a.nl", "kijker@a.nl", "eigenaar@b.nl"}
			for i, email := range emails {
				org, role := "a", account.Viewer
				if i != 1 {
					org, role = []string{"a", "", "b"}[i], account.Owner
				}
				if _, _, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: org, Email: email, Role: role}); err != nil {
					t.Fatal(err)
				}
			}
			en, _ := e.Accounts.UserIDByEmail(ctx, "eigenaar@b.nl")
			if err := e.Accounts.SetLanguage(ctx, en, "en"); err != nil {
				t.Fatal(err)
			}
			clk.Set(time.Date(2026, time.March, 25, 5, 0, 0, 0, time.UTC))
			// Who signs up after the announcements reads them on the site and in the banner: no mail.
			if _, _, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "b", Email: "nieuw@b.nl",
				Role: account.Viewer}); err != nil {
				t.Fatal(err)
			}
			drain := func() {
				for {
					ran, err := e.Jobs.RunOnce(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if !ran {
						return
					}
				}
			}
			if err := e.Privacy.ScheduleAnnounce(ctx, clk.Now()); err != nil {
				t.Fatal(err)
			}
			drain()
			if n, err := e.Privacy.AnnouncePolicies(ctx); err != nil || n != 0 {
				t.Fatalf("a second run the same day mailed %d (%v)", n, err)
			}
			clk.Advance(24 * time.Hour)
			drain()
			msgs := e.Mail.Messages()
			if len(msgs) != 2*len(emails) {
				t.Fatalf("%d messages, want %d", len(msgs), 2*len(emails))
			}
			got := map[string]int{}
			for _, m := range msgs {
				got[m.To[0]+" "+m.Subject]++
				if strings.Contains(m.Subject, "privacybeleid") && !strings.Contains(m.Text, "Wat er verandert: Nieuwe bewaartermijnen.") {
					t.Errorf("no summary: %s", m.Text)
				}
				if !strings.Contains(m.Text, "/versies/2026-0") {
					t.Errorf("no link to the version: %s", m.Text)
				}
			}
			for _, want := range []string{"eigenaar@a.nl Ons privacybeleid is gewijzigd", "kijker@a.nl Onze gebruiksvoorwaarden wijzigen",
				"eigenaar@b.nl Our privacy policy has changed", "eigenaar@b.nl Our terms of use are changing"} {
				if got[want] != 1 {
					t.Errorf("%q: %d messages; all: %v", want, got[want], got)
				}
			}
		})
	}
}

// A sign-up records the terms version the site shows as in effect that
// day: the first version before 2027-01 takes effect, 2027-01 from then.
func TestSignUpRecordsTheTermsInEffect(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.January, 6, 12, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk, NoServer: true})
			for i, want := range []string{"2026-01", "2027-01"} {
				_, o, err := e.Accounts.SignUp(ctx, account.SignUpInput{OrgName: fmt.Sprintf("Verhuur %d", i), Name: "Anna de Vries",
					Email: fmt.Sprintf("anna%d@voorbeeld.nl", i), Password: "een lang wachtwoord 123", AcceptTerms: true})
				if err != nil {
					t.Fatal(err)
				}
				var got string
				if err := e.DB.Raw().QueryRow(`SELECT terms_version FROM organisations WHERE id = $1`, o.ID).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("signed up on %s: terms %s, want %s", civil.Today(clk.Now()), got, want)
				}
				clk.Advance(24 * time.Hour)
			}
		})
	}
}
