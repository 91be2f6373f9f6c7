package bankfile

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
)

// maxDepth bounds element nesting; camt.053 needs about 12 levels.
const maxDepth = 64

// camtParser reads camt.053 token by token and keeps only the statement being
// read and the entries already read, never a tree of the document: memory grows
// with the number of entries, not with the size of the XML around them.
type camtParser struct {
	opt   Options
	dec   *xml.Decoder
	file  *File
	names []string // local names from the root to the current element
	path  []byte   // the same names joined by '/'
	offs  []int    // len(path) before each name was appended
	text  []byte   // character data of the current element
	ccy   string   // Ccy attribute of the current element

	stmt          *Statement
	stmtLen       int // len(path) with "…/Stmt"
	stmtN, ntryN  int
	bal           *camtBal
	balLen        int
	opening       []camtBal // OPBD, PRCD, ITBD in file order
	closing       []camtBal
	ntry          *camtNtry
	ntryLen, txN  int
	tx            *camtTx
	txLen         int
	acctSeqBackup string // ElctrncSeqNb, used when there is no LglSeqNb
}

type camtBal struct {
	code   string
	amount money.Cents
	hasAmt bool
	ccy    string
	mark   string
	date   civil.Date
}

type camtNtry struct {
	e      Entry
	amount money.Cents
	hasAmt bool
	mark   string
	txs    []camtTx
}

type camtTx struct {
	tx            Tx
	amount        money.Cents
	hasAmt, instd bool
	mark          string
	dbtr, cdtr    Party
	path          string
}

