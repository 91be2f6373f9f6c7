package csvfile

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func read(t *testing.T, s string, o Options) *File {
	t.Helper()
	if o.MaxSize == 0 {
		o.MaxSize = 1 << 20
	}
	f, err := Read(strings.NewReader(s), o)
	if err != nil {
		t.Fatalf("read %q: %v", s, err)
	}
	return f
}

func cells(f *File) [][]string {
	var out [][]string
	for _, r := range f.Rows {
		out = append(out, r.Cells)
	}
	return out
}

// What spreadsheet programs save: a byte-order mark, ';' or ',' or tab,
// quoted cells holding the separator, a quote or a line break; the
// separator is taken from the first line, outside quotes.
func TestReadSniffsSeparatorAndKeepsQuotedCells(t *testing.T) {
	for _, c := range []struct {
		in   string
		sep  rune
		want [][]string
	}{
		{"\ufeffa;b;c\n1;\"2;3\";\"4,5\"\n", ';', [][]string{{"a", "b", "c"}, {"1", "2;3", "4,5"}}},
		{"\"a;x\",b,c\n1, \"2\",3\n", ',', [][]string{{"a;x", "b", "c"}, {"1", "2", "3"}}},
		{"a\tb\n\"x \"\"y\"\"\"\t\"two\nlines\"\n", '\t', [][]string{{"a", "b"}, {`x "y"`, "two\nlines"}}},
		{"CPI-2015;2025-01;128,4\n", ';', [][]string{{"CPI-2015", "2025-01", "128,4"}}},
		{"one\n\ntwo\n", ',', [][]string{{"one"}, {"two"}}},
	} {
		f := read(t, c.in, Options{})
		if f.Separator != c.sep || !reflect.DeepEqual(cells(f), c.want) {
			t.Errorf("%q: separator %q rows %q, want %q %q", c.in, f.Separator, cells(f), c.sep, c.want)
		}
	}
	f := read(t, "a;b\n\n;\n\"x\ny\";z\nlast;1\n", Options{})
	var lines []int
	for _, r := range f.Rows {
		lines = append(lines, r.Line)
	}
	if !reflect.DeepEqual(lines, []int{1, 3, 4, 6}) || !f.Rows[1].Blank() || f.Rows[2].Blank() || f.Rows[0].Cell(5) != "" {
		t.Errorf("lines %v, blank %v %v", lines, f.Rows[1].Blank(), f.Rows[2].Blank())
	}
}

func TestSniffTies(t *testing.T) {
	for in, want := range map[string]rune{"a;b,c": ';', "a\tb,c": '\t', "a\tb;c": ';', "abc": ',', `"a;b;c",d`: ',', "a,b,c;d": ','} {
		if got := Sniff(in); got != want {
			t.Errorf("Sniff(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadRefusesWhatIsNoCSVText(t *testing.T) {
	if _, err := Read(strings.NewReader("a;b\n1;2\n"), Options{MaxSize: 5}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
	if _, err := Read(strings.NewReader("a;b\n\xff;2\n"), Options{MaxSize: 100}); !errors.Is(err, ErrNotUTF8) {
		t.Errorf("latin-1: %v", err)
	}
	_, err := Read(strings.NewReader("a;b\n1;2\n3;\"open\n"), Options{MaxSize: 100})
	var le *LineError
	if !errors.As(err, &le) || le.Line != 3 || !errors.Is(err, ErrMalformed) {
		t.Errorf("unclosed quote: %v", err)
	}
}

func TestReadSkipsCommentsWhenAsked(t *testing.T) {
	f := read(t, "# a, b, c\n#x\nsegment;year\nsociaal;2027\n", Options{Comment: '#'})
	if f.Separator != ';' || !reflect.DeepEqual(cells(f), [][]string{{"segment", "year"}, {"sociaal", "2027"}}) || f.Rows[0].Line != 3 {
		t.Errorf("%q %+v", f.Separator, f.Rows)
	}
}

// An exported file imports as the same values: formulas were defused on
// the way out (a negative amount stays a number) and are undone on the way in.
func TestWriteDefusesAndReadUndoes(t *testing.T) {
	rows := [][]string{{"=HYPERLINK(\"http://x\")", "-12,50", "@SUM(A1)"}, {"Hof; 2", "a\nb", "+31 6"}}
	var buf bytes.Buffer
	if err := Write(&buf, []string{"a", "b", "c"}, rows); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeffa;b;c\n") || !strings.Contains(out, `"'=HYPERLINK(""http://x"")";-12,50;'@SUM(A1)`) {
		t.Fatalf("written:\n%s", out)
	}
	f := read(t, out, Options{Undo: true})
	if !reflect.DeepEqual(cells(f)[1:], rows) {
		t.Errorf("read back %q, want %q", cells(f)[1:], rows)
	}
	if f := read(t, out, Options{}); f.Rows[1].Cells[0] != `'=HYPERLINK("http://x")` {
		t.Errorf("without Undo the apostrophe stays: %q", f.Rows[1].Cells[0])
	}
}

func TestDecimal(t *testing.T) {
	for in, want := range map[string]string{"128,4": "128.4", "128.95": "128.95", "7": "7", " 3,5 ": "3.5",
		"1.234,5": "", "1,": "", ",5": "", "-1": "", "1e3": "", "": ""} {
		got, ok := Decimal(in)
		if got != want || ok != (want != "") {
			t.Errorf("Decimal(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}
