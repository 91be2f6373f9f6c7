package api

import (
	"context"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/privacy/requests"
	"hms/internal/relation"
)

// Subject requests in the organisation's inbox (PRIVACY.md P20–P22):
// recorded on a person's behalf, listed overdue first, and answered; owners
// and managers, erasure owners only.

func init() {
	areas = append(areas, func(a *API) {
		w := account.PermPortfolioWrite
		op(a, http.MethodGet, "/privacy/requests", "list-privacy-requests",
			"Subject requests in the organisation's inbox, in id order; overdue=true: only open ones past their due day", w,
			a.listPrivacyRequests)
		op(a, http.MethodPost, "/privacy/requests", "record-privacy-request",
			"Record a subject request on a person's behalf; with a note the identity counts as checked", w, a.recordPrivacyRequest)
		op(a, http.MethodGet, "/privacy/requests/{id}", "get-privacy-request", "One subject request", w, a.getPrivacyRequest)
		op(a, http.MethodPost, "/privacy/requests/{id}/verify", "verify-privacy-request",
			"Record that the requester's identity was checked and what was seen (never a copy of a document)", w,
			a.privacyRequestAction("verify"))
		op(a, http.MethodPost, "/privacy/requests/{id}/extend", "extend-privacy-request",
			"Extend the term once by one or two months, within the first month, with the reason; the requester is mailed", w,
			a.privacyRequestAction("extend"))
		op(a, http.MethodPost, "/privacy/requests/{id}/refuse", "refuse-privacy-request",
			"Refuse with the reason; the requester is mailed the reason and the right to complain to the AP", w,
			a.privacyRequestAction("refuse"))
		op(a, http.MethodPost, "/privacy/requests/{id}/complete", "complete-privacy-request",
			"Mark a rectification, completion, restriction or objection done, saying what was done; the requester is mailed", w,
			a.privacyRequestAction("complete"))
		op(a, http.MethodPost, "/privacy/requests/{id}/export", "export-privacy-request",
			"Answer an access or portability request with the person's export; the requester is mailed a download link", w,
			a.privacyRequestAction("export"))
		op(a, http.MethodPost, "/privacy/requests/{id}/erase", "erase-privacy-request",
			"Answer an erasure request by erasing the person, or refuse it with the law's reason; owners only",
			account.PermMembersManage, a.privacyRequestAction("erase"))
		op(a, http.MethodPost, "/privacy/requests/{id}/rectify", "rectify-privacy-request",
			"Approve a rectification or completion: the requester's proposed values are written to the person; the requester is mailed", w,
			a.privacyRequestAction("rectify"))
		op(a, http.MethodPost, "/privacy/requests/{id}/restrict", "restrict-privacy-request",
			"Answer a restriction request by restricting the person's processing on the ground; the requester is mailed", w,
			a.privacyRequestAction("restrict"))
		op(a, http.MethodPost, "/privacy/requests/{id}/object", "object-privacy-request",
			"Answer an objection request by recording the objection (pending) on the person; the requester is mailed", w,
			a.privacyRequestAction("object"))
	})
}

// PrivacyRequestJSON is one subject request.
type PrivacyRequestJSON struct {
	ID           int64             `json:"id"`
	Kind         requests.Kind     `json:"kind"`
	About        requests.About    `json:"about"`
	Channel      requests.Channel  `json:"channel"`
	State        requests.State    `json:"state"`
	Priority     bool              `json:"priority" doc:"special or minors' data processed unlawfully: handled first"`
	Lang         string            `json:"lang"`
	ReceivedAt   time.Time         `json:"received_at"`
	DueOn        civil.Date        `json:"due_on"`
	FirstDueOn   civil.Date        `json:"first_due_on" doc:"the due day before an extension"`
	Overdue      bool              `json:"overdue"`
	VerifiedAt   *time.Time        `json:"verified_at,omitempty"`
	VerifiedBy   string            `json:"verified_by,omitempty" doc:"code or manual"`
	PersonID     int64             `json:"person_id,omitempty"`
	Outcome      string            `json:"outcome,omitempty" doc:"code of what was done"`
	RefusalCode  string            `json:"refusal_code,omitempty" doc:"code of the law's reason an erasure was refused"`
	Name         string            `json:"name"`
	Email        string            `json:"email"`
	Landlord     string            `json:"landlord,omitempty"`
	Details      string            `json:"details,omitempty"`
	Proposed     map[string]string `json:"proposed,omitempty" doc:"rectification, completion: the requester's values by field"`
	Note         string            `json:"note,omitempty"`
	Reason       string            `json:"reason,omitempty"`
	ExtendReason string            `json:"extend_reason,omitempty"`
	Done         string            `json:"done,omitempty"`
}

func privacyRequestJSON(r *requests.Request, today civil.Date) PrivacyRequestJSON {
	j := PrivacyRequestJSON{ID: r.ID, Kind: r.Kind, About: r.About, Channel: r.Channel, State: r.State, Priority: r.Priority,
		Lang: r.Lang, ReceivedAt: r.ReceivedAt, DueOn: r.DueOn, FirstDueOn: r.FirstDueOn, Overdue: r.Overdue(today),
		VerifiedBy: r.VerifiedBy, PersonID: r.PersonID, Outcome: r.Outcome, RefusalCode: r.RefusalID, Name: r.Personal.Name,
		Email: r.Personal.Email, Landlord: r.Personal.Landlord, Details: r.Personal.Details, Proposed: r.Personal.Proposed, Note: r.Personal.Note,
		Reason: r.Personal.Reason, ExtendReason: r.Personal.Extend, Done: r.Personal.Done}
	if r.Verified() {
		t := r.VerifiedAt
		j.VerifiedAt = &t
	}
	return j
}

