package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/mail/mailtest"
)

func css(s string) chromedp.CSS { return chromedp.CSS(s) }

// shot saves a screenshot when HMS_TEST_ARTIFACTS names a directory, so
// people can look at the pages a test walked through.
func shot(t *testing.T, b *browsertest.Browser, name string) {
	if dir := os.Getenv("HMS_TEST_ARTIFACTS"); dir != "" {
		b.Screenshot(t, filepath.Join(dir, name+".png"))
	}
}

// A landlord signs up, confirms the address from the e-mail, logs in, turns
// on two-factor login, logs out, logs in again with a code and invites a
// colleague, who accepts in a browser of their own: all in Chromium.
func TestBrowserSignUpToInvitation(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clocktest.Fixed()
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			base := e.URL()
			b := browsertest.New(t)

			b.Run(t, chromedp.Navigate(base+"/en/"), chromedp.WaitVisible(css("#cta-signup")))
			// The site's language is its path's: English under /en/, and the
			// link to the Dutch page leads to Dutch; no cookie either way.
			if got := b.Text(t, "#cta-signup"); got != "Start your free trial" {
				t.Fatalf("English call to action = %q", got)
			}
			b.Run(t, chromedp.Click(css("#site-other-lang")), chromedp.WaitVisible(css(`html[lang="nl"] #cta-signup`)))
			if got := b.Text(t, "#cta-signup"); got != "Start uw gratis proefperiode" {
				t.Fatalf("Dutch call to action = %q", got)
			}
			if c := b.Cookies(t); len(c) != 0 {
				t.Fatalf("an anonymous visit set cookies: %v", c)
			}
			shot(t, b, "home")
			b.Run(t, chromedp.Click(css("#cta-signup")), chromedp.WaitVisible(css("#signup-submit")))
			if u := b.URL(t); !strings.HasSuffix(u, "/aanmelden") {
				t.Fatalf("the call to action leads to %s", u)
			}

			// A bad form first: errors at the fields, nothing created.
			b.Run(t,
				chromedp.SendKeys(css("input[name=org_name]"), "Verhuur Van Dam"),
				chromedp.SendKeys(css("input[name=name]"), "Eva van Dam"),
				chromedp.SendKeys(css("input[name=email]"), "eva@vandam.example"),
				chromedp.SendKeys(css("input[name=password]"), "kort"),
				chromedp.Click(css("#signup-submit")),
				chromedp.WaitVisible(css("#err-password")),
			)
			if got := b.Text(t, "#err-password"); !strings.Contains(got, "minstens 10 tekens") {
				t.Fatalf("password error = %q", got)
			}
			if got := b.Text(t, "#err-accept_terms"); got == "" {
				t.Fatal("no error at the terms checkbox")
			}
			shot(t, b, "signup-errors")
			b.Run(t,
				chromedp.SendKeys(css("input[name=password]"), "een lang en sterk wachtwoord"),
				chromedp.Click(css("input[name=accept_terms]")),
				chromedp.Click(css("#signup-submit")),
				chromedp.WaitVisible(css("#message")),
			)
			if got := b.Text(t, "#message"); !strings.Contains(got, "e-mail gestuurd") {
				t.Fatalf("after sign-up: %q", got)
			}

			confirm := mailtest.FirstURL(e.Mail.WaitFor(t, "eva@vandam.example", 10*time.Second).Text)
			b.Run(t, chromedp.Navigate(confirm), chromedp.WaitVisible(css("#message")))
			if got := b.Text(t, "#message"); !strings.Contains(got, "bevestigd") {
				t.Fatalf("confirmation page: %q", got)
			}

			login := func(b *browsertest.Browser, email, pw string) {
				b.Run(t, chromedp.Navigate(base+"/login"),
					chromedp.SendKeys(css("input[name=email]"), email),
					chromedp.SendKeys(css("input[name=password]"), pw),
					chromedp.Click(css("#login-submit")))
			}
			login(b, "eva@vandam.example", "een lang en sterk wachtwoord")
			b.Run(t, chromedp.WaitVisible(css("#my-role")))
			if got := b.Text(t, "main h1"); got != "Verhuur Van Dam" {
				t.Fatalf("dashboard heading %q", got)
			}
			shot(t, b, "dashboard")

			// Two-factor login on.
			b.Run(t, chromedp.Navigate(base+"/account"), chromedp.Click(css("#totp-start")), chromedp.WaitVisible(css("#totp-secret")))
			shot(t, b, "totp-setup")
			secret := b.Text(t, "#totp-secret")
			code, err := totp.GenerateCode(secret, clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			b.Run(t, chromedp.SendKeys(css("input[name=code]"), code), chromedp.Click(css("#totp-confirm")),
				chromedp.WaitVisible(css("#recovery-codes")))
			if n := strings.Count(b.Text(t, "#recovery-codes"), "-"); n != 10 {
				t.Fatalf("%d recovery codes shown", n)
			}

			// Log out, log in: the password alone is not enough any more.
			b.Run(t, chromedp.Click(css("#logout")), chromedp.WaitVisible(css("#cta-signup")))
			login(b, "eva@vandam.example", "een lang en sterk wachtwoord")
			b.Run(t, chromedp.WaitVisible(css("#code-submit")))
			// The code used to turn TOTP on is spent.
			b.Run(t, chromedp.SendKeys(css("input[name=code]"), code), chromedp.Click(css("#code-submit")), chromedp.WaitVisible(css("#err-code")))
			clk.Advance(30 * time.Second)
			code, _ = totp.GenerateCode(secret, clk.Now())
			b.Run(t, chromedp.SetValue(css("input[name=code]"), code), chromedp.Click(css("#code-submit")), chromedp.WaitVisible(css("#my-role")))

			// Invite a colleague.
			b.Run(t, chromedp.Click(css(`a[href$="/members"]`)), chromedp.WaitVisible(css("#invite-submit")),
				chromedp.SendKeys(css("input[name=email]"), "eva@vandam.example"),
				chromedp.Click(css("#invite-submit")), chromedp.WaitVisible(css("#err-email")))
			if got := b.Text(t, "#err-email"); !strings.Contains(got, "al lid") {
				t.Fatalf("inviting a member: %q", got)
			}
			b.Run(t, chromedp.SetValue(css("input[name=email]"), "joris@vandam.example"),
				chromedp.SetValue(css("#invite-role"), "manager"),
				chromedp.Click(css("#invite-submit")), chromedp.WaitVisible(css("#flash")))
			if got := b.Text(t, "#invitations"); !strings.Contains(got, "joris@vandam.example") || !strings.Contains(got, "beheerder") {
				t.Fatalf("open invitations: %q", got)
			}
			shot(t, b, "members")

			link := mailtest.FirstURL(e.Mail.WaitFor(t, "joris@vandam.example", 10*time.Second).Text)
			colleague := browsertest.New(t)
			colleague.Run(t, chromedp.Navigate(link), chromedp.WaitVisible(css("#accept")),
				chromedp.SendKeys(css("input[name=name]"), "Joris Bakker"),
				chromedp.SendKeys(css("input[name=password]"), "joris zijn eigen wachtwoord"),
				chromedp.Click(css("#accept")), chromedp.WaitVisible(css("#my-role")))
			if got := colleague.Text(t, "#my-role"); got != "manager" { // their browser asks for English
				t.Fatalf("colleague's role %q", got)
			}
			b.Run(t, chromedp.Reload(), chromedp.WaitVisible(css("#members")))
			if got := b.Text(t, "#members"); !strings.Contains(got, "Joris Bakker") {
				t.Fatalf("members list: %q", got)
			}
			for _, br := range []*browsertest.Browser{b, colleague} {
				for _, msg := range br.ConsoleErrors() {
					// Form pages answer 422 with the errors on purpose; anything else is a fault.
					if !strings.Contains(msg, "status of 422") {
						t.Errorf("browser console: %s", msg)
					}
				}
			}
		})
	}
}

// The back office works on a phone-sized screen: the navigation wraps and
// nothing is wider than the viewport.
func TestBrowserPhone(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	b := browsertest.NewMobile(t)
	b.Run(t, chromedp.Navigate(e.URL()+"/signup"), chromedp.WaitVisible(css("#signup-submit")))
	overflow := browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if overflow {
		t.Fatal("the sign-up page is wider than a phone screen")
	}
	shot(t, b, "phone-signup")
}

// clickAndLoad clicks sel, which loads a new page, and waits for wait on
// that new page: the old page is marked first, so an element it also has
// does not count.
func clickAndLoad(sel, wait string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
		chromedp.Click(css(sel)),
		chromedp.WaitVisible(css("body:not([data-old]) "+wait)),
	)
}
