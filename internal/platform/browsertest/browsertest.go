package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"hms/internal/platform/dbtest"
)

// DefaultTimeout is the time each call of a Browser method may take.
const DefaultTimeout = 20 * time.Second

const (
	// startTimeout bounds the start of Chromium in New.
	startTimeout = 60 * time.Second
	// closeTimeout bounds the graceful close at cleanup.
	closeTimeout = 5 * time.Second
	// stopTimeout bounds the orderly stop at cleanup, before the kill.
	stopTimeout = 15 * time.Second
	// diagTimeout bounds each step of the report of a failed action.
	diagTimeout = 10 * time.Second
	// maxMainText is how much of the text of <main> a failure reports.
	maxMainText = 3000
	// maxOutput is how much of Chromium's output is kept for a failure.
	maxOutput = 32 << 10
)

// Desktop and phone viewports.
const (
	DesktopWidth, DesktopHeight = 1280, 900
	MobileWidth, MobileHeight   = 390, 844
	mobileScale                 = 3
)

// Browser is one headless Chromium with one tab, owned by one test. Its
// methods are not safe for concurrent use: the actions share the tab.
type Browser struct {
	// Ctx is the chromedp context of the tab. It has no deadline; the
	// methods add Timeout to each call. Use it directly for chromedp calls
	// that the methods do not cover, with a timeout of your own.
	Ctx context.Context

	// Timeout limits each call of Run, Get, Text, URL, Screenshot and
	// Cookies. New sets it to DefaultTimeout.
	Timeout time.Duration

	root   string // holds the profile and the HOME of the browser
	output *tailBuffer
	shots  atomic.Int64

	mu      sync.Mutex
	console []string
}

// Path finds the Chromium (or Chrome) binary: $HMS_CHROMIUM when set, else
// /usr/bin/chromium, /usr/bin/chromium-browser, and then chromium,
// chromium-browser, google-chrome and google-chrome-stable on $PATH.
func Path() (string, error) {
	if p := os.Getenv("HMS_CHROMIUM"); p != "" {
		if strings.ContainsRune(p, os.PathSeparator) {
			if isExecutable(p) {
				return p, nil
			}
			return "", fmt.Errorf("HMS_CHROMIUM=%s is not an executable file", p)
		}
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("HMS_CHROMIUM=%s: %w", p, err)
		}
		return found, nil
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if isExecutable(p) {
			return p, nil
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found (install chromium or set HMS_CHROMIUM)")
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// New starts a headless Chromium with a 1280x900 window and a fresh profile
// for the test, and returns its tab. The browser is killed when the test
// ends, whether it passed, failed or panicked.
//
// Without a browser the test is skipped, or fails when HMS_TEST_REQUIRE is
// "all" or lists "chromium".
func New(t testing.TB) *Browser {
	t.Helper()
	return start(t, false)
}

// NewMobile is New with a phone-sized viewport: 390x844 CSS pixels at a
// device pixel ratio of 3, with mobile and touch emulation, like an iPhone
// 14. The user agent stays Chromium's.
func NewMobile(t testing.TB) *Browser {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, mobile bool) *Browser {
	t.Helper()
	path, err := Path()
	if err != nil {
		if dbtest.Require("chromium") {
			t.Fatalf("browsertest: %v, and HMS_TEST_REQUIRE demands Chromium", err)
		}
		t.Skipf("browsertest: %v", err)
	}

	// The directories are made before the cleanup below is registered, so
	// that they are removed after the browser is dead. Chromium gets a HOME
	// of its own too: Debian's build starts crashpad handlers that keep
	// their database under $HOME/.config, and NSS writes to $HOME/.pki.
	root := t.TempDir()
	b := &Browser{
		Timeout: DefaultTimeout,
		root:    root,
		output:  &tailBuffer{max: maxOutput},
	}
	profile, home := filepath.Join(root, "profile"), filepath.Join(root, "home")
	for _, d := range []string{profile, home} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatalf("browsertest: %v", err)
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // we run as root in CI and containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.Env("HOME="+home,
			"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
			"XDG_CACHE_HOME="+filepath.Join(home, ".cache")),
		chromedp.WindowSize(DesktopWidth, DesktopHeight),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		// The same language everywhere, whatever the machine's locale.
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.CombinedOutput(b.output),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx,
		chromedp.WithListener(b.onEvent),
		// chromedp logs its errors with package log by default; keep them
		// for a failure report instead.
		chromedp.WithErrorf(func(format string, args ...any) {
			fmt.Fprintf(b.output, "chromedp: "+format+"\n", args...)
		}))
	b.Ctx = ctx

	t.Cleanup(func() { b.stop(t, cancel, allocCancel) })

	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }() // starts the browser; ctx must have no deadline
	select {
	case err := <-started:
		if err != nil {
			b.startFailed(t, fmt.Sprintf("%s does not start: %v", path, err))
		}
	case <-time.After(startTimeout):
		cancel()
		b.startFailed(t, fmt.Sprintf("%s did not start within %s", path, startTimeout))
	}

	if mobile {
		b.Run(t, chromedp.EmulateViewport(MobileWidth, MobileHeight,
			chromedp.EmulateScale(mobileScale), chromedp.EmulateMobile, chromedp.EmulateTouch))
	}
	return b
}

