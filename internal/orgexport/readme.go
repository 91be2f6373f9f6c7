package orgexport

import (
	"archive/zip"
	"fmt"
	"strings"
)

// writeReadme says what each file of the export is, in Dutch and English.
func writeReadme(zw *zip.Writer, sum Summary) error {
	f, err := zw.Create("README.txt")
	if err != nil {
		return fmt.Errorf("orgexport: README.txt: %w", err)
	}
	var b strings.Builder
	b.WriteString("HMS — export van de hele organisatie / export of the whole organisation\n")
	fmt.Fprintf(&b, "Gemaakt / made: %s\n\n", sum.Made.UTC().Format("2006-01-02 15:04 MST"))
	b.WriteString("NL: Elke tabel met gegevens van uw organisatie staat hier twee keer: json/<tabel>.json (een lijst\n" +
		"van rijen) en csv/<tabel>.csv (dezelfde rijen, met kopregel). De versleutelde persoonsgegevens van\n" +
		"relaties (naam, geboortedatum, adres, e-mail, telefoon, IBAN) staan ontsleuteld als kolommen in\n" +
		"relations; andere versleutelde velden (debiteur, bankregelgegevens, bezwaren) staan ontsleuteld als\n" +
		"kolom in hun tabel. Zoeksleutels (blinde indexen, zoektokens, hashes) zijn weggelaten; per tabel\n" +
		"staat hieronder welke. Elk opgeslagen document staat als bestand in documents/: facturen en\n" +
		"creditnota's zoals verstuurd, aanmaningen, afrekeningen servicekosten, specificaties en bewijsstukken\n" +
		"van de borg, huurinformatie, huurverhogingsbrieven, bankafschriften, betaalbestanden, importbestanden,\n" +
		"facturen van leveranciers, verstuurde e-mails en het logo.\n\n")
	b.WriteString("EN: Every table holding your organisation's data appears twice: json/<table>.json (a list of\n" +
		"rows) and csv/<table>.csv (the same rows, with a header). The relations' sealed personal data\n" +
		"(name, birth date, address, e-mail, phone, IBAN) is decrypted as columns of relations; other sealed\n" +
		"fields (debtors, bank line details, objections) are decrypted as a column of their table. Look-up\n" +
		"keys (blind indexes, search tokens, hashes) are left out; each table below says which. Every\n" +
		"stored document is a file in documents/: invoices and credit notes as sent, dunning letters,\n" +
		"service-cost statements, deposit specifications and evidence, tenant information, rent-increase\n" +
		"letters, bank statements, payment files, import files, suppliers' invoices, mails sent and the logo.\n\n")
	b.WriteString("Tabel / table — rijen / rows — weggelaten kolommen / columns left out\n")
	for _, t := range sum.Tables {
		fmt.Fprintf(&b, "%s — %d", t.Name, t.Rows)
		if len(t.Omitted) > 0 {
			fmt.Fprintf(&b, " — %s", strings.Join(t.Omitted, ", "))
		}
		b.WriteString("\n")
	}
	for dir, n := range sum.Documents {
		fmt.Fprintf(&b, "documents/%s — %d\n", dir, n)
	}
	_, err = f.Write([]byte(b.String()))
	return err
}
