package relation

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"strconv"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
)

// Restriction of processing (art. 18 GDPR) and objection (art. 21;
// PRIVACY.md P20). While a person is restricted, HMS does with their data
// only what the law requires: the rent run still posts their invoices (the
// books must be kept), but nothing is mailed to them (invoices, dunning
// letters, settlement statements, pre-notifications: each sender reads
// PartyFacts.Restricted and leaves them out with the reason), no direct
// debit is collected from a lease they rent (directdebit's preview leaves
// it out), no dunning letter is planned for them, and lists and search
// show them only to owners, marked. The record itself still opens for
// those who may read it, so an owner or manager can lift the restriction.

// Ground is why processing is restricted: the four cases of art. 18(1).
type Ground string

// The grounds of a restriction.
const (
	GroundAccuracy  Ground = "accuracy"  // (a) the person contests the accuracy of the data
	GroundUnlawful  Ground = "unlawful"  // (b) unlawful processing, restriction asked instead of erasure
	GroundClaims    Ground = "claims"    // (c) the person needs the data for a legal claim
	GroundObjection Ground = "objection" // (d) an objection is pending or upheld
)

// Grounds lists the grounds in form order.
var Grounds = []Ground{GroundAccuracy, GroundUnlawful, GroundClaims, GroundObjection}

// Valid reports whether g is a known ground.
func (g Ground) Valid() bool {
	for _, x := range Grounds {
		if g == x {
			return true
		}
	}
	return false
}

// Restriction is a person's restriction of processing.
type Restriction struct {
	Ground Ground
	Since  time.Time
	By     int64 // the user who set it
}

// LeftOutRestricted is the reason (a catalog id) a sender or preview gives
// for leaving a restricted person out: "verwerking beperkt".
const LeftOutRestricted = "relation.left_out.restricted"

// ErrErased answers an operation on an erased person.
var ErrErased = validation.ErrNotFound

func restrictionOf(r *row) *Restriction {
	if !r.restrictedAt.Valid {
		return nil
	}
	return &Restriction{Ground: Ground(r.ground.String), Since: db.ShownTS(r.restrictedAt.String), By: r.restrictedBy}
}

// Restrict restricts the processing of person id's data on ground (owner
// or manager). Restricting again changes only the ground.
func (s *Service) Restrict(ctx context.Context, actor account.Actor, id int64, ground Ground) error {
	if !actor.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	if !ground.Valid() {
		return validation.Errors{"ground": "field.invalid"}
	}
	return s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		return s.restrictTx(ctx, tx, actor, id, ground)
	})
}

func (s *Service) restrictTx(ctx context.Context, tx *db.Tx, actor account.Actor, id int64, ground Ground) error {
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return err
	}
	if r.erasedAt.Valid {
		return ErrErased
	}
	if r.kind != Person {
		return ErrKindMismatch
	}
	if r.restrictedAt.Valid && r.ground.String == string(ground) {
		return nil
	}
	if err := setRestriction(ctx, tx, id, ground, actor.UserID, db.TS(s.clk.Now())); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "relation.restricted", id, map[string]string{"ground": string(ground)})
}

// LiftRestriction ends person id's restriction; processing resumes.
func (s *Service) LiftRestriction(ctx context.Context, actor account.Actor, id int64) error {
	if !actor.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		r, err := getRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.erasedAt.Valid {
			return ErrErased
		}
		if !r.restrictedAt.Valid {
			return nil
		}
		if err := setRestriction(ctx, tx, id, "", 0, db.TS(s.clk.Now())); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "relation.restriction_lifted", id, map[string]string{"ground": r.ground.String})
	})
}

// RestrictedTx tells, inside the caller's transaction, which of ids are
// restricted (a preview's left-out reasons); it opens nothing and logs
// nothing. Ids of another organisation are not restricted.
func (s *Service) RestrictedTx(ctx context.Context, tx *db.Tx, ids ...int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	all, err := restrictedIDs(ctx, tx)
	if err != nil || len(all) == 0 {
		return out, err
	}
	set := make(map[int64]bool, len(all))
	for _, id := range all {
		set[id] = true
	}
	for _, id := range ids {
		if set[id] {
			out[id] = true
		}
	}
	return out, nil
}

