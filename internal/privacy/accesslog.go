package privacy

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
)

// AccessLog is the audit events about a relation (who opened the record,
// through which path; PRIVACY.md P14) as a source of subject requests.
type AccessLog struct {
	Audit *audit.Log
	Texts *i18n.Catalog
}

// Name is the source's name.
func (AccessLog) Name() string { return "accesslog" }

// Export lists the events whose target is the person, newest first.
func (l AccessLog) Export(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) ([]Section, error) {
	sec := Section{Key: "accesslog.events", Title: "privacy.src.accesslog", Purpose: "privacy.purpose.accesslog",
		Basis: "privacy.basis.legal_security", Retention: "privacy.retention.accesslog", Recipients: "privacy.recipients.organisation",
		Origin: "privacy.origin.accesslog", Columns: []string{"privacy.col.when", "privacy.col.action", "privacy.col.via", "privacy.col.by"}}
	f := audit.Filter{TargetType: "relation", TargetID: fmt.Sprint(person), Limit: 1000}
	for {
		evs, err := l.Audit.List(ctx, tx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			sec.Records = append(sec.Records, []Value{At(e.At), Word(l.known("privacy.action."+e.Action, "privacy.action.other")),
				Word(l.known("privacy.via."+e.Details["via"], "privacy.via.other")),
				Word(l.known("privacy.actor."+e.ActorKind, "privacy.actor.other"))})
		}
		if len(evs) < f.Limit {
			break
		}
		f.BeforeSeq = evs[len(evs)-1].Seq
	}
	return []Section{sec}, nil
}

// known is id when the catalogs have it, otherwise other: no code reaches
// the report.
func (l AccessLog) known(id, other string) string {
	if l.Texts != nil && l.Texts.Has(i18n.Default, id) {
		return id
	}
	return other
}

// Erase keeps the log: it holds ids only, never the person's data, and is
// the organisation's account of who handled the record (PRIVACY.md P14).
func (l AccessLog) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) (Outcome, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE org_id = $1 AND target_type = 'relation' AND target_id = $2`,
		tx.OrgID(), fmt.Sprint(person)).Scan(&n); err != nil {
		return Outcome{}, fmt.Errorf("access log of person: %w", err)
	}
	return Outcome{Kept: []Kept{{What: "privacy.what.access_log", Count: n, Why: "privacy.why.access_log"}}}, nil
}
