package bankfile

import (
	"bytes"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
)

// mtField is one MT940 field: its tag, the line it starts on and its lines
// (the first without the tag).
type mtField struct {
	tag   string
	line  int
	lines []string
}

// multiLine tags take continuation lines; any other line after a field that is
// not a tag is text around the messages (bank headers, the prose of a sample
// document) and is skipped.
func multiLine(tag string) bool { return tag == "61" || tag == "86" }

// mtLines splits the input into lines without line ends, decoding non-UTF-8
// input as Windows-1252 (what Dutch banks used before UTF-8).
func mtLines(data []byte) (lines []string, recoded bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		if dec, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			data, recoded = dec, true
		}
	}
	text := string(data)
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	lines = strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines, recoded
}

// mtFields groups lines into fields and message ends (a field with tag "-").
func mtFields(lines []string) []mtField {
	var fields []mtField
	var cur *mtField
	closeField := func() {
		if cur != nil {
			fields = append(fields, *cur)
			cur = nil
		}
	}
	for i, line := range lines {
		n := i + 1
		if strings.HasPrefix(strings.TrimLeft(line, " "), "{") {
			closeField()
			k := strings.Index(line, "{4:")
			if k < 0 {
				continue
			}
			line = line[k+3:]
			if strings.TrimSpace(line) == "" {
				continue
			}
		}
		if isTerminator(line) {
			closeField()
			fields = append(fields, mtField{tag: "-", line: n})
			continue
		}
		if tag, rest, ok := cutTag(line); ok {
			closeField()
			cur = &mtField{tag: tag, line: n, lines: []string{rest}}
			continue
		}
		if line == "" {
			closeField()
			continue
		}
		if cur != nil && multiLine(cur.tag) {
			cur.lines = append(cur.lines, line)
			continue
		}
		closeField()
	}
	closeField()
	return fields
}

// isTerminator matches the end of a message: "-", "-}", "-}{5:…}", "-XXX". A
// continuation line may begin with '-' ("-2014 Omschrijving"), so only these count.
func isTerminator(line string) bool {
	t := strings.TrimSpace(line)
	return t == "-" || t == "-XXX" || strings.HasPrefix(t, "-}")
}

// cutTag reads ":61:" style tags: two digits and an optional letter, or Rabobank's
// ":940:" file header.
func cutTag(line string) (tag, rest string, ok bool) {
	if len(line) < 4 || line[0] != ':' {
		return "", "", false
	}
	end := strings.IndexByte(line[1:], ':')
	if end < 2 || end > 3 {
		return "", "", false
	}
	tag = line[1 : end+1]
	if !allDigits(tag[:2]) {
		return "", "", false
	}
	if len(tag) == 3 && !(tag[2] >= 'A' && tag[2] <= 'Z' || tag[2] >= 'a' && tag[2] <= 'z' || tag == "940") {
		return "", "", false
	}
	return strings.ToUpper(tag), line[end+2:], true
}

type mtParser struct {
	opt      Options
	file     *File
	st       *Statement
	entry    int  // index of the entry a following :86: belongs to, -1 for none
	entry86  bool // that entry already has its :86:
	recoded  bool
	accountC string // currency from :25:
}

// parseMT940 reads the whole file first (MT940 files are small: a day's
// statement); with Options.Entries each statement is handed over whole.
func parseMT940(r io.Reader, opt Options) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	lines, recoded := mtLines(data)
	p := &mtParser{file: &File{Format: FormatMT940}, entry: -1, recoded: recoded, opt: opt}
	for _, f := range mtFields(lines) {
		if err := p.field(f); err != nil {
			return nil, err
		}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.file, nil
}

func (p *mtParser) finish() error {
	if p.st == nil {
		return nil
	}
	s := p.st
	if s.Currency == "" {
		s.Currency = p.accountC
	}
	if p.recoded && len(p.file.Statements) == 0 {
		s.warn(Warning{MsgID: WarnNotUTF8, Line: 1, Detail: "not UTF-8; read as Windows-1252"})
	}
	if err := ended(p.file, s, p.opt); err != nil {
		return err
	}
	p.file.Statements = append(p.file.Statements, *s)
	p.st, p.entry, p.accountC = nil, -1, ""
	return nil
}

// statement returns the statement being read, starting one when a field comes
// before any :20: (lenient: the bank left the reference out).
func (p *mtParser) statement(f mtField) *Statement {
	if p.st == nil {
		p.st = &Statement{}
		p.st.warn(Warning{MsgID: WarnLenientValue, Line: f.line, Detail: "statement without :20:"})
	}
	return p.st
}

