package api

import (
	"context"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/privacy/retention"
)

// Retention (PRIVACY.md P19): the organisation's periods per category, its
// legal holds and the dry run of the next daily run. Changing is for owners.

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/privacy/retention", "get-retention-rules", "The organisation's retention periods per category",
			account.PermOrgRead, a.retentionRules)
		op(a, http.MethodPut, "/privacy/retention", "update-retention-rules",
			"Set retention periods (owners); a period outside its category's bounds is refused at its field",
			account.PermMembersManage, a.retentionRulesUpdate)
		op(a, http.MethodGet, "/privacy/retention/preview", "get-retention-preview",
			"What the next daily retention run will erase, destroy and prune (owners and managers)",
			account.PermOrgRead, a.retentionPreview)
		op(a, http.MethodGet, "/privacy/retention/holds", "list-retention-holds", "The organisation's legal holds, active ones first",
			account.PermOrgRead, a.retentionHolds)
		op(a, http.MethodPost, "/privacy/retention/holds", "create-retention-hold",
			"Place a legal hold on a person or a lease (owners)", account.PermMembersManage, a.retentionHoldCreate)
		op(a, http.MethodPost, "/privacy/retention/holds/{id}/lift", "lift-retention-hold", "Lift a legal hold (owners)",
			account.PermMembersManage, a.retentionHoldLift)
	})
}

// RetentionRuleJSON is one category's period.
type RetentionRuleJSON struct {
	Category retention.Category `json:"category"`
	Period   int                `json:"period"`
	Unit     retention.Unit     `json:"unit"`
	Default  int                `json:"default"`
	Min      int                `json:"min" doc:"The shortest period allowed (for bookkeeping the law's minimum)"`
	Max      int                `json:"max" doc:"The longest period HMS lets an organisation keep"`
	Changed  bool               `json:"changed" doc:"Set by the organisation (false: the default)"`
}

// RetentionRulesOutput answers with every category's rule.
type RetentionRulesOutput struct {
	Body struct {
		Rules []RetentionRuleJSON `json:"rules"`
	}
}

func (a *API) retentionRules(ctx context.Context, act account.Actor, _ *struct{}) (*RetentionRulesOutput, error) {
	rules, err := a.Keeping.Rules(ctx, act)
	if err != nil {
		return nil, err
	}
	out := &RetentionRulesOutput{}
	out.Body.Rules = []RetentionRuleJSON{}
	for _, r := range rules {
		out.Body.Rules = append(out.Body.Rules, RetentionRuleJSON{Category: r.Category, Period: r.Period, Unit: r.Unit,
			Default: r.Default, Min: r.Min, Max: r.Max, Changed: r.Changed})
	}
	return out, nil
}

// RetentionRulesInput sets periods: by category, the others stay.
type RetentionRulesInput struct {
	Body struct {
		Periods map[string]int `json:"periods" doc:"By category (former_tenants, bookkeeping, audit_log, mail_jobs): the period in its unit"`
	}
}

func (a *API) retentionRulesUpdate(ctx context.Context, act account.Actor, in *RetentionRulesInput) (*RetentionRulesOutput, error) {
	periods := map[retention.Category]int{}
	for c, p := range in.Body.Periods {
		periods[retention.Category(c)] = p
	}
	if err := a.Keeping.SetRules(ctx, act, periods); err != nil {
		return nil, err
	}
	return a.retentionRules(ctx, act, nil)
}

// RetentionPersonJSON is a former tenant the run names.
type RetentionPersonJSON struct {
	PersonID int64      `json:"person_id"`
	Name     string     `json:"name"`
	Since    civil.Date `json:"since" doc:"Their last obligation ended"`
	Due      civil.Date `json:"due" doc:"Erased from this day"`
	Refusal  string     `json:"refusal,omitempty" doc:"Why the erasure will be refused (an obligation remains): a message id"`
}

// RetentionPreviewOutput is the dry run.
type RetentionPreviewOutput struct {
	Body struct {
		Day         civil.Date            `json:"day"`
		Erase       []RetentionPersonJSON `json:"erase" doc:"Former tenants whose period passed; those with a refusal are kept"`
		Held        []RetentionPersonJSON `json:"held" doc:"Former tenants whose period passed, kept by a legal hold"`
		FiscalYears []int                 `json:"fiscal_years" doc:"Years whose fiscal archive is destroyed"`
		HeldYears   []int                 `json:"held_years" doc:"Expired years a legal hold keeps"`
		AuditBefore time.Time             `json:"audit_before"`
		AuditEvents int64                 `json:"audit_events"`
		Mail        int64                 `json:"mail"`
		Jobs        int64                 `json:"jobs"`
	}
}

