package privacy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
)

// The breach register (GDPR art. 33(5); PRIVACY.md P16): every personal
// data breach with its facts, effects and the remedial action taken, the
// assessment of the risk, and who was told when. It is the platform's
// register, kept by HMS staff in the console: the breaches table has no
// org_id, so it is closed to the organisation role and read and written in
// System transactions, like the outbox the console reads. The affected
// customers are in breach_customers by organisation_id for the same reason.

// NotifyWithin is the term for notifying the Autoriteit Persoonsgegevens:
// without undue delay and where feasible within 72 hours after becoming
// aware of the breach (art. 33(1)).
const NotifyWithin = 72 * time.Hour

// Risk is the assessed risk to the people concerned.
type Risk string

// The risks (art. 33(1), 34(1)).
const (
	RiskLow  Risk = "low"  // unlikely to result in a risk: recorded with the reason, nobody notified
	RiskSome Risk = "risk" // a risk: the Autoriteit Persoonsgegevens is notified
	RiskHigh Risk = "high" // a high risk: the data subjects are told as well
)

// BreachState is where a breach stands.
type BreachState string

// The states: open → assessed → notified → closed (a low risk goes from
// assessed to closed).
const (
	BreachOpen     BreachState = "open"
	BreachAssessed BreachState = "assessed"
	BreachNotified BreachState = "notified"
	BreachClosed   BreachState = "closed"
)

// BreachInput are the facts of a breach as staff record them.
type BreachInput struct {
	DiscoveredAt time.Time
	Description  string
	Categories   string // the categories of personal data concerned
	Subjects     int    // approximate number of data subjects
	Records      int    // approximate number of records
	Consequences string // the likely consequences
	Measures     string // measures taken or proposed
}

// Breach is one entry of the register.
type Breach struct {
	ID int64
	BreachInput
	RecordedAt         time.Time
	State              BreachState
	Risk               Risk
	NoNotifyReason     string
	AssessedAt         time.Time
	APNotifiedAt       time.Time
	LateReason         string
	SubjectsNotifiedAt time.Time
	Tables             []string
	ClosedAt           time.Time
	Customers          []AffectedCustomer
}

// Deadline is when the Autoriteit Persoonsgegevens should have been told.
func (b Breach) Deadline() time.Time { return b.DiscoveredAt.Add(NotifyWithin) }

// NeedsAP reports whether the assessment (or its absence) still asks for a
// notification to the Autoriteit Persoonsgegevens.
func (b Breach) NeedsAP() bool { return b.Risk != RiskLow && b.APNotifiedAt.IsZero() }

// Overdue reports whether the 72 hours passed at now without the
// notification that is (or may be) due.
func (b Breach) Overdue(now time.Time) bool {
	return b.State != BreachClosed && b.NeedsAP() && now.After(b.Deadline())
}

// Late reports whether the notification was made after the 72 hours.
func (b Breach) Late() bool { return !b.APNotifiedAt.IsZero() && b.APNotifiedAt.After(b.Deadline()) }

// AffectedCustomer is an organisation whose rows the breach touched.
type AffectedCustomer struct {
	OrgID      int64
	Name       string
	Rows       int
	Persons    int // distinct relations; -1: the tables name no relation
	NotifiedAt time.Time
}

// OwnerContacts finds an organisation's owners (account does, in the
// System transaction given).
type OwnerContacts interface {
	OwnerContacts(ctx context.Context, tx *db.Tx, orgID int64) ([]account.OwnerContact, error)
}

// ErrBreachState: the step does not fit where the breach stands.
var ErrBreachState = &validation.Problem{Status: 409, Code: "breach.state_conflict"}

const breachColumns = `id, discovered_at, recorded_at, description, categories, subjects_approx, records_approx,
	consequences, measures, state, risk, no_notify_reason, assessed_at, ap_notified_at, late_reason,
	subjects_notified_at, affected_tables, closed_at`

