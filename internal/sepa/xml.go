package sepa

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
)

// The structs below are the parts of pain.008 and pain.001 that HMS writes,
// in schema order. Both versions of each message share them: a field that
// exists in one version only is left empty (and so omitted) in the other.

type xDocument struct {
	XMLName     xml.Name
	DirectDebit *xDirectDebit    `xml:"CstmrDrctDbtInitn,omitempty"`
	Transfer    *xCreditTransfer `xml:"CstmrCdtTrfInitn,omitempty"`
}

type xGroupHeader struct {
	MsgID    string `xml:"MsgId"`
	CreDtTm  string `xml:"CreDtTm"`
	NbOfTxs  int    `xml:"NbOfTxs"`
	CtrlSum  string `xml:"CtrlSum"`
	InitgPty xParty `xml:"InitgPty"`
}

// xParty is a name, or (for a creditor scheme identification) an id.
type xParty struct {
	Nm string     `xml:"Nm,omitempty"`
	ID *xSchemeID `xml:"Id>PrvtId>Othr,omitempty"`
}

// xSchemeID is the SEPA creditor identifier in its private-id wrapping.
type xSchemeID struct {
	ID    string `xml:"Id"`
	Prtry string `xml:"SchmeNm>Prtry"`
}

func creditorScheme(id string) *xParty {
	return &xParty{ID: &xSchemeID{ID: id, Prtry: "SEPA"}}
}

// xAccount is an account by IBAN, or by another id (SMNDA in an amendment).
type xAccount struct {
	ID xAccountID `xml:"Id"`
}

type xAccountID struct {
	IBAN  string  `xml:"IBAN,omitempty"`
	Other *xOther `xml:"Othr,omitempty"`
}

type xOther struct {
	ID string `xml:"Id"`
}

func iban(s string) xAccount { return xAccount{ID: xAccountID{IBAN: s}} }

// xAgent is a bank: its BIC (BICFI from the 2019 versions on), or
// NOTPROVIDED where the schema needs an agent and the BIC is not known.
type xAgent struct {
	FinInstnID xInstitution `xml:"FinInstnId"`
}

type xInstitution struct {
	BIC   string  `xml:"BIC,omitempty"`
	BICFI string  `xml:"BICFI,omitempty"`
	Other *xOther `xml:"Othr,omitempty"`
}

func agent(bic string, bicfi bool) xAgent {
	switch {
	case bic == "":
		return xAgent{xInstitution{Other: &xOther{ID: "NOTPROVIDED"}}}
	case bicfi:
		return xAgent{xInstitution{BICFI: bic}}
	default:
		return xAgent{xInstitution{BIC: bic}}
	}
}

type xAmount struct {
	Ccy   string `xml:"Ccy,attr"`
	Value string `xml:",chardata"`
}

type xPaymentType struct {
	SvcLvl    xCode  `xml:"SvcLvl"`
	LclInstrm *xCode `xml:"LclInstrm,omitempty"`
	SeqTp     string `xml:"SeqTp,omitempty"`
}

type xCode struct {
	Cd string `xml:"Cd"`
}

type xRemittance struct {
	Ustrd string       `xml:"Ustrd,omitempty"`
	Strd  *xStructured `xml:"Strd,omitempty"`
}

type xStructured struct {
	Cd   string `xml:"CdtrRefInf>Tp>CdOrPrtry>Cd"`
	Issr string `xml:"CdtrRefInf>Tp>Issr"`
	Ref  string `xml:"CdtrRefInf>Ref"`
}

// remittance is the RmtInf of a kenmerk (structured, Dutch issuer CUR) or of
// free text; nil when there is neither.
func remittance(kenmerk, text string) *xRemittance {
	switch {
	case kenmerk != "":
		return &xRemittance{Strd: &xStructured{Cd: "SCOR", Issr: "CUR", Ref: kenmerk}}
	case text != "":
		return &xRemittance{Ustrd: text}
	}
	return nil
}

type xDirectDebit struct {
	GrpHdr xGroupHeader     `xml:"GrpHdr"`
	PmtInf []xDirectDebitPI `xml:"PmtInf"`
}