func (p *mtParser) field(f mtField) error {
	if f.tag == "-" {
		return p.finish()
	}
	content := strings.TrimSpace(f.lines[0])
	switch f.tag {
	case "20":
		if err := p.finish(); err != nil {
			return err
		}
		p.st = &Statement{ID: content}
	case "25":
		p.account(p.statement(f), content)
	case "28", "28C":
		p.statement(f).Sequence = content
	case "60F", "60M", "62F", "62M":
		s := p.statement(f)
		b, err := p.balance(f, content)
		if err != nil {
			return err
		}
		b.Intermediate = strings.HasSuffix(f.tag, "M")
		if f.tag[:2] == "60" {
			s.Opening, s.From = b, b.Date
			if s.Currency == "" {
				s.Currency = b.Currency
			}
		} else {
			s.Closing, s.To = b, b.Date
			p.entry = -1
		}
	case "61":
		s := p.statement(f)
		e, err := p.entryLine(f)
		if err != nil {
			return err
		}
		s.Entries = append(s.Entries, e)
		p.entry, p.entry86 = len(s.Entries)-1, false
	case "86":
		s := p.statement(f)
		if p.entry >= 0 && !p.entry86 {
			p.apply86(&s.Entries[p.entry], f)
			p.entry86 = true
			return nil
		}
		text := squeeze(strings.Join(f.lines, " "))
		if s.Info != "" {
			s.Info += " "
		}
		s.Info += text
	case "64", "65":
		p.entry = -1
	}
	return nil
}

// account reads :25: — an IBAN, possibly followed by the currency ("NL20INGB0001234567EUR",
// "NL34RABO0142623393 EUR"), or "bank/account" (Triodos), or a plain account number.
func (p *mtParser) account(s *Statement, v string) {
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		v = v[i+1:]
	}
	c := nl.NormalizeIBAN(v)
	switch {
	case nl.ValidateIBAN(c) == nil:
		s.Account = c
	case len(c) > 3 && allUpperLetters(c[len(c)-3:]) && nl.ValidateIBAN(c[:len(c)-3]) == nil:
		s.Account, p.accountC = c[:len(c)-3], c[len(c)-3:]
	default:
		s.Account = strings.TrimSpace(v)
	}
}

// balance reads :60F:/:60M:/:62F:/:62M: — mark, YYMMDD, currency, amount.
func (p *mtParser) balance(f mtField, v string) (Balance, error) {
	if len(v) < 11 {
		return Balance{}, &ParseError{Line: f.line, MsgID: ErrStructure, Detail: "balance " + quote(v) + " is too short"}
	}
	var neg bool
	switch v[0] {
	case 'C', 'D':
		neg = v[0] == 'D'
	case 'c', 'd':
		neg = v[0] == 'd'
		p.st.warn(Warning{MsgID: WarnLenientValue, Line: f.line, Detail: "lower-case mark " + quote(v[:1])})
	default:
		return Balance{}, &ParseError{Line: f.line, MsgID: ErrMark, Detail: quote(v[:1]) + " is neither C nor D"}
	}
	d, ok := yymmdd(v[1:7])
	if !ok {
		return Balance{}, &ParseError{Line: f.line, MsgID: ErrDate, Detail: quote(v[1:7]) + " is not a date"}
	}
	ccy := v[7:10]
	if !allUpperLetters(ccy) {
		if u := strings.ToUpper(ccy); allUpperLetters(u) {
			p.st.warn(Warning{MsgID: WarnLenientValue, Line: f.line, Detail: "currency " + quote(ccy)})
			ccy = u
		} else {
			return Balance{}, &ParseError{Line: f.line, MsgID: ErrStructure, Detail: quote(ccy) + " is not a currency"}
		}
	}
	amt, err := p.amount(f, strings.TrimSpace(v[10:]))
	if err != nil {
		return Balance{}, err
	}
	if neg {
		amt = -amt
	}
	return Balance{Present: true, Amount: amt, Date: d, Currency: ccy}, nil
}

func (p *mtParser) amount(f mtField, v string) (money.Cents, error) {
	c, noSep, ok := parseAmount(v, ',')
	if !ok {
		return 0, &ParseError{Line: f.line, MsgID: ErrAmount, Detail: quote(v) + " is not an amount"}
	}
	if noSep {
		p.st.warn(Warning{MsgID: WarnLenientValue, Line: f.line, Detail: "amount " + quote(v) + " has no decimal comma"})
	}
	return c, nil
}

// yymmdd reads a SWIFT date; years 80–99 are the 1900s.
func yymmdd(s string) (civil.Date, bool) {
	if len(s) != 6 || !allDigits(s) {
		return civil.Date{}, false
	}
	y := int(s[0]-'0')*10 + int(s[1]-'0')
	if y < 80 {
		y += 2000
	} else {
		y += 1900
	}
	return dateOf(y, s[2:4], s[4:6])
}

func dateOf(y int, mm, dd string) (civil.Date, bool) {
	m := int(mm[0]-'0')*10 + int(mm[1]-'0')
	d := int(dd[0]-'0')*10 + int(dd[1]-'0')
	if m < 1 || m > 12 || d < 1 || d > civil.DaysIn(y, time.Month(m)) {
		return civil.Date{}, false
	}
	return civil.Date{Year: y, Month: time.Month(m), Day: d}, true
}

