package directdebit_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/directdebit"
	"hms/internal/lease"
	"hms/internal/platform/db"
	"hms/internal/sepa"
)

// The whole life of collections: the first takes a recurrent mandate FRST
// and a one-off OOFF, leaves out a lease without a mandate, one debit per
// invoice with its kenmerk (SCOR, CUR), mails the pre-notifications, and
// downloads byte-identical; nothing is collected twice; the next month is
// RCUR, the used one-off mandate is left out, and an amended mandate reports
// its amendment once.
func TestCollections(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.creditor(e.Owner, "")
		l1, _, iban1 := e.lease(e.Owner, tenantOpts{})
		l2, _, _ := e.lease(e.Owner, tenantOpts{lang: "en"})
		l3, _, _ := e.lease(e.Owner, tenantOpts{})                       // direct debit, no mandate
		l4, _, _ := e.lease(e.Owner, tenantOpts{method: lease.Transfer}) // pays by transfer: not listed
		_ = l4
		m1 := e.mandate(e.Owner, l1, directdebit.Recurrent)
		m2 := e.mandate(e.Owner, l2, directdebit.OneOff)
		e.rentRun(e.Owner, "2026-03")

		in := directdebit.CollectionInput{CollectionDate: d("2026-03-24"), DueUntil: d("2026-03-31")}
		p, b, file := e.collect(e.Bookkeeper, in)
		if p.Count != 2 || p.Total != 150000 || p.Mails != 2 || len(p.LeftOut) != 1 || p.Version != sepa.Pain008V02 {
			t.Fatalf("preview: %+v", p)
		}
		if lo := p.LeftOut[0]; lo.LeaseID != l3 || lo.Reason != directdebit.ReasonNoMandate || lo.Amount != 75000 || lo.TenantName == "" {
			t.Fatalf("left out: %+v", lo)
		}
		for _, ln := range p.Lines {
			want := map[int64]sepa.Sequence{l1: sepa.First, l2: sepa.OneOff}[ln.LeaseID]
			if ln.Sequence != want || ln.Prenotice != directdebit.PrenoticeMail || !strings.HasPrefix(ln.Address, "Lindelaan ") {
				t.Fatalf("line: %+v", ln)
			}
			if ln.TenantName == "" || ln.LeaseReference == "" || ln.InvoiceNumber == "" || ln.MandateReference == "" {
				t.Fatalf("line without words: %+v", ln)
			}
		}
		if b.Count != 2 || b.Total != 150000 || b.CollectionDate != in.CollectionDate || b.CreatedAt != now || b.Prenotices != 2 {
			t.Fatalf("batch: %+v", b)
		}

		// The file: one debit per invoice, structured kenmerk, unique ids.
		f := readFile(t, file)
		if f.MsgID != b.MessageID || f.NbOfTxs != "2" || f.CtrlSum != "1500.00" || len(f.PmtInf) != 2 {
			t.Fatalf("file: %+v", f)
		}
		full, err := e.DirectDebit.Batch(ctx, e.Viewer, b.ID)
		if err != nil || len(full.Items) != 2 {
			t.Fatalf("batch items: %v %+v", err, full)
		}
		inFile := txs(f)
		for _, it := range full.Items {
			tx, ok := inFile[it.EndToEndID]
			if !ok || it.EndToEndID != fmt.Sprintf("%s-%d", it.InvoiceNumber, b.ID) {
				t.Fatalf("item %+v not in the file %v", it, inFile)
			}
			if tx.RefCode != "SCOR" || tx.RefIssuer != "CUR" || tx.Ref != it.Kenmerk || len(it.Kenmerk) != 16 || tx.Ustrd != "" {
				t.Fatalf("remittance of %s: %+v", it.EndToEndID, tx.xTx)
			}
			if tx.Block.ID != it.PaymentInfoID || tx.Block.SeqTp != string(it.Sequence) || tx.Block.Collection != "2026-03-24" ||
				tx.MandateID != it.MandateReference || tx.SignedOn != "2024-12-01" || tx.Amended == "true" || tx.Amount != "750.00" {
				t.Fatalf("debit %s: %+v", it.EndToEndID, tx)
			}
			if it.LeaseID == l1 && (tx.DbtrIBAN != iban1 || !strings.HasPrefix(tx.DbtrName, "Z. Huurder")) {
				t.Fatalf("debtor: %+v", tx.xTx)
			}
			if it.TenantName == "" || it.State != directdebit.ItemCollected {
				t.Fatalf("item: %+v", it)
			}
		}
		// The debtors travel sealed: no IBAN or name is stored readable.
		if got := apptest.FindPlaintext(t, e.DB, iban1, "Huurder1"); len(got) > 0 {
			t.Fatalf("plaintext personal data in %v", got)
		}
		// Downloaded again: the same bytes.
		again, _, err := e.DirectDebit.File(ctx, e.Viewer, b.ID)
		if err != nil || !bytes.Equal(again, file) {
			t.Fatalf("second download differs (%v)", err)
		}

		// The pre-notifications, in the tenants' languages.
		mails := e.mails(e.Owner)
		if len(mails) != 2 {
			t.Fatalf("%d mails", len(mails))
		}
		for _, m := range mails {
			nlMail := strings.Contains(m.Subject, "Aankondiging incasso Alpha Vastgoed B.V. op 24 maart 2026")
			enMail := strings.Contains(m.Subject, "Direct debit notice from Alpha Vastgoed B.V. on 24 March 2026")
			if !nlMail && !enMail || !strings.Contains(m.Text, creditorID) || !strings.Contains(m.Text, "HMS-2025-") {
				t.Fatalf("pre-notification: %s\n%s", m.Subject, m.Text)
			}
			if nlMail && !strings.Contains(m.Text, "€ 750,00") || enMail && !strings.Contains(m.Text, "€750.00") {
				t.Fatalf("amount in the pre-notification: %s", m.Text)
			}
		}

		// Nothing is collected twice.
		p2, err := e.DirectDebit.Preview(ctx, e.Owner, in)
		if err != nil || p2.Count != 0 || len(p2.LeftOut) != 3 {
			t.Fatalf("second preview: %v %+v", err, p2)
		}
		for _, lo := range p2.LeftOut {
			if lo.LeaseID != l3 && (lo.Reason != directdebit.ReasonInBatch || lo.InBatchOn != in.CollectionDate) {
				t.Fatalf("left out again: %+v", lo)
			}
		}
		_, err = e.DirectDebit.Create(ctx, e.Owner, in, directdebit.Expectation{})
		problem(t, err, directdebit.ErrNothingToCollect)
		_, err = e.DirectDebit.Create(ctx, e.Owner, in, directdebit.Expectation{Count: 2, Total: 150000})
		problem(t, err, directdebit.ErrChanged)
		if n := e.Count(`SELECT count(*) FROM dd_items`); n != 2 {
			t.Fatalf("%d items", n)
		}

		// The mandates remember; one of them changes its account and reference.
		m, _ := e.DirectDebit.Mandate(ctx, e.Owner, m1)
		if m.LastCollectedOn != in.CollectionDate || m.NextSequence() != sepa.Recurrent {
			t.Fatalf("mandate after collection: %+v", m)
		}
		amend := directdebit.AmendInput{IBAN: "NL02ABNA0123456789", Reference: "HMS-NEW-7"}
		if err := e.DirectDebit.AmendMandate(ctx, e.Owner, m1, amend); err != nil {
			t.Fatal(err)
		}
		if m, _ = e.DirectDebit.Mandate(ctx, e.Owner, m1); !m.Amended || m.OriginalReference != "HMS-2025-0001-1" || m.OriginalIBAN != iban1 {
			t.Fatalf("amended: %+v", m)
		}

		// April: RCUR with the amendment, the one-off left out.
		e.Clock.Set(time.Date(2026, time.March, 20, 9, 0, 0, 0, time.UTC))
		e.rentRun(e.Owner, "2026-04")
		april := directdebit.CollectionInput{CollectionDate: d("2026-04-07")}
		p3, b3, file3 := e.collect(e.Owner, april)
		if p3.Count != 1 || p3.Lines[0].LeaseID != l1 || p3.Lines[0].Sequence != sepa.Recurrent || !p3.Lines[0].Amended {
			t.Fatalf("april: %+v", p3)
		}
		reasons := map[int64]string{}
		for _, lo := range p3.LeftOut {
			if lo.DueDate.After(d("2026-04-01")) || lo.DueDate.Before(d("2026-04-01")) {
				continue
			}
			reasons[lo.LeaseID] = lo.Reason
		}
		if reasons[l2] != directdebit.ReasonOneOffUsed || reasons[l3] != directdebit.ReasonNoMandate {
			t.Fatalf("april left out: %v", reasons)
		}
		tx := readFile(t, file3).PmtInf[0].Txs[0]
		if tx.Amended != "true" || tx.OrigID != "HMS-2025-0001-1" || tx.OrigAcct != "SMNDA" || tx.MandateID != "HMS-NEW-7" ||
			tx.DbtrIBAN != "NL02ABNA0123456789" {
			t.Fatalf("amendment in the file: %+v", tx)
		}
		if b3.Prenotices != 1 {
			t.Fatalf("april pre-notifications: %d", b3.Prenotices)
		}
		// Cleared: the next file reports nothing.
		if m, _ = e.DirectDebit.Mandate(ctx, e.Owner, m1); m.Amended || m.OriginalReference != "" || m.OriginalIBAN != "" {
			t.Fatalf("amendment not cleared: %+v", m)
		}
		// The April file still says the amendment when downloaded again.
		if again, _, _ := e.DirectDebit.File(ctx, e.Owner, b3.ID); !bytes.Equal(again, file3) {
			t.Fatal("april file differs on the second download")
		}
		e.Clock.Set(time.Date(2026, time.April, 10, 9, 0, 0, 0, time.UTC))
		e.rentRun(e.Owner, "2026-05")
		_, _, file4 := e.collect(e.Owner, directdebit.CollectionInput{CollectionDate: d("2026-05-04")})
		if tx := readFile(t, file4).PmtInf[0].Txs[0]; tx.Amended == "true" || tx.OrigID != "" || tx.MandateID != "HMS-NEW-7" {
			t.Fatalf("may: %+v", tx)
		}
		_ = m2

		// The list, newest first; the other organisation sees none.
		list, err := e.DirectDebit.Batches(ctx, e.Viewer, 10)
		if err != nil || len(list) != 3 || list[0].CollectionDate != d("2026-05-04") {
			t.Fatalf("batches: %v %+v", err, list)
		}
		if list, _ := e.DirectDebit.Batches(ctx, e.OwnerB, 10); len(list) != 0 {
			t.Fatalf("beta sees %d batches", len(list))
		}
		if _, _, err := e.DirectDebit.File(ctx, e.OwnerB, b.ID); err == nil {
			t.Fatal("beta downloads alpha's file")
		}
	})
}

