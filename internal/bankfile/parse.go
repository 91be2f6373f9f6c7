package bankfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// Message ids of errors (ParseError.MsgID); the texts are in the "bank" catalog.
const (
	ErrUnknownFormat = "bankfile.error.unknown_format"
	ErrTooLarge      = "bankfile.error.too_large"
	ErrRead          = "bankfile.error.read"
	ErrXML           = "bankfile.error.xml"
	ErrStructure     = "bankfile.error.structure"
	ErrAmount        = "bankfile.error.amount"
	ErrDate          = "bankfile.error.date"
	ErrMark          = "bankfile.error.mark"
	ErrNoStatements  = "bankfile.error.no_statements"
)

// Message ids of warnings (Warning.MsgID).
const (
	WarnNoOpeningBalance   = "bankfile.warn.no_opening_balance"
	WarnNoClosingBalance   = "bankfile.warn.no_closing_balance"
	WarnBalancesDoNotAddUp = "bankfile.warn.balances_do_not_add_up"
	WarnDatedAfterToday    = "bankfile.warn.dated_after_today"
	WarnLenientValue       = "bankfile.warn.lenient_value"
	WarnCurrencyDiffers    = "bankfile.warn.currency_differs"
	WarnTxAmountsDiffer    = "bankfile.warn.tx_amounts_differ"
	WarnNotUTF8            = "bankfile.warn.not_utf8"
	WarnTooMany            = "bankfile.warn.too_many"
)

// maxWarnings bounds the warnings of one statement, so a bad 100,000-entry file
// does not carry 100,000 of them.
const maxWarnings = 100

// ParseError refuses a whole file. Line is set for MT940, Path (e.g.
// "Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/BookgDt/Dt") for camt.
type ParseError struct {
	Line   int
	Path   string
	MsgID  string
	Detail string // English, technical; may quote a short piece of the file
}

func (e *ParseError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("bank file line %d: %s: %s", e.Line, e.MsgID, e.Detail)
	case e.Path != "":
		return fmt.Sprintf("bank file at %s: %s: %s", e.Path, e.MsgID, e.Detail)
	}
	return fmt.Sprintf("bank file: %s: %s", e.MsgID, e.Detail)
}

// Warning is something odd that did not stop the reading.
type Warning struct {
	MsgID  string
	Line   int    // MT940
	Path   string // camt
	Detail string // English, technical
}

// Parse reads a camt.053 or MT940 file. It returns a file with at least one
// statement, or a *ParseError (then never a partial result).
func Parse(r io.Reader, opt Options) (*File, error) {
	limit := opt.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	lr := &limitedReader{r: r, left: limit}
	br := bufio.NewReaderSize(lr, 64<<10)
	tooLarge := &ParseError{MsgID: ErrTooLarge, Detail: "more than " + strconv.FormatInt(limit, 10) + " bytes"}
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		if lr.exceeded {
			return nil, tooLarge
		}
		return nil, readError(err)
	}
	var f *File
	switch sniff(head) {
	case FormatCamt053:
		f, err = parseCamt(br, opt)
	case FormatMT940:
		f, err = parseMT940(br, opt)
	default:
		return nil, &ParseError{MsgID: ErrUnknownFormat, Detail: "neither camt.053 XML nor MT940"}
	}
	if err != nil {
		if lr.exceeded {
			return nil, tooLarge
		}
		var se sinkError
		if errors.As(err, &se) {
			return nil, se.err
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, readError(err)
	}
	if len(f.Statements) == 0 {
		return nil, &ParseError{MsgID: ErrNoStatements, Detail: "the file holds no statement"}
	}
	return f, nil
}

// ended finishes a statement the parser read to its end: its checks, and
// with Options.Entries its last entries handed over.
func ended(f *File, s *Statement, opt Options) error {
	if opt.Entries == nil {
		s.Count = len(s.Entries)
		check(s, opt, booked(s.Entries))
		checkEntries(s, s.Entries, opt)
		return nil
	}
	s.Count += len(s.Entries)
	entries := s.Entries
	s.booked += checkEntries(s, entries, opt)
	check(s, opt, s.booked)
	s.Entries = nil
	return handed(opt.Entries(f, s, entries, true))
}

func booked(entries []Entry) money.Cents {
	var sum money.Cents
	for _, e := range entries {
		if e.Status == "" || e.Status == "BOOK" {
			sum += e.Amount
		}
	}
	return sum
}

// sinkError carries an error of Options.Entries out of the parser unchanged.
type sinkError struct{ err error }

func (e sinkError) Error() string { return e.err.Error() }
func (e sinkError) Unwrap() error { return e.err }

