package api

import (
	"context"
	"fmt"
	"net/http"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/subscription"
)

// HMS's own invoices to the organisation (package subscription): the owner
// lists them and downloads each as a PDF.

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/subscription/invoices", "get-subscription-invoices",
			"HMS's monthly invoices to the organisation, newest first", account.PermMembersManage, a.listSubscriptionInvoices)
		op(a, http.MethodGet, "/subscription/invoices/{number}/pdf", "get-subscription-invoice-pdf",
			"One of HMS's invoices to the organisation as a PDF", account.PermMembersManage, a.getSubscriptionInvoicePDF)
	})
}

// SubscriptionInvoiceJSON is one of HMS's invoices.
type SubscriptionInvoiceJSON struct {
	Number           string                    `json:"number"`
	IssuedOn         civil.Date                `json:"issued_on"`
	PeriodFrom       civil.Date                `json:"period_from"`
	PeriodTo         civil.Date                `json:"period_to"`
	Plan             string                    `json:"plan"`
	Units            int                       `json:"units"`
	NetCents         money.Cents               `json:"net_cents"`
	VATRate          string                    `json:"vat_rate" doc:"The VAT percentage, e.g. 21%"`
	VATCents         money.Cents               `json:"vat_cents"`
	TotalCents       money.Cents               `json:"total_cents"`
	CollectOn        civil.Date                `json:"collect_on" doc:"The day HMS collects the total by direct debit"`
	MandateReference string                    `json:"mandate_reference"`
	State            subscription.InvoiceState `json:"state"`
}

// SubscriptionInvoicesOutput lists them.
type SubscriptionInvoicesOutput struct {
	Body struct {
		Items []SubscriptionInvoiceJSON `json:"items"`
	}
}

func (a *API) listSubscriptionInvoices(ctx context.Context, act account.Actor, _ *empty) (*SubscriptionInvoicesOutput, error) {
	list, err := a.Subscriptions.Invoices(ctx, act)
	if err != nil {
		return nil, err
	}
	out := &SubscriptionInvoicesOutput{}
	out.Body.Items = make([]SubscriptionInvoiceJSON, 0, len(list))
	lang := langFrom(ctx)
	for _, inv := range list {
		out.Body.Items = append(out.Body.Items, subscriptionInvoiceJSON(inv, lang))
	}
	return out, nil
}

func subscriptionInvoiceJSON(inv subscription.Invoice, lang string) SubscriptionInvoiceJSON {
	return SubscriptionInvoiceJSON{Number: inv.Number, IssuedOn: inv.IssuedOn, PeriodFrom: inv.From, PeriodTo: inv.To,
		Plan: inv.Plan(lang), Units: inv.Units, NetCents: inv.Net, VATRate: inv.VATRate.String(), VATCents: inv.VAT,
		TotalCents: inv.Total, CollectOn: inv.CollectOn, MandateReference: inv.Mandate, State: subscription.InvoiceState(inv.State)}
}

type invoiceNumberPath struct {
	Number string `path:"number" maxLength:"20"`
}

func (a *API) getSubscriptionInvoicePDF(ctx context.Context, act account.Actor, in *invoiceNumberPath) (*FileOutput, error) {
	pdf, _, err := a.Subscriptions.InvoicePDF(ctx, act, in.Number)
	if err != nil {
		return nil, err
	}
	return &FileOutput{ContentType: "application/pdf", ContentDisposition: fmt.Sprintf(`attachment; filename="factuur-%s.pdf"`,
		in.Number), Body: pdf}, nil
}