// RestrictedIDsTx are the ids of the organisation's restricted persons, in
// the caller's transaction (few; a sender checks its recipients against
// them). It opens nothing and logs nothing.
func (s *Service) RestrictedIDsTx(ctx context.Context, tx *db.Tx) ([]int64, error) {
	return restrictedIDs(ctx, tx)
}

// --- objections (art. 21) ---

// Processing is what an objection is against.
type Processing string

// The processings a person can object to.
const (
	ProcessingMail        Processing = "mail"         // mail from the landlord through HMS
	ProcessingDirectDebit Processing = "direct_debit" // collecting rent by direct debit
	ProcessingDunning     Processing = "dunning"      // reminders and dunning letters
	ProcessingAll         Processing = "all"          // all processing on legitimate interest
)

// Processings lists them in form order.
var Processings = []Processing{ProcessingMail, ProcessingDirectDebit, ProcessingDunning, ProcessingAll}

// Decision is what became of an objection.
type Decision string

// The decisions.
const (
	DecisionPending  Decision = "pending"
	DecisionUpheld   Decision = "upheld"   // the processing stops: the person is restricted
	DecisionRejected Decision = "rejected" // compelling legitimate grounds, given in the reason
)

// Decisions lists them in form order.
var Decisions = []Decision{DecisionPending, DecisionUpheld, DecisionRejected}

// ObjectionInput is an objection as recorded.
type ObjectionInput struct {
	Processing Processing
	Grounds    string     // the person's grounds, in their words
	ReceivedOn civil.Date // the day the objection came in
	Decision   Decision
	Reason     string // for a rejection: the compelling grounds that override the person's
}

// Objection is a recorded objection.
type Objection struct {
	ID         int64
	Processing Processing
	Grounds    string
	ReceivedOn civil.Date
	Decision   Decision
	Reason     string
	RecordedAt time.Time
	DecidedAt  time.Time
}

const (
	fieldObjection = "relation.objection"
	fieldDecision  = "relation.objection_decision"
	maxObjection   = 2000
)

func validDecisionInput(fe validation.Errors, d Decision, reason string, pendingOK bool) {
	switch {
	case d == DecisionPending && pendingOK, d == DecisionUpheld:
	case d == DecisionRejected:
		if strings.TrimSpace(reason) == "" {
			fe.Add("reason", "relation.objection.reason_required")
		}
	default:
		fe.Add("decision", "field.invalid")
	}
	fe.CheckText("reason", reason, true)
	if utf8.RuneCountInString(reason) > maxObjection {
		fe.Add("reason", "relation.too_long")
	}
}

// RecordObjection records person id's objection (owner or manager). With
// the decision upheld the person is restricted at once (ground objection).
func (s *Service) RecordObjection(ctx context.Context, actor account.Actor, id int64, in ObjectionInput) (int64, error) {
	if !actor.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	in.Grounds, in.Reason = strings.TrimSpace(in.Grounds), strings.TrimSpace(in.Reason)
	fe := validation.Errors{}
	switch in.Processing {
	case ProcessingMail, ProcessingDirectDebit, ProcessingDunning, ProcessingAll:
	default:
		fe.Add("processing", "field.invalid")
	}
	if in.Grounds == "" {
		fe.Add("grounds", "field.required")
	}
	fe.CheckText("grounds", in.Grounds, true)
	if utf8.RuneCountInString(in.Grounds) > maxObjection {
		fe.Add("grounds", "relation.too_long")
	}
	if in.ReceivedOn.IsZero() {
		fe.Add("received_on", "field.required")
	} else if in.ReceivedOn.After(s.today()) {
		fe.Add("received_on", "relation.objection.future")
	}
	if in.Decision == "" {
		in.Decision = DecisionPending
	}
	validDecisionInput(fe, in.Decision, in.Reason, true)
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var oid int64
	err := s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		r, err := getRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.erasedAt.Valid {
			return ErrErased
		}
		if r.kind != Person {
			return ErrKindMismatch
		}
		if err := guard.Review(ctx, tx, s.audit, actor, guard.Text{Field: "grounds", Value: in.Grounds},
			guard.Text{Field: "reason", Value: in.Reason}); err != nil {
			return err
		}
		now := db.TS(s.clk.Now())
		o := &objectionRow{relationID: id, processing: string(in.Processing), decision: string(in.Decision),
			receivedOn: in.ReceivedOn.String(), recordedAt: now, recordedBy: actor.UserID}
		if o.grounds, err = s.vault.Seal(ctx, tx, r.subject, fieldObjection, []byte(in.Grounds)); err != nil {
			return err
		}
		if in.Reason != "" {
			if o.decisionText, err = s.vault.Seal(ctx, tx, r.subject, fieldDecision, []byte(in.Reason)); err != nil {
				return err
			}
		}
		if in.Decision != DecisionPending {
			o.decidedAt, o.decidedBy = nullable(now), actor.UserID
		}
		if oid, err = insertObjection(ctx, tx, o); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "relation.objection_recorded", id, map[string]string{"objection": strconv.FormatInt(oid, 10),
			"processing": string(in.Processing), "decision": string(in.Decision)}); err != nil {
			return err
		}
		if in.Decision == DecisionUpheld {
			return s.restrictTx(ctx, tx, actor, id, GroundObjection)
		}
		return nil
	})
	return oid, err
}