func scanBreach(row interface{ Scan(...any) error }) (*Breach, error) {
	var b Breach
	var disc, rec string
	var assessed, ap, subj, closed sql.NullString
	var tables string
	err := row.Scan(&b.ID, &disc, &rec, &b.Description, &b.Categories, &b.Subjects, &b.Records, &b.Consequences,
		&b.Measures, &b.State, &b.Risk, &b.NoNotifyReason, &assessed, &ap, &b.LateReason, &subj, &tables, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read breach: %w", err)
	}
	b.DiscoveredAt, _ = db.ParseTS(disc)
	b.RecordedAt, _ = db.ParseTS(rec)
	b.AssessedAt, _ = db.ParseNullTS(assessed)
	b.APNotifiedAt, _ = db.ParseNullTS(ap)
	b.SubjectsNotifiedAt, _ = db.ParseNullTS(subj)
	b.ClosedAt, _ = db.ParseNullTS(closed)
	if tables != "" {
		b.Tables = strings.Split(tables, ",")
	}
	return &b, nil
}

func validateBreach(in BreachInput, now time.Time) error {
	fe := validation.Errors{}
	if in.DiscoveredAt.IsZero() {
		fe.Add("discovered_at", "breach.discovered_required")
	} else if in.DiscoveredAt.After(now) {
		fe.Add("discovered_at", "breach.discovered_future")
	}
	if strings.TrimSpace(in.Description) == "" {
		fe.Add("description", "breach.description_required")
	}
	fe.CheckText("description", in.Description, true)
	fe.CheckText("categories", in.Categories, false)
	fe.CheckText("consequences", in.Consequences, true)
	fe.CheckText("measures", in.Measures, true)
	if in.Subjects < 0 {
		fe.Add("subjects", "breach.count_negative")
	}
	if in.Records < 0 {
		fe.Add("records", "breach.count_negative")
	}
	return fe.Err()
}

