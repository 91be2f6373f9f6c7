package sepa

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
)

// Message ids of the sepa catalog (internal/platform/i18n/locales/sepa.*.json).
const (
	MsgVersion          = "sepa.version.unknown"
	MsgID               = "sepa.id.invalid"
	MsgIDDuplicate      = "sepa.end_to_end_id.duplicate"
	MsgCreatedAt        = "sepa.created_at.required"
	MsgName             = "sepa.name.empty"
	MsgIBAN             = "sepa.iban.invalid"
	MsgBIC              = "sepa.bic.invalid"
	MsgCreditorID       = "sepa.creditor_id.invalid"
	MsgKenmerk          = "sepa.kenmerk.invalid"
	MsgRemittanceOneOf  = "sepa.remittance.one_of"
	MsgDateRequired     = "sepa.date.required"
	MsgDatePast         = "sepa.date.past"
	MsgAmountPositive   = "sepa.amount.not_positive"
	MsgAmountTooLarge   = "sepa.amount.too_large"
	MsgTotalTooLarge    = "sepa.total.too_large"
	MsgEmpty            = "sepa.transactions.empty"
	MsgSequence         = "sepa.sequence.invalid"
	MsgSignedOn         = "sepa.mandate.signed_on"
	MsgAmendmentEmpty   = "sepa.amendment.empty"
	MsgAmendmentNothing = "sepa.amendment.unchanged"
)

// MaxAmount is the largest amount of one SEPA transaction, €999,999,999.99
// (EPC rulebooks, AT-06 and AT-04).
const MaxAmount money.Cents = 99_999_999_999

// File is a checked payment file, ready to be written. Its numbers are what
// the file says, for a page that shows them before the file is downloaded.
type File struct {
	doc          xDocument
	Batches      []Batch
	Transactions int
	Total        money.Cents
}

// Batch is one payment information block (PmtInf) of a file: the
// transactions of one sequence type and date.
type Batch struct {
	ID           string
	Sequence     Sequence // "" in a credit transfer
	Date         civil.Date
	Transactions int
	Total        money.Cents
}

// WriteTo writes the XML file to w.
func (f *File) WriteTo(w io.Writer) (int64, error) { return encode(w, &f.doc) }

// Bytes is the XML file.
func (f *File) Bytes() []byte {
	var b bytes.Buffer
	_, _ = f.WriteTo(&b) // a bytes.Buffer does not fail
	return b.Bytes()
}

// Party is an account holder: a debtor of a direct debit, the payer or a
// payee of a credit transfer. The BIC is optional within SEPA.
type Party struct {
	Name string
	IBAN string
	BIC  string
}

// amsterdam is the zone of the creation time in the file: Dutch banks read
// the time without offset as their local time.
var amsterdam = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return l
}()

// checker gathers the field errors of one file.
type checker struct {
	errs  validation.Errors
	dates map[civil.Date]string
}

// isoDate is d.String(), remembered: a file repeats few dates many times.
func (c *checker) isoDate(d civil.Date) string {
	s, ok := c.dates[d]
	if !ok {
		if c.dates == nil {
			c.dates = map[civil.Date]string{}
		}
		s = d.String()
		c.dates[d] = s
	}
	return s
}

func (c *checker) add(at field, msg string) { c.errs.Add(at.String(), msg) }

// field names an input field, such as "debits[3].debtor.iban". Its text is
// built only for an error: a file of 100,000 valid debits builds none.
type field struct {
	list  string // "debits"; "" for a field outside the lists
	index int
	path  [3]string
	depth int
}

func top(name string) field { return field{path: [3]string{name}, depth: 1} }

func item(list string, index int) field { return field{list: list, index: index} }

func (f field) dot(name string) field {
	f.path[f.depth] = name
	f.depth++
	return f
}

func (f field) String() string {
	parts := f.path[:f.depth]
	if f.list != "" {
		return f.list + "[" + strconv.Itoa(f.index) + "]." + strings.Join(parts, ".")
	}
	return strings.Join(parts, ".")
}

func (c *checker) id(at field, s string) {
	if !validID(s) {
		c.add(at, MsgID)
	}
}

// name returns s reduced to the SEPA character set and cut to the length of
// a name, or adds an error when nothing of it is left.
func (c *checker) name(at field, s string) string {
	n := Text(s, maxName)
	if n == "" {
		c.add(at, MsgName)
	}
	return n
}

func (c *checker) iban(at field, s string) string {
	if err := nl.ValidateIBAN(s); err != nil {
		c.add(at, MsgIBAN)
	}
	return nl.NormalizeIBAN(s)
}

// bic checks an optional BIC.
func (c *checker) bic(at field, s string) string {
	n := nl.NormalizeBIC(s)
	if n != "" && nl.ValidateBIC(n) != nil {
		c.add(at, MsgBIC)
	}
	return n
}

func (c *checker) creditorID(at field, s string) string {
	if err := nl.ValidateCreditorID(s); err != nil {
		c.add(at, MsgCreditorID)
	}
	return nl.NormalizeCreditorID(s)
}

func (c *checker) party(at field, p Party) Party {
	return Party{Name: c.name(at.dot("name"), p.Name), IBAN: c.iban(at.dot("iban"), p.IBAN), BIC: c.bic(at.dot("bic"), p.BIC)}
}

// amount reports whether a can be paid in one SEPA transaction.
func (c *checker) amount(at field, a money.Cents) bool {
	switch {
	case a <= 0:
		c.add(at, MsgAmountPositive)
	case a > MaxAmount:
		c.add(at, MsgAmountTooLarge)
	default:
		return true
	}
	return false
}

// remittance checks a kenmerk and free text, of which a transaction carries
// one, and returns them cleaned.
func (c *checker) remittance(at field, kenmerk, text string) (string, string) {
	k := strings.Join(strings.Fields(kenmerk), "")
	t := Text(text, maxRemittance)
	switch {
	case k != "" && nl.ValidateKenmerk(k) != nil:
		c.add(at.dot("kenmerk"), MsgKenmerk)
	case k != "" && t != "":
		c.add(at.dot("remittance"), MsgRemittanceOneOf)
	}
	return k, t
}

// date checks that d is given and not before the day the file is made.
func (c *checker) date(at field, d, created civil.Date) {
	switch {
	case d.IsZero():
		c.add(at, MsgDateRequired)
	case d.Before(created):
		c.add(at, MsgDatePast)
	}
}

// header checks the message id and creation time and returns the time as
// the file writes it.
func (c *checker) header(msgID string, created time.Time) string {
	c.id(top("message_id"), msgID)
	if created.IsZero() {
		c.errs.Add("created_at", MsgCreatedAt)
		return ""
	}
	return created.In(amsterdam).Format("2006-01-02T15:04:05")
}

// total adds a to sum, or reports that the file's total is out of range.
func (c *checker) total(at field, sum, a money.Cents) money.Cents {
	s, err := money.Add(sum, a)
	if err != nil {
		c.add(at, MsgTotalTooLarge)
	}
	return s
}

// batchID names the n-th (from 1) payment information block: the message
// id, shortened where needed, and the number.
func batchID(msgID string, n int) string {
	suffix := fmt.Sprintf("-%d", n)
	return msgID[:min(len(msgID), maxID-len(suffix))] + suffix
}

func document(namespace string) xDocument {
	return xDocument{XMLName: xml.Name{Space: "urn:iso:std:iso:20022:tech:xsd:" + namespace, Local: "Document"}}
}