// The collection date: at least the bank's lead days ahead, on a TARGET2
// business day; without an Incassant-ID or an account nothing is offered.
func TestCollectionDateAndSettings(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, err := e.DirectDebit.Preview(ctx, e.Owner, directdebit.CollectionInput{CollectionDate: d("2026-03-24")})
		problem(t, err, directdebit.ErrNoCreditorID)
		if err := e.Bank.SaveSettings(ctx, e.Owner, bank.Settings{CreditorID: creditorID}); err != nil {
			t.Fatal(err)
		}
		_, err = e.DirectDebit.Preview(ctx, e.Owner, directdebit.CollectionInput{CollectionDate: d("2026-03-24")})
		problem(t, err, directdebit.ErrNoAccount)
		e.creditor(e.Owner, "")
		for date, msg := range map[string]string{
			"2026-03-11": "directdebit.collection_date.too_early",
			"2026-03-14": "directdebit.collection_date.closed", // a Saturday
			"2026-04-03": "directdebit.collection_date.closed", // Good Friday
			"2026-04-06": "directdebit.collection_date.closed", // Easter Monday
			"2026-05-01": "directdebit.collection_date.closed", // Labour Day
		} {
			_, err := e.DirectDebit.Preview(ctx, e.Owner, directdebit.CollectionInput{CollectionDate: d(date)})
			fieldErr(t, err, "collection_date", msg)
		}
		_, err = e.DirectDebit.Preview(ctx, e.Owner, directdebit.CollectionInput{})
		fieldErr(t, err, "collection_date", "field.required")
		if p, err := e.DirectDebit.Preview(ctx, e.Owner, directdebit.CollectionInput{CollectionDate: d("2026-03-12")}); err != nil ||
			p.Earliest != d("2026-03-12") || p.Count != 0 {
			t.Fatalf("earliest: %v %+v", err, p)
		}
		def, err := e.DirectDebit.Defaults(ctx, e.Viewer)
		if err != nil || def.Earliest != d("2026-03-12") || def.Suggested != d("2026-03-24") || def.Account.ID == 0 {
			t.Fatalf("defaults: %v %+v", err, def)
		}
	})
}