type xDirectDebitPI struct {
	PmtInfID     string          `xml:"PmtInfId"`
	PmtMtd       string          `xml:"PmtMtd"`
	NbOfTxs      int             `xml:"NbOfTxs"`
	CtrlSum      string          `xml:"CtrlSum"`
	PmtTpInf     xPaymentType    `xml:"PmtTpInf"`
	ReqdColltnDt string          `xml:"ReqdColltnDt"`
	Cdtr         xParty          `xml:"Cdtr"`
	CdtrAcct     xAccount        `xml:"CdtrAcct"`
	CdtrAgt      xAgent          `xml:"CdtrAgt"`
	ChrgBr       string          `xml:"ChrgBr"`
	CdtrSchmeID  *xParty         `xml:"CdtrSchmeId,omitempty"`
	Txs          []xDirectDebitT `xml:"DrctDbtTxInf"`
}

type xDirectDebitT struct {
	EndToEndID string       `xml:"PmtId>EndToEndId"`
	InstdAmt   xAmount      `xml:"InstdAmt"`
	Mandate    xMandate     `xml:"DrctDbtTx>MndtRltdInf"`
	SchemeID   *xParty      `xml:"DrctDbtTx>CdtrSchmeId,omitempty"`
	DbtrAgt    xAgent       `xml:"DbtrAgt"`
	Dbtr       xParty       `xml:"Dbtr"`
	DbtrAcct   xAccount     `xml:"DbtrAcct"`
	RmtInf     *xRemittance `xml:"RmtInf,omitempty"`
}

type xMandate struct {
	MndtID        string      `xml:"MndtId"`
	DtOfSgntr     string      `xml:"DtOfSgntr"`
	AmdmntInd     bool        `xml:"AmdmntInd"`
	AmdmntInfDtls *xAmendment `xml:"AmdmntInfDtls,omitempty"`
}

type xAmendment struct {
	OrgnlMndtID      string    `xml:"OrgnlMndtId,omitempty"`
	OrgnlCdtrSchmeID *xParty   `xml:"OrgnlCdtrSchmeId,omitempty"`
	OrgnlDbtrAcct    *xAccount `xml:"OrgnlDbtrAcct,omitempty"`
}

type xCreditTransfer struct {
	GrpHdr xGroupHeader        `xml:"GrpHdr"`
	PmtInf []xCreditTransferPI `xml:"PmtInf"`
}

type xCreditTransferPI struct {
	PmtInfID    string             `xml:"PmtInfId"`
	PmtMtd      string             `xml:"PmtMtd"`
	NbOfTxs     int                `xml:"NbOfTxs"`
	CtrlSum     string             `xml:"CtrlSum"`
	PmtTpInf    xPaymentType       `xml:"PmtTpInf"`
	ReqdExctnDt xExecutionDate     `xml:"ReqdExctnDt"`
	Dbtr        xParty             `xml:"Dbtr"`
	DbtrAcct    xAccount           `xml:"DbtrAcct"`
	DbtrAgt     xAgent             `xml:"DbtrAgt"`
	ChrgBr      string             `xml:"ChrgBr"`
	Txs         []xCreditTransferT `xml:"CdtTrfTxInf"`
}

// xExecutionDate is a plain date up to pain.001.001.03 and a choice of
// date (Dt) or date-time from pain.001.001.09 on.
type xExecutionDate struct {
	Date string `xml:",chardata"`
	Dt   string `xml:"Dt,omitempty"`
}

type xCreditTransferT struct {
	EndToEndID string       `xml:"PmtId>EndToEndId"`
	InstdAmt   xAmount      `xml:"Amt>InstdAmt"`
	CdtrAgt    *xAgent      `xml:"CdtrAgt,omitempty"`
	Cdtr       xParty       `xml:"Cdtr"`
	CdtrAcct   xAccount     `xml:"CdtrAcct"`
	RmtInf     *xRemittance `xml:"RmtInf,omitempty"`
}

// encode writes doc as an indented UTF-8 XML file. encoding/xml writes
// struct fields in order and maps no keys, so equal documents give equal
// bytes.
func encode(w io.Writer, doc *xDocument) (int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	if _, err := bw.WriteString(xml.Header); err != nil {
		return cw.n, fmt.Errorf("write %s: %w", doc.XMLName.Space, err)
	}
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return cw.n, fmt.Errorf("write %s: %w", doc.XMLName.Space, err)
	}
	if err := bw.WriteByte('\n'); err != nil {
		return cw.n, fmt.Errorf("write %s: %w", doc.XMLName.Space, err)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("write %s: %w", doc.XMLName.Space, err)
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