// ListPrivacyRequestsInput pages through the inbox in id order.
type ListPrivacyRequestsInput struct {
	PageInput
	Overdue bool `query:"overdue" doc:"only open requests past their due day"`
}

// PrivacyRequestsOutput is a page of requests.
type PrivacyRequestsOutput struct {
	Body Page[PrivacyRequestJSON]
}

// PrivacyRequestOutput is one request.
type PrivacyRequestOutput struct {
	Body PrivacyRequestJSON
}

func (a *API) listPrivacyRequests(ctx context.Context, act account.Actor, in *ListPrivacyRequestsInput) (*PrivacyRequestsOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	today := a.Requests.Today()
	f := requests.Filter{ByID: true, AfterID: after, Limit: in.limit() + 1}
	if in.Overdue {
		f.Overdue = today
	}
	list, err := a.Requests.List(ctx, act, f)
	if err != nil {
		return nil, err
	}
	return &PrivacyRequestsOutput{Body: pageByID(list, in.PageInput, func(r *requests.Request) int64 { return r.ID },
		func(r *requests.Request) PrivacyRequestJSON { return privacyRequestJSON(r, today) })}, nil
}

// RecordPrivacyRequestInput is a request recorded on a person's behalf.
type RecordPrivacyRequestInput struct {
	Body struct {
		PersonID int64             `json:"person_id,omitempty" doc:"the person it is about, when known"`
		Kind     requests.Kind     `json:"kind"`
		Name     string            `json:"name" maxLength:"4000"`
		Email    string            `json:"email" maxLength:"254"`
		Details  string            `json:"details,omitempty" maxLength:"4000"`
		Proposed map[string]string `json:"proposed,omitempty" doc:"field (surname, email, phone, iban, language, …) → value"`
		Note     string            `json:"note,omitempty" maxLength:"4000" doc:"what was seen to check the identity"`
		Lang     string            `json:"lang,omitempty" enum:"nl,en," doc:"language of the mails to the requester; nl when absent"`
	}
}

func (a *API) recordPrivacyRequest(ctx context.Context, act account.Actor, in *RecordPrivacyRequestInput) (*PrivacyRequestOutput, error) {
	b := in.Body
	id, err := a.Requests.Record(ctx, act, requests.RecordInput{PersonID: b.PersonID, Kind: b.Kind, Name: b.Name, Email: b.Email,
		Details: b.Details, Proposed: b.Proposed, Note: b.Note, Lang: b.Lang, Channel: requests.API})
	if err != nil {
		return nil, err
	}
	return a.getPrivacyRequest(ctx, act, &PrivacyRequestPathInput{ID: id})
}

// PrivacyRequestPathInput names a request.
type PrivacyRequestPathInput struct {
	ID int64 `path:"id"`
}

func (a *API) getPrivacyRequest(ctx context.Context, act account.Actor, in *PrivacyRequestPathInput) (*PrivacyRequestOutput, error) {
	r, err := a.Requests.Get(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &PrivacyRequestOutput{Body: privacyRequestJSON(r, a.Requests.Today())}, nil
}

// PrivacyRequestActionInput is one step on a request; each step reads the
// fields it needs.
type PrivacyRequestActionInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Note       string              `json:"note,omitempty" maxLength:"4000" doc:"verify: what was seen"`
		Months     int                 `json:"months,omitempty" minimum:"0" maximum:"2" doc:"extend: 1 or 2"`
		Reason     string              `json:"reason,omitempty" maxLength:"4000" doc:"extend, refuse: why"`
		Done       string              `json:"done,omitempty" maxLength:"4000" doc:"complete: what was done"`
		PersonID   int64               `json:"person_id,omitempty" doc:"export, erase, rectify, restrict, object: the person"`
		Ground     relation.Ground     `json:"ground,omitempty" doc:"restrict: the ground of art. 18(1)"`
		Processing relation.Processing `json:"processing,omitempty" doc:"object: what the objection is against"`
		Language   string              `json:"language,omitempty" enum:"nl,en," doc:"an HMS account's language"`
	}
}

func (a *API) privacyRequestAction(action string) func(context.Context, account.Actor, *PrivacyRequestActionInput) (
	*PrivacyRequestOutput, error) {
	return func(ctx context.Context, act account.Actor, in *PrivacyRequestActionInput) (*PrivacyRequestOutput, error) {
		b := in.Body
		var err error
		switch action {
		case "verify":
			err = a.Requests.VerifyManually(ctx, act, in.ID, b.Note)
		case "extend":
			err = a.Requests.Extend(ctx, act, in.ID, b.Months, b.Reason)
		case "refuse":
			err = a.Requests.Refuse(ctx, act, in.ID, b.Reason)
		case "complete":
			err = a.Requests.Complete(ctx, act, in.ID, b.Done)
		case "export":
			err = a.Requests.SendExport(ctx, act, in.ID, b.PersonID)
		case "erase":
			err = a.Requests.Erase(ctx, act, in.ID, b.PersonID)
		case "rectify":
			err = a.Requests.RectifyWithLanguage(ctx, act, in.ID, b.PersonID, b.Language)
		case "restrict":
			err = a.Requests.Restrict(ctx, act, in.ID, b.PersonID, b.Ground)
		case "object":
			err = a.Requests.Object(ctx, act, in.ID, b.PersonID, b.Processing)
		}
		if err != nil {
			return nil, err
		}
		return a.getPrivacyRequest(ctx, act, &PrivacyRequestPathInput{ID: in.ID})
	}
}