// startFailed stops the test when the browser is there but does not start:
// it fails when Chromium is required, and is skipped otherwise, as when
// there is no browser (a broken install is no better than none).
func (b *Browser) startFailed(t testing.TB, msg string) {
	t.Helper()
	if tail := b.outputTail(); !strings.Contains(msg, strings.TrimSpace(b.output.String())) {
		msg += tail
	}
	if dbtest.Require("chromium") {
		t.Fatal("browsertest: " + msg)
	}
	t.Skip("browsertest: " + msg + "\n  (set HMS_CHROMIUM to a working browser; HMS_TEST_REQUIRE=chromium makes this a failure)")
}

// stop ends the browser: the chromedp contexts are canceled (which kills
// the process), and then every process still using the profile directory is
// killed, so that nothing outlives the test or writes into its temp dir.
func (b *Browser) stop(t testing.TB, cancel, allocCancel context.CancelFunc) {
	var proc *os.Process
	if c := chromedp.FromContext(b.Ctx); c != nil && c.Browser != nil {
		proc = c.Browser.Process()
	}
	done := make(chan struct{})
	go func() {
		// A graceful close first: Chromium then reaps its helpers, which
		// otherwise linger as zombies where PID 1 does not reap orphans
		// (as in many containers). cancel kills it if that fails.
		ctx, stop := context.WithTimeout(b.Ctx, closeTimeout)
		_ = chromedp.Cancel(ctx)
		stop()
		cancel()
		allocCancel()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(stopTimeout):
		t.Logf("browsertest: Chromium did not stop within %s; killing it", stopTimeout)
	}
	if proc != nil {
		_ = proc.Kill() // no-op when it is gone already
	}
	killUsing(b.root)
}

// killUsing kills the processes whose command line mentions dir, until
// none is found a few times in a row. Chromium's helpers (zygote, network
// service, crashpad) can outlive the main process.
func killUsing(dir string) {
	deadline := time.Now().Add(3 * time.Second)
	for quiet := 0; quiet < 3 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if len(processesUsing(dir, true)) == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}
}

// processesUsing returns the ids of the processes whose command line
// mentions dir, and kills them when kill is set. It finds nothing where
// there is no /proc.
func processesUsing(dir string, kill bool) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !mentions(cmdline, dir) {
			continue
		}
		pids = append(pids, pid)
		if kill {
			if p, err := os.FindProcess(pid); err == nil {
				_ = p.Kill()
			}
		}
	}
	return pids
}

// mentions reports whether a /proc/*/cmdline names dir or a path in it.
// Chromium's helpers rewrite their process title, so their arguments are
// separated by spaces rather than NULs.
func mentions(cmdline []byte, dir string) bool {
	d := []byte(dir)
	for i := 0; ; {
		j := bytes.Index(cmdline[i:], d)
		if j < 0 {
			return false
		}
		end := i + j + len(d)
		if end == len(cmdline) || bytes.IndexByte([]byte{0, ' ', os.PathSeparator}, cmdline[end]) >= 0 {
			return true
		}
		i = end
	}
}