// Pre-notification: an invoice sent 14 days before the collection date
// announced the debit; otherwise a mail does, which needs the date 14 days
// ahead and an e-mail address.
func TestPrenotification(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.creditor(e.Owner, "")
		sent, _, _ := e.lease(e.Owner, tenantOpts{noEmail: true})
		unsent, _, _ := e.lease(e.Owner, tenantOpts{})
		noMail, _, _ := e.lease(e.Owner, tenantOpts{noEmail: true})
		for _, l := range []int64{sent, unsent, noMail} {
			e.mandate(e.Owner, l, directdebit.Recurrent)
		}
		e.rentRun(e.Owner, "2026-03")
		// The invoice of the first lease went out on 1 March (by post).
		if _, err := e.DB.Raw().Exec(`UPDATE ledger_invoices SET sent_at = `+param(e.DB, 1)+` WHERE lease_id = `+param(e.DB, 2),
			"2026-03-01T08:00:00.000000Z", sent); err != nil {
			t.Fatal(err)
		}
		early := directdebit.CollectionInput{CollectionDate: d("2026-03-16"), DueUntil: d("2026-03-31")}
		p, err := e.DirectDebit.Preview(ctx, e.Owner, early)
		if err != nil {
			t.Fatal(err)
		}
		if p.Count != 1 || p.Lines[0].LeaseID != sent || p.Lines[0].Prenotice != directdebit.PrenoticeInvoice || p.Mails != 0 {
			t.Fatalf("early: %+v", p)
		}
		for _, lo := range p.LeftOut {
			if lo.Reason != directdebit.ReasonPrenoticeLate {
				t.Fatalf("early left out: %+v", lo)
			}
		}
		late := directdebit.CollectionInput{CollectionDate: d("2026-03-24"), DueUntil: d("2026-03-31")}
		p, err = e.DirectDebit.Preview(ctx, e.Owner, late)
		if err != nil || p.Count != 2 || p.Mails != 1 || len(p.LeftOut) != 1 || p.LeftOut[0].LeaseID != noMail ||
			p.LeftOut[0].Reason != directdebit.ReasonNoEmail {
			t.Fatalf("late: %v %+v", err, p)
		}
		_, b, _ := e.collect(e.Owner, late)
		if mails := e.mails(e.Owner); len(mails) != 1 || !strings.Contains(mails[0].To, "huurder2@example.nl") || b.Prenotices != 1 {
			t.Fatalf("mails: %+v", mails)
		}
	})
}

