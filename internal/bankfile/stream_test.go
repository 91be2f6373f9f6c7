package bankfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// streamed parses data handing the entries to Options.Entries, and puts
// them back into the statements, so the result can be compared with a
// plain Parse. It also checks the batches' sizes and that last comes once
// per statement.
func streamed(t *testing.T, data []byte) *File {
	t.Helper()
	var got []Statement
	var cur []Entry
	f, err := Parse(bytes.NewReader(data), Options{Today: today, Entries: func(_ *File, st *Statement, entries []Entry, last bool) error {
		if len(entries) > EntriesPerBatch || !last && len(entries) != EntriesPerBatch {
			t.Errorf("a batch of %d entries (last %v)", len(entries), last)
		}
		cur = append(cur, entries...)
		if last {
			s := *st
			s.Entries, cur = cur, nil
			got = append(got, s)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(f.Statements) {
		t.Fatalf("%d statements handed over, %d returned", len(got), len(f.Statements))
	}
	for i := range got {
		if f.Statements[i].Entries != nil || f.Statements[i].Count != len(got[i].Entries) {
			t.Errorf("statement %d returned with %d entries, count %d; %d handed over", i, len(f.Statements[i].Entries),
				f.Statements[i].Count, len(got[i].Entries))
		}
	}
	f.Statements = got
	return f
}

// Reading with Options.Entries gives the same statements, entries and
// warnings as reading whole, for every test file and for a camt.053 long
// enough to be handed over in several batches.
func TestEntriesHandedOverAreTheEntriesOfTheFile(t *testing.T) {
	var long bytes.Buffer
	if _, err := writeCamt(&long, 2*EntriesPerBatch+7); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"generated": long.Bytes()}
	for _, c := range append(append([]fileCase{}, camtCases...), mt940Cases...) {
		files[c.name] = readTestFile(t, c.name)
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			whole, err := Parse(bytes.NewReader(data), Options{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			got := streamed(t, data)
			for i := range whole.Statements {
				w, g := whole.Statements[i], got.Statements[i]
				if w.Count != len(w.Entries) || g.Count != w.Count {
					t.Errorf("statement %d: count %d (whole %d) for %d entries", i, g.Count, w.Count, len(w.Entries))
				}
				if !reflect.DeepEqual(g.Entries, w.Entries) {
					t.Errorf("statement %d: the entries handed over differ from the file's", i)
				}
				key := func(w Warning) string { return w.MsgID + "|" + w.Path + "|" + w.Detail }
				gw, ww := warningKeys(g.Warnings, key), warningKeys(w.Warnings, key)
				if !slices.Equal(gw, ww) {
					t.Errorf("statement %d: warnings %v, whole %v", i, gw, ww)
				}
				g.Entries, w.Entries, g.Warnings, w.Warnings = nil, nil, nil, nil
				g.booked, w.booked = 0, 0 // the running sum of what was handed over
				if !reflect.DeepEqual(g, w) {
					t.Errorf("statement %d: %+v, whole %+v", i, g, w)
				}
			}
		})
	}
}

func warningKeys(ws []Warning, key func(Warning) string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = key(w)
	}
	slices.Sort(out)
	return out
}

// An error of Options.Entries ends the reading and comes back unchanged.
func TestEntriesErrorEndsTheReading(t *testing.T) {
	var long bytes.Buffer
	if _, err := writeCamt(&long, EntriesPerBatch+1); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	f, err := Parse(bytes.NewReader(long.Bytes()), Options{Entries: func(*File, *Statement, []Entry, bool) error {
		calls++
		return stop
	}})
	if f != nil || !errors.Is(err, stop) || calls != 1 {
		t.Errorf("file %v, error %v after %d calls; want the sink's error after one", f, err, calls)
	}
}

func readTestFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
