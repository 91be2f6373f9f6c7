package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/web"
)

type siteFacts struct {
	Over       bool     `json:"over"`
	Widest     string   `json:"widest"`
	H1         int      `json:"h1"`
	Lang       string   `json:"lang"`
	Alternates []string `json:"alts"`
	Unlabelled []string `json:"unlabelled"`
	FirstLink  string   `json:"first"`
}

const siteFactsJS = `(() => {
  const de = document.documentElement, cw = de.clientWidth;
  const r = {over: de.scrollWidth > cw + 1, widest: "", h1: document.querySelectorAll("h1").length, lang: de.lang,
    alts: [...document.querySelectorAll('link[rel=alternate][hreflang]')].map(l => l.hreflang + " " + l.href),
    unlabelled: [], first: ""};
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    if (el.labels.length === 0 && !el.getAttribute("aria-label")) r.unlabelled.push(el.name || el.id);
  }
  const f = document.querySelector("a[href], button, input, select, textarea");
  if (f) r.first = f.className + " " + f.getAttribute("href");
  if (r.over) {
    let best = null, right = cw;
    for (const el of document.body.querySelectorAll("*")) {
      const b = el.getBoundingClientRect().right;
      if (b >= right) { right = b; best = el; }
    }
    if (best) r.widest = best.tagName + "#" + best.id + "." + best.className;
  }
  return r;
})()`

// Every page of the site, in both languages, on a phone (390 px) and a
// desktop (1280 px): no sideways scroll, one h1, the language of its path,
// every field labelled, the skip link first to receive the keyboard, and
// its hreflang pair answering 200. On the phone the menu folds behind its
// button and opens from it.
func TestSiteOnPhoneAndDesktop(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	gaps := watchCatalog(e)
	for _, width := range []struct {
		name string
		new  func(testing.TB) *browsertest.Browser
	}{{"390px", browsertest.NewMobile}, {"1280px", browsertest.New}} {
		t.Run(width.name, func(t *testing.T) {
			b := width.new(t)
			for _, pair := range web.SitePaths() {
				for i, path := range pair {
					lang := []string{"nl", "en"}[i]
					gaps.take()
					b.Run(t, chromedp.Navigate(e.URL()+path), chromedp.WaitVisible(css("main h1")))
					got := browsertest.Get(t, b, chromedp.Evaluate[siteFacts](siteFactsJS))
					if got.Over {
						t.Errorf("%s scrolls sideways at %s; widest: %s", path, width.name, got.Widest)
					}
					if got.H1 != 1 || got.Lang != lang {
						t.Errorf("%s: %d h1, lang %q, want one and %s", path, got.H1, got.Lang, lang)
					}
					if len(got.Unlabelled) > 0 {
						t.Errorf("%s: fields without a label: %v", path, got.Unlabelled)
					}
					if !strings.HasPrefix(got.FirstLink, "skip-link #main") {
						t.Errorf("%s: the first thing the keyboard reaches is %q, not the skip link", path, got.FirstLink)
					}
					if len(got.Alternates) != 3 {
						t.Errorf("%s: alternates %v", path, got.Alternates)
					}
					for _, alt := range got.Alternates {
						href := alt[strings.Index(alt, " ")+1:]
						resp, err := http.Get(href)
						if err != nil {
							t.Fatal(err)
						}
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							t.Errorf("%s: hreflang %s answers %d", path, alt, resp.StatusCode)
						}
					}
					for _, id := range gaps.take() {
						t.Errorf("%s asks the catalog for %s, which it lacks", path, id)
					}
					if lang == "nl" {
						shot(t, b, "site-"+width.name+strings.ReplaceAll(path, "/", "_"))
					}
				}
			}
			// The keyboard: Tab reaches the skip link, Enter moves to the content.
			b.Run(t, chromedp.Navigate(e.URL()+"/"), chromedp.WaitVisible(css("main h1")),
				chromedp.KeyEvent("\t"), chromedp.WaitVisible(css(".skip-link:focus")), chromedp.KeyEvent("\r"))
			if id := browsertest.Get(t, b, chromedp.Evaluate[string](`document.activeElement.id`)); id != "main" {
				t.Errorf("the skip link moved the focus to %q, not to the main content", id)
			}
			if width.name == "390px" {
				b.Run(t, chromedp.Click(css("#menu-button")), chromedp.WaitVisible(css("#nav-features")))
			}
			b.Run(t, chromedp.Click(css("#nav-features")), chromedp.WaitVisible(css("#f-rentrun")))
		})
	}
}

