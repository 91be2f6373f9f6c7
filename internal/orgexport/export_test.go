package orgexport_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/importer"
	"hms/internal/orgexport"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/pdfdoc/pdfdoctest"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
	"hms/internal/relation"
)

// An export of the demo organisation holds every row of every table with an
// org_id (a forgotten table or a lost row fails), the people decrypted, no
// ciphertext, nothing of another organisation; every stored file and every
// sealed column opened; only owners may export. This is the cancellation
// export (issue 14): it holds every record of the organisation.
func TestExportHoldsEveryRowOfTheOrganisation(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 16, 9, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{NoServer: true, Clock: clk})
			ctx := context.Background()
			// Another organisation with a person whose name must not appear.
			other := e.Actor(t, "andere", "eigenaar@andere.test", account.Owner)
			if _, err := e.Relations.CreatePerson(ctx, other, relation.PersonInput{Surname: "Vreemdeling",
				Email: "vreemdeling@andere.test"}); err != nil {
				t.Fatal(err)
			}
			_, owner, err := e.SeedDemoOwner(ctx, "demo")
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			e.StartDemoFill(ctx, owner, "demo", 12, func(_ *importer.Result, err error) { done <- err })
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			// Two invoices printed: their PDFs are stored in the fiscal archive.
			rs, err := e.DB.Raw().Query(`SELECT id FROM ledger_invoices WHERE org_id = `+param(engine)+` ORDER BY id LIMIT 2`,
				owner.OrgID)
			if err != nil {
				t.Fatal(err)
			}
			var invoices []int64
			for rs.Next() {
				var id int64
				if err := rs.Scan(&id); err != nil {
					t.Fatal(err)
				}
				invoices = append(invoices, id)
			}
			rs.Close()
			for _, id := range invoices {
				if _, err := e.Billing.InvoiceDocument(ctx, owner, id); err != nil {
					t.Fatal(err)
				}
			}
			// A tenant-information PDF (sealed under its own subject) and an
			// uploaded rent roll not yet imported (sealed per organisation).
			var leaseID int64
			if err := e.DB.Raw().QueryRow(`SELECT id FROM leases WHERE org_id = `+param(engine)+` ORDER BY id LIMIT 1`,
				owner.OrgID).Scan(&leaseID); err != nil {
				t.Fatal(err)
			}
			docID, err := e.Leases.GenerateTenantInformation(ctx, owner, leaseID)
			if err != nil {
				t.Fatal(err)
			}
			tenantInfo, err := e.Leases.Document(ctx, owner, leaseID, docID)
			if err != nil {
				t.Fatal(err)
			}
			rentRoll := []byte("complex;adres\nTestcomplex;Exportstraat 1\n")
			if _, err := e.Importer.Submit(ctx, owner, "huurlijst.csv", rentRoll); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			sum, err := e.OrgExport.Export(ctx, owner, &buf)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			files := map[string][]byte{}
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				files[f.Name] = b
			}
			if !strings.Contains(string(files["README.txt"]), "relations") {
				t.Error("README.txt does not list the tables")
			}
			var tables []string
			if err := e.DB.ReadOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
				tables, err = orgexport.Tables(ctx, tx)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(tables) < 30 || len(sum.Tables) != len(tables) {
				t.Fatalf("%d tables in the schema, %d exported", len(tables), len(sum.Tables))
			}
			filled := 0
			for _, tab := range tables {
				var rows []map[string]string
				if err := json.Unmarshal(files["json/"+tab+".json"], &rows); err != nil {
					t.Fatalf("%s.json: %v", tab, err)
				}
				recs, err := csv.NewReader(bytes.NewReader(files["csv/"+tab+".csv"])).ReadAll()
				if err != nil {
					t.Fatalf("%s.csv: %v", tab, err)
				}
				var n int
				if err := e.DB.Raw().QueryRow(`SELECT COUNT(*) FROM `+tab+` WHERE org_id = `+param(engine),
					owner.OrgID).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if tab == "audit_events" {
					n-- // the export's own event is recorded after it
				}
				if len(rows) != n || len(recs) != n+1 {
					t.Errorf("%s: %d rows in the organisation, %d in JSON, %d in CSV", tab, n, len(rows), len(recs)-1)
				}
				if n > 0 {
					filled++
				}
				for _, c := range recs[0] {
					if strings.HasSuffix(c, "_sealed") || strings.HasSuffix(c, "_token") || strings.HasSuffix(c, "_index") {
						t.Errorf("%s: column %s exported", tab, c)
					}
				}
				for _, r := range rows {
					if r["org_id"] != "" && r["org_id"] != itoa(owner.OrgID) {
						t.Fatalf("%s: a row of organisation %s", tab, r["org_id"])
					}
				}
			}
			if filled < 20 {
				t.Errorf("only %d tables hold demo rows", filled)
			}
			// A tenant's name, decrypted, in the relations file.
			var id int64
			var sealed []byte
			if err := e.DB.Raw().QueryRow(`SELECT id, name_sealed FROM relations WHERE org_id = `+param(engine)+
				` AND name_sealed IS NOT NULL ORDER BY id LIMIT 1`, owner.OrgID).Scan(&id, &sealed); err != nil {
				t.Fatal(err)
			}
			names, err := e.Relations.Names(ctx, owner, id)
			if err != nil || names[id] == "" {
				t.Fatalf("names: %v %v", names, err)
			}
			var rels []map[string]string
			_ = json.Unmarshal(files["json/relations.json"], &rels)
			found := false
			for _, r := range rels {
				if r["id"] == itoa(id) {
					found = r["name"] == names[id] && r["surname"] != ""
				}
			}
			if !found {
				t.Errorf("relation %d (%q) not decrypted in relations.json", id, names[id])
			}
			if len(sealed) < 16 || bytes.Contains(buf.Bytes(), sealed[:16]) {
				t.Error("sealed name in the export as ciphertext")
			}
			// The other organisation's owner is not in the users' side of it:
			// its e-mail does not appear anywhere.
			for name, b := range files {
				if bytes.Contains(b, []byte("andere.test")) || bytes.Contains(b, []byte("Vreemdeling")) {
					t.Errorf("%s holds the other organisation's data", name)
				}
			}
			// Every stored invoice PDF is in the zip, opened and readable.
			stored := count(t, e, `SELECT COUNT(*) FROM ledger_invoices WHERE document_sealed IS NOT NULL`)
			pdfs := 0
			for name, b := range files {
				if strings.HasPrefix(name, "documents/invoices/") && strings.HasSuffix(name, ".pdf") {
					if pdfs < 3 && !strings.Contains(pdfdoctest.Text(t, b), strings.TrimSuffix(strings.TrimPrefix(name,
						"documents/invoices/"), ".pdf")) {
						t.Errorf("%s does not print its number", name)
					}
					pdfs++
				}
			}
			if stored == 0 || pdfs != stored || sum.Documents["invoices"] != stored {
				t.Errorf("%d invoice documents stored, %d in the zip", stored, pdfs)
			}
			// Every stored file of every kind is in the zip, and every sealed
			// text column is opened into its table's file.
			for _, sc := range orgexport.SealedColumns {
				n := count(t, e, `SELECT COUNT(*) FROM `+sc.Table+` WHERE `+sc.Column+` IS NOT NULL AND org_id = `+itoa(owner.OrgID))
				if sc.Dir != "" {
					got := 0
					for name := range files {
						if strings.HasPrefix(name, "documents/"+sc.Dir+"/") {
							got++
						}
					}
					if got != n || sum.Documents[sc.Dir] != n {
						t.Errorf("%s.%s: %d stored, %d in documents/%s", sc.Table, sc.Column, n, got, sc.Dir)
					}
					continue
				}
				var rows []map[string]string
				_ = json.Unmarshal(files["json/"+sc.Table+".json"], &rows)
				opened := 0
				for _, r := range rows {
					if r[sc.Name] != "" {
						opened++
					}
				}
				if opened != n {
					t.Errorf("%s.%s: %d sealed, %d opened as %s", sc.Table, sc.Column, n, opened, sc.Name)
				}
			}
			if got := files["documents/lease-documents/"+itoa(docID)+".pdf"]; !bytes.Equal(got, tenantInfo) {
				t.Errorf("the tenant information is not in the zip as stored (%d bytes)", len(got))
			}
			found = false
			for name, b := range files {
				if strings.HasPrefix(name, "documents/imports/") && strings.HasSuffix(name, "huurlijst.csv") {
					found = bytes.Equal(b, rentRoll)
				}
			}
			if !found {
				t.Error("the uploaded rent roll is not in the zip")
			}
			for _, dir := range []string{"invoices", "lease-documents", "imports", "logo", "mail", "payment-files"} {
				if sum.Documents[dir] == 0 {
					t.Errorf("no documents/%s in the export of the demo", dir)
				}
			}
			// The export is audited.
			if n := count(t, e, `SELECT COUNT(*) FROM audit_events WHERE action = 'organisation.exported'`); n != 1 {
				t.Errorf("%d audit events", n)
			}
			// Managers are refused.
			mgr := e.Actor(t, "demo", "beheerder@demo.test", account.Manager)
			if _, err := e.OrgExport.Export(ctx, mgr, io.Discard); !errors.Is(err, validation.ErrForbidden) {
				t.Errorf("manager: %v", err)
			}
		})
	}
}

