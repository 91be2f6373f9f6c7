package sepa

import (
	"cmp"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
)

// TransferVersion is the pain.001 version of a file.
type TransferVersion string

// The pain.001 versions HMS writes: .03 is the one every Dutch bank takes
// (Rabobank's Generic Payment File), .09 the ISO 2019 version (ABN AMRO from
// March 2024, DOMAIN §5.9). The zero value means .03.
const (
	Pain001V03 TransferVersion = "pain.001.001.03"
	Pain001V09 TransferVersion = "pain.001.001.09"
)

// Transfer is one credit-transfer file: payments out of the landlord's
// account, such as deposit refunds, settlement credits and overpayments.
type Transfer struct {
	Version   TransferVersion
	MessageID string
	// CreatedAt is when the batch was made, as the caller's clock says.
	CreatedAt     time.Time
	Debtor        Party
	ExecutionDate civil.Date
	Payments      []Payment
}

// Payment is one credit transfer.
type Payment struct {
	// EndToEndID is unique within the file; the payee's bank passes it on.
	EndToEndID string
	Amount     money.Cents
	Creditor   Party
	// Kenmerk (a betalingskenmerk, sent structured with issuer CUR) or
	// Remittance (free text, at most 140 characters are kept): one of them.
	Kenmerk    string
	Remittance string
}

// CreditTransfer checks t and prepares its pain.001 file. What is wrong
// comes back as validation.Errors.
func CreditTransfer(t Transfer) (*File, error) {
	version := cmp.Or(t.Version, Pain001V03)
	ck := checker{errs: validation.Errors{}}
	if version != Pain001V03 && version != Pain001V09 {
		ck.errs.Add("version", MsgVersion)
	}
	created := ck.header(t.MessageID, t.CreatedAt)
	debtor := ck.party(top("debtor"), t.Debtor)
	if len(t.Payments) == 0 {
		ck.errs.Add("payments", MsgEmpty)
	} else {
		ck.date(top("execution_date"), t.ExecutionDate, civil.Today(t.CreatedAt))
	}
	bicfi := version == Pain001V09
	txs := make([]xCreditTransferT, len(t.Payments))
	seen := make(map[string]bool, len(t.Payments))
	var total money.Cents
	for i, p := range t.Payments {
		f := item("payments", i)
		ck.id(f.dot("end_to_end_id"), p.EndToEndID)
		if seen[p.EndToEndID] {
			ck.add(f.dot("end_to_end_id"), MsgIDDuplicate)
		}
		seen[p.EndToEndID] = true
		if ck.amount(f.dot("amount"), p.Amount) {
			total = ck.total(top("payments"), total, p.Amount)
		}
		creditor := ck.party(f.dot("creditor"), p.Creditor)
		kenmerk, text := ck.remittance(f, p.Kenmerk, p.Remittance)
		txs[i] = xCreditTransferT{
			EndToEndID: p.EndToEndID,
			InstdAmt:   xAmount{Ccy: "EUR", Value: p.Amount.String()},
			Cdtr:       xParty{Nm: creditor.Name},
			CdtrAcct:   iban(creditor.IBAN),
			RmtInf:     remittance(kenmerk, text),
		}
		if creditor.BIC != "" {
			a := agent(creditor.BIC, bicfi)
			txs[i].CdtrAgt = &a
		}
	}
	if err := ck.errs.Err(); err != nil {
		return nil, err
	}

	batch := Batch{ID: batchID(t.MessageID, 1), Date: t.ExecutionDate, Transactions: len(txs), Total: total}
	pi := xCreditTransferPI{
		PmtInfID: batch.ID, PmtMtd: "TRF", NbOfTxs: len(txs), CtrlSum: total.String(),
		PmtTpInf: xPaymentType{SvcLvl: xCode{"SEPA"}},
		Dbtr:     xParty{Nm: debtor.Name},
		DbtrAcct: iban(debtor.IBAN),
		DbtrAgt:  agent(debtor.BIC, bicfi),
		ChrgBr:   "SLEV",
		Txs:      txs,
	}
	if version == Pain001V09 {
		pi.ReqdExctnDt.Dt = t.ExecutionDate.String()
	} else {
		pi.ReqdExctnDt.Date = t.ExecutionDate.String()
	}
	file := &File{doc: document(string(version)), Batches: []Batch{batch}, Transactions: len(txs), Total: total}
	file.doc.Transfer = &xCreditTransfer{
		GrpHdr: xGroupHeader{
			MsgID: t.MessageID, CreDtTm: created, NbOfTxs: len(txs), CtrlSum: total.String(), InitgPty: xParty{Nm: debtor.Name},
		},
		PmtInf: []xCreditTransferPI{pi},
	}
	return file, nil
}