func parseCamt(r io.Reader, opt Options) (*File, error) {
	p := &camtParser{dec: xml.NewDecoder(r), file: &File{Format: FormatCamt053}, opt: opt}
	p.dec.CharsetReader = charsetReader
	for {
		// RawToken skips the namespace bookkeeping of Token, which this reader does
		// not need (elements are matched by local name); start and end tags are
		// matched in end.
		tok, err := p.dec.RawToken()
		if errors.Is(err, io.EOF) {
			if len(p.names) > 0 {
				return nil, p.fail(ErrXML, "the file ends inside an element")
			}
			break
		}
		if err != nil {
			if errors.Is(err, errLimit) {
				return nil, err
			}
			return nil, &ParseError{Path: p.elementPath(), MsgID: ErrXML, Detail: err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := p.start(t); err != nil {
				return nil, err
			}
		case xml.CharData:
			p.text = append(p.text, t...)
		case xml.EndElement:
			if len(p.names) == 0 || p.names[len(p.names)-1] != t.Name.Local {
				return nil, p.fail(ErrXML, "element closed by </"+t.Name.Local+">")
			}
			if err := p.end(); err != nil {
				return nil, err
			}
		}
	}
	return p.file, nil
}

func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
		return charmap.ISO8859_1.NewDecoder().Reader(in), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	case "us-ascii", "ascii":
		return in, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

func (p *camtParser) start(t xml.StartElement) error {
	if len(p.names) >= maxDepth {
		return p.fail(ErrStructure, "elements nested too deeply")
	}
	name := t.Name.Local
	p.offs = append(p.offs, len(p.path))
	if len(p.path) > 0 {
		p.path = append(p.path, '/')
	}
	p.path = append(p.path, name...)
	p.names = append(p.names, name)
	p.text = p.text[:0]
	p.ccy = ""
	for _, a := range t.Attr {
		if a.Name.Local == "Ccy" {
			p.ccy = a.Value
		}
	}
	depth := len(p.names)
	switch {
	case depth == 1:
		if name != "Document" {
			return &ParseError{Path: name, MsgID: ErrUnknownFormat, Detail: "the root element is not Document"}
		}
		for _, a := range t.Attr {
			if a.Name.Space == "" && a.Name.Local == "xmlns" || a.Name.Space == "xmlns" {
				if i := strings.LastIndexByte(a.Value, ':'); i >= 0 && strings.HasPrefix(a.Value[i+1:], "camt.") {
					p.file.Version = a.Value[i+1:]
				}
			}
		}
	case depth == 2:
		if name != "BkToCstmrStmt" {
			return p.fail(ErrUnknownFormat, "not a camt.053 statement (BkToCstmrStmt)")
		}
	case depth == 3 && name == "Stmt":
		p.stmtN++
		p.ntryN = 0
		p.stmt = &Statement{}
		p.stmtLen = len(p.path)
		p.opening, p.closing, p.acctSeqBackup = nil, nil, ""
	case p.stmt != nil && depth == 4 && name == "Bal":
		p.bal = &camtBal{}
		p.balLen = len(p.path)
	case p.stmt != nil && depth == 4 && name == "Ntry":
		p.ntryN++
		p.txN = 0
		p.ntry = &camtNtry{}
		p.ntryLen = len(p.path)
		p.ntry.e.Path = p.elementPath()
	case p.ntry != nil && depth == 6 && name == "TxDtls" && p.names[4] == "NtryDtls":
		p.txN++
		p.tx = &camtTx{}
		p.txLen = len(p.path)
		p.tx.path = p.elementPath()
	}
	return nil
}

func (p *camtParser) end() error {
	var err error
	n := len(p.path)
	switch {
	case p.tx != nil && n == p.txLen:
		p.ntry.txs = append(p.ntry.txs, *p.tx)
		p.tx = nil
	case p.tx != nil:
		err = p.txValue(string(p.path[p.txLen+1:]))
	case p.ntry != nil && n == p.ntryLen:
		err = p.finishEntry()
		p.ntry = nil
	case p.ntry != nil:
		err = p.entryValue(string(p.path[p.ntryLen+1:]))
	case p.bal != nil && n == p.balLen:
		err = p.finishBalance()
		p.bal = nil
	case p.bal != nil:
		err = p.balanceValue(string(p.path[p.balLen+1:]))
	case p.stmt != nil && n == p.stmtLen:
		err = p.finishStatement()
		p.stmt = nil
	case p.stmt != nil:
		err = p.statementValue(string(p.path[p.stmtLen+1:]))
	}
	last := len(p.offs) - 1
	p.path = p.path[:p.offs[last]]
	p.offs = p.offs[:last]
	p.names = p.names[:last]
	p.text = p.text[:0]
	return err
}

// value is the trimmed text of the element that just ended.
func (p *camtParser) value() string { return strings.TrimSpace(string(p.text)) }

func (p *camtParser) statementValue(rel string) error {
	s, v := p.stmt, p.value()
	switch rel {
	case "Id":
		s.ID = v
	case "LglSeqNb":
		s.Sequence = v
	case "ElctrncSeqNb":
		p.acctSeqBackup = v
	case "FrToDt/FrDtTm", "FrToDt/ToDtTm":
		d, ok := parseISODateTime(v)
		if !ok {
			return p.fail(ErrDate, quote(v)+" is not a date and time")
		}
		if rel == "FrToDt/FrDtTm" {
			s.From = d
		} else {
			s.To = d
		}
	case "Acct/Id/IBAN", "Acct/Id/Othr/Id":
		if s.Account != "" {
			return nil
		}
		iban := nl.NormalizeIBAN(v)
		if nl.ValidateIBAN(iban) == nil {
			s.Account = iban
		} else if rel == "Acct/Id/IBAN" {
			s.Account = iban
			p.warn(quote(v) + " is not a valid IBAN")
		} else {
			s.Account = v
		}
	case "Acct/Ccy":
		s.Currency = p.currency(v)
	case "Acct/Svcr/FinInstnId/BIC", "Acct/Svcr/FinInstnId/BICFI":
		s.BIC = p.bic(v)
	case "AddtlStmtInf":
		s.Info = v
	}
	return nil
}

func (p *camtParser) balanceValue(rel string) error {
	b, v := p.bal, p.value()
	switch rel {
	case "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry":
		b.code = strings.ToUpper(v)
	case "Amt":
		amt, err := p.amount(v)
		if err != nil {
			return err
		}
		b.amount, b.hasAmt, b.ccy = amt, true, p.currency(p.ccy)
	case "CdtDbtInd":
		m, err := p.mark(v)
		if err != nil {
			return err
		}
		b.mark = m
	case "Dt/Dt", "Dt/DtTm":
		d, err := p.date(rel == "Dt/DtTm", v)
		if err != nil {
			return err
		}
		b.date = d
	}
	return nil
}

func (p *camtParser) finishBalance() error {
	b := *p.bal
	switch b.code {
	case "OPBD", "PRCD", "ITBD", "CLBD":
	default:
		return nil // available and forward balances do not concern the booked ones
	}
	if !b.hasAmt {
		return p.fail(ErrStructure, "a balance has no Amt")
	}
	if b.mark == "" {
		return p.fail(ErrStructure, "a balance has no CdtDbtInd")
	}
	if b.mark == "DBIT" {
		b.amount = -b.amount
	}
	switch b.code {
	case "OPBD", "PRCD":
		p.opening = append(p.opening, b)
	case "CLBD":
		p.closing = append(p.closing, b)
	case "ITBD":
		p.opening = append(p.opening, b)
		p.closing = append(p.closing, b)
	}
	return nil
}

// pickBalance prefers the first of codes present in bs (in order of preference);
// for ITBD the first one opens and the last one closes.
func pickBalance(bs []camtBal, last bool, codes ...string) (Balance, bool) {
	for _, code := range codes {
		var found *camtBal
		for i := range bs {
			if bs[i].code == code && (found == nil || last) {
				found = &bs[i]
			}
		}
		if found != nil {
			return Balance{Present: true, Amount: found.amount, Date: found.date, Currency: found.ccy,
				Intermediate: code == "ITBD"}, true
		}
	}
	return Balance{}, false
}

func (p *camtParser) finishStatement() error {
	s := p.stmt
	s.Opening, _ = pickBalance(p.opening, false, "OPBD", "PRCD", "ITBD")
	s.Closing, _ = pickBalance(p.closing, true, "CLBD", "ITBD")
	if s.Opening.Present && s.Closing.Present && s.Opening.Intermediate && s.Closing.Intermediate && len(p.opening) == 1 {
		s.Closing = Balance{} // one ITBD cannot be both ends
	}
	if s.Sequence == "" {
		s.Sequence = p.acctSeqBackup
	}
	if s.Currency == "" {
		switch {
		case s.Opening.Present:
			s.Currency = s.Opening.Currency
		case p.ntryN > 0:
			s.Currency = s.firstCcy
		}
	}
	if err := ended(p.file, s, p.opt); err != nil {
		return err
	}
	p.file.Statements = append(p.file.Statements, *s)
	return nil
}

func (p *camtParser) entryValue(rel string) error {
	n, v := p.ntry, p.value()
	e := &n.e
	switch rel {
	case "Amt":
		amt, err := p.amount(v)
		if err != nil {
			return err
		}
		n.amount, n.hasAmt, e.Currency = amt, true, p.currency(p.ccy)
	case "CdtDbtInd":
		m, err := p.mark(v)
		if err != nil {
			return err
		}
		n.mark = m
	case "RvslInd":
		b, err := p.boolean(v)
		if err != nil {
			return err
		}
		e.Reversal = b
	case "Sts", "Sts/Cd", "Sts/Prtry":
		if v != "" { // v08 nests the code; Sts itself then holds only white space
			e.Status = strings.ToUpper(v)
		}
	case "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm":
		d, err := p.date(strings.HasSuffix(rel, "DtTm"), v)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "BookgDt") {
			e.BookingDate = d
		} else {
			e.ValueDate = d
		}
	case "NtryRef":
		e.BankRef = v
	case "AcctSvcrRef":
		e.AccountServicerRef = v
	case "BkTxCd/Domn/Cd":
		e.BankTxCode.Domain = v
	case "BkTxCd/Domn/Fmly/Cd":
		e.BankTxCode.Family = v
	case "BkTxCd/Domn/Fmly/SubFmlyCd":
		e.BankTxCode.SubFamily = v
	case "BkTxCd/Prtry/Cd":
		e.BankTxCode.Proprietary = v
	case "BkTxCd/Prtry/Issr":
		e.BankTxCode.Issuer = v
	case "NtryDtls/Btch/NbOfTxs":
		k, err := strconv.Atoi(v)
		if err != nil || k < 0 {
			return p.fail(ErrStructure, quote(v)+" is not a number of transactions")
		}
		e.BatchCount = k
	case "NtryDtls/Btch/PmtInfId":
		e.BatchRef = v
	case "AddtlNtryInf":
		e.Info = v
	}
	return nil
}