// A mandate unused for 36 months has expired: left out at collection time,
// and marked by the daily job; a mandate taken over with its last
// collection is RCUR and not expired.
func TestExpiry(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.creditor(e.Owner, "")
		old, _, _ := e.lease(e.Owner, tenantOpts{})
		taken, _, _ := e.lease(e.Owner, tenantOpts{})
		oldID, err := e.DirectDebit.CreateMandate(ctx, e.Owner, directdebit.MandateInput{LeaseID: old, SignedOn: d("2023-03-01")})
		if err != nil {
			t.Fatal(err)
		}
		takenID, err := e.DirectDebit.CreateMandate(ctx, e.Owner, directdebit.MandateInput{LeaseID: taken, SignedOn: d("2020-01-15"),
			LastCollectedOn: d("2026-02-02")})
		if err != nil {
			t.Fatal(err)
		}
		e.rentRun(e.Owner, "2026-03")
		in := directdebit.CollectionInput{CollectionDate: d("2026-03-24"), DueUntil: d("2026-03-31")}
		p, err := e.DirectDebit.Preview(ctx, e.Owner, in)
		if err != nil || p.Count != 1 || p.Lines[0].LeaseID != taken || p.Lines[0].Sequence != sepa.Recurrent ||
			len(p.LeftOut) != 1 || p.LeftOut[0].Reason != directdebit.ReasonMandateExpired {
			t.Fatalf("preview: %v %+v", err, p)
		}
		// Signed 1 March 2023 and never used: its last day was 1 March 2026.
		if m, _ := e.DirectDebit.Mandate(ctx, e.Owner, oldID); m.Status != directdebit.Active || m.ExpiresOn() != d("2026-03-01") {
			t.Fatalf("before the job: %+v", m)
		}
		if err := e.DirectDebit.ExpireUnused(ctx, e.Owner.OrgID); err != nil {
			t.Fatal(err)
		}
		if m, _ := e.DirectDebit.Mandate(ctx, e.Owner, oldID); m.Status != directdebit.Expired || m.StatusOn != d("2026-03-10") {
			t.Fatalf("after the job: %+v", m)
		}
		if m, _ := e.DirectDebit.Mandate(ctx, e.Owner, takenID); m.Status != directdebit.Active {
			t.Fatalf("taken over: %+v", m)
		}
		if n := e.Count(`SELECT count(*) FROM audit_events WHERE action = 'directdebit.mandate_expired'`); n != 1 {
			t.Fatalf("%d expiry events", n)
		}
		problem(t, e.DirectDebit.ResumeMandate(ctx, e.Owner, oldID), directdebit.ErrNotCurrent)
		// A new mandate may be signed for the lease now.
		e.mandate(e.Owner, old, directdebit.Recurrent)
	})
}