func retentionPersons(ps []retention.Person) []RetentionPersonJSON {
	out := []RetentionPersonJSON{}
	for _, p := range ps {
		out = append(out, RetentionPersonJSON{PersonID: p.ID, Name: p.Name, Since: p.Since, Due: p.Due, Refusal: p.Refusal})
	}
	return out
}

func (a *API) retentionPreview(ctx context.Context, act account.Actor, _ *struct{}) (*RetentionPreviewOutput, error) {
	p, err := a.Keeping.Preview(ctx, act)
	if err != nil {
		return nil, err
	}
	out := &RetentionPreviewOutput{}
	b := &out.Body
	b.Day, b.Erase, b.Held = p.Day, retentionPersons(p.Erase), retentionPersons(p.Held)
	b.FiscalYears, b.HeldYears = append([]int{}, p.FiscalYears...), append([]int{}, p.HeldYears...)
	b.AuditBefore, b.AuditEvents, b.Mail, b.Jobs = p.AuditBefore, p.AuditEvents, p.Mail, p.Jobs
	return out, nil
}

// RetentionHoldJSON is a legal hold.
type RetentionHoldJSON struct {
	ID       int64              `json:"id"`
	Kind     retention.HoldKind `json:"kind"`
	TargetID int64              `json:"target_id" doc:"The person's or the lease's id"`
	Target   string             `json:"target" doc:"The person's name or the lease's reference"`
	Reason   string             `json:"reason"`
	PlacedAt time.Time          `json:"placed_at"`
	LiftedAt *time.Time         `json:"lifted_at,omitempty"`
}

// RetentionHoldsInput pages the holds.
type RetentionHoldsInput struct {
	PageInput
}

// RetentionHoldsOutput is a page of holds.
type RetentionHoldsOutput struct {
	Body Page[RetentionHoldJSON]
}

func holdJSON(h retention.Hold) RetentionHoldJSON {
	j := RetentionHoldJSON{ID: h.ID, Kind: h.Kind, TargetID: h.TargetID, Target: h.Target, Reason: h.Reason, PlacedAt: h.PlacedAt}
	if !h.Active() {
		t := h.LiftedAt
		j.LiftedAt = &t
	}
	return j
}

func (a *API) retentionHolds(ctx context.Context, act account.Actor, in *RetentionHoldsInput) (*RetentionHoldsOutput, error) {
	hs, err := a.Keeping.Holds(ctx, act)
	if err != nil {
		return nil, err
	}
	items := make([]RetentionHoldJSON, len(hs))
	for i, h := range hs {
		items[i] = holdJSON(h)
	}
	page, err := pageOf(items, in.PageInput, func(h RetentionHoldJSON) string { return idKey(h.ID) })
	if err != nil {
		return nil, err
	}
	return &RetentionHoldsOutput{Body: page}, nil
}

// RetentionHoldInput places a hold.
type RetentionHoldInput struct {
	GuardReasons
	Body struct {
		Kind     retention.HoldKind `json:"kind"`
		TargetID int64              `json:"target_id" minimum:"1"`
		Reason   string             `json:"reason" minLength:"1" maxLength:"500"`
	}
}

// RetentionHoldOutput is one hold.
type RetentionHoldOutput struct {
	Body RetentionHoldJSON
}

func (a *API) holdAfter(ctx context.Context, act account.Actor, id int64) (*RetentionHoldOutput, error) {
	hs, err := a.Keeping.Holds(ctx, act)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		if h.ID == id {
			return &RetentionHoldOutput{Body: holdJSON(h)}, nil
		}
	}
	return nil, validation.ErrNotFound
}

func (a *API) retentionHoldCreate(ctx context.Context, act account.Actor, in *RetentionHoldInput) (*RetentionHoldOutput, error) {
	id, err := a.Keeping.PlaceHold(ctx, act, retention.HoldInput{Kind: in.Body.Kind, TargetID: in.Body.TargetID, Reason: in.Body.Reason})
	if err != nil {
		return nil, err
	}
	return a.holdAfter(ctx, act, id)
}

// RetentionHoldLiftInput names the hold.
type RetentionHoldLiftInput struct {
	ID int64 `path:"id"`
}

func (a *API) retentionHoldLift(ctx context.Context, act account.Actor, in *RetentionHoldLiftInput) (*RetentionHoldOutput, error) {
	if err := a.Keeping.LiftHold(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return a.holdAfter(ctx, act, in.ID)
}
