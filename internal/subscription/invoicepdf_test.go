package subscription

import (
	"testing"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc/pdfdoctest"
)

// HMS's invoice to a customer, a prorated start month, in both languages;
// go test -update-golden rewrites testdata/.
func TestInvoiceGolden(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		inv := Invoice{Number: "HMS0000042", Month: civil.Month{Year: 2027, Month: time.May}, IssuedOn: civil.New(2027, time.June, 1),
			From: civil.New(2027, time.May, 10), To: civil.New(2027, time.May, 31), PlanNL: "Basis", PlanEN: "Basic", Units: 12,
			Net: 3477, VATRate: VATRateOn(civil.New(2027, time.June, 1)), VAT: 730, Total: 4207, CollectOn: civil.New(2027, time.June, 15),
			Mandate: "HMS-000001-20270510-SDPP", Creditor: "NL51ZZZ405365330000",
			Seller: Seller{Name: "HMS Huurbeheer B.V.", Address: "Oudegracht 100, 3511 AX Utrecht", KvK: "40536533", VATID: "NL000099998B57"},
			Buyer: Details{Kind: Company, Name: "Vastgoed Alfa B.V.", Street: "Stationsplein", HouseNumber: "1", Postcode: "3511 ED",
				City: "Utrecht", Email: "facturen@alfa.example", KvK: "40536533", VATID: "NL000099998B57"}, Lang: lang}
		pdf, err := renderInvoice(inv, time.Date(2027, 6, 1, 5, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		pdfdoctest.Golden(t, "hms-invoice-"+lang, pdf)
	}
}

// The VAT rate is data by date; amounts are prorated by days and the VAT
// rounded once per invoice.
func TestInvoiceAmounts(t *testing.T) {
	if r := VATRateOn(civil.New(2027, time.January, 1)); r != 210_000 {
		t.Fatalf("rate %d", r)
	}
	feb := civil.Month{Year: 2028, Month: time.February}
	for _, c := range []struct {
		from            civil.Date
		net, vat, total int64
	}{{civil.New(2028, time.February, 1), 4900, 1029, 5929}, {civil.New(2028, time.February, 29), 169, 35, 204},
		{civil.New(2028, time.February, 15), 2534, 532, 3066}} {
		net, vat, total, err := invoiceAmounts(4900, feb, c.from, VATRateOn(c.from))
		if err != nil || int64(net) != c.net || int64(vat) != c.vat || int64(total) != c.total {
			t.Errorf("from %s: %d %d %d, want %d %d %d (%v)", c.from, net, vat, total, c.net, c.vat, c.total, err)
		}
	}
}