// The daily job runs through the queue for every organisation.
func TestExpiryJob(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l, _, _ := e.lease(e.Owner, tenantOpts{})
		id, err := e.DirectDebit.CreateMandate(ctx, e.Owner, directdebit.MandateInput{LeaseID: l, SignedOn: d("2022-01-03")})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.DirectDebit.ScheduleExpiry(ctx, e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		for {
			ran, err := e.Jobs.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				break
			}
		}
		if m, _ := e.DirectDebit.Mandate(ctx, e.Owner, id); m.Status != directdebit.Expired {
			t.Fatalf("after the job: %+v", m)
		}
		if n := e.Count(`SELECT count(*) FROM jobs WHERE kind = 'directdebit.expire' AND state = 'queued'`); n != 1 {
			t.Fatalf("next day's job: %d", n)
		}
	})
}

// pain.008.001.08 when the account's bank takes it.
func TestVersion08(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.creditor(e.Owner, sepa.Pain008V08)
		l, _, _ := e.lease(e.Owner, tenantOpts{})
		e.mandate(e.Owner, l, directdebit.Recurrent)
		e.rentRun(e.Owner, "2026-03")
		_, b, file := e.collect(e.Owner, directdebit.CollectionInput{CollectionDate: d("2026-03-24"), DueUntil: d("2026-03-31")})
		if b.Version != sepa.Pain008V08 || readFile(t, file).XMLName.Space != "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08" {
			t.Fatalf("version: %s %s", b.Version, readFile(t, file).XMLName.Space)
		}
	})
}

func param(d *db.DB, n int) string {
	if d.Dialect == db.SQLite {
		return "?"
	}
	return fmt.Sprintf("$%d", n)
}
