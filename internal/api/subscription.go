package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/subscription"
)

// The organisation's subscription with HMS (package subscription): the
// owner reads it with GET /subscription and subscribes, or changes the
// billing details and signs a new mandate, with PUT /subscription. After a
// trial without a subscription every other write is refused (403, see
// New's middleware); this one is how the organisation gets out.

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/subscription", "get-subscription",
			"The organisation's trial, its price by units and its subscription with the SEPA mandate", account.PermMembersManage,
			a.getSubscription)
		op(a, http.MethodPut, "/subscription", "put-subscription",
			"Subscribe: billing details (postcode, KvK, btw-id and IBAN checked) and the signed SEPA Core mandate",
			account.PermMembersManage, a.putSubscription)
	})
}

// SubscriptionDetailsJSON are the billing details.
type SubscriptionDetailsJSON struct {
	Kind        string `json:"kind" enum:"company,person" doc:"A company or a natural person"`
	Name        string `json:"name" maxLength:"120"`
	Street      string `json:"street" maxLength:"120"`
	HouseNumber string `json:"house_number" maxLength:"20"`
	Postcode    string `json:"postcode" maxLength:"10" doc:"1234 AB"`
	City        string `json:"city" maxLength:"80"`
	Email       string `json:"email" maxLength:"254" doc:"Where invoices go"`
	KvK         string `json:"kvk,omitempty" maxLength:"20" doc:"KvK number: 8 digits; required for a company"`
	VATID       string `json:"vat_id,omitempty" maxLength:"20" doc:"btw-id, e.g. NL000099998B57"`
	IBAN        string `json:"iban" maxLength:"42"`
	AccountName string `json:"account_name,omitempty" maxLength:"70" doc:"The account holder, when not the name"`
}

// PutSubscriptionInput subscribes.
type PutSubscriptionInput struct {
	Body struct {
		SubscriptionDetailsJSON
		SignMandate bool `json:"sign_mandate" doc:"true: the mandate text (GET: mandate_text) was shown and is signed online"`
	}
}

// SubscriptionOutput is the organisation's standing with HMS.
type SubscriptionOutput struct {
	Body struct {
		State        subscription.State `json:"state"`
		TrialEndsAt  *time.Time         `json:"trial_ends_at,omitempty"`
		TrialDays    int                `json:"trial_days_left,omitempty"`
		Units        int                `json:"units"`
		Plan         string             `json:"plan,omitempty" doc:"The plan the units fall in"`
		MonthlyCents money.Cents        `json:"monthly_cents" doc:"The monthly fee excluding VAT"`
		MandateText  string             `json:"mandate_text" doc:"The SEPA Core consent text signed with PUT"`
		Subscription *struct {
			StartedOn        civil.Date              `json:"started_on"`
			PaidThrough      civil.Date              `json:"paid_through"`
			Details          SubscriptionDetailsJSON `json:"details"`
			BIC              string                  `json:"bic,omitempty"`
			MandateReference string                  `json:"mandate_reference"`
			MandateSignedAt  time.Time               `json:"mandate_signed_at"`
			CreditorID       string                  `json:"creditor_id"`
			CreditorName     string                  `json:"creditor_name"`
		} `json:"subscription,omitempty"`
	}
}

func (a *API) getSubscription(ctx context.Context, act account.Actor, _ *empty) (*SubscriptionOutput, error) {
	sum, err := a.Subscriptions.Summarise(ctx, act)
	if err != nil {
		return nil, err
	}
	out := &SubscriptionOutput{}
	b := &out.Body
	b.State, b.TrialDays, b.Units = sum.State, sum.DaysLeft, sum.Quote.Units
	if !sum.TrialEndsAt.IsZero() {
		t := sum.TrialEndsAt
		b.TrialEndsAt = &t
	}
	if sum.Quote.Plan.ID != 0 {
		b.Plan, b.MonthlyCents = sum.Quote.Plan.Name(langFrom(ctx)), sum.Quote.Monthly
	}
	b.MandateText = a.Subscriptions.MandateText(langFrom(ctx))
	if s := sum.Subscription; s != nil {
		b.Subscription = &struct {
			StartedOn        civil.Date              `json:"started_on"`
			PaidThrough      civil.Date              `json:"paid_through"`
			Details          SubscriptionDetailsJSON `json:"details"`
			BIC              string                  `json:"bic,omitempty"`
			MandateReference string                  `json:"mandate_reference"`
			MandateSignedAt  time.Time               `json:"mandate_signed_at"`
			CreditorID       string                  `json:"creditor_id"`
			CreditorName     string                  `json:"creditor_name"`
		}{StartedOn: s.StartedOn, PaidThrough: s.PaidThrough, BIC: s.BIC, MandateReference: s.Mandate.Reference,
			MandateSignedAt: s.Mandate.SignedAt, CreditorID: s.Mandate.CreditorID, CreditorName: s.Mandate.CreditorName,
			Details: SubscriptionDetailsJSON{Kind: string(s.Details.Kind), Name: s.Details.Name, Street: s.Details.Street,
				HouseNumber: s.Details.HouseNumber, Postcode: s.Details.Postcode, City: s.Details.City, Email: s.Details.Email,
				KvK: s.Details.KvK, VATID: s.Details.VATID, IBAN: nl.FormatIBAN(s.IBAN), AccountName: s.Details.AccountName}}
		b.Plan, b.MonthlyCents = s.PlanName, s.Monthly
	}
	return out, nil
}

func (a *API) putSubscription(ctx context.Context, act account.Actor, in *PutSubscriptionInput) (*SubscriptionOutput, error) {
	d := in.Body
	_, err := a.Subscriptions.Subscribe(ctx, act, subscription.Input{Kind: subscription.Kind(d.Kind), Name: d.Name, Street: d.Street,
		HouseNumber: d.HouseNumber, Postcode: d.Postcode, City: d.City, Email: d.Email, KvK: d.KvK, VATID: d.VATID, IBAN: d.IBAN,
		AccountName: d.AccountName, Sign: d.SignMandate})
	if fe, ok := validation.AsFields(err); ok {
		if msg, ok := fe["sign"]; ok {
			delete(fe, "sign")
			fe["sign_mandate"] = msg
		}
		return nil, fe
	}
	if err != nil {
		return nil, err
	}
	return a.getSubscription(ctx, act, nil)
}

// readOnly is the refusal of a write after the trial, with where to
// subscribe; nil when the organisation may write. Privacy duties go on
// (subscription.PrivacyDuty).
func (a *API) readOnly(ctx context.Context, act account.Actor, method, path string) (string, error) {
	if method == http.MethodGet || method == http.MethodHead || path == Prefix+"/subscription" || path == Prefix+"/subscription/cancel" ||
		subscription.PrivacyDuty(path) {
		return "", nil
	}
	err := a.Subscriptions.CheckWrite(ctx, act.OrgID)
	if errors.Is(err, subscription.ErrReadOnly) {
		key := "subscription.read_only_api"
		if st, err := a.Subscriptions.StandingOf(ctx, act.OrgID); err == nil && st.State == subscription.StatePastDue {
			key = "subscription.read_only_past_due_api"
		}
		return a.Texts.T(langFrom(ctx), key, map[string]any{
			"Link": "/o/" + act.OrgSlug + "/settings/subscription"}), nil
	}
	return "", err
}
