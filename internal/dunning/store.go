package dunning

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// The dunning SQL. Every function works in the caller's transaction on tx's
// organisation and wraps its errors once with the operation.

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// inList is "$first, …" for n values.
func inList(tx *db.Tx, first int, ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return tx.Params(first, len(ids)), args
}

// --- settings ---

func loadSettings(ctx context.Context, tx *db.Tx) (Settings, error) {
	st := DefaultSettings()
	var vat, company int
	err := tx.QueryRowContext(ctx, `SELECT reminder_days, notice_days, final_days, term_days, receipt_days, handover_days,
		plan_grace_days, costs_vat, company_costs FROM dunning_settings WHERE org_id = $1`, tx.OrgID()).Scan(&st.ReminderDays,
		&st.NoticeDays, &st.FinalDays, &st.TermDays, &st.ReceiptDays, &st.HandoverDays, &st.PlanGraceDays, &vat, &company)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return st, fmt.Errorf("dunning: read settings: %w", err)
	}
	st.CostsVAT, st.CompanyCosts = vat == 1, company == 1
	return st, nil
}

func saveSettings(ctx context.Context, tx *db.Tx, st Settings, now string, by int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO dunning_settings (org_id, reminder_days, notice_days, final_days, term_days, receipt_days,
		handover_days, plan_grace_days, costs_vat, company_costs, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (org_id) DO UPDATE SET reminder_days = excluded.reminder_days, notice_days = excluded.notice_days,
		final_days = excluded.final_days, term_days = excluded.term_days, receipt_days = excluded.receipt_days,
		handover_days = excluded.handover_days, plan_grace_days = excluded.plan_grace_days, costs_vat = excluded.costs_vat,
		company_costs = excluded.company_costs, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		tx.OrgID(), st.ReminderDays, st.NoticeDays, st.FinalDays, st.TermDays, st.ReceiptDays, st.HandoverDays, st.PlanGraceDays,
		boolInt(st.CostsVAT), boolInt(st.CompanyCosts), now, by)
	if err != nil {
		return fmt.Errorf("dunning: save settings: %w", err)
	}
	return nil
}

// --- proposals ---

const proposalColumns = `p.id, p.lease_id, l.reference, p.stage, p.state, p.consumer, p.overdue_cents, p.costs_cents, p.oldest_due,
	(SELECT COUNT(*) FROM dunning_proposal_items i WHERE i.proposal_id = p.id), p.letter_id, p.proposed_on, p.updated_on,
	COALESCE(p.decided_at, ''), p.decided_by, p.reason, p.invoice_id`

const proposalFrom = ` FROM dunning_proposals p JOIN leases l ON l.id = p.lease_id AND l.org_id = p.org_id`

func scanProposal(r interface{ Scan(...any) error }) (Proposal, error) {
	var p Proposal
	var consumer int
	var overdue, costs int64
	var oldest, decided string
	if err := r.Scan(&p.ID, &p.LeaseID, &p.LeaseReference, &p.Stage, &p.State, &consumer, &overdue, &costs, &oldest, &p.Items,
		&p.LetterID, &p.ProposedOn, &p.UpdatedOn, &decided, &p.DecidedBy, &p.Reason, &p.InvoiceID); err != nil {
		return p, err
	}
	p.Consumer, p.Overdue, p.Costs = consumer == 1, money.Cents(overdue), money.Cents(costs)
	if oldest != "" {
		d, err := civil.Parse(oldest)
		if err != nil {
			return p, fmt.Errorf("oldest due of proposal %d: %w", p.ID, err)
		}
		p.OldestDue = d
	}
	p.DecidedAt = db.ShownTS(decided) // shown only
	return p, nil
}

// proposalFilter narrows listProposals.
type proposalFilter struct {
	states  []State
	leaseID int64
	ids     []int64
}