// siteShot is one screenshot of the features page: the demo page it shows.
type siteShot struct {
	name, path, click, wait string
}

var siteShots = []siteShot{
	{name: "overview", path: "/o/demo/", wait: "#my-role"},
	{name: "rentrun", path: "/o/demo/finance/rentrun", wait: "main h1"},
	{name: "statements", path: "/o/demo/finance/statements", wait: "main h1"},
	{name: "settlement", path: "/o/demo/settlement/runs", click: `main a[href^="/o/demo/settlement/runs/"]`, wait: "main h1"},
}

// The screenshots on /functies are of the real product with the demo's
// data. With HMS_UPDATE_SCREENSHOTS=1 this test makes them again (1280 by
// 800 pixels, reduced to 256 colours to stay small); otherwise it checks
// that each committed file is a PNG of that size and that the page it
// shows is still there.
func TestSiteScreenshots(t *testing.T) {
	var names []string
	for _, s := range siteShots {
		names = append(names, s.name)
	}
	want := web.SiteScreenshots()
	sort.Strings(names)
	sort.Strings(want)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("the test makes %v, the features page shows %v", names, want)
	}
	update := os.Getenv("HMS_UPDATE_SCREENSHOTS") == "1"
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clock.NewFixed(everyPageNow)})
	login, _, err := e.SeedDemo(context.Background(), "demo", 24)
	if err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	b.Run(t, chromedp.EmulateViewport(web.ScreenshotWidth, web.ScreenshotHeight))
	browserLogin(t, b, e.URL(), login.Email, login.Password)
	total := 0
	for _, s := range siteShots {
		file := filepath.Join("static", "site", s.name+".png")
		b.Run(t, chromedp.Navigate(e.URL()+s.path), chromedp.WaitVisible(css(s.wait)))
		if s.click != "" {
			b.Run(t, clickAndLoad(s.click, s.wait))
		}
		if update {
			// The page itself, not the menu above it, fills the picture.
			b.Run(t, chromedp.Evaluate[chromedp.Void](
				`window.scrollTo(0, document.querySelector("main").getBoundingClientRect().top + window.scrollY - 24)`))
			raw := browsertest.Get(t, b, chromedp.CaptureScreenshot())
			small, err := shrinkPNG(raw)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if err := os.WriteFile(file, small, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: %v (make it with HMS_UPDATE_SCREENSHOTS=1)", s.name, err)
			continue
		}
		total += len(data)
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s is not a PNG: %v", file, err)
			continue
		}
		if cfg.Width != web.ScreenshotWidth || cfg.Height != web.ScreenshotHeight {
			t.Errorf("%s is %dx%d, want %dx%d", file, cfg.Width, cfg.Height, web.ScreenshotWidth, web.ScreenshotHeight)
		}
	}
	if total > 600<<10 {
		t.Errorf("the screenshots take %d KB; keep them under 600 KB", total>>10)
	}
}

// shrinkPNG reduces a screenshot to its 256 most frequent colours (a
// screen of text and flat colours loses nearly nothing) and encodes it with
// the best compression.
func shrinkPNG(raw []byte) ([]byte, error) {
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	bounds := img.Bounds()
	count := map[color.RGBA]int{}
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			count[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	colors := make([]color.RGBA, 0, len(count))
	for c := range count {
		colors = append(colors, c)
	}
	sort.Slice(colors, func(i, j int) bool {
		if count[colors[i]] != count[colors[j]] {
			return count[colors[i]] > count[colors[j]]
		}
		a, b := colors[i], colors[j]
		return uint32(a.R)<<16|uint32(a.G)<<8|uint32(a.B) < uint32(b.R)<<16|uint32(b.G)<<8|uint32(b.B)
	})
	pal := color.Palette{}
	for _, c := range colors[:min(256, len(colors))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(bounds, pal)
	index := map[color.RGBA]uint8{}
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