func (p *camtParser) txValue(rel string) error {
	t, v := p.tx, p.value()
	switch rel {
	case "Refs/EndToEndId":
		t.tx.EndToEndID = p.max35(endToEnd(v))
	case "Refs/MndtId":
		t.tx.MandateID = p.max35(v)
	case "Refs/PmtInfId":
		if p.ntry.e.BatchRef == "" {
			p.ntry.e.BatchRef = v
		}
	case "Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt":
		if t.hasAmt && !t.instd {
			return nil
		}
		amt, err := p.amount(v)
		if err != nil {
			return err
		}
		t.amount, t.hasAmt, t.instd = amt, true, rel == "AmtDtls/InstdAmt/Amt"
	case "CdtDbtInd":
		m, err := p.mark(v)
		if err != nil {
			return err
		}
		t.mark = m
	case "RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm":
		t.dbtr.Name = v
	case "RltdPties/Cdtr/Nm", "RltdPties/Cdtr/Pty/Nm":
		t.cdtr.Name = v
	case "RltdPties/DbtrAcct/Id/IBAN", "RltdPties/DbtrAcct/Id/Othr/Id":
		if w := t.dbtr.account(v); w != "" {
			p.warn(w)
		}
	case "RltdPties/CdtrAcct/Id/IBAN", "RltdPties/CdtrAcct/Id/Othr/Id":
		if w := t.cdtr.account(v); w != "" {
			p.warn(w)
		}
	case "RltdPties/Cdtr/Id/PrvtId/Othr/Id", "RltdPties/Cdtr/Pty/Id/PrvtId/Othr/Id":
		if nl.ValidateCreditorID(v) == nil {
			t.tx.CreditorID = nl.NormalizeCreditorID(v)
		}
	case "RltdAgts/DbtrAgt/FinInstnId/BIC", "RltdAgts/DbtrAgt/FinInstnId/BICFI":
		t.dbtr.BIC = p.bic(v)
	case "RltdAgts/CdtrAgt/FinInstnId/BIC", "RltdAgts/CdtrAgt/FinInstnId/BICFI":
		t.cdtr.BIC = p.bic(v)
	case "RmtInf/Ustrd":
		if len(v) > 140 {
			p.warn("remittance text longer than 140 characters")
		}
		if t.tx.Remittance != "" {
			t.tx.Remittance += " "
		}
		t.tx.Remittance += v
	case "RmtInf/Strd/CdtrRefInf/Ref":
		t.tx.CreditorRef.Ref = p.max35(v)
	case "RmtInf/Strd/CdtrRefInf/Tp/Issr":
		t.tx.CreditorRef.Issuer = v
	case "RmtInf/Strd/CdtrRefInf/Tp/CdOrPrtry/Cd", "RmtInf/Strd/CdtrRefInf/Tp/CdOrPrtry/Prtry":
		t.tx.CreditorRef.Type = v
	case "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry":
		t.tx.ReturnReason = v
	case "AddtlTxInf":
		t.tx.Info = v
	}
	return nil
}

