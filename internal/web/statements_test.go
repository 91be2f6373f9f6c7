package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// statementFile is a camt.053 of NL91ABNA0417164300 with one credit of
// amount from a payer, booked on day, with text.
func statementFile(id string, day civil.Date, amount money.Cents, payerIBAN, payer, text string) []byte {
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>%[1]s</MsgId>
<CreDtTm>2020-01-01T00:00:00</CreDtTm></GrpHdr><Stmt><Id>%[1]s</Id><CreDtTm>2020-01-01T00:00:00</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">%[3]d.%02[4]d</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%[2]s</Dt></BookgDt>
<ValDt><Dt>%[2]s</Dt></ValDt><AcctSvcrRef>%[1]s-1</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>%[6]s</Nm></Dbtr><DbtrAcct><Id><IBAN>%[5]s</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>%[7]s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`,
		id, day, int64(amount)/100, int64(amount)%100, payerIBAN, payer, text))
}

// waitUpload follows an upload's page until its job is done.
func waitUpload(t *testing.T, c *client, path string) string {
	t.Helper()
	for range 100 {
		_, body := c.do("GET", path, nil)
		if !strings.Contains(body, `hx-trigger="every 1s"`) {
			return body
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never finished", path)
	return ""
}

// The statement pages over HTTP: a file for an unknown account is refused
// with the account named and nothing stored; with the account added it is
// imported (a job) with its counts; a payment nobody named waits in the
// queue with the invoice suggested, and booking the suggestion pays it.
func TestStatementPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			ctx := context.Background()
			l := financeLease(t, e, f)
			today := civil.Today(e.Config.Clock.Now())
			var posted []ledger.Posted
			if err := e.DB.InOrg(ctx, f.owner.OrgID, func(tx *db.Tx) error {
				var err error
				posted, err = ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: l, IssueDate: today.AddDays(-30), DueDate: today.AddDays(-10),
					Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: today.AddDays(-10), To: today, Net: 88500}}}},
					db.TS(e.Config.Clock.Now()), f.owner.UserID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			file := statementFile("S1", today.AddDays(-1), 88500, "NL44RABO0123456789", "A. Visser", "huur")
			resp, _ := c.postFiles("/o/a/finance/statements", nil, "file", "s1.xml", file)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload: %d", resp.StatusCode)
			}
			body := waitUpload(t, c, resp.Header.Get("Location"))
			if !strings.Contains(body, `id="upload-refused"`) || !strings.Contains(body, "NL91ABNA0417164300") {
				t.Fatalf("refused upload: %.3000s", body)
			}
			if _, err := e.Bank.AddAccount(ctx, f.owner, bank.AccountInput{IBAN: "NL91ABNA0417164300", Name: "Vastgoed A"}); err != nil {
				t.Fatal(err)
			}
			resp, _ = c.postFiles("/o/a/finance/statements", nil, "file", "s1.xml", file)
			body = waitUpload(t, c, resp.Header.Get("Location"))
			if !strings.Contains(body, `id="upload-done"`) || !strings.Contains(body, "1 afschriften met 1 boekingen: 1 nieuw") ||
				!strings.Contains(body, "1 ontvangsten te beoordelen") {
				t.Fatalf("upload: %.3000s", body)
			}
			body = mustBody(t, c, "/o/a/finance/statements")
			if !strings.Contains(body, "A. Visser") || !strings.Contains(body, "NL44 RABO 0123 4567 89") || !strings.Contains(body, "€ 885,00") {
				t.Fatalf("queue: %.4000s", body)
			}
			line := regexp.MustCompile(`/o/a/finance/statements/lines/\d+`).FindString(body)
			body = mustBody(t, c, line)
			if !strings.Contains(body, `class="suggestion"`) || !strings.Contains(body, posted[0].Number) {
				t.Fatalf("no suggestion of %s: %.4000s", posted[0].Number, body)
			}
			resp, body = c.do("POST", line+"/ignore", url.Values{"note": {""}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-note"`) {
				t.Fatalf("ignore without a note: %d", resp.StatusCode)
			}
			resp, _ = c.do("POST", line+"/match", url.Values{"scope_id": {fmt.Sprint(l)}, "invoice_id": {fmt.Sprint(posted[0].InvoiceID)},
				"invoice_amount": {"885,00"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("match: %d", resp.StatusCode)
			}
			inv, err := e.Ledger.Invoice(ctx, f.owner, posted[0].InvoiceID)
			if err != nil || inv.Open != 0 {
				t.Fatalf("invoice open %s after the match, %v", inv.Open, err)
			}
			if body := mustBody(t, c, "/o/a/finance/statements?state=matched"); !strings.Contains(body, "Handmatig gekoppeld") {
				t.Fatalf("matched list: %.4000s", body)
			}
			resp, body = c.do("GET", "/o/a/finance/statements?state=all&format=csv", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "A. Visser") || !strings.Contains(body, "885,00") {
				t.Fatalf("CSV: %q", body)
			}
			// The same file again stores nothing.
			resp, _ = c.postFiles("/o/a/finance/statements", nil, "file", "s1.xml", file)
			if body := waitUpload(t, c, resp.Header.Get("Location")); !strings.Contains(body, "0 nieuw, 1 al eerder ingelezen") {
				t.Fatalf("again: %.3000s", body)
			}
		})
	}
}

// A real MT940 file through the upload in Chromium, at 1280 and 390 px:
// its account added, the job's outcome, the lines.
func TestStatementsBrowser(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "bankfile", "testdata", "mt940", "ing-mt940-mijn-ing-zakelijk-spec-example.txt"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ing.txt")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mobile := range []bool{false, true} {
		size := map[bool]string{false: "1280", true: "390"}[mobile]
		t.Run(size, func(t *testing.T) {
			e := apptest.Start(t, "sqlite", apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			b := browsertest.New(t)
			if mobile {
				b = browsertest.NewMobile(t)
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/finance/statements"), chromedp.WaitVisible(css("#upload-statement summary")),
				chromedp.Click(css("#upload-statement summary")), chromedp.WaitVisible(css("#upload-file")),
				chromedp.SetUploadFiles(css("#upload-file"), []string{file}), chromedp.Click(css("#upload-add-account")),
				chromedp.Click(css("#upload-submit")), chromedp.WaitVisible(css("#upload-done")))
			if got := b.Text(t, "#upload-done"); !strings.Contains(got, "8 boekingen") {
				t.Fatalf("done: %q", got)
			}
			shot(t, b, "statements-upload-"+size)
			b.Run(t, chromedp.Click(css("#upload-to-lines")), chromedp.WaitVisible(css("#line-states")),
				chromedp.Click(css("#state-all")), chromedp.WaitVisible(css(".bank-line")))
			shot(t, b, "statements-lines-"+size)
			b.Run(t, chromedp.Click(css(".bank-line .line-link")), chromedp.WaitVisible(css("#line-facts")))
			shot(t, b, "statements-line-"+size)
		})
	}
}
