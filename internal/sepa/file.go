package sepa

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
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
	errs validation.Errors
}

func (c *checker) id(field, s string) {
	if !validID(s) {
		c.errs.Add(field, MsgID)
	}
}

// name returns s reduced to the SEPA character set and cut to the length of
// a name, or adds an error when nothing of it is left.
func (c *checker) name(field, s string) string {
	n := Text(s, maxName)
	if n == "" {
		c.errs.Add(field, MsgName)
	}
	return n
}

func (c *checker) iban(field, s string) string {
	if err := nl.ValidateIBAN(s); err != nil {
		c.errs.Add(field, MsgIBAN)
	}
	return nl.NormalizeIBAN(s)
}

// bic checks an optional BIC.
func (c *checker) bic(field, s string) string {
	n := nl.NormalizeBIC(s)
	if n != "" && nl.ValidateBIC(n) != nil {
		c.errs.Add(field, MsgBIC)
	}
	return n
}

func (c *checker) creditorID(field, s string) string {
	if err := nl.ValidateCreditorID(s); err != nil {
		c.errs.Add(field, MsgCreditorID)
	}
	return nl.NormalizeCreditorID(s)
}

func (c *checker) party(field string, p Party) Party {
	return Party{Name: c.name(field+".name", p.Name), IBAN: c.iban(field+".iban", p.IBAN), BIC: c.bic(field+".bic", p.BIC)}
}

func (c *checker) amount(field string, a money.Cents) {
	switch {
	case a <= 0:
		c.errs.Add(field, MsgAmountPositive)
	case a > MaxAmount:
		c.errs.Add(field, MsgAmountTooLarge)
	}
}

// remittance checks a kenmerk and free text, of which a transaction carries
// one, and returns them cleaned.
func (c *checker) remittance(field, kenmerk, text string) (string, string) {
	k := strings.Join(strings.Fields(kenmerk), "")
	t := Text(text, maxRemittance)
	switch {
	case k != "" && nl.ValidateKenmerk(k) != nil:
		c.errs.Add(field+".kenmerk", MsgKenmerk)
	case k != "" && t != "":
		c.errs.Add(field+".remittance", MsgRemittanceOneOf)
	}
	return k, t
}

// date checks that d is given and not before the day the file is made.
func (c *checker) date(field string, d, created civil.Date) {
	switch {
	case d.IsZero():
		c.errs.Add(field, MsgDateRequired)
	case d.Before(created):
		c.errs.Add(field, MsgDatePast)
	}
}

// header checks the message id and creation time and returns the time as
// the file writes it.
func (c *checker) header(msgID string, created time.Time) string {
	c.id("message_id", msgID)
	if created.IsZero() {
		c.errs.Add("created_at", MsgCreatedAt)
		return ""
	}
	return created.In(amsterdam).Format("2006-01-02T15:04:05")
}

// total adds a to sum, or reports that the file's total is out of range.
func (c *checker) total(field string, sum, a money.Cents) money.Cents {
	s, err := money.Add(sum, a)
	if err != nil {
		c.errs.Add(field, MsgTotalTooLarge)
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
