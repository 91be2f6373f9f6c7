package pdfdoctest

import (
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// Word is one word of a PDF page with its box in points, as
// pdftotext -bbox-layout reads it.
type Word struct {
	Page                   int
	Text                   string
	XMin, YMin, XMax, YMax float64
}

var (
	pageRE = regexp.MustCompile(`<page |<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// Words are the words of pdf with their boxes.
func Words(t testing.TB, pdf []byte) []Word {
	t.Helper()
	f := writePDF(t, pdf)
	need(t, "pdftotext")
	out, err := exec.Command("pdftotext", "-bbox-layout", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox-layout: %v", err)
	}
	var words []Word
	page := 0
	for _, m := range pageRE.FindAllStringSubmatch(string(out), -1) {
		if m[1] == "" {
			page++
			continue
		}
		w := Word{Page: page, Text: html.UnescapeString(m[5])}
		w.XMin, _ = strconv.ParseFloat(m[1], 64)
		w.YMin, _ = strconv.ParseFloat(m[2], 64)
		w.XMax, _ = strconv.ParseFloat(m[3], 64)
		w.YMax, _ = strconv.ParseFloat(m[4], 64)
		words = append(words, w)
	}
	return words
}

// Overlaps are the pairs of words of pdf whose boxes cover each other: an
// amount printed over a text, a line set on top of another. Boxes that
// only touch (at most a point across, or less than a third of the lower
// word's height down, as the ascenders and descenders of tight lines do)
// do not count.
func Overlaps(words []Word) []string {
	var out []string
	for i, a := range words {
		for _, b := range words[i+1:] {
			if a.Page != b.Page {
				continue
			}
			w := min(a.XMax, b.XMax) - max(a.XMin, b.XMin)
			h := min(a.YMax, b.YMax) - max(a.YMin, b.YMin)
			if w > 1 && h > min(a.YMax-a.YMin, b.YMax-b.YMin)/3 {
				out = append(out, fmt.Sprintf("page %d: %q at (%.0f, %.0f) and %q at (%.0f, %.0f)",
					a.Page, a.Text, a.XMin, a.YMin, b.Text, b.XMin, b.YMin))
			}
		}
	}
	return out
}

// Legible fails the test when two words of pdf print over each other or
// when pdftoppm cannot draw its pages. Golden calls it, so every writer's
// golden test holds its document to it.
func Legible(t testing.TB, name string, pdf []byte) {
	t.Helper()
	words := Words(t, pdf)
	if len(words) == 0 {
		t.Errorf("%s: no words found", name)
	}
	for _, o := range Overlaps(words) {
		t.Errorf("%s: words print over each other, %s", name, o)
	}
	need(t, "pdftoppm")
	f := writePDF(t, pdf)
	prefix := filepath.Join(filepath.Dir(f), "page")
	if out, err := exec.Command("pdftoppm", "-r", "40", "-png", f, prefix).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("%s: pdftoppm cannot draw it: %v %s", name, err, out)
	}
	if pages, _ := filepath.Glob(prefix + "*.png"); len(pages) == 0 {
		t.Errorf("%s: pdftoppm drew no page", name)
	}
}

func need(t testing.TB, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("HMS_TEST_REQUIRE") == "all" {
			t.Fatalf("%s (poppler-utils) is required", tool)
		}
		t.Skipf("%s not installed", tool)
	}
}

func writePDF(t testing.TB, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}
