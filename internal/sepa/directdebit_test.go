package sepa

import (
	"bytes"
	"maps"
	"strings"
	"testing"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
)

const creditorID = "NL51ZZZ405365330000"

// mixedCollection has every kind of debit: FRST, RCUR, FNAL and OOFF on one
// date and RCUR on a second, an amended mandate, kenmerk and free-text
// remittance, debtors with and without a BIC, foreign IBANs, names in other
// scripts, and texts too long for the file.
func mixedCollection() Collection {
	mandate := func(id string) Mandate { return Mandate{ID: id, SignedOn: date("2020-05-01")} }
	return Collection{
		MessageID: "HMS-2026-04-0001",
		CreatedAt: created,
		Creditor: Creditor{
			Name: "Woonstichting Ærø & Zonen – ’s-Hertogenbosch", IBAN: "nl91 abna 0417 1643 00", BIC: "abnanl2a",
			CreditorID: "nl51 zzz 4053 6533 0000",
		},
		CollectionDate: date("2026-04-01"),
		Debits: []Debit{
			{EndToEndID: "HMS-1-0001", Amount: 850_00, Sequence: Recurrent, Mandate: mandate("MND-0001"),
				Debtor:  Party{Name: "Zoë de Vries-Ünal", IBAN: "NL20INGB0001234567", BIC: "INGBNL2A"},
				Kenmerk: "1000 0020 2500 0123"},
			{EndToEndID: "HMS-1-0002", Amount: 10, Sequence: First, Mandate: mandate("MND-0002"),
				Debtor:     Party{Name: "François Dvořák", IBAN: "NL44RABO0123456789"},
				Remittance: "Huur april 2026 – appartement 3·2"},
			{EndToEndID: "HMS-1-0003", Amount: 20, Sequence: Recurrent, Mandate: mandate("MND-0003"),
				Debtor:     Party{Name: "Jan Jansen", IBAN: "NL86INGB0002445588"},
				Remittance: strings.Repeat("Voorschot servicekosten ", 10)},
			{EndToEndID: "HMS-1-0004", Amount: 1234_56, Sequence: OneOff, Mandate: mandate("MND-0004"),
				Debtor:  Party{Name: "Bäckerei Müller GmbH", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"},
				Kenmerk: "5000056789012345"},
			{EndToEndID: "HMS-1-0005", Amount: MaxAmount, Sequence: Final, Mandate: mandate("MND-0005"),
				Debtor: Party{Name: "Ørsted Ejendomme A/S", IBAN: "DK5000400440116243"}},
			{EndToEndID: "HMS-1-0006", Amount: 49_99, Sequence: First,
				Mandate: Mandate{ID: "MND-0006", SignedOn: date("2026-02-01"), Amendment: &Amendment{
					OriginalID: "MND-OLD-7", OriginalIBAN: "NL91ABNA0417164300", OriginalCreditorID: "NL32ZZZ999999991234",
				}},
				Debtor: Party{Name: "王小明 (Wang)", IBAN: "NL20INGB0001234567"}, Remittance: "Borg"},
			{EndToEndID: "HMS-1-0007", Amount: 750_25, Sequence: Recurrent, Mandate: mandate("MND-0007"),
				CollectionDate: date("2026-04-15"),
				Debtor:         Party{Name: strings.Repeat("Vereniging van Eigenaren ", 4), IBAN: "NL44RABO0123456789"}},
			{EndToEndID: "HMS-1-0008", Amount: 1, Sequence: Recurrent, Mandate: mandate("MND-0008"),
				Debtor: Party{Name: "Jan Jansen", IBAN: "NL86INGB0002445588"}},
		},
	}
}

func TestDirectDebitFiles(t *testing.T) {
	for _, version := range []DirectDebitVersion{Pain008V02, Pain008V08} {
		t.Run(string(version), func(t *testing.T) {
			c := mixedCollection()
			c.Version = version
			f, err := DirectDebit(c)
			if err != nil {
				t.Fatal(err)
			}
			doc := f.Bytes()
			validateXSD(t, string(version), doc)
			golden(t, string(version)+".xml", doc)
			again, err := DirectDebit(c)
			if err != nil || !bytes.Equal(again.Bytes(), doc) {
				t.Fatal("the same collection did not give the same bytes")
			}

			ns, body := read(t, doc)
			if ns != "urn:iso:std:iso:20022:tech:xsd:"+string(version) {
				t.Errorf("namespace %q", ns)
			}
			var want money.Cents
			for _, d := range c.Debits {
				want += d.Amount
			}
			h := body.Header
			if h.MsgID != "HMS-2026-04-0001" || h.Created != "2026-03-20T10:30:00" || h.NbOfTxs != "8" ||
				cents(t, h.CtrlSum) != want || h.Party != "Woonstichting AEro + Zonen - 's-Hertogenbosch" {
				t.Errorf("group header %+v, want total %s", h, want)
			}
			if f.Transactions != 8 || f.Total != want {
				t.Errorf("file says %d transactions, %s", f.Transactions, f.Total)
			}

			// One block per (date, sequence type), in date and then FRST, RCUR, FNAL, OOFF order.
			wantBlocks := []struct {
				date, seq string
				ids       []string
			}{
				{"2026-04-01", "FRST", []string{"HMS-1-0002", "HMS-1-0006"}},
				{"2026-04-01", "RCUR", []string{"HMS-1-0001", "HMS-1-0003", "HMS-1-0008"}},
				{"2026-04-01", "FNAL", []string{"HMS-1-0005"}},
				{"2026-04-01", "OOFF", []string{"HMS-1-0004"}},
				{"2026-04-15", "RCUR", []string{"HMS-1-0007"}},
			}
			if len(body.PmtInf) != len(wantBlocks) || len(f.Batches) != len(wantBlocks) {
				t.Fatalf("%d blocks in the file, %d batches, want %d", len(body.PmtInf), len(f.Batches), len(wantBlocks))
			}
			txs := map[string]readTx{}
			ids := map[string]bool{}
			for i, pi := range body.PmtInf {
				w := wantBlocks[i]
				var sum money.Cents
				var got []string
				for _, tx := range pi.Txs {
					sum += cents(t, tx.Amount.Value)
					got = append(got, tx.EndToEndID)
					txs[tx.EndToEndID] = tx
					if tx.Amount.Currency != "EUR" {
						t.Errorf("%s: currency %q", tx.EndToEndID, tx.Amount.Currency)
					}
				}
				if pi.Collection != w.date || pi.SeqTp != w.seq || strings.Join(got, " ") != strings.Join(w.ids, " ") {
					t.Errorf("block %d: %s %s %v, want %s %s %v", i, pi.Collection, pi.SeqTp, got, w.date, w.seq, w.ids)
				}
				if pi.NbOfTxs != itoa(len(pi.Txs)) || cents(t, pi.CtrlSum) != sum {
					t.Errorf("block %d says %s transactions, %s; holds %d, %s", i, pi.NbOfTxs, pi.CtrlSum, len(pi.Txs), sum)
				}
				b := f.Batches[i]
				if b.ID != pi.ID || b.Date.String() != pi.Collection || string(b.Sequence) != pi.SeqTp ||
					b.Transactions != len(pi.Txs) || b.Total != sum {
					t.Errorf("batch %d = %+v, file block %s", i, b, pi.ID)
				}
				if ids[pi.ID] || pi.Method != "DD" || pi.CdtrName != h.Party {
					t.Errorf("block %d: id %q (seen %v), method %q, creditor %q", i, pi.ID, ids[pi.ID], pi.Method, pi.CdtrName)
				}
				ids[pi.ID] = true
				// The incassant ID sits per block in .08 and per debit in .02,
				// as the Dutch banks' .02 examples have it.
				for _, tx := range pi.Txs {
					if version == Pain008V08 && (pi.SchemeID != creditorID || tx.TxSchemeID != "") ||
						version == Pain008V02 && (pi.SchemeID != "" || tx.TxSchemeID != creditorID) {
						t.Errorf("%s: creditor id in block %q, in debit %q", tx.EndToEndID, pi.SchemeID, tx.TxSchemeID)
					}
				}
			}

			if tx := txs["HMS-1-0001"]; tx.RefCode != "SCOR" || tx.RefIssuer != "CUR" || tx.Ref != "1000002025000123" ||
				tx.Ustrd != "" || tx.DbtrName != "Zoe de Vries-Unal" || tx.DbtrIBAN != "NL20INGB0001234567" {
				t.Errorf("kenmerk debit: %+v", tx)
			}
			bicOf := func(tx readTx) string { return tx.DbtrBIC + tx.DbtrBICFI }
			if tx := txs["HMS-1-0001"]; bicOf(tx) != "INGBNL2A" || (version == Pain008V08) != (tx.DbtrBICFI != "") {
				t.Errorf("debtor BIC: BIC %q BICFI %q", tx.DbtrBIC, tx.DbtrBICFI)
			}
			if tx := txs["HMS-1-0002"]; tx.DbtrOther != "NOTPROVIDED" || bicOf(tx) != "" ||
				tx.Ustrd != "Huur april 2026 - appartement 32" || tx.DbtrName != "Francois Dvorak" {
				t.Errorf("debit without BIC: %+v", tx)
			}
			if tx := txs["HMS-1-0003"]; len(tx.Ustrd) != 140 || !strings.HasPrefix(tx.Ustrd, "Voorschot servicekosten Voorschot") {
				t.Errorf("long remittance cut to %d: %q", len(tx.Ustrd), tx.Ustrd)
			}
			if tx := txs["HMS-1-0005"]; tx.Amount.Value != "999999999.99" || tx.DbtrName != "Orsted Ejendomme A/S" || tx.Ustrd+tx.Ref != "" {
				t.Errorf("largest debit: %+v", tx)
			}
			if tx := txs["HMS-1-0006"]; tx.Amended != "true" || tx.OrigID != "MND-OLD-7" ||
				tx.OrigCdtrID != "NL32ZZZ999999991234" || tx.OrigAcct != "SMNDA" || tx.DbtrName != "(Wang)" {
				t.Errorf("amended debit: %+v", tx)
			}
			if tx := txs["HMS-1-0007"]; len(tx.DbtrName) != 70 || tx.MandateID != "MND-0007" || tx.SignedOn != "2020-05-01" {
				t.Errorf("long name cut to %d: %+v", len(tx.DbtrName), tx)
			}
			for id, tx := range txs {
				if id != "HMS-1-0006" && (tx.Amended != "false" || tx.OrigID+tx.OrigAcct+tx.OrigCdtrID != "") {
					t.Errorf("%s is marked amended: %+v", id, tx)
				}
			}
		})
	}
}

// The schema check itself catches a broken file, so a passing check means
// something.
func TestSchemaCheckCatchesABrokenFile(t *testing.T) {
	f, err := DirectDebit(mixedCollection())
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(f.Bytes(), []byte("<SeqTp>RCUR</SeqTp>"), []byte("<SeqTp>WEEK</SeqTp>"), 1)
	if out, err := xmllint(t, string(Pain008V02), broken); err == nil {
		t.Fatalf("xmllint accepted an unknown sequence type:\n%s", out)
	}
}

// Control sums are exact in cents, where floating point would drift.
func TestControlSumsAreExactToTheCent(t *testing.T) {
	c := mixedCollection()
	base := c.Debits[7]
	c.Debits = nil
	for i := range 1000 {
		d := base
		d.EndToEndID = "C-" + itoa(i)
		d.Amount = []money.Cents{1, 10, 20}[i%3]
		c.Debits = append(c.Debits, d)
	}
	f, err := DirectDebit(c)
	if err != nil {
		t.Fatal(err)
	}
	// 334 × 0.01 + 333 × 0.10 + 333 × 0.20 = 103.24
	if _, body := read(t, f.Bytes()); body.Header.CtrlSum != "103.24" || body.PmtInf[0].CtrlSum != "103.24" ||
		body.Header.NbOfTxs != "1000" {
		t.Errorf("control sum %s / %s, %s transactions", body.Header.CtrlSum, body.PmtInf[0].CtrlSum, body.Header.NbOfTxs)
	}
}

func TestDirectDebitRefusesInvalidInput(t *testing.T) {
	valid := func() Collection {
		c := mixedCollection()
		c.Debits = c.Debits[:2]
		return c
	}
	if _, err := DirectDebit(valid()); err != nil {
		t.Fatalf("the base collection is refused: %v", err)
	}
	for _, c := range []struct {
		name   string
		change func(c *Collection)
		field  string
		msg    string
	}{
		{"no debits", func(c *Collection) { c.Debits = nil }, "debits", MsgEmpty},
		{"version", func(c *Collection) { c.Version = "pain.008.001.99" }, "version", MsgVersion},
		{"message id", func(c *Collection) { c.MessageID = "" }, "message_id", MsgID},
		{"message id too long", func(c *Collection) { c.MessageID = strings.Repeat("M", 36) }, "message_id", MsgID},
		{"creation time", func(c *Collection) { c.CreatedAt = time.Time{} }, "created_at", MsgCreatedAt},
		{"creditor name", func(c *Collection) { c.Creditor.Name = "王" }, "creditor.name", MsgName},
		{"creditor IBAN", func(c *Collection) { c.Creditor.IBAN = "NL91ABNA0417164301" }, "creditor.iban", MsgIBAN},
		{"creditor BIC", func(c *Collection) { c.Creditor.BIC = "ABNA" }, "creditor.bic", MsgBIC},
		{"creditor id", func(c *Collection) { c.Creditor.CreditorID = "NL52ZZZ405365330000" }, "creditor.creditor_id", MsgCreditorID},
		{"no collection date", func(c *Collection) { c.CollectionDate = civil.Date{} }, "collection_date", MsgDateRequired},
		{"collection date before the file", func(c *Collection) { c.CollectionDate = date("2026-03-19") },
			"collection_date", MsgDatePast},
		{"own date before the file", func(c *Collection) { c.Debits[1].CollectionDate = date("2026-03-19") },
			"debits[1].collection_date", MsgDatePast},
		{"zero amount", func(c *Collection) { c.Debits[0].Amount = 0 }, "debits[0].amount", MsgAmountPositive},
		{"negative amount", func(c *Collection) { c.Debits[0].Amount = -5 }, "debits[0].amount", MsgAmountPositive},
		{"amount too large", func(c *Collection) { c.Debits[0].Amount = MaxAmount + 1 }, "debits[0].amount", MsgAmountTooLarge},
		{"duplicate end-to-end id", func(c *Collection) { c.Debits[1].EndToEndID = c.Debits[0].EndToEndID },
			"debits[1].end_to_end_id", MsgIDDuplicate},
		{"end-to-end id with //", func(c *Collection) { c.Debits[1].EndToEndID = "A//B" }, "debits[1].end_to_end_id", MsgID},
		{"sequence", func(c *Collection) { c.Debits[0].Sequence = "WEEK" }, "debits[0].sequence", MsgSequence},
		{"debtor IBAN", func(c *Collection) { c.Debits[0].Debtor.IBAN = "NL20INGB0001234568" }, "debits[0].debtor.iban", MsgIBAN},
		{"debtor BIC", func(c *Collection) { c.Debits[0].Debtor.BIC = "ING" }, "debits[0].debtor.bic", MsgBIC},
		{"debtor name", func(c *Collection) { c.Debits[0].Debtor.Name = " ·· " }, "debits[0].debtor.name", MsgName},
		{"kenmerk check digit", func(c *Collection) { c.Debits[0].Kenmerk = "2000002025000123" }, "debits[0].kenmerk", MsgKenmerk},
		{"kenmerk and text", func(c *Collection) { c.Debits[0].Remittance = "Huur" }, "debits[0].remittance", MsgRemittanceOneOf},
		{"mandate id", func(c *Collection) { c.Debits[0].Mandate.ID = "" }, "debits[0].mandate.id", MsgID},
		{"mandate without date", func(c *Collection) { c.Debits[0].Mandate.SignedOn = civil.Date{} },
			"debits[0].mandate.signed_on", MsgDateRequired},
		{"mandate signed after collection", func(c *Collection) { c.Debits[0].Mandate.SignedOn = date("2026-04-02") },
			"debits[0].mandate.signed_on", MsgSignedOn},
		{"empty amendment", func(c *Collection) { c.Debits[0].Mandate.Amendment = &Amendment{} },
			"debits[0].mandate.amendment", MsgAmendmentEmpty},
		{"amendment to the same IBAN", func(c *Collection) {
			c.Debits[0].Mandate.Amendment = &Amendment{OriginalIBAN: c.Debits[0].Debtor.IBAN}
		}, "debits[0].mandate.amendment.original_iban", MsgAmendmentNothing},
		{"amendment with a bad creditor id", func(c *Collection) {
			c.Debits[0].Mandate.Amendment = &Amendment{OriginalCreditorID: "NL00ZZZ999999991234"}
		}, "debits[0].mandate.amendment.original_creditor_id", MsgCreditorID},
	} {
		t.Run(c.name, func(t *testing.T) {
			col := valid()
			c.change(&col)
			f, err := DirectDebit(col)
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

// Every message id the package returns is in both catalogs.
func TestMessagesAreTranslated(t *testing.T) {
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{
		MsgVersion, MsgID, MsgIDDuplicate, MsgCreatedAt, MsgName, MsgIBAN, MsgBIC, MsgCreditorID, MsgKenmerk,
		MsgRemittanceOneOf, MsgDateRequired, MsgDatePast, MsgAmountPositive, MsgAmountTooLarge, MsgTotalTooLarge,
		MsgEmpty, MsgSequence, MsgSignedOn, MsgAmendmentEmpty, MsgAmendmentNothing,
	} {
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, id) {
				t.Errorf("%s has no %s text", id, lang)
			}
		}
	}
}