// withTimeout returns a context for one call.
func (b *Browser) withTimeout() (context.Context, context.CancelFunc) {
	d := b.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(b.Ctx, d)
}

// Run runs the actions in order, within Timeout. When one fails, the test
// stops with the error, the page URL, the visible text of <main>, the
// console errors and a full-page screenshot (see the package doc).
func (b *Browser) Run(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := b.withTimeout()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fatal(t, "run", err)
	}
}

// Get runs one action that returns a value, such as chromedp.Title() or
// chromedp.Evaluate[int]("1+1"), within the Browser's Timeout, and returns
// the value. A failure stops the test as Run does.
func Get[T any](t testing.TB, b *Browser, action chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := b.withTimeout()
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.fatal(t, "get", err)
	}
	return v
}

// Text waits until the first element that matches the CSS selector sel is
// visible, and returns its visible text (innerText), trimmed of surrounding
// white space.
func (b *Browser) Text(t testing.TB, sel string) string {
	t.Helper()
	ctx, cancel := b.withTimeout()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.fatal(t, fmt.Sprintf("text of %q", sel), err)
	}
	return strings.TrimSpace(s)
}

// URL returns the URL of the page.
func (b *Browser) URL(t testing.TB) string {
	t.Helper()
	ctx, cancel := b.withTimeout()
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.fatal(t, "url", err)
	}
	return u
}

// Screenshot saves a PNG of the whole page, beyond the viewport, to path.
func (b *Browser) Screenshot(t testing.TB, path string) {
	t.Helper()
	ctx, cancel := b.withTimeout()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 means PNG
	if err != nil {
		b.fatal(t, "screenshot", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
}

// Cookies returns every cookie the browser holds, for all sites, HttpOnly
// ones included.
func (b *Browser) Cookies(t testing.TB) []*network.Cookie {
	t.Helper()
	ctx, cancel := b.withTimeout()
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		b.fatal(t, "cookies", err)
	}
	return res.Cookies
}

// ConsoleErrors returns, in order, what the page reported as an error since
// the start (or since ClearConsoleErrors): console.error and console.assert
// calls, uncaught exceptions and unhandled rejections, and browser log
// entries of level error, such as failed loads and Content Security Policy
// violations. Chromium 156 words the latter "Executing inline script
// violates the following Content Security Policy directive …", older
// versions "Refused to …"; match on "Content Security Policy". A CSP message
// of a lower level (report-only) is included too. Each is the message text,
// followed by its source location in parentheses when the browser gives one.
//
// The browser reports messages asynchronously: an error caused by the last
// action may arrive shortly after the action returns.
func (b *Browser) ConsoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// ClearConsoleErrors forgets the errors collected so far.
func (b *Browser) ClearConsoleErrors() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.console = nil
}

// onEvent collects the console errors. It runs in chromedp's read loop, so
// it must be quick and must not call the browser.
func (b *Browser) onEvent(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert &&
			!isCSP(argsText(ev.Args)) {
			return
		}
		msg = "console." + string(ev.Type) + ": " + argsText(ev.Args)
		if st := ev.StackTrace; st != nil && len(st.CallFrames) > 0 {
			f := st.CallFrames[0]
			msg += where(f.URL, f.LineNumber+1)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		if d == nil {
			return
		}
		msg = d.Text
		if d.Exception != nil {
			desc, _, _ := strings.Cut(remoteText(d.Exception), "\n    at ")
			msg = strings.TrimSpace(msg + " " + desc)
		}
		msg += where(d.URL, d.LineNumber+1)
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e == nil || (e.Level != cdplog.EntryLevelError && !isCSP(e.Text)) {
			return
		}
		msg = e.Text + where(e.URL, e.LineNumber)
	default:
		return
	}
	b.mu.Lock()
	b.console = append(b.console, msg)
	b.mu.Unlock()
}