// finishEntry signs the amounts, picks each transaction's counterparty and appends
// the entry to the statement.
func (p *camtParser) finishEntry() error {
	n := p.ntry
	e := n.e
	if !n.hasAmt {
		return p.fail(ErrStructure, "an entry has no Amt")
	}
	if n.mark == "" {
		return p.fail(ErrStructure, "an entry has no CdtDbtInd")
	}
	e.Amount = signed(n.amount, n.mark)
	if e.Currency != "" && p.stmt.Currency != "" && e.Currency != p.stmt.Currency {
		p.stmt.warn(Warning{MsgID: WarnCurrencyDiffers, Path: e.Path, Detail: "entry in " + e.Currency})
	}
	if p.ntryN == 1 {
		p.stmt.firstCcy = e.Currency
	}
	if len(n.txs) == 0 {
		e.Details = []Tx{{Amount: e.Amount}}
		p.stmt.Entries = append(p.stmt.Entries, e)
		return handOver(p.file, p.stmt, p.opt)
	}
	e.Details = make([]Tx, len(n.txs))
	var sum money.Cents
	for i, t := range n.txs {
		mark := t.mark
		if mark == "" {
			mark = n.mark
		}
		switch {
		case t.hasAmt:
			t.tx.Amount = signed(t.amount, mark)
		case len(n.txs) == 1:
			t.tx.Amount = e.Amount
		default:
			p.stmt.warn(Warning{MsgID: WarnLenientValue, Path: t.path, Detail: "a transaction of a batch has no amount"})
		}
		sum += t.tx.Amount
		// The counterparty of money coming in is the debtor, of money going out the
		// creditor; a reversal undoes the opposite direction.
		incoming := (mark == "CRDT") != e.Reversal
		first, second := t.cdtr, t.dbtr
		if incoming {
			first, second = t.dbtr, t.cdtr
		}
		if first.empty() {
			first = second
		}
		t.tx.Counterparty = first
		e.Details[i] = t.tx
	}
	if len(n.txs) > 1 && sum != e.Amount {
		p.stmt.warn(Warning{MsgID: WarnTxAmountsDiffer, Path: e.Path,
			Detail: fmt.Sprintf("transactions add up to %s, the entry is %s", sum, e.Amount)})
	}
	p.stmt.Entries = append(p.stmt.Entries, e)
	return handOver(p.file, p.stmt, p.opt)
}

