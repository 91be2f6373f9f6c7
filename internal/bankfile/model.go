package bankfile

import (
	"hms/internal/money"
	"hms/internal/platform/civil"
)

// Format names the kind of file that was read.
type Format string

// The formats [Parse] reads.
const (
	FormatCamt053 Format = "camt.053"
	FormatMT940   Format = "mt940"
)

// File is one bank file: one or more statements.
type File struct {
	Format Format
	// Version is the camt message version from the namespace (e.g.
	// "camt.053.001.02"); empty for MT940 or a camt file without a namespace.
	Version    string
	Statements []Statement
}

// Statement is one account statement: a day (MT940, most camt files) or a period.
type Statement struct {
	// Account is the IBAN (normalised: no spaces, upper case) when the bank gives one,
	// else the account number as written (old MT940 layouts).
	Account  string
	BIC      string // of the account's bank, when the file says it
	Currency string // ISO 4217 code of the account
	// ID is camt Stmt/Id or MT940 :20: (the bank's reference of the statement);
	// Sequence is camt LglSeqNb (else ElctrncSeqNb) or MT940 :28C: (statement/page).
	ID, Sequence string
	// From and To are camt FrToDt; for MT940 the dates of the opening and the closing
	// balance. Either may be zero when the file does not say.
	From, To         civil.Date
	Opening, Closing Balance
	Entries          []Entry
	// Count is the number of entries in the statement, also when they were
	// handed to Options.Entries instead of kept.
	Count int
	// Info is text for the account owner about the whole statement (camt
	// AddtlStmtInf, MT940 :86: outside an entry).
	Info     string
	Warnings []Warning

	booked   money.Cents // booked entries handed over so far (Options.Entries)
	firstCcy string      // currency of the first entry
}

// Balance is an opening or closing booked balance.
type Balance struct {
	Present bool        // false: the file has no such balance
	Amount  money.Cents // credit positive, debit (overdrawn) negative
	Date    civil.Date
	// Intermediate is set for an MT940 :60M:/:62M: balance (a statement continued
	// on the next page) and camt ITBD.
	Intermediate bool
	Currency     string
}

// Entry is one booking on the account.
type Entry struct {
	BookingDate, ValueDate civil.Date
	// Amount is what the booking did to the balance: credit positive, debit negative.
	// A reversal is signed by its own direction (RC, a reversed credit, is negative).
	Amount   money.Cents
	Currency string
	Reversal bool
	// Status is the camt entry status (BOOK, PDNG, INFO); empty for MT940. Only
	// booked entries count towards the closing balance.
	Status string
	// BankRef is the reference for the account owner: camt NtryRef, MT940 :61:
	// subfield 7 (NONREF, EREF, a betalingskenmerk …). AccountServicerRef is the
	// bank's own reference: camt AcctSvcrRef, MT940 :61: after "//".
	BankRef, AccountServicerRef string
	BankTxCode                  TxCode
	// BatchRef is the payment information id of a batch (camt Btch/PmtInfId,
	// MT940 /PREF/); BatchCount the number of transactions it holds (camt NbOfTxs,
	// MT940 /NRTX/ or ING "TOTAAL n POSTEN"), 0 when unknown.
	BatchRef   string
	BatchCount int
	// Info is free text about the entry: camt AddtlNtryInf, MT940 :61: supplementary
	// details that are not a counterparty (ING's /TRCD/…).
	Info string
	// Details holds every transaction of the entry, at least one. A batch-booked camt
	// entry keeps each TxDtls as its own Tx with its own amount; MT940 has one.
	Details []Tx
	// Line is the MT940 line of :61:; Path the camt element path of Ntry.
	Line int
	Path string
}

// TxCode is the bank transaction code of an entry.
type TxCode struct {
	Domain, Family, SubFamily string // ISO 20022 (camt BkTxCd/Domn), e.g. PMNT/RCDT/ESCT
	// Proprietary is the bank's own code (camt BkTxCd/Prtry/Cd, e.g. Rabobank 541), or
	// the MT940 :61: transaction type (NTRF, N654); Issuer is camt Prtry/Issr, or
	// "SWIFT" for MT940.
	Proprietary, Issuer string
}

// Tx is one transaction inside an entry.
type Tx struct {
	// Amount is signed like the entry (for a batch each transaction's own amount).
	Amount     money.Cents
	EndToEndID string // "NOTPROVIDED" is read as empty
	MandateID  string
	CreditorID string // incassant ID of a direct debit
	// CreditorRef is a structured reference: a betalingskenmerk (issuer CUR) or an
	// ISO 11649 RF reference (issuer ISO).
	CreditorRef  CreditorRef
	Remittance   string // unstructured remittance text
	Counterparty Party
	ReturnReason string // ISO reason of a return, refund or reject, e.g. AM04, MS03
	// Kind is the bank's description of the transaction type, e.g. ABN AMRO /TRTP/
	// "SEPA OVERBOEKING", ING /BUSP/.
	Kind string
	Info string // camt AddtlTxInf
}

// CreditorRef is a structured creditor reference.
type CreditorRef struct {
	Ref    string
	Issuer string // CUR for a betalingskenmerk, ISO for RF, or what the bank wrote
	Type   string // SCOR when given
}

// Party is the other side of a transaction.
type Party struct {
	Name string
	IBAN string // only a well-formed IBAN; anything else is in Account
	BIC  string
	// Account is an account number that is not a valid IBAN (old Dutch numbers,
	// giro numbers "P…", or an IBAN whose check fails, with a warning).
	Account string
	City    string
}

// Options steer [Parse].
type Options struct {
	// Today is the date dates in the file are compared with: a later date gets a
	// warning. Zero: no check.
	Today civil.Date
	// MaxBytes bounds the input; zero means DefaultMaxBytes.
	MaxBytes int64
	// Entries, when set, takes each statement's entries while the file is
	// read, instead of the statement keeping them, so that a camt.053 of any
	// size is read in flat memory: at most EntriesPerBatch at a time, and once
	// more (last, perhaps with none) when the statement ends, st then complete
	// with its balances and warnings. Before that st is the statement as read
	// so far; a camt.053 gives its identification, account and balances before
	// its entries (the schema's order). An MT940 statement comes whole at its
	// end. Parse then returns the statements without their entries, and an
	// error from Entries ends the reading with that error.
	Entries func(f *File, st *Statement, entries []Entry, last bool) error
}

// EntriesPerBatch is how many entries Options.Entries takes at most at a time.
const EntriesPerBatch = 500

// DefaultMaxBytes is the input limit when Options.MaxBytes is zero.
const DefaultMaxBytes = 256 << 20