// isCSP reports whether a message is about a Content Security Policy
// violation. Older Chromium words them "Refused to … because it violates
// the following Content Security Policy directive …", Chromium 156
// "Executing inline script violates the following Content Security Policy
// directive … The action has been blocked."
func isCSP(text string) bool {
	return strings.Contains(text, "Content Security Policy") || strings.HasPrefix(text, "Refused to") ||
		strings.HasPrefix(text, "[Report Only] Refused to")
}

func where(url string, line int64) string {
	switch {
	case url == "":
		return ""
	case line > 0:
		return fmt.Sprintf(" (%s:%d)", url, line)
	default:
		return " (" + url + ")"
	}
}

// argsText renders the arguments of a console call roughly as DevTools
// does, without format directives.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, remoteText(a))
	}
	return strings.Join(parts, " ")
}

func remoteText(o *runtime.RemoteObject) string {
	switch {
	case o == nil:
		return ""
	case o.Type == runtime.RemoteObjectTypeString:
		var s string
		if err := jsonv2.Unmarshal(o.Value, &s); err == nil {
			return s
		}
	case o.UnserializableValue != "":
		return string(o.UnserializableValue)
	case o.Description != "":
		return o.Description
	case len(o.Value) > 0:
		return string(o.Value)
	}
	return string(o.Type)
}

// fatal stops the test after an action failed, with what helps to see why.
func (b *Browser) fatal(t testing.TB, what string, err error) {
	t.Helper()
	var r strings.Builder
	fmt.Fprintf(&r, "browsertest: %s: %v", what, err)

	if u, err := diag(b, chromedp.Location()); err != nil {
		fmt.Fprintf(&r, "\n  url: (unknown: %v)", err)
	} else {
		fmt.Fprintf(&r, "\n  url: %s", u)
	}

	const mainJS = `(() => {
		const m = document.querySelector('main');
		if (m) return '<main>: ' + m.innerText;
		if (document.body) return '(no <main>) <body>: ' + document.body.innerText;
		return '(no <main>, no <body>)';
	})()`
	if txt, err := diag(b, chromedp.Evaluate[string](mainJS)); err != nil {
		fmt.Fprintf(&r, "\n  text: (unknown: %v)", err)
	} else {
		fmt.Fprintf(&r, "\n  text of %s", indent(truncate(strings.TrimSpace(txt), maxMainText)))
	}

	if path, err := b.failureScreenshot(t); err != nil {
		fmt.Fprintf(&r, "\n  screenshot: (failed: %v)", err)
	} else {
		fmt.Fprintf(&r, "\n  screenshot: %s", path)
	}

	if errs := b.ConsoleErrors(); len(errs) > 0 {
		fmt.Fprintf(&r, "\n  console errors:")
		for _, e := range errs {
			fmt.Fprintf(&r, "\n    %s", e)
		}
	}

	var exit *exec.ExitError
	if errors.As(err, &exit) || b.Ctx.Err() != nil {
		r.WriteString(b.outputTail())
	}
	t.Fatal(r.String())
}

// diag runs one step of a failure report with a short timeout of its own.
func diag[T any](b *Browser, action chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.Ctx, diagTimeout)
	defer cancel()
	return chromedp.Run(ctx, action)
}

// failureScreenshot saves a full-page PNG to $HMS_TEST_ARTIFACTS, or else to
// the test's artifact directory, and returns its path.
func (b *Browser) failureScreenshot(t testing.TB) (string, error) {
	png, err := diag(b, chromedp.FullScreenshot(100))
	if err != nil {
		return "", err
	}
	dir := os.Getenv("HMS_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.ArtifactDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s-%d.png", safeName(t.Name()), b.shots.Add(1))
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// safeName turns a test name into a file name.
func safeName(s string) string {
	var out strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			out.WriteRune(r)
		default:
			out.WriteRune('_')
		}
	}
	return out.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + " […]"
}

func indent(s string) string {
	return strings.ReplaceAll(s, "\n", "\n    ")
}

// outputTail returns the end of what Chromium and chromedp printed, for a
// report.
func (b *Browser) outputTail() string {
	out := strings.TrimSpace(b.output.String())
	if out == "" {
		return ""
	}
	return "\n  chromium output (tail):\n    " + indent(out)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tailBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

func (w *tailBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}
