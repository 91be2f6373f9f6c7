package sepa

import (
	"bytes"
	"maps"
	"testing"

	"hms/internal/money"
	"hms/internal/platform/validation"
)

// refunds pays back a deposit, a settlement credit (with the invoice's
// kenmerk) and an overpayment to a payee abroad without a BIC.
func refunds() Transfer {
	return Transfer{
		MessageID:     "HMS-PAY-2026-0042",
		CreatedAt:     created,
		Debtor:        Party{Name: "Vastgoed Sánchez & Dijkstra B.V.", IBAN: "NL91ABNA0417164300", BIC: "ABNANL2A"},
		ExecutionDate: date("2026-03-23"),
		Payments: []Payment{
			{EndToEndID: "DEP-17", Amount: 1650_00, Creditor: Party{Name: "Zoë Çelik", IBAN: "NL20INGB0001234567", BIC: "INGBNL2A"},
				Remittance: "Terugbetaling waarborgsom Prinsengracht 12-II"},
			{EndToEndID: "SET-2025-3", Amount: 87_45, Creditor: Party{Name: "Jan Jansen", IBAN: "NL44 RABO 0123 4567 89"},
				Kenmerk: "1000002025000123"},
			{EndToEndID: "OVP-9", Amount: 12_05, Creditor: Party{Name: "Jürgen Groß", IBAN: "DE89370400440532013000"}},
		},
	}
}

func TestCreditTransferFiles(t *testing.T) {
	for _, version := range []TransferVersion{Pain001V03, Pain001V09} {
		t.Run(string(version), func(t *testing.T) {
			tr := refunds()
			tr.Version = version
			f, err := CreditTransfer(tr)
			if err != nil {
				t.Fatal(err)
			}
			doc := f.Bytes()
			validateXSD(t, string(version), doc)
			golden(t, string(version)+".xml", doc)
			if again, _ := CreditTransfer(tr); !bytes.Equal(again.Bytes(), doc) {
				t.Fatal("the same transfer did not give the same bytes")
			}
			ns, body := read(t, doc)
			if ns != "urn:iso:std:iso:20022:tech:xsd:"+string(version) {
				t.Errorf("namespace %q", ns)
			}
			h := body.Header
			if h.NbOfTxs != "3" || h.CtrlSum != "1749.50" || h.Party != "Vastgoed Sanchez + Dijkstra B.V." || h.Created != "2026-03-20T10:30:00" {
				t.Errorf("group header %+v", h)
			}
			if len(body.PmtInf) != 1 || len(f.Batches) != 1 {
				t.Fatalf("%d blocks, %d batches", len(body.PmtInf), len(f.Batches))
			}
			pi := body.PmtInf[0]
			exec := pi.Execution.Text
			if version == Pain001V09 {
				exec = pi.Execution.Dt
			}
			if pi.Method != "TRF" || pi.NbOfTxs != "3" || pi.CtrlSum != "1749.50" || exec != "2026-03-23" ||
				pi.DbtrName != h.Party || len(pi.Transfers) != 3 {
				t.Errorf("block %+v", pi)
			}
			if b := f.Batches[0]; b.ID != pi.ID || b.Total != 1749_50 || b.Transactions != 3 || f.Total != 1749_50 {
				t.Errorf("batch %+v, file total %s", b, f.Total)
			}
			var sum money.Cents
			for _, tx := range pi.Transfers {
				sum += cents(t, tx.CTAmount.Value)
				if tx.CTAmount.Currency != "EUR" {
					t.Errorf("%s: currency %q", tx.EndToEndID, tx.CTAmount.Currency)
				}
			}
			if sum != 1749_50 {
				t.Errorf("transactions add up to %s", sum)
			}
			dep, set, ovp := pi.Transfers[0], pi.Transfers[1], pi.Transfers[2]
			if dep.EndToEndID != "DEP-17" || dep.CdtrName != "Zoe Celik" || dep.CdtrBIC+dep.CdtrBICFI != "INGBNL2A" ||
				(version == Pain001V09) != (dep.CdtrBICFI != "") || dep.Ustrd != "Terugbetaling waarborgsom Prinsengracht 12-II" {
				t.Errorf("deposit refund %+v", dep)
			}
			if set.RefCode != "SCOR" || set.RefIssuer != "CUR" || set.Ref != "1000002025000123" || set.CdtrIBAN != "NL44RABO0123456789" {
				t.Errorf("settlement credit %+v", set)
			}
			if ovp.CdtrName != "Jurgen Gross" || ovp.CdtrBIC+ovp.CdtrBICFI != "" || ovp.Ustrd+ovp.Ref != "" {
				t.Errorf("overpayment %+v", ovp)
			}
		})
	}
}

func TestCreditTransferRefusesInvalidInput(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(tr *Transfer)
		field  string
		msg    string
	}{
		{"no payments", func(tr *Transfer) { tr.Payments = nil }, "payments", MsgEmpty},
		{"version", func(tr *Transfer) { tr.Version = "pain.001.001.12" }, "version", MsgVersion},
		{"debtor IBAN", func(tr *Transfer) { tr.Debtor.IBAN = "NL91ABNA041716430" }, "debtor.iban", MsgIBAN},
		{"execution date in the past", func(tr *Transfer) { tr.ExecutionDate = date("2026-03-19") }, "execution_date", MsgDatePast},
		{"zero amount", func(tr *Transfer) { tr.Payments[2].Amount = 0 }, "payments[2].amount", MsgAmountPositive},
		{"amount too large", func(tr *Transfer) { tr.Payments[2].Amount = 1_000_000_000_00 }, "payments[2].amount", MsgAmountTooLarge},
		{"duplicate end-to-end id", func(tr *Transfer) { tr.Payments[2].EndToEndID = "DEP-17" }, "payments[2].end_to_end_id", MsgIDDuplicate},
		{"creditor IBAN", func(tr *Transfer) { tr.Payments[0].Creditor.IBAN = "XX00" }, "payments[0].creditor.iban", MsgIBAN},
		{"creditor name", func(tr *Transfer) { tr.Payments[0].Creditor.Name = "" }, "payments[0].creditor.name", MsgName},
		{"kenmerk", func(tr *Transfer) { tr.Payments[1].Kenmerk = "12345678" }, "payments[1].kenmerk", MsgKenmerk},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := refunds()
			c.change(&tr)
			f, err := CreditTransfer(tr)
			fe, ok := validation.AsFields(err)
			if !ok || f != nil {
				t.Fatalf("got %v, %v; want field errors", f, err)
			}
			if want := (validation.Errors{c.field: c.msg}); !maps.Equal(fe, want) {
				t.Errorf("errors %v, want %v", fe, want)
			}
		})
	}
}
