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
		"relations. Versleutelde kolommen en zoeksleutels (blinde indexen, zoektokens, hashes) zijn\n" +
		"weggelaten; per tabel staat hieronder welke. documents/invoices/<nummer>.pdf zijn de facturen en\n" +
		"creditnota's zoals verstuurd (fiscaal archief). Andere opgeslagen documenten (brieven, afrekeningen,\n" +
		"specificaties, bewijsstukken, machtigingen, SEPA-bestanden, logo) zitten nog niet in deze export.\n\n")
	b.WriteString("EN: Every table holding your organisation's data appears twice: json/<table>.json (a list of\n" +
		"rows) and csv/<table>.csv (the same rows, with a header). The relations' sealed personal data\n" +
		"(name, birth date, address, e-mail, phone, IBAN) is decrypted as columns of relations. Sealed\n" +
		"columns and look-up keys (blind indexes, search tokens, hashes) are left out; each table below\n" +
		"says which. documents/invoices/<number>.pdf are the invoices and credit notes as sent (fiscal\n" +
		"archive). Other stored documents (letters, statements, specifications, evidence, mandate forms,\n" +
		"SEPA files, logo) are not in this export yet.\n\n")
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