// RecordBreach enters a breach in the register as open.
func (s *Service) RecordBreach(ctx context.Context, staffID int64, in BreachInput) (int64, error) {
	now := s.clk.Now()
	if err := validateBreach(in, now); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.System(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO breaches (discovered_at, recorded_at, recorded_by, description,
			categories, subjects_approx, records_approx, consequences, measures) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			RETURNING id`, db.TS(in.DiscoveredAt), db.TS(now), staffID, strings.TrimSpace(in.Description),
			strings.TrimSpace(in.Categories), in.Subjects, in.Records, strings.TrimSpace(in.Consequences),
			strings.TrimSpace(in.Measures)).Scan(&id); err != nil {
			return fmt.Errorf("record breach: %w", err)
		}
		return s.breachAudit(ctx, tx, staffID, id, "breach.recorded", nil)
	})
	return id, err
}

func (s *Service) breachAudit(ctx context.Context, tx *db.Tx, staffID, id int64, action string, details map[string]string) error {
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: staffID, ActorKind: "staff", Action: action,
		TargetType: "breach", TargetID: strconv.FormatInt(id, 10), Details: details})
}

// Breaches lists the register, newest first.
func (s *Service) Breaches(ctx context.Context) ([]Breach, error) {
	var out []Breach
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+breachColumns+` FROM breaches ORDER BY discovered_at DESC, id DESC`)
		if err != nil {
			return fmt.Errorf("list breaches: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			b, err := scanBreach(rows)
			if err != nil {
				return err
			}
			out = append(out, *b)
		}
		return rows.Err()
	})
	return out, err
}

// Breach reads one breach with its affected customers.
func (s *Service) Breach(ctx context.Context, id int64) (*Breach, error) {
	var b *Breach
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		if b, err = scanBreach(tx.QueryRowContext(ctx, `SELECT `+breachColumns+` FROM breaches WHERE id = $1`, id)); err != nil {
			return err
		}
		b.Customers, err = affectedCustomers(ctx, tx, id)
		return err
	})
	return b, err
}

func affectedCustomers(ctx context.Context, tx *db.Tx, id int64) ([]AffectedCustomer, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.organisation_id, o.name, c.rows_affected, c.persons, c.notified_at
		FROM breach_customers c JOIN organisations o ON o.id = c.organisation_id WHERE c.breach_id = $1 ORDER BY o.name, o.id`, id)
	if err != nil {
		return nil, fmt.Errorf("affected customers: %w", err)
	}
	defer rows.Close()
	var out []AffectedCustomer
	for rows.Next() {
		var c AffectedCustomer
		var at sql.NullString
		if err := rows.Scan(&c.OrgID, &c.Name, &c.Rows, &c.Persons, &at); err != nil {
			return nil, err
		}
		c.NotifiedAt, _ = db.ParseNullTS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// update runs fn on the breach, locked, in a System transaction.
func (s *Service) update(ctx context.Context, id int64, fn func(tx *db.Tx, b *Breach) error) error {
	return s.db.System(ctx, func(tx *db.Tx) error {
		lock := ""
		if tx.Dialect() == db.Postgres {
			lock = " FOR UPDATE"
		}
		b, err := scanBreach(tx.QueryRowContext(ctx, `SELECT `+breachColumns+` FROM breaches WHERE id = $1`+lock, id))
		if err != nil {
			return err
		}
		return fn(tx, b)
	})
}

// Assess records the risk. A low risk needs the reason why nobody is
// notified (art. 33(5): the register must let the AP verify the choice).
func (s *Service) Assess(ctx context.Context, staffID, id int64, risk Risk, reason string) error {
	reason = strings.TrimSpace(reason)
	fe := validation.Errors{}
	if !slices.Contains([]Risk{RiskLow, RiskSome, RiskHigh}, risk) {
		fe.Add("risk", "breach.risk_required")
	} else if risk == RiskLow && reason == "" {
		fe.Add("reason", "breach.reason_required")
	}
	fe.CheckText("reason", reason, true)
	if err := fe.Err(); err != nil {
		return err
	}
	if risk != RiskLow {
		reason = ""
	}
	return s.update(ctx, id, func(tx *db.Tx, b *Breach) error {
		if b.State != BreachOpen && b.State != BreachAssessed {
			return ErrBreachState
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breaches SET risk = $1, no_notify_reason = $2, assessed_at = $3,
			state = 'assessed' WHERE id = $4`, string(risk), reason, db.TS(s.clk.Now()), id); err != nil {
			return fmt.Errorf("assess breach: %w", err)
		}
		return s.breachAudit(ctx, tx, staffID, id, "breach.assessed", map[string]string{"risk": string(risk)})
	})
}

// RecordAPNotification records when the Autoriteit Persoonsgegevens was
// notified. After the 72 hours the reasons for the delay are required
// (art. 33(1)).
func (s *Service) RecordAPNotification(ctx context.Context, staffID, id int64, at time.Time, lateReason string) error {
	lateReason = strings.TrimSpace(lateReason)
	return s.update(ctx, id, func(tx *db.Tx, b *Breach) error {
		if b.State != BreachAssessed || b.Risk == RiskLow {
			return ErrBreachState
		}
		fe := validation.Errors{}
		switch {
		case at.IsZero():
			fe.Add("notified_at", "breach.notified_required")
		case at.After(s.clk.Now()):
			fe.Add("notified_at", "breach.notified_future")
		case at.Before(b.DiscoveredAt):
			fe.Add("notified_at", "breach.notified_before")
		case at.After(b.Deadline()) && lateReason == "":
			fe.Add("late_reason", "breach.late_reason_required")
		}
		fe.CheckText("late_reason", lateReason, true)
		if err := fe.Err(); err != nil {
			return err
		}
		if !at.After(b.Deadline()) {
			lateReason = ""
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breaches SET ap_notified_at = $1, late_reason = $2, state = 'notified'
			WHERE id = $3`, db.TS(at), lateReason, id); err != nil {
			return fmt.Errorf("record notification: %w", err)
		}
		return s.breachAudit(ctx, tx, staffID, id, "breach.ap_notified", nil)
	})
}

// RecordSubjectsNotified records when the data subjects were told of a
// high-risk breach (art. 34).
func (s *Service) RecordSubjectsNotified(ctx context.Context, staffID, id int64, at time.Time) error {
	return s.update(ctx, id, func(tx *db.Tx, b *Breach) error {
		if b.Risk != RiskHigh || b.State == BreachClosed || b.State == BreachOpen {
			return ErrBreachState
		}
		fe := validation.Errors{}
		switch {
		case at.IsZero():
			fe.Add("subjects_at", "breach.notified_required")
		case at.After(s.clk.Now()):
			fe.Add("subjects_at", "breach.notified_future")
		case at.Before(b.DiscoveredAt):
			fe.Add("subjects_at", "breach.notified_before")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breaches SET subjects_notified_at = $1 WHERE id = $2`, db.TS(at), id); err != nil {
			return fmt.Errorf("record subjects notified: %w", err)
		}
		return s.breachAudit(ctx, tx, staffID, id, "breach.subjects_notified", nil)
	})
}

// CloseBreach closes a breach whose duties are done: assessed as low
// risk, or the AP notified and, for a high risk, the subjects too.
func (s *Service) CloseBreach(ctx context.Context, staffID, id int64) error {
	return s.update(ctx, id, func(tx *db.Tx, b *Breach) error {
		done := (b.State == BreachAssessed && b.Risk == RiskLow) ||
			(b.State == BreachNotified && (b.Risk != RiskHigh || !b.SubjectsNotifiedAt.IsZero()))
		if !done {
			return ErrBreachState
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breaches SET state = 'closed', closed_at = $1 WHERE id = $2`,
			db.TS(s.clk.Now()), id); err != nil {
			return fmt.Errorf("close breach: %w", err)
		}
		return s.breachAudit(ctx, tx, staffID, id, "breach.closed", nil)
	})
}

// ImpactTables are the tables the impact query may be run over: those the
// register of processing activities declares, so only known personal tables.
func ImpactTables() []string {
	var out []string
	for _, a := range Register {
		for _, c := range a.Data {
			if !slices.Contains(out, c.Table) {
				out = append(out, c.Table)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Impact lists the organisations whose rows in tables the breach may have
// touched, with the rows and the distinct relations (persons) they name.
// It runs in each organisation's own transaction, so row-level security
// applies and only counts leave it. A table without org_id (users, login
// data) is the platform's and names no customer; it is left out.
func (s *Service) Impact(ctx context.Context, tables []string) ([]AffectedCustomer, error) {
	known := ImpactTables()
	fe := validation.Errors{}
	if len(tables) == 0 {
		fe.Add("tables", "breach.tables_required")
	}
	for _, t := range tables {
		if !slices.Contains(known, t) {
			fe.Add("tables", "breach.tables_unknown")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	type org struct {
		id   int64
		name string
	}
	var orgs []org
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name FROM organisations ORDER BY name, id`)
		if err != nil {
			return fmt.Errorf("impact: organisations: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var o org
			if err := rows.Scan(&o.id, &o.name); err != nil {
				return err
			}
			orgs = append(orgs, o)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	var out []AffectedCustomer
	for _, o := range orgs {
		c := AffectedCustomer{OrgID: o.id, Name: o.name, Persons: -1}
		persons := map[int64]bool{}
		err := s.db.ReadOrg(ctx, o.id, func(tx *db.Tx) error {
			for _, t := range tables {
				cols, err := tableColumns(ctx, tx, t)
				if err != nil {
					return err
				}
				if !slices.Contains(cols, "org_id") {
					continue
				}
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t+` WHERE org_id = $1`, o.id).Scan(&n); err != nil {
					return fmt.Errorf("impact: count %s: %w", t, err)
				}
				c.Rows += n
				// The person a row is about: the relation itself, or the
				// relation it names.
				col := ""
				if t == "relations" {
					col = "id"
				} else if slices.Contains(cols, "relation_id") {
					col = "relation_id"
				}
				if col == "" {
					continue
				}
				rows, err := tx.QueryContext(ctx, `SELECT DISTINCT `+col+` FROM `+t+` WHERE org_id = $1 AND `+col+` IS NOT NULL`, o.id)
				if err != nil {
					return fmt.Errorf("impact: persons in %s: %w", t, err)
				}
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						rows.Close()
						return err
					}
					persons[id] = true
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				c.Persons = 0
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if c.Persons == 0 {
			c.Persons = len(persons)
		}
		if c.Rows > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// tableColumns lists a table's columns (t comes from ImpactTables).
func tableColumns(ctx context.Context, tx *db.Tx, t string) ([]string, error) {
	q := `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`
	if tx.Dialect() == db.SQLite {
		q = `SELECT name FROM pragma_table_info($1)`
	}
	rows, err := tx.QueryContext(ctx, q, t)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", t, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RunImpact runs the impact query for a breach and keeps its result: the
// tables and the affected customers (those already notified stay).
func (s *Service) RunImpact(ctx context.Context, staffID, id int64, tables []string) error {
	found, err := s.Impact(ctx, tables)
	if err != nil {
		return err
	}
	return s.update(ctx, id, func(tx *db.Tx, b *Breach) error {
		if b.State == BreachClosed {
			return ErrBreachState
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breaches SET affected_tables = $1 WHERE id = $2`, strings.Join(tables, ","), id); err != nil {
			return fmt.Errorf("impact: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM breach_customers WHERE breach_id = $1 AND notified_at IS NULL`, id); err != nil {
			return fmt.Errorf("impact: %w", err)
		}
		for _, c := range found {
			if _, err := tx.ExecContext(ctx, `INSERT INTO breach_customers (breach_id, organisation_id, rows_affected, persons)
				VALUES ($1, $2, $3, $4) ON CONFLICT (breach_id, organisation_id)
				DO UPDATE SET rows_affected = excluded.rows_affected, persons = excluded.persons`,
				id, c.OrgID, c.Rows, c.Persons); err != nil {
				return fmt.Errorf("impact: keep %d: %w", c.OrgID, err)
			}
		}
		return s.breachAudit(ctx, tx, staffID, id, "breach.impact", map[string]string{"customers": strconv.Itoa(len(found))})
	})
}

// Texts translates a message id (i18n.Catalog.T).
type Texts func(lang, id string, data map[string]any) string

// NotifyCustomers mails the owners of every affected customer not yet
// notified, through the outbox, and records when (as processor, art.
// 33(2): without undue delay). It returns the number of mails.
func (s *Service) NotifyCustomers(ctx context.Context, staffID, id int64, texts Texts) (int, error) {
	sent := 0
	err := s.update(ctx, id, func(tx *db.Tx, b *Breach) error {
		if b.State == BreachClosed {
			return ErrBreachState
		}
		cs, err := affectedCustomers(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.clk.Now()
		told := 0
		for _, c := range cs {
			if !c.NotifiedAt.IsZero() {
				continue
			}
			owners, err := s.owners.OwnerContacts(ctx, tx, c.OrgID)
			if err != nil {
				return err
			}
			for _, o := range owners {
				data := map[string]any{"Organisation": c.Name, "Discovered": b.DiscoveredAt.Format("02-01-2006 15:04"),
					"Description": b.Description, "Categories": b.Categories, "Consequences": b.Consequences,
					"Measures": b.Measures, "Rows": c.Rows, "Persons": c.Persons}
				if _, err := s.outbox.Send(ctx, tx, mail.Message{To: o.Email, Subject: texts(o.Lang, "mail.breach.subject", data),
					Text: texts(o.Lang, "mail.breach.body", data)}); err != nil {
					return fmt.Errorf("notify customer %d: %w", c.OrgID, err)
				}
				sent++
			}
			if _, err := tx.ExecContext(ctx, `UPDATE breach_customers SET notified_at = $1 WHERE breach_id = $2 AND organisation_id = $3`,
				db.TS(now), id, c.OrgID); err != nil {
				return fmt.Errorf("notify customer %d: %w", c.OrgID, err)
			}
			told++
		}
		return s.breachAudit(ctx, tx, staffID, id, "breach.customers_notified", map[string]string{"customers": strconv.Itoa(told)})
	})
	return sent, err
}