func signed(c money.Cents, mark string) money.Cents {
	if mark == "DBIT" {
		return -c
	}
	return c
}

func (p *camtParser) amount(v string) (money.Cents, error) {
	c, _, ok := parseAmount(v, '.')
	if !ok {
		return 0, p.fail(ErrAmount, quote(v)+" is not an amount")
	}
	return c, nil
}

func (p *camtParser) mark(v string) (string, error) {
	switch v {
	case "CRDT", "DBIT":
		return v, nil
	}
	if u := strings.ToUpper(v); u == "CRDT" || u == "DBIT" {
		p.warn("credit/debit indicator " + quote(v) + " read as " + u)
		return u, nil
	}
	return "", p.fail(ErrMark, quote(v)+" is neither CRDT nor DBIT")
}

func (p *camtParser) boolean(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, p.fail(ErrStructure, quote(v)+" is not true or false")
}

func (p *camtParser) date(withTime bool, v string) (civil.Date, error) {
	if withTime {
		if d, ok := parseISODateTime(v); ok {
			return d, nil
		}
		return civil.Date{}, p.fail(ErrDate, quote(v)+" is not a date and time")
	}
	if d, ok := parseISODate(v); ok {
		return d, nil
	}
	return civil.Date{}, p.fail(ErrDate, quote(v)+" is not a date")
}

// currency upper-cases a currency code, warning when it had to.
func (p *camtParser) currency(v string) string {
	v = strings.TrimSpace(v)
	u := strings.ToUpper(v)
	if len(u) != 3 || !allUpperLetters(u) || u != v {
		p.warn("currency " + quote(v) + " is not an ISO 4217 code")
	}
	return u
}

func (p *camtParser) bic(v string) string {
	b := nl.NormalizeBIC(v)
	if nl.ValidateBIC(b) != nil {
		p.warn(quote(v) + " is not a valid BIC")
	}
	return b
}

// max35 keeps a reference longer than the 35 characters ISO allows, with a warning.
func (p *camtParser) max35(v string) string {
	if len([]rune(v)) > 35 {
		p.warn(quote(v) + " is longer than 35 characters")
	}
	return v
}

// warn records a lenient reading at the current element.
func (p *camtParser) warn(detail string) {
	if p.stmt == nil {
		return
	}
	p.stmt.warn(Warning{MsgID: WarnLenientValue, Path: p.elementPath(), Detail: detail})
}

func (p *camtParser) fail(msgID, detail string) error {
	return &ParseError{Path: p.elementPath(), MsgID: msgID, Detail: detail}
}

// elementPath names the current element with the positions of its statement,
// entry and transaction: Document/BkToCstmrStmt/Stmt[2]/Ntry[1]/BookgDt/Dt.
func (p *camtParser) elementPath() string {
	var b strings.Builder
	for i, name := range p.names {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(name)
		switch {
		case i == 2 && name == "Stmt":
			fmt.Fprintf(&b, "[%d]", p.stmtN)
		case i == 3 && name == "Ntry":
			fmt.Fprintf(&b, "[%d]", p.ntryN)
		case i == 5 && name == "TxDtls":
			fmt.Fprintf(&b, "[%d]", p.txN)
		}
	}
	return b.String()
}
