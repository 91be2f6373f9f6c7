package reconcile_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

const ownIBAN = "NL91ABNA0417164300"

// invoice posts an invoice of amount on a lease, due on due, and returns
// its id, number and betalingskenmerk.
func invoice(t *testing.T, o *apptest.Org, leaseID int64, amount money.Cents, due civil.Date) (int64, string, string) {
	t.Helper()
	var p ledger.Posted
	err := o.DB.InOrg(context.Background(), o.Owner.OrgID, func(tx *db.Tx) error {
		ps, err := ledger.PostTx(context.Background(), tx, []ledger.Draft{{LeaseID: leaseID, IssueDate: due.AddDays(-14), DueDate: due,
			Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: due, To: due.AddDays(27), Net: amount}}}},
			db.TS(o.Clock.Now()), o.Owner.UserID)
		if err == nil {
			p = ps[0]
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := o.Ledger.Invoice(context.Background(), o.Owner, p.InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	return inv.ID, inv.Number, inv.Kenmerk
}

func openOf(t *testing.T, o *apptest.Org, invoiceID int64) money.Cents {
	t.Helper()
	inv, err := o.Ledger.Invoice(context.Background(), o.Owner, invoiceID)
	if err != nil {
		t.Fatal(err)
	}
	return inv.Open
}

func addAccount(t *testing.T, o *apptest.Org, a account.Actor) {
	t.Helper()
	if _, err := o.Bank.AddAccount(context.Background(), a, bank.AccountInput{IBAN: ownIBAN, Name: "Vastgoed Alfa"}); err != nil {
		t.Fatal(err)
	}
}

// tx is one transaction of a test statement.
type tx struct {
	amount     money.Cents // credit positive
	kenmerk    string
	remittance string
	iban, name string
	e2e        string
	reason     string
	day        civil.Date
}

// camt writes a camt.053.001.02 statement of ownIBAN with one entry per tx.
func camt(id string, txs ...tx) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>` + id + `</MsgId>
<CreDtTm>2020-01-01T00:00:00</CreDtTm></GrpHdr><Stmt><Id>` + id + `</Id><CreDtTm>2020-01-01T00:00:00</CreDtTm>
<Acct><Id><IBAN>` + ownIBAN + `</IBAN></Id><Ccy>EUR</Ccy></Acct>`)
	for i, t := range txs {
		mark, amt := "CRDT", t.amount
		if amt < 0 {
			mark, amt = "DBIT", -amt
		}
		fmt.Fprintf(&b, `<Ntry><NtryRef>%s-%d</NtryRef><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%s</Dt></ValDt><AcctSvcrRef>%s-%d</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls>`, id, i, amountText(amt), mark, t.day, t.day, id, i)
		if t.e2e != "" {
			fmt.Fprintf(&b, `<Refs><EndToEndId>%s</EndToEndId></Refs>`, t.e2e)
		}
		fmt.Fprintf(&b, `<AmtDtls><TxAmt><Amt Ccy="EUR">%s</Amt></TxAmt></AmtDtls>`, amountText(amt))
		if t.iban != "" {
			party := "Dbtr"
			acct := "DbtrAcct"
			if mark == "DBIT" {
				party, acct = "Cdtr", "CdtrAcct"
			}
			fmt.Fprintf(&b, `<RltdPties><%s><Nm>%s</Nm></%s><%s><Id><IBAN>%s</IBAN></Id></%s></RltdPties>`, party, t.name, party, acct, t.iban, acct)
		}
		if t.kenmerk != "" || t.remittance != "" {
			b.WriteString(`<RmtInf>`)
			if t.remittance != "" {
				fmt.Fprintf(&b, `<Ustrd>%s</Ustrd>`, t.remittance)
			}
			if t.kenmerk != "" {
				fmt.Fprintf(&b, `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp><Ref>%s</Ref></CdtrRefInf></Strd>`, t.kenmerk)
			}
			b.WriteString(`</RmtInf>`)
		}
		if t.reason != "" {
			fmt.Fprintf(&b, `<RtrInf><Rsn><Cd>%s</Cd></Rsn></RtrInf>`, t.reason)
		}
		b.WriteString(`</TxDtls></NtryDtls></Ntry>`)
	}
	b.WriteString(`</Stmt></BkToCstmrStmt></Document>`)
	return b.String()
}

func amountText(c money.Cents) string { return fmt.Sprintf("%d.%02d", int64(c)/100, int64(c)%100) }