func listProposals(ctx context.Context, tx *db.Tx, f proposalFilter) ([]Proposal, error) {
	where := []string{"p.org_id = $1"}
	args := []any{tx.OrgID()}
	if len(f.states) > 0 {
		ps := make([]string, len(f.states))
		for i, s := range f.states {
			args = append(args, string(s))
			ps[i] = fmt.Sprintf("$%d", len(args))
		}
		where = append(where, "p.state IN ("+strings.Join(ps, ", ")+")")
	}
	if f.leaseID != 0 {
		args = append(args, f.leaseID)
		where = append(where, fmt.Sprintf("p.lease_id = $%d", len(args)))
	}
	if f.ids != nil {
		if len(f.ids) == 0 {
			return nil, nil
		}
		in, more := inList(tx, len(args)+1, f.ids)
		args = append(args, more...)
		where = append(where, "p.id IN ("+in+")")
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY p.oldest_due, l.reference, p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("dunning: list proposals: %w", err)
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, fmt.Errorf("dunning: list proposals: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dunning: list proposals: %w", err)
	}
	return out, nil
}

// readProposal reads one proposal; another organisation's is
// validation.ErrNotFound.
func readProposal(ctx context.Context, tx *db.Tx, id int64) (Proposal, error) {
	p, err := scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE p.id = $1 AND p.org_id = $2`,
		id, tx.OrgID()))
	if errors.Is(err, sql.ErrNoRows) {
		return p, validation.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("dunning: read proposal %d: %w", id, err)
	}
	return p, nil
}

// proposalRow is a proposal as the run writes it.
type proposalRow struct {
	leaseID   int64
	stage     Stage
	consumer  bool
	overdue   money.Cents
	costs     money.Cents
	oldest    civil.Date
	letterID  int64
	items     []item
	on        civil.Date
	createdAt string
}

// item is a charge with the amount that matters here (open then).
type item struct {
	chargeID int64
	open     money.Cents
}

func insertProposal(ctx context.Context, tx *db.Tx, r proposalRow) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO dunning_proposals (org_id, lease_id, stage, state, consumer, overdue_cents, costs_cents,
		oldest_due, letter_id, proposed_on, updated_on, created_at) VALUES ($1, $2, $3, 'proposed', $4, $5, $6, $7, $8, $9, $9, $10)
		RETURNING id`, tx.OrgID(), r.leaseID, string(r.stage), boolInt(r.consumer), int64(r.overdue), int64(r.costs), dateText(r.oldest),
		r.letterID, r.on, r.createdAt).Scan(&id); err != nil {
		return 0, fmt.Errorf("dunning: insert proposal for lease %d: %w", r.leaseID, err)
	}
	return id, insertItems(ctx, tx, "dunning_proposal_items", "proposal_id", id, r.items)
}

// updateProposal rewrites a waiting letter proposal with what the run found
// today.
func updateProposal(ctx context.Context, tx *db.Tx, id int64, r proposalRow) error {
	if _, err := tx.ExecContext(ctx, `UPDATE dunning_proposals SET stage = $1, consumer = $2, overdue_cents = $3, costs_cents = $4,
		oldest_due = $5, updated_on = $6 WHERE id = $7 AND org_id = $8 AND state = 'proposed'`, string(r.stage), boolInt(r.consumer),
		int64(r.overdue), int64(r.costs), dateText(r.oldest), r.on, id, tx.OrgID()); err != nil {
		return fmt.Errorf("dunning: update proposal %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM dunning_proposal_items WHERE proposal_id = $1 AND org_id = $2`, id, tx.OrgID()); err != nil {
		return fmt.Errorf("dunning: update proposal %d: %w", id, err)
	}
	return insertItems(ctx, tx, "dunning_proposal_items", "proposal_id", id, r.items)
}

// decideProposal moves a proposal from proposed to state; false when it
// was not waiting any more.
func decideProposal(ctx context.Context, tx *db.Tx, id int64, state State, on civil.Date, now string, by int64,
	reason string) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE dunning_proposals SET state = $1, updated_on = $2, decided_at = $3, decided_by = $4, reason = $5
		WHERE id = $6 AND org_id = $7 AND state = 'proposed'`, string(state), on, now, by, reason, id, tx.OrgID())
	if err != nil {
		return false, fmt.Errorf("dunning: decide proposal %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("dunning: decide proposal %d: %w", id, err)
	}
	return n == 1, nil
}

func setProposalLink(ctx context.Context, tx *db.Tx, id int64, column string, v int64) error {
	if column != "letter_id" && column != "invoice_id" {
		return fmt.Errorf("dunning: proposal column %q", column)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dunning_proposals SET `+column+` = $1 WHERE id = $2 AND org_id = $3`,
		v, id, tx.OrgID()); err != nil {
		return fmt.Errorf("dunning: link proposal %d: %w", id, err)
	}
	return nil
}

