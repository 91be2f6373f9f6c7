package sepa

import (
	"cmp"
	"slices"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
)

// DirectDebitVersion is the pain.008 version of a file.
type DirectDebitVersion string

// The pain.008 versions HMS writes. Every Dutch bank takes .02; ABN AMRO
// offers .08 since March 2024 (DOMAIN §5.1). The zero value means .02.
const (
	Pain008V02 DirectDebitVersion = "pain.008.001.02"
	Pain008V08 DirectDebitVersion = "pain.008.001.08"
)

// Sequence is the sequence type of a SEPA direct debit (DOMAIN §5.3).
type Sequence string

// The sequence types. Since rulebook 9.0 a recurrent mandate may be
// collected as RCUR from the start; FRST remains valid.
const (
	First     Sequence = "FRST"
	Recurrent Sequence = "RCUR"
	Final     Sequence = "FNAL"
	OneOff    Sequence = "OOFF"
)

// sequenceOrder orders the blocks of a file with the same date.
var sequenceOrder = map[Sequence]int{First: 1, Recurrent: 2, Final: 3, OneOff: 4}

// Collection is one direct-debit file: the creditor (the landlord, with the
// incassant ID of its incassocontract) and the debits to collect.
type Collection struct {
	Version   DirectDebitVersion
	MessageID string
	// CreatedAt is when the batch was made, as the caller's clock says; the
	// file carries it, so the same batch always gives the same bytes.
	CreatedAt      time.Time
	Creditor       Creditor
	CollectionDate civil.Date
	Debits         []Debit
}

// Creditor is who collects: its account and SEPA creditor identifier.
type Creditor struct {
	Name       string
	IBAN       string
	BIC        string // optional
	CreditorID string
}

// Debit is one direct debit.
type Debit struct {
	// EndToEndID is unique within the file (and should be for the creditor):
	// the debtor's bank reports it back on a refund or return.
	EndToEndID string
	Amount     money.Cents
	Mandate    Mandate
	Sequence   Sequence
	Debtor     Party
	// CollectionDate, when set, overrides the collection's date; debits are
	// grouped into one block per sequence type and date.
	CollectionDate civil.Date
	// Kenmerk (a betalingskenmerk, sent structured with issuer CUR) or
	// Remittance (free text, at most 140 characters are kept): one of them.
	Kenmerk    string
	Remittance string
}

// Mandate is the debtor's SEPA mandate (machtiging).
type Mandate struct {
	ID       string
	SignedOn civil.Date
	// Amendment is set on the first collection after the mandate changed.
	Amendment *Amendment
}

// Amendment says what a mandate was before it changed; give what changed.
type Amendment struct {
	// OriginalID is the mandate's previous id (machtigingskenmerk).
	OriginalID string
	// OriginalIBAN is the debtor's previous IBAN. The file does not repeat
	// it: a changed debtor account is flagged SMNDA (Same Mandate New Debtor
	// Account) in OrgnlDbtrAcct, as the Dutch guidelines ask (DOMAIN §5.2).
	OriginalIBAN string
	// OriginalCreditorID is the creditor identifier the mandate was given to.
	OriginalCreditorID string
}

type debitGroup struct {
	seq  Sequence
	date civil.Date
	idx  []int
}

