// Package browsertest lets end-to-end tests drive the real product in a
// headless Chromium, as a user would, with chromedp.
//
// New starts a fresh browser for one test, with its own profile in a
// temporary directory, and stops it when the test ends, also when the test
// fails or panics. NewMobile does the same with a phone-sized viewport.
//
//	b := browsertest.New(t)
//	b.Run(t,
//		chromedp.Navigate(srv.URL+"/login"),
//		chromedp.SendKeys(chromedp.CSS("#email"), "ada@example.org"),
//		chromedp.Click(chromedp.CSS("button[type=submit]")),
//		chromedp.WaitVisible(chromedp.CSS("#dashboard")),
//	)
//	if got := b.Text(t, "h1"); got != "Dashboard" { … }
//	if errs := b.ConsoleErrors(); len(errs) > 0 { t.Errorf("console: %q", errs) }
//
// Each call runs with a timeout of its own (Browser.Timeout, 20s by
// default). When an action fails, the test stops with the error, the URL of
// the page, the visible text of its <main> element and the console errors,
// and a full-page screenshot is saved to $HMS_TEST_ARTIFACTS, or else to the
// test's artifact directory (kept with `go test -artifacts`, otherwise
// removed with the test).
//
// chromedp v0.23 uses generic actions: a step is a chromedp.Action[T], and
// Run takes the steps that return nothing (chromedp.Action[chromedp.Void]).
// Use Get for a step that returns a value, such as chromedp.Title(). A plain
// string selector is a chromedp.Search (CSS, XPath or text); wrap it in
// chromedp.CSS to match by CSS only.
//
// Path finds the browser: $HMS_CHROMIUM, /usr/bin/chromium,
// /usr/bin/chromium-browser, then chromium, chromium-browser, google-chrome
// and google-chrome-stable on $PATH. Without a browser the test is skipped,
// unless HMS_TEST_REQUIRE is "all" or lists "chromium" (CI): then it fails.
package browsertest