// followUps are the final letters that have a hand-over or costs proposal,
// as "letter/stage".
func followUps(ctx context.Context, tx *db.Tx) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT letter_id, stage FROM dunning_proposals WHERE org_id = $1 AND stage IN ('handover','costs')`,
		tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("dunning: follow-ups: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id int64
		var stage string
		if err := rows.Scan(&id, &stage); err != nil {
			return nil, fmt.Errorf("dunning: follow-ups: %w", err)
		}
		out[fmt.Sprintf("%d/%s", id, stage)] = true
	}
	return out, rows.Err()
}

// --- items ---

func insertItems(ctx context.Context, tx *db.Tx, table, parent string, id int64, items []item) error {
	if len(items) == 0 {
		return nil
	}
	var sb strings.Builder
	sb.WriteString(`INSERT INTO ` + table + ` (org_id, ` + parent + `, charge_id, open_cents) VALUES `)
	args := make([]any, 0, 4*len(items))
	for i, it := range items {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(tx.Tuple(len(args)+1, 4))
		args = append(args, tx.OrgID(), id, it.chargeID, int64(it.open))
	}
	if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("dunning: insert %s: %w", table, err)
	}
	return nil
}

// itemsOf reads the items of parents (id → items, in charge order).
func itemsOf(ctx context.Context, tx *db.Tx, table, parent string, ids []int64) (map[int64][]item, error) {
	out := map[int64][]item{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(tx, 2, ids)
	rows, err := tx.QueryContext(ctx, `SELECT `+parent+`, charge_id, open_cents FROM `+table+` WHERE org_id = $1 AND `+parent+` IN (`+in+`)
		ORDER BY `+parent+`, charge_id`, append([]any{tx.OrgID()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("dunning: read %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var it item
		var open int64
		if err := rows.Scan(&id, &it.chargeID, &open); err != nil {
			return nil, fmt.Errorf("dunning: read %s: %w", table, err)
		}
		it.open = money.Cents(open)
		out[id] = append(out[id], it)
	}
	return out, rows.Err()
}

// reachedOf is, per charge, the highest letter stage it reached: by a
// letter sent, or by a letter proposal a person dismissed (the stage counts
// as passed on that day, without a letter and so without a term).
func reachedOf(ctx context.Context, tx *db.Tx) (map[int64]reached, error) {
	rows, err := tx.QueryContext(ctx, `SELECT li.charge_id, l.id, l.stage, l.letter_date, l.deadline
		FROM dunning_letter_items li JOIN dunning_letters l ON l.id = li.letter_id AND l.org_id = li.org_id
		WHERE li.org_id = $1
		UNION ALL
		SELECT pi.charge_id, 0, p.stage, p.updated_on, ''
		FROM dunning_proposal_items pi JOIN dunning_proposals p ON p.id = pi.proposal_id AND p.org_id = pi.org_id
		WHERE pi.org_id = $1 AND p.state = 'dismissed' AND p.stage IN ('reminder','notice','wik','demand')`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("dunning: stages reached: %w", err)
	}
	defer rows.Close()
	out := map[int64]reached{}
	for rows.Next() {
		var charge int64
		var r reached
		var deadline string
		if err := rows.Scan(&charge, &r.letterID, &r.stage, &r.on, &deadline); err != nil {
			return nil, fmt.Errorf("dunning: stages reached: %w", err)
		}
		if deadline != "" {
			if r.deadline, err = civil.Parse(deadline); err != nil {
				return nil, fmt.Errorf("dunning: deadline of letter %d: %w", r.letterID, err)
			}
		}
		if r.better(out[charge]) {
			out[charge] = r
		}
	}
	return out, rows.Err()
}

// chargesIn are the charges in items of the proposals or plans in state.
func chargesIn(ctx context.Context, tx *db.Tx, query string) (map[int64]int64, error) {
	rows, err := tx.QueryContext(ctx, query, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("dunning: charges held: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var charge, parent int64
		if err := rows.Scan(&charge, &parent); err != nil {
			return nil, fmt.Errorf("dunning: charges held: %w", err)
		}
		out[charge] = parent
	}
	return out, rows.Err()
}

// handedOver are the charges of hand-overs that wait or were approved:
// they are not dunned further.
func handedOver(ctx context.Context, tx *db.Tx) (map[int64]int64, error) {
	return chargesIn(ctx, tx, `SELECT pi.charge_id, p.id FROM dunning_proposal_items pi
		JOIN dunning_proposals p ON p.id = pi.proposal_id AND p.org_id = pi.org_id
		WHERE pi.org_id = $1 AND p.stage = 'handover' AND p.state IN ('proposed','approved')`)
}

// coveredCharges are the charges of active payment plans (charge → plan).
func coveredCharges(ctx context.Context, tx *db.Tx) (map[int64]int64, error) {
	return chargesIn(ctx, tx, `SELECT pi.charge_id, p.id FROM dunning_plan_items pi
		JOIN dunning_plans p ON p.id = pi.plan_id AND p.org_id = pi.org_id
		WHERE pi.org_id = $1 AND p.state = 'active'`)
}

// --- letters ---

const letterColumns = `d.id, d.lease_id, l.reference, d.proposal_id, d.stage, d.consumer, d.letter_date, d.deadline, d.principal_cents,
	d.costs_cents, (SELECT COUNT(*) FROM dunning_letter_items i WHERE i.letter_id = d.id), d.mailed, d.document_sha256, d.created_at,
	d.created_by`

const letterFrom = ` FROM dunning_letters d JOIN leases l ON l.id = d.lease_id AND l.org_id = d.org_id`

func scanLetter(r interface{ Scan(...any) error }) (Letter, error) {
	var lt Letter
	var consumer int
	var deadline, created string
	var principal, costs int64
	if err := r.Scan(&lt.ID, &lt.LeaseID, &lt.LeaseReference, &lt.ProposalID, &lt.Stage, &consumer, &lt.Date, &deadline, &principal, &costs,
		&lt.Items, &lt.Mailed, &lt.SHA256, &created, &lt.CreatedBy); err != nil {
		return lt, err
	}
	lt.Consumer, lt.Principal, lt.Costs = consumer == 1, money.Cents(principal), money.Cents(costs)
	if deadline != "" {
		d, err := civil.Parse(deadline)
		if err != nil {
			return lt, fmt.Errorf("deadline of letter %d: %w", lt.ID, err)
		}
		lt.Deadline = d
	}
	lt.CreatedAt = db.ShownTS(created) // shown only
	return lt, nil
}

// letterFilter narrows listLetters.
type letterFilter struct {
	leaseID      int64
	id           int64
	costsPending civil.Date // final letters naming costs whose term ended before this day and were not looked at yet
	limit        int
	beforeID     int64
}

func listLetters(ctx context.Context, tx *db.Tx, f letterFilter) ([]Letter, error) {
	where := []string{"d.org_id = $1"}
	args := []any{tx.OrgID()}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.leaseID != 0 {
		add("d.lease_id = ?", f.leaseID)
	}
	if f.id != 0 {
		add("d.id = ?", f.id)
	}
	if f.beforeID != 0 {
		add("d.id < ?", f.beforeID)
	}
	if !f.costsPending.IsZero() {
		add("d.costs_cents > 0 AND d.costs_checked = 0 AND d.deadline <> '' AND d.deadline < ?", f.costsPending)
	}
	q := `SELECT ` + letterColumns + letterFrom + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY d.id DESC`
	if f.limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.limit)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("dunning: list letters: %w", err)
	}
	defer rows.Close()
	var out []Letter
	for rows.Next() {
		lt, err := scanLetter(rows)
		if err != nil {
			return nil, fmt.Errorf("dunning: list letters: %w", err)
		}
		out = append(out, lt)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dunning: list letters: %w", err)
	}
	return out, nil
}

