package directdebit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/nl"
	"hms/internal/orgprofile"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/validation"
)

// PurposeMandateForm is the purpose of reading the debtor's language for
// the mandate form (relations logs it).
const PurposeMandateForm = "directdebit.mandate_form"

// formSheet is what the mandate form prints.
type formSheet struct {
	Lang            string
	Kind            Kind
	CreditorName    string
	CreditorAddress string
	Issuer          pdfdoc.Issuer // the organisation's details (orgprofile); printed with the creditor's name
	CreditorID      string
	Reference       string
	LeaseReference  string
	Units           string
	DebtorName      string
	IBAN            string
	Place           string
	SignedOn        civil.Date
	Created         time.Time
}

// MandateForm is the printable mandate form (PDF) of mandate id, in the
// debtor's language: "Doorlopende SEPA-machtiging" or "Eenmalige
// SEPA-machtiging" with the creditor's name, address and Incassant-ID, the
// mandate reference, the Core consent text with the 8-week refund right
// (DOMAIN §5.2), the debtor's name and IBAN, and place, date and signature.
// It carries personal data, so printing it is recorded.
func (s *Service) MandateForm(ctx context.Context, a account.Actor, id int64) ([]byte, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var pdf []byte
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		m, err := readMandate(ctx, tx, "m.id = $2", id)
		if err != nil {
			return err
		}
		if err := s.openMandate(ctx, tx, m); err != nil {
			return err
		}
		st, err := bank.SettingsTx(ctx, tx)
		if err != nil {
			return err
		}
		if st.CreditorID == "" {
			return ErrNoCreditorID
		}
		is, err := orgprofile.IssuerTx(ctx, tx, "")
		if err != nil {
			return err
		}
		sh := formSheet{Lang: "nl", Kind: m.Kind, CreditorName: st.CreditorName, CreditorAddress: is.Address, Issuer: is,
			CreditorID: st.CreditorID, Reference: m.Reference, LeaseReference: m.LeaseReference, DebtorName: m.DebtorName,
			IBAN: m.IBAN, Place: m.SignedPlace, SignedOn: m.SignedOn, Created: s.clk.Now()}
		if sh.CreditorName == "" {
			sh.CreditorName = is.Name
		}
		l, err := s.leases.GetTx(ctx, tx, m.LeaseID)
		if err != nil {
			return err
		}
		units, err := s.portfolio.UnitFacts(ctx, tx, l.UnitIDs()...)
		if err != nil && !errors.Is(err, validation.ErrNotFound) {
			return err
		}
		var addrs []string
		for _, uid := range l.UnitIDs() {
			if u, ok := units[uid]; ok {
				addrs = append(addrs, u.Address)
			}
		}
		sh.Units = strings.Join(addrs, "; ")
		if m.PartyID != 0 {
			facts, err := s.relations.PartyFacts(ctx, tx, a, PurposeMandateForm, m.PartyID)
			if err != nil && !errors.Is(err, validation.ErrNotFound) {
				return err
			}
			sh.Lang = pdfdoc.TextsIn(facts[m.PartyID].Language).Lang
		}
		if pdf, err = renderForm(sh); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "directdebit.mandate_form_printed", "dd_mandate", id, nil)
	})
	return pdf, err
}

// renderForm writes the mandate form (A4).
func renderForm(sh formSheet) ([]byte, error) {
	T := pdfdoc.TextsIn(sh.Lang).T
	title := T("doc.mandate.title_recurrent")
	consent := "doc.mandate.consent_recurrent"
	if sh.Kind == OneOff {
		title, consent = T("doc.mandate.title_one_off"), "doc.mandate.consent_one_off"
	}
	issuer := sh.Issuer
	issuer.Name, issuer.Address = sh.CreditorName, sh.CreditorAddress
	pdf := pdfdoc.New(pdfdoc.Meta{Title: T("doc.mandate.meta_title", "Title", title, "Reference", sh.Reference), Author: sh.CreditorName,
		Lang: sh.Lang, Created: sh.Created, Layout: pdfdoc.StatementLayout, Issuer: &issuer,
		Footer: []string{T("doc.mandate.footer", "Reference", sh.Reference)}})
	tw := pdf.TextWidth

	pdf.SetY(max(pdf.GetY()+8, 55))
	pdf.SetFont("dejavu", "B", 17)
	pdf.MultiCell(0, 9, title, "", "L", false)
	pdf.Ln(3)

	heading := func(s string) {
		pdf.SetFont("dejavu", "B", 11)
		pdf.MultiCell(0, 7, s, "", "L", false)
	}
	row := func(label, value string) {
		pdf.SetFont("dejavu", "", 9.5)
		y := pdf.GetY()
		pdf.MultiCell(tw*0.32, 6, label, "", "L", false)
		end := pdf.GetY()
		pdf.SetXY(pdf.GetX()+tw*0.32, y)
		pdf.SetFont("dejavu", "B", 10)
		pdf.MultiCell(tw*0.68, 6, value, "", "L", false)
		pdf.SetY(max(end, pdf.GetY()))
	}
	para := func(s string) {
		pdf.SetFont("dejavu", "", 10)
		pdf.MultiCell(0, 5.2, s, "", "L", false)
		pdf.Ln(2)
	}
	blank := func(v string) string {
		if v == "" {
			return "……………………………………………"
		}
		return v
	}

	heading(T("doc.mandate.creditor"))
	row(T("doc.mandate.creditor_name"), sh.CreditorName)
	if sh.CreditorAddress != "" {
		row(T("doc.mandate.address"), sh.CreditorAddress)
	}
	row(T("doc.mandate.country"), T("doc.mandate.country_nl"))
	row(T("doc.mandate.creditor_id"), sh.CreditorID)
	row(T("doc.mandate.reference"), sh.Reference)
	purpose := T("doc.mandate.purpose_text", "Units", sh.Units, "Lease", sh.LeaseReference)
	row(T("doc.mandate.purpose"), purpose)
	pdf.Ln(4)

	// A name that ends in a full stop (B.V.) ends the sentence too.
	para(strings.Replace(T(consent, "Creditor", sh.CreditorName, "Purpose", purpose), "..", ".", 1))
	para(T("doc.mandate.refund"))
	pdf.Ln(2)

	heading(T("doc.mandate.debtor"))
	row(T("doc.mandate.debtor_name"), blank(sh.DebtorName))
	iban := ""
	if sh.IBAN != "" {
		iban = nl.FormatIBAN(sh.IBAN)
	}
	row(T("doc.mandate.iban"), blank(iban))
	row(T("doc.mandate.place"), blank(sh.Place))
	date := ""
	if !sh.SignedOn.IsZero() {
		date = sh.SignedOn.Long(sh.Lang)
	}
	row(T("doc.mandate.date"), blank(date))
	pdf.Ln(6)
	pdf.SetFont("dejavu", "", 9.5)
	pdf.CellFormat(tw*0.32, 6, T("doc.mandate.signature"), "", 0, "L", false, 0, "")
	x, y := pdf.GetX(), pdf.GetY()
	pdf.Line(x, y+18, x+tw*0.6, y+18)
	pdf.SetY(y + 26)
	pdf.SetFont("dejavu", "", 8.5)
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(0, 4.5, T("doc.mandate.separate"), "", "L", false)
	pdf.SetTextColor(0, 0, 0)

	b, err := pdf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render mandate form: %w", err)
	}
	return b, nil
}
