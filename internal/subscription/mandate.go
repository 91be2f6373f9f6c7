package subscription

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/validation"
)

// mandateSheet is what HMS's own mandate form prints.
type mandateSheet struct {
	Lang         string
	CreditorName string
	CreditorID   string
	Reference    string
	DebtorName   string
	Address      string
	IBAN         string
	BIC          string
	SignedAt     time.Time
	Created      time.Time
}

// MandatePDF is the signed SEPA Core mandate of the actor's organisation
// as a PDF in lang: the creditor HMS with its Incassant-ID, the mandate
// reference, the consent text with the 8-week refund right, the
// subscriber's name, address and IBAN, and that it was signed online on
// its date (DOMAIN §5.2).
func (s *Service) MandatePDF(ctx context.Context, a account.Actor, lang string) ([]byte, error) {
	if !a.Can(account.PermMembersManage) {
		return nil, validation.ErrForbidden
	}
	var pdf []byte
	err := s.db.System(ctx, func(tx *db.Tx) error {
		sub, err := s.open(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		name := sub.Details.Name
		if sub.Details.AccountName != "" {
			name = sub.Details.AccountName
		}
		sh := mandateSheet{Lang: pdfdoc.TextsIn(lang).Lang, CreditorName: sub.Mandate.CreditorName, CreditorID: sub.Mandate.CreditorID,
			Reference: sub.Mandate.Reference, DebtorName: name, IBAN: sub.IBAN, BIC: sub.BIC, SignedAt: sub.Mandate.SignedAt,
			Address: sub.Details.Address(), Created: s.clk.Now()}
		if pdf, err = renderMandate(sh); err != nil {
			return err
		}
		return s.record(ctx, tx, a.UserID, actorKind(a), "subscription.mandate_printed", "organisation", a.OrgID, nil)
	})
	return pdf, err
}

// renderMandate writes the mandate (A4).
func renderMandate(sh mandateSheet) ([]byte, error) {
	T := pdfdoc.TextsIn(sh.Lang).T
	title := T("doc.mandate.title_recurrent")
	pdf := pdfdoc.New(pdfdoc.Meta{Title: T("doc.mandate.meta_title", "Title", title, "Reference", sh.Reference),
		Author: sh.CreditorName, Lang: sh.Lang, Created: sh.Created, Layout: pdfdoc.StatementLayout,
		Issuer: &pdfdoc.Issuer{Name: sh.CreditorName}, Footer: []string{T("doc.mandate.footer", "Reference", sh.Reference)}})
	tw := pdf.TextWidth
	pdf.SetY(max(pdf.GetY()+8, 40))
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
	heading(T("doc.mandate.creditor"))
	row(T("doc.mandate.creditor_name"), sh.CreditorName)
	row(T("doc.mandate.country"), T("doc.mandate.country_nl"))
	row(T("doc.mandate.creditor_id"), sh.CreditorID)
	row(T("doc.mandate.reference"), sh.Reference)
	purpose := T("doc.hms_mandate.purpose")
	row(T("doc.mandate.purpose"), purpose)
	pdf.Ln(4)
	para(strings.Replace(T("doc.mandate.consent_recurrent", "Creditor", sh.CreditorName, "Purpose", purpose), "..", ".", 1))
	para(T("doc.mandate.refund"))
	pdf.Ln(2)
	heading(T("doc.mandate.debtor"))
	row(T("doc.mandate.debtor_name"), sh.DebtorName)
	row(T("doc.mandate.address"), sh.Address)
	row(T("doc.mandate.iban"), nl.FormatIBAN(sh.IBAN))
	if sh.BIC != "" {
		row(T("doc.hms_mandate.bic"), sh.BIC)
	}
	row(T("doc.mandate.date"), civil.Today(sh.SignedAt).Long(sh.Lang))
	pdf.Ln(4)
	para(T("doc.hms_mandate.signed_online", "Date", civil.Today(sh.SignedAt).Long(sh.Lang)))
	b, err := pdf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render subscription mandate: %w", err)
	}
	return b, nil
}