// letterRow is a letter being stored.
type letterRow struct {
	leaseID, proposalID int64
	stage               Stage
	consumer            bool
	date, deadline      civil.Date
	principal, costs    money.Cents
	items               []item
	now                 string
	by                  int64
}

func insertLetter(ctx context.Context, tx *db.Tx, r letterRow) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO dunning_letters (org_id, lease_id, proposal_id, stage, consumer, letter_date, deadline,
		principal_cents, costs_cents, fiscal_year, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		RETURNING id`, tx.OrgID(), r.leaseID, r.proposalID, string(r.stage), boolInt(r.consumer), r.date, dateText(r.deadline),
		int64(r.principal), int64(r.costs), r.date.Year, r.now, r.by).Scan(&id); err != nil {
		return 0, fmt.Errorf("dunning: insert letter for lease %d: %w", r.leaseID, err)
	}
	return id, insertItems(ctx, tx, "dunning_letter_items", "letter_id", id, r.items)
}

func storeLetterDocument(ctx context.Context, tx *db.Tx, id int64, sealed []byte, sum string, mailed int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE dunning_letters SET document_sealed = $1, document_sha256 = $2, mailed = $3
		WHERE id = $4 AND org_id = $5`, sealed, sum, mailed, id, tx.OrgID()); err != nil {
		return fmt.Errorf("dunning: store letter %d: %w", id, err)
	}
	return nil
}