func handed(err error) error {
	if err != nil {
		return sinkError{err}
	}
	return nil
}

// handOver gives the statement's entries read so far to Options.Entries
// once there are EntriesPerBatch of them.
func handOver(f *File, s *Statement, opt Options) error {
	if opt.Entries == nil || len(s.Entries) < EntriesPerBatch {
		return nil
	}
	s.Count += len(s.Entries)
	entries := s.Entries
	s.booked += checkEntries(s, entries, opt)
	s.Entries = make([]Entry, 0, EntriesPerBatch)
	return handed(opt.Entries(f, s, entries, false))
}

func readError(err error) *ParseError {
	return &ParseError{MsgID: ErrRead, Detail: err.Error()}
}

// errLimit ends reading when the input is larger than allowed.
var errLimit = errors.New("input exceeds the size limit")

// limitedReader fails (rather than ending quietly like io.LimitReader) once more
// than left bytes come, so a cut-off file is never read as a whole one.
type limitedReader struct {
	r        io.Reader
	left     int64
	exceeded bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.exceeded {
		return 0, errLimit
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.exceeded = true
		return 0, errLimit
	}
	return n, err
}

// sniff tells the format from the first bytes: XML whose root is a Document
// holding BkToCstmrStmt, or text with an MT940 field tag at the start of a line.
func sniff(head []byte) Format {
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	h = bytes.TrimLeft(h, " \t\r\n")
	if bytes.HasPrefix(h, []byte("<")) {
		if bytes.Contains(h, []byte("BkToCstmrStmt")) {
			return FormatCamt053
		}
		return ""
	}
	for line := range bytes.SplitSeq(h, []byte("\n")) {
		line = bytes.TrimLeft(line, " \t")
		if i := bytes.Index(line, []byte("{4:")); i >= 0 {
			line = line[i+3:]
		}
		if bytes.HasPrefix(line, []byte(":20:")) || bytes.HasPrefix(line, []byte(":940:")) ||
			bytes.HasPrefix(line, []byte(":25:")) {
			return FormatMT940
		}
	}
	return ""
}

// checkEntries warns of entries dated after today and answers the sum of
// the booked ones.
func checkEntries(s *Statement, entries []Entry, opt Options) money.Cents {
	var sum money.Cents
	for _, e := range entries {
		if e.Status == "" || e.Status == "BOOK" {
			sum += e.Amount
		}
		if opt.Today.IsZero() {
			continue
		}
		for _, d := range [...]struct {
			what string
			date civil.Date
		}{{"booking", e.BookingDate}, {"value", e.ValueDate}} {
			if d.date.After(opt.Today) {
				s.warn(Warning{MsgID: WarnDatedAfterToday, Line: e.Line, Path: e.Path, Detail: d.what + " date " + d.date.String()})
			}
		}
	}
	return sum
}

// check adds the warnings that need the whole statement; sum is what its
// booked entries add up to.
func check(s *Statement, opt Options, sum money.Cents) {
	if !s.Opening.Present {
		s.warn(Warning{MsgID: WarnNoOpeningBalance, Detail: "no opening balance"})
	}
	if !s.Closing.Present {
		s.warn(Warning{MsgID: WarnNoClosingBalance, Detail: "no closing balance"})
	}
	for _, b := range []*Balance{&s.Opening, &s.Closing} {
		if b.Present && s.Currency != "" && b.Currency != "" && b.Currency != s.Currency {
			s.warn(Warning{MsgID: WarnCurrencyDiffers, Detail: "balance in " + b.Currency + ", account in " + s.Currency})
		}
	}
	if s.Opening.Present && s.Closing.Present && s.Opening.Amount+sum != s.Closing.Amount {
		s.warn(Warning{MsgID: WarnBalancesDoNotAddUp, Detail: fmt.Sprintf("opening %s + entries %s = %s, closing %s",
			s.Opening.Amount, sum, s.Opening.Amount+sum, s.Closing.Amount)})
	}
	if opt.Today.IsZero() {
		return
	}
	for _, b := range []*Balance{&s.Opening, &s.Closing} {
		if b.Present && b.Date.After(opt.Today) {
			s.warn(Warning{MsgID: WarnDatedAfterToday, Detail: "balance dated " + b.Date.String()})
		}
	}
}

// warn adds w unless the statement already has too many.
func (s *Statement) warn(w Warning) {
	switch {
	case len(s.Warnings) < maxWarnings:
		s.Warnings = append(s.Warnings, w)
	case len(s.Warnings) == maxWarnings:
		s.Warnings = append(s.Warnings, Warning{MsgID: WarnTooMany, Detail: "further warnings left out"})
	}
}