// DirectDebit checks c and prepares its pain.008 file. What is wrong comes
// back as validation.Errors; nothing is half written.
func DirectDebit(c Collection) (*File, error) {
	version := cmp.Or(c.Version, Pain008V02)
	ck := checker{errs: validation.Errors{}}
	if version != Pain008V02 && version != Pain008V08 {
		ck.errs.Add("version", MsgVersion)
	}
	created := ck.header(c.MessageID, c.CreatedAt)
	today := civil.Today(c.CreatedAt)
	cdtr := Creditor{
		Name: ck.name(top("creditor.name"), c.Creditor.Name), IBAN: ck.iban(top("creditor.iban"), c.Creditor.IBAN),
		BIC: ck.bic(top("creditor.bic"), c.Creditor.BIC), CreditorID: ck.creditorID(top("creditor.creditor_id"), c.Creditor.CreditorID),
	}
	if len(c.Debits) == 0 {
		ck.errs.Add("debits", MsgEmpty)
	}
	usesDefault := slices.ContainsFunc(c.Debits, func(d Debit) bool { return d.CollectionDate.IsZero() })
	if usesDefault || !c.CollectionDate.IsZero() {
		ck.date(top("collection_date"), c.CollectionDate, today)
	}
	txs := make([]xDirectDebitT, len(c.Debits))
	type groupKey struct {
		date civil.Date
		seq  Sequence
	}
	groups := map[groupKey]*debitGroup{}
	// One scheme id for every debit of a .02 file: the encoder only reads it.
	txScheme := creditorScheme(cdtr.CreditorID)
	seen := make(map[string]bool, len(c.Debits))
	bicfi := version == Pain008V08
	var total money.Cents
	for i, d := range c.Debits {
		f := item("debits", i)
		ck.id(f.dot("end_to_end_id"), d.EndToEndID)
		if seen[d.EndToEndID] {
			ck.add(f.dot("end_to_end_id"), MsgIDDuplicate)
		}
		seen[d.EndToEndID] = true
		if ck.amount(f.dot("amount"), d.Amount) {
			total = ck.total(top("debits"), total, d.Amount)
		}
		if _, ok := sequenceOrder[d.Sequence]; !ok {
			ck.add(f.dot("sequence"), MsgSequence)
		}
		date := d.CollectionDate
		if date.IsZero() {
			date = c.CollectionDate
		} else {
			ck.date(f.dot("collection_date"), date, today)
		}
		debtor := ck.party(f.dot("debtor"), d.Debtor)
		mandate := ck.mandate(f.dot("mandate"), d.Mandate, date, debtor.IBAN, cdtr.CreditorID)
		kenmerk, text := ck.remittance(f, d.Kenmerk, d.Remittance)
		txs[i] = xDirectDebitT{
			EndToEndID: d.EndToEndID,
			InstdAmt:   xAmount{Ccy: "EUR", Value: d.Amount.String()},
			Mandate:    mandate,
			DbtrAgt:    agent(debtor.BIC, bicfi),
			Dbtr:       xParty{Nm: debtor.Name},
			DbtrAcct:   iban(debtor.IBAN),
			RmtInf:     remittance(kenmerk, text),
		}
		if version == Pain008V02 {
			// The Dutch banks' .02 examples carry the incassant ID per debit.
			txs[i].SchemeID = txScheme
		}
		key := groupKey{date, d.Sequence}
		g := groups[key]
		if g == nil {
			g = &debitGroup{seq: d.Sequence, date: date}
			groups[key] = g
		}
		g.idx = append(g.idx, i)
	}
	if err := ck.errs.Err(); err != nil {
		return nil, err
	}

	ordered := make([]*debitGroup, 0, len(groups))
	for _, g := range groups {
		ordered = append(ordered, g)
	}
	slices.SortFunc(ordered, func(a, b *debitGroup) int {
		return cmp.Or(a.date.Compare(b.date), cmp.Compare(sequenceOrder[a.seq], sequenceOrder[b.seq]))
	})
	file := &File{doc: document(string(version)), Transactions: len(txs), Total: total}
	dd := &xDirectDebit{GrpHdr: xGroupHeader{
		MsgID: c.MessageID, CreDtTm: created, NbOfTxs: len(txs), CtrlSum: total.String(), InitgPty: xParty{Nm: cdtr.Name},
	}}
	for n, g := range ordered {
		b := Batch{ID: batchID(c.MessageID, n+1), Sequence: g.seq, Date: g.date, Transactions: len(g.idx)}
		pi := xDirectDebitPI{
			PmtInfID: b.ID, PmtMtd: "DD", NbOfTxs: len(g.idx),
			PmtTpInf:     xPaymentType{SvcLvl: xCode{"SEPA"}, LclInstrm: &xCode{"CORE"}, SeqTp: string(g.seq)},
			ReqdColltnDt: g.date.String(),
			Cdtr:         xParty{Nm: cdtr.Name},
			CdtrAcct:     iban(cdtr.IBAN),
			CdtrAgt:      agent(cdtr.BIC, bicfi),
			ChrgBr:       "SLEV",
			Txs:          make([]xDirectDebitT, len(g.idx)),
		}
		if version == Pain008V08 {
			pi.CdtrSchmeID = creditorScheme(cdtr.CreditorID)
		}
		for j, i := range g.idx {
			pi.Txs[j] = txs[i]
			b.Total += c.Debits[i].Amount // within total, which did not overflow
		}
		pi.CtrlSum = b.Total.String()
		dd.PmtInf = append(dd.PmtInf, pi)
		file.Batches = append(file.Batches, b)
	}
	file.doc.DirectDebit = dd
	return file, nil
}

// mandate checks a debit's mandate and returns its MndtRltdInf.
func (c *checker) mandate(at field, m Mandate, collect civil.Date, debtorIBAN, creditorID string) xMandate {
	c.id(at.dot("id"), m.ID)
	switch {
	case m.SignedOn.IsZero():
		c.add(at.dot("signed_on"), MsgDateRequired)
	case !collect.IsZero() && m.SignedOn.After(collect):
		c.add(at.dot("signed_on"), MsgSignedOn)
	}
	x := xMandate{MndtID: m.ID, DtOfSgntr: c.isoDate(m.SignedOn)}
	a := m.Amendment
	if a == nil {
		return x
	}
	f := at.dot("amendment")
	x.AmdmntInd = true
	x.AmdmntInfDtls = &xAmendment{}
	if a.OriginalID == "" && a.OriginalIBAN == "" && a.OriginalCreditorID == "" {
		c.add(f, MsgAmendmentEmpty)
	}
	if a.OriginalID != "" {
		c.id(f.dot("original_id"), a.OriginalID)
		if a.OriginalID == m.ID {
			c.add(f.dot("original_id"), MsgAmendmentNothing)
		}
		x.AmdmntInfDtls.OrgnlMndtID = a.OriginalID
	}
	if a.OriginalCreditorID != "" {
		id := c.creditorID(f.dot("original_creditor_id"), a.OriginalCreditorID)
		if id == creditorID {
			c.add(f.dot("original_creditor_id"), MsgAmendmentNothing)
		}
		x.AmdmntInfDtls.OrgnlCdtrSchmeID = creditorScheme(id)
	}
	if a.OriginalIBAN != "" {
		if c.iban(f.dot("original_iban"), a.OriginalIBAN) == debtorIBAN {
			c.add(f.dot("original_iban"), MsgAmendmentNothing)
		}
		x.AmdmntInfDtls.OrgnlDbtrAcct = &xAccount{ID: xAccountID{Other: &xOther{ID: "SMNDA"}}}
	}
	return x
}