func markCostsChecked(ctx context.Context, tx *db.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE dunning_letters SET costs_checked = 1 WHERE id = $1 AND org_id = $2`,
		id, tx.OrgID()); err != nil {
		return fmt.Errorf("dunning: letter %d costs checked: %w", id, err)
	}
	return nil
}

// letterDocument is a letter's sealed PDF with its year and digest;
// validation.ErrNotFound for another organisation's letter.
func letterDocument(ctx context.Context, tx *db.Tx, id int64) (year int, sealed []byte, sum string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT fiscal_year, document_sealed, document_sha256 FROM dunning_letters WHERE id = $1 AND org_id = $2`,
		id, tx.OrgID()).Scan(&year, &sealed, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, "", validation.ErrNotFound
	}
	if err != nil {
		return 0, nil, "", fmt.Errorf("dunning: read letter %d: %w", id, err)
	}
	return year, sealed, sum, nil
}

// --- plans ---

func insertPlan(ctx context.Context, tx *db.Tx, leaseID int64, total money.Cents, note, now string, by int64) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO dunning_plans (org_id, lease_id, state, total_cents, note, created_at, created_by)
		VALUES ($1, $2, 'active', $3, $4, $5, $6) RETURNING id`, tx.OrgID(), leaseID, int64(total), note, now, by).Scan(&id); err != nil {
		return 0, fmt.Errorf("dunning: insert plan for lease %d: %w", leaseID, err)
	}
	return id, nil
}

func replaceTerms(ctx context.Context, tx *db.Tx, planID int64, terms []TermInput) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM dunning_plan_terms WHERE plan_id = $1 AND org_id = $2`, planID, tx.OrgID()); err != nil {
		return fmt.Errorf("dunning: terms of plan %d: %w", planID, err)
	}
	var sb strings.Builder
	sb.WriteString(`INSERT INTO dunning_plan_terms (org_id, plan_id, seq, due_date, amount_cents) VALUES `)
	args := make([]any, 0, 5*len(terms))
	for i, t := range terms {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(tx.Tuple(len(args)+1, 5))
		args = append(args, tx.OrgID(), planID, i+1, t.Due, int64(t.Amount))
	}
	if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("dunning: terms of plan %d: %w", planID, err)
	}
	return nil
}

