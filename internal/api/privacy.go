package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"hms/internal/account"
	"hms/internal/privacy"
)

// The subject rights of a person (PRIVACY.md P20): export (owners and
// managers) and erasure (owners, with a token that has the admin scope).

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/relations/{id}/export", "export-relation",
			"Everything held about a person as a zip (report.html, json/, csv/); owners and managers", account.PermPortfolioRead,
			a.relationExport)
		op(a, http.MethodPost, "/relations/{id}/erase", "erase-relation",
			"Erase a person (crypto-shredding; the books are kept pseudonymised); owners only, refused while a lease runs",
			account.PermMembersManage, a.relationErase)
		op(a, http.MethodGet, "/privacy/recipients", "get-privacy-recipients",
			"The register of recipients and sub-processors: who receives personal data from HMS, for what, and in which country",
			account.PermOrgRead, a.privacyRecipients)
	})
}

// RelationExportInput names the person and the report's language.
type RelationExportInput struct {
	ID   int64  `path:"id"`
	Lang string `query:"lang" enum:"nl,en," doc:"language of report.html and the CSV headers; nl when absent"`
}

// ZipOutput is a zip file.
type ZipOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte `contentType:"application/zip"`
}

func (a *API) relationExport(ctx context.Context, act account.Actor, in *RelationExportInput) (*ZipOutput, error) {
	var b bytes.Buffer
	if err := a.Rights.Export(ctx, act, in.ID, in.Lang, &b); err != nil {
		return nil, err
	}
	return &ZipOutput{ContentType: "application/zip",
		ContentDisposition: fmt.Sprintf(`attachment; filename="gegevens-%d.zip"`, in.ID), Body: b.Bytes()}, nil
}

// ReceiptLine is one thing erased or kept.
type ReceiptLine struct {
	What    string `json:"what" doc:"code of what was erased or kept"`
	Text    string `json:"text" doc:"the same in words (English)"`
	Count   int    `json:"count"`
	Until   string `json:"until,omitempty" doc:"kept: ISO date the retention ends; absent: as long as the record it belongs to"`
	Why     string `json:"why,omitempty" doc:"kept: code of the reason"`
	WhyText string `json:"why_text,omitempty"`
}

// ReceiptSource is one source's part of an erasure.
type ReceiptSource struct {
	Source string        `json:"source"`
	Erased []ReceiptLine `json:"erased"`
	Kept   []ReceiptLine `json:"kept"`
}

// ErasureReceipt says what was erased and what is kept, until when and why.
type ErasureReceipt struct {
	PersonID      int64           `json:"person_id"`
	At            string          `json:"at" doc:"RFC 3339"`
	AlreadyErased bool            `json:"already_erased" doc:"the person had been erased before; nothing changed"`
	Sources       []ReceiptSource `json:"sources"`
}

// ErasureOutput is the receipt.
type ErasureOutput struct {
	Body ErasureReceipt
}

func (a *API) relationErase(ctx context.Context, act account.Actor, in *RelationPathInput) (*ErasureOutput, error) {
	rc, err := a.Rights.Erase(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	t := func(id string) string { return a.Texts.T("en", id, nil) }
	out := ErasureReceipt{PersonID: rc.PersonID, At: rc.At.UTC().Format("2006-01-02T15:04:05Z"), AlreadyErased: rc.AlreadyErased,
		Sources: []ReceiptSource{}}
	for _, o := range rc.Outcomes {
		s := ReceiptSource{Source: o.Source, Erased: []ReceiptLine{}, Kept: []ReceiptLine{}}
		for _, e := range o.Erased {
			s.Erased = append(s.Erased, ReceiptLine{What: e.What, Text: t(e.What), Count: e.Count})
		}
		for _, k := range o.Kept {
			s.Kept = append(s.Kept, ReceiptLine{What: k.What, Text: t(k.What), Count: k.Count,
				Until: k.Until.String(), Why: k.Why, WhyText: t(k.Why)})
		}
		out.Sources = append(out.Sources, s)
	}
	return &ErasureOutput{Body: out}, nil
}

// RecipientEntry is one recipient or sub-processor (PRIVACY.md P17, P18).
type RecipientEntry struct {
	Key      string           `json:"key"`
	Name     string           `json:"name"`
	Purpose  string           `json:"purpose"`
	Country  string           `json:"country" doc:"ISO 3166-1 alpha-2"`
	Location privacy.Location `json:"location" doc:"eea: no transfer; adequate: outside the EEA on an adequacy decision"`
}

// RecipientsOutput is the register in the asked language.
type RecipientsOutput struct {
	Body struct {
		Recipients []RecipientEntry `json:"recipients"`
	}
}

func (a *API) privacyRecipients(ctx context.Context, _ account.Actor, _ *empty) (*RecipientsOutput, error) {
	lang := langFrom(ctx)
	out := &RecipientsOutput{}
	out.Body.Recipients = []RecipientEntry{}
	for _, r := range a.Privacy.Recipients() {
		out.Body.Recipients = append(out.Body.Recipients, RecipientEntry{Key: r.Key, Name: r.Name.In(lang),
			Purpose: r.Purpose.In(lang), Country: r.Country, Location: r.Location()})
	}
	return out, nil
}