// entryLine reads :61: — value date YYMMDD, optional entry date MMDD, mark (C, D,
// RC, RD), optional funds code, amount, transaction type (4 characters), the
// reference for the account owner, optionally "//" and the bank's reference, and
// on the next line supplementary details.
func (p *mtParser) entryLine(f mtField) (Entry, error) {
	s := strings.TrimRight(f.lines[0], " ")
	e := Entry{Line: f.line}
	fail := func(id, detail string) (Entry, error) {
		return Entry{}, &ParseError{Line: f.line, MsgID: id, Detail: detail}
	}
	if len(s) < 6 {
		return fail(ErrStructure, "entry "+quote(s)+" is too short")
	}
	vd, ok := yymmdd(s[:6])
	if !ok {
		return fail(ErrDate, quote(s[:6])+" is not a value date")
	}
	e.ValueDate, e.BookingDate = vd, vd
	i := 6
	if len(s) >= 10 && allDigits(s[6:10]) {
		bd, ok := nearestDate(vd, s[6:8], s[8:10])
		if !ok {
			return fail(ErrDate, quote(s[6:10])+" is not an entry date")
		}
		e.BookingDate = bd
		i = 10
	}
	mark := strings.ToUpper(s[i:min(i+2, len(s))])
	var credit bool
	switch {
	case strings.HasPrefix(mark, "RC"), strings.HasPrefix(mark, "RD"):
		e.Reversal, credit = true, mark[1] == 'D' // a reversed debit puts money back
		i += 2
	case strings.HasPrefix(mark, "C"), strings.HasPrefix(mark, "D"):
		credit = mark[0] == 'C'
		i++
	default:
		return fail(ErrMark, "no debit/credit mark (C, D, RC, RD) in "+quote(s))
	}
	if s[i-1] >= 'a' {
		p.st.warn(Warning{MsgID: WarnLenientValue, Line: f.line, Detail: "lower-case mark in " + quote(s)})
	}
	if i+1 < len(s) && isLetter(s[i]) && s[i+1] >= '0' && s[i+1] <= '9' {
		i++ // funds code (third letter of the currency)
	}
	j := i
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ',') {
		j++
	}
	amt, err := p.amount(f, s[i:j])
	if err != nil {
		return Entry{}, err
	}
	if !credit {
		amt = -amt
	}
	e.Amount = amt
	rest := s[j:]
	if len(rest) >= 4 {
		e.BankTxCode = TxCode{Proprietary: rest[:4], Issuer: "SWIFT"}
		rest = rest[4:]
	} else {
		p.st.warn(Warning{MsgID: WarnLenientValue, Line: f.line, Detail: "entry without transaction type"})
		rest = ""
	}
	ref, bankRef, _ := strings.Cut(rest, "//")
	e.BankRef, e.AccountServicerRef = strings.TrimSpace(ref), strings.TrimSpace(bankRef)
	tx := Tx{Amount: amt}
	if nl.ValidateIBAN(e.BankRef) == nil {
		tx.Counterparty.IBAN = e.BankRef // SNS and ASN put the counterparty's IBAN here
	}
	if extra := strings.TrimSpace(strings.Join(f.lines[1:], " ")); extra != "" {
		p.supplementary(&e, &tx, extra, f.line)
	}
	e.Details = []Tx{tx}
	return e, nil
}

// supplementary files the :61: line after the first: a counterparty account
// (Rabobank), a counterparty name (SNS, ASN) or bank codes (ING /TRCD/).
func (p *mtParser) supplementary(e *Entry, tx *Tx, v string, line int) {
	c := nl.NormalizeIBAN(v)
	switch {
	case strings.HasPrefix(v, "/"):
		e.Info = v
	case looksLikeIBAN(c) || isOldAccount(c):
		if strings.Trim(c, "0") == "" {
			return // Rabobank writes zeros for "no counterparty" (batches)
		}
		if tx.Counterparty.IBAN == "" && tx.Counterparty.Account == "" {
			if w := tx.Counterparty.account(v); w != "" {
				p.st.warn(Warning{MsgID: WarnLenientValue, Line: line, Detail: w})
			}
		}
	default:
		tx.Counterparty.Name = v
	}
}

// isOldAccount matches pre-IBAN Dutch account numbers: up to 10 digits, giro
// numbers with a P.
func isOldAccount(s string) bool {
	s = strings.TrimPrefix(s, "P")
	return s != "" && len(s) <= 10 && allDigits(s)
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// nearestDate gives MMDD the year that puts it closest to ref (an entry booked
// on 2 January for a value date of 31 December is in the next year).
func nearestDate(ref civil.Date, mm, dd string) (civil.Date, bool) {
	var best civil.Date
	found := false
	for _, y := range []int{ref.Year - 1, ref.Year, ref.Year + 1} {
		d, ok := dateOf(y, mm, dd)
		if !ok {
			continue
		}
		if !found || abs(ref.DaysUntil(d)) < abs(ref.DaysUntil(best)) {
			best, found = d, true
		}
	}
	return best, found
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