func param(engine db.Dialect) string {
	if engine == db.Postgres {
		return "$1"
	}
	return "?"
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func count(t *testing.T, e *apptest.Env, q string) int {
	t.Helper()
	var n int
	if err := e.DB.Raw().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every sealed or binary column of a table with an org_id (privacy.Blobs
// lists them all) is opened by the export or left out with a reason; a new
// sealed column fails here until it is one or the other.
func TestEverySealedColumnIsExportedOrLeftOut(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{NoServer: true})
			ctx := context.Background()
			owner := e.Actor(t, "een", "eigenaar@een.test", account.Owner)
			var tables []string
			if err := e.DB.ReadOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
				var err error
				tables, err = orgexport.Tables(ctx, tx)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			org := map[string]bool{}
			for _, tab := range tables {
				org[tab] = true
			}
			opened := map[string]bool{}
			for _, sc := range orgexport.SealedColumns {
				k := sc.Table + "." + sc.Column
				if _, ok := privacy.Blobs[k]; !ok {
					t.Errorf("%s is opened by the export but is no binary column of the schema (privacy.Blobs)", k)
				}
				if !org[sc.Table] {
					t.Errorf("%s: %s has no org_id", k, sc.Table)
				}
				opened[k] = true
			}
			for k := range orgexport.LeftOut {
				if _, ok := privacy.Blobs[k]; !ok {
					t.Errorf("%s is left out but is no binary column of the schema (privacy.Blobs)", k)
				}
			}
			for k := range privacy.Blobs {
				tab, _, _ := strings.Cut(k, ".")
				if !org[tab] || opened[k] {
					continue
				}
				if orgexport.LeftOut[k] == "" {
					t.Errorf("%s holds the organisation's data but the export neither opens it nor says why it is left out", k)
				}
			}
		})
	}
}