// planFilter narrows listPlans.
type planFilter struct {
	id      int64
	leaseID int64
	state   PlanState
}

func listPlans(ctx context.Context, tx *db.Tx, f planFilter) ([]Plan, error) {
	where := []string{"p.org_id = $1"}
	args := []any{tx.OrgID()}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.id != 0 {
		add("p.id = ?", f.id)
	}
	if f.leaseID != 0 {
		add("p.lease_id = ?", f.leaseID)
	}
	if f.state != "" {
		add("p.state = ?", string(f.state))
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.lease_id, l.reference, p.state, p.total_cents, p.note, p.created_at, p.created_by,
		p.ended_on FROM dunning_plans p JOIN leases l ON l.id = p.lease_id AND l.org_id = p.org_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY p.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("dunning: list plans: %w", err)
	}
	var out []Plan
	for rows.Next() {
		var p Plan
		var total int64
		var created, ended string
		if err := rows.Scan(&p.ID, &p.LeaseID, &p.LeaseReference, &p.State, &total, &p.Note, &created, &p.CreatedBy, &ended); err != nil {
			rows.Close()
			return nil, fmt.Errorf("dunning: list plans: %w", err)
		}
		p.Total, p.CreatedAt = money.Cents(total), db.ShownTS(created)
		if ended != "" {
			if p.EndedOn, err = civil.Parse(ended); err != nil {
				rows.Close()
				return nil, fmt.Errorf("dunning: end of plan %d: %w", p.ID, err)
			}
		}
		out = append(out, p)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("dunning: list plans: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, p := range out {
		ids[i] = p.ID
	}
	terms, err := termsOf(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Terms = terms[out[i].ID]
	}
	return out, nil
}

func termsOf(ctx context.Context, tx *db.Tx, ids []int64) (map[int64][]Term, error) {
	in, args := inList(tx, 2, ids)
	rows, err := tx.QueryContext(ctx, `SELECT plan_id, seq, due_date, amount_cents FROM dunning_plan_terms WHERE org_id = $1
		AND plan_id IN (`+in+`) ORDER BY plan_id, seq`, append([]any{tx.OrgID()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("dunning: plan terms: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Term{}
	for rows.Next() {
		var id, amount int64
		var t Term
		if err := rows.Scan(&id, &t.Seq, &t.Due, &amount); err != nil {
			return nil, fmt.Errorf("dunning: plan terms: %w", err)
		}
		t.Amount = money.Cents(amount)
		out[id] = append(out[id], t)
	}
	return out, rows.Err()
}

// endPlan moves an active plan to state; false when it was not active.
func endPlan(ctx context.Context, tx *db.Tx, id int64, state PlanState, on civil.Date, by int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE dunning_plans SET state = $1, ended_on = $2, ended_by = $3 WHERE id = $4 AND org_id = $5
		AND state = 'active'`, string(state), on, by, id, tx.OrgID())
	if err != nil {
		return false, fmt.Errorf("dunning: end plan %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("dunning: end plan %d: %w", id, err)
	}
	return n == 1, nil
}

// --- organisations ---

// organisationIDs are every organisation's id, for the daily run (a
// System transaction: the one place dunning spans organisations).
func organisationIDs(ctx context.Context, tx *db.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM organisations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("dunning: organisations: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("dunning: organisations: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// dateText is a date as stored, "" for none.
func dateText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