// DecideObjection decides a pending objection of person id: upheld
// restricts the person, rejected needs the compelling grounds as reason.
func (s *Service) DecideObjection(ctx context.Context, actor account.Actor, id, objectionID int64, d Decision, reason string) error {
	if !actor.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	fe := validation.Errors{}
	validDecisionInput(fe, d, reason, false)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		r, err := getRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.erasedAt.Valid {
			return ErrErased
		}
		o, err := objectionRowByID(ctx, tx, id, objectionID)
		if err != nil {
			return err
		}
		if o.decision != string(DecisionPending) {
			return ErrObjectionDecided
		}
		if err := guard.Review(ctx, tx, s.audit, actor, guard.Text{Field: "reason", Value: reason}); err != nil {
			return err
		}
		var text []byte
		if reason != "" {
			if text, err = s.vault.Seal(ctx, tx, r.subject, fieldDecision, []byte(reason)); err != nil {
				return err
			}
		}
		if err := decideObjectionRow(ctx, tx, objectionID, string(d), text, db.TS(s.clk.Now()), actor.UserID); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "relation.objection_decided", id, map[string]string{"objection": strconv.FormatInt(objectionID, 10),
			"decision": string(d)}); err != nil {
			return err
		}
		if d == DecisionUpheld {
			return s.restrictTx(ctx, tx, actor, id, GroundObjection)
		}
		return nil
	})
}

// ErrObjectionDecided answers a decision on an objection already decided.
var ErrObjectionDecided = &validation.Problem{Status: 409, Code: "relation.objection.decided"}

// Objections lists person id's objections, oldest first (whoever may read
// the person).
func (s *Service) Objections(ctx context.Context, actor account.Actor, id int64) ([]Objection, error) {
	if !actor.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var out []Objection
	err := s.db.ReadOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = s.objectionsTx(ctx, tx, id)
		return err
	})
	return out, err
}

func (s *Service) objectionsTx(ctx context.Context, tx *db.Tx, id int64) ([]Objection, error) {
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if r.erasedAt.Valid {
		return nil, nil
	}
	rows, err := objectionRows(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	out := make([]Objection, 0, len(rows))
	for _, o := range rows {
		ob := Objection{ID: o.id, Processing: Processing(o.processing), Decision: Decision(o.decision),
			RecordedAt: db.ShownTS(o.recordedAt)}
		ob.ReceivedOn, _ = civil.Parse(o.receivedOn)
		if o.decidedAt.Valid {
			ob.DecidedAt = db.ShownTS(o.decidedAt.String)
		}
		g, err := s.vault.Open(ctx, tx, r.subject, fieldObjection, o.grounds)
		if err != nil {
			return nil, err
		}
		ob.Grounds = string(g)
		if o.decisionText != nil {
			t, err := s.vault.Open(ctx, tx, r.subject, fieldDecision, o.decisionText)
			if err != nil {
				return nil, err
			}
			ob.Reason = string(t)
		}
		out = append(out, ob)
	}
	return out, nil
}
