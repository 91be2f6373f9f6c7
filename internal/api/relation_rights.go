package api

import (
	"context"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/relation"
)

// A person's restriction of processing (art. 18 GDPR) and objections
// (art. 21): set and lifted, recorded and decided by owners and managers,
// the same service methods as the person's page and `hms privacy restrict`.

func init() {
	enumOf(relation.Grounds)
	enumOf(relation.Processings)
	enumOf(relation.Decisions)
	areas = append(areas, func(a *API) {
		read, write := account.PermPortfolioRead, account.PermPortfolioWrite
		op(a, http.MethodPost, "/relations/{id}/restriction", "restrict-relation",
			"Restrict the processing of a person's data (art. 18 GDPR)", write, a.relationRestrict)
		op(a, http.MethodDelete, "/relations/{id}/restriction", "lift-relation-restriction",
			"Lift a person's restriction of processing", write, a.relationLift)
		op(a, http.MethodPost, "/relations/{id}/restriction/lift", "lift-relation-restriction-post",
			"Lift a person's restriction of processing (for clients without DELETE)", write, a.relationLift)
		op(a, http.MethodGet, "/relations/{id}/objections", "list-relation-objections",
			"A person's objections (art. 21 GDPR), oldest first", read, a.relationObjections)
		op(a, http.MethodPost, "/relations/{id}/objections", "record-relation-objection",
			"Record a person's objection; upheld restricts the person", write, a.relationRecordObjection)
		op(a, http.MethodPost, "/relations/{id}/objections/{objection}/decide", "decide-relation-objection",
			"Decide a pending objection: upheld restricts the person, rejected needs the compelling grounds", write,
			a.relationDecideObjection)
	})
}

// RestrictionJSON is a person's restriction of processing.
type RestrictionJSON struct {
	Ground relation.Ground `json:"ground"`
	Since  time.Time       `json:"since"`
}

func restrictionJSON(r *relation.Restriction) *RestrictionJSON {
	if r == nil {
		return nil
	}
	return &RestrictionJSON{Ground: r.Ground, Since: r.Since}
}

// RestrictRelationInput restricts a person.
type RestrictRelationInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Ground relation.Ground `json:"ground" doc:"The ground of art. 18(1): accuracy, unlawful, claims or objection"`
	}
}

func (a *API) relationRestrict(ctx context.Context, act account.Actor, in *RestrictRelationInput) (*NoContent, error) {
	if err := a.Relations.Restrict(ctx, act, in.ID, in.Body.Ground); err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}

func (a *API) relationLift(ctx context.Context, act account.Actor, in *RelationPathInput) (*NoContent, error) {
	if err := a.Relations.LiftRestriction(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}

// ObjectionJSON is a recorded objection.
type ObjectionJSON struct {
	ID         int64               `json:"id"`
	Processing relation.Processing `json:"processing"`
	Grounds    string              `json:"grounds"`
	ReceivedOn civil.Date          `json:"received_on"`
	Decision   relation.Decision   `json:"decision"`
	Reason     string              `json:"reason,omitempty" doc:"A rejection's compelling legitimate grounds"`
	RecordedAt time.Time           `json:"recorded_at"`
	DecidedAt  *time.Time          `json:"decided_at,omitempty"`
}

func objectionJSON(o relation.Objection) ObjectionJSON {
	j := ObjectionJSON{ID: o.ID, Processing: o.Processing, Grounds: o.Grounds, ReceivedOn: o.ReceivedOn, Decision: o.Decision,
		Reason: o.Reason, RecordedAt: o.RecordedAt}
	if !o.DecidedAt.IsZero() {
		t := o.DecidedAt
		j.DecidedAt = &t
	}
	return j
}

// ListObjectionsInput pages through a person's objections.
type ListObjectionsInput struct {
	ID int64 `path:"id"`
	PageInput
}

// ObjectionsOutput is a page of objections.
type ObjectionsOutput struct {
	Body Page[ObjectionJSON]
}

func (a *API) relationObjections(ctx context.Context, act account.Actor, in *ListObjectionsInput) (*ObjectionsOutput, error) {
	obs, err := a.Relations.Objections(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	items := make([]ObjectionJSON, len(obs))
	for i, o := range obs {
		items[i] = objectionJSON(o)
	}
	page, err := pageOf(items, in.PageInput, func(o ObjectionJSON) string { return idKey(o.ID) })
	if err != nil {
		return nil, err
	}
	return &ObjectionsOutput{Body: page}, nil
}

// RecordObjectionInput records an objection.
type RecordObjectionInput struct {
	ID int64 `path:"id"`
	GuardReasons
	Body struct {
		Processing relation.Processing `json:"processing"`
		Grounds    string              `json:"grounds" maxLength:"2000" doc:"The person's grounds, in their words"`
		ReceivedOn civil.Date          `json:"received_on" doc:"The day the objection came in"`
		Decision   relation.Decision   `json:"decision,omitempty" doc:"Default pending"`
		Reason     string              `json:"reason,omitempty" maxLength:"2000" doc:"Required when rejected: the compelling grounds"`
	}
}

// CreatedObjectionOutput names the new objection.
type CreatedObjectionOutput struct {
	Status int
	Body   struct {
		ID int64 `json:"id"`
	}
}

func (a *API) relationRecordObjection(ctx context.Context, act account.Actor, in *RecordObjectionInput) (*CreatedObjectionOutput, error) {
	id, err := a.Relations.RecordObjection(ctx, act, in.ID, relation.ObjectionInput{Processing: in.Body.Processing,
		Grounds: in.Body.Grounds, ReceivedOn: in.Body.ReceivedOn, Decision: in.Body.Decision, Reason: in.Body.Reason})
	if err != nil {
		return nil, err
	}
	out := &CreatedObjectionOutput{Status: http.StatusCreated}
	out.Body.ID = id
	return out, nil
}

// DecideObjectionInput decides a pending objection.
type DecideObjectionInput struct {
	ID          int64 `path:"id"`
	ObjectionID int64 `path:"objection"`
	GuardReasons
	Body struct {
		Decision relation.Decision `json:"decision" doc:"upheld or rejected"`
		Reason   string            `json:"reason,omitempty" maxLength:"2000" doc:"Required when rejected: the compelling grounds"`
	}
}

func (a *API) relationDecideObjection(ctx context.Context, act account.Actor, in *DecideObjectionInput) (*NoContent, error) {
	if err := a.Relations.DecideObjection(ctx, act, in.ID, in.ObjectionID, in.Body.Decision, in.Body.Reason); err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}
