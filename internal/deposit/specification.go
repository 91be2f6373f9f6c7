package deposit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/orgprofile"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// Specification is a stored written specification of the deductions from a
// deposit (art. 7:261b BW: with deductions the landlord returns the rest
// with a specification), without its bytes.
type Specification struct {
	ID        int64
	LeaseID   int64
	CreatedAt time.Time
	CreatedBy int64
	SHA256    string
	Size      int64
}

// CreatedOn is the day the specification was made (Europe/Amsterdam).
func (sp Specification) CreatedOn() civil.Date { return civil.Today(sp.CreatedAt) }

// PurposeSpecification is the purpose of reading the tenants' names and
// addresses for the specification (relations logs it).
const PurposeSpecification = "deposit.specification"

// fieldSpecification binds a sealed specification to its column.
const fieldSpecification = "deposit_specifications.content"

// specSheet is what the specification prints.
type specSheet struct {
	Lease      *lease.Lease // units and tenants with their facts
	Status     *Status
	Issuer     pdfdoc.Issuer
	ReturnDays int         // the term that applies
	ToReturn   money.Cents // what the tenant gets back
	Earlier    money.Cents // returned before, outside the settlement
	SetOff     money.Cents // arrears deductions, set off in the ledger
	Created    time.Time
}

// GenerateSpecification writes the specification of a deposit's deductions
// for the tenants (Dutch, PDF): each deduction with its reason and amount,
// the deposit received, what was set off against arrears, the amount to be
// returned and the return deadline (lease.DepositReturnDeadline). It is
// stored sealed with the lease, so what the tenant received can be shown
// again exactly. The lease must have ended.
func (s *Service) GenerateSpecification(ctx context.Context, a account.Actor, leaseID int64) (*Specification, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	var spec *Specification
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		st, err := s.status(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		if !st.Ended {
			return ErrNotEnded
		}
		if st.Received <= 0 {
			return ErrNothingHeld
		}
		l, err := s.leases.TenantDocumentTx(ctx, tx, a, leaseID, PurposeSpecification)
		if err != nil {
			return err
		}
		is, err := orgprofile.IssuerTx(ctx, tx, "")
		if err != nil {
			return err
		}
		sh := specSheet{Lease: l, Status: st, Issuer: is,
			ReturnDays: st.TermDays, ToReturn: st.Held, Created: s.clk.Now()}
		if st.Payout != nil {
			sh.ToReturn = st.Payout.Amount
		}
		sh.Earlier = st.Received - st.Deducted - sh.ToReturn
		for _, d := range st.Deductions {
			if d.Reason == "arrears" {
				sh.SetOff += d.AmountCents
			}
		}
		pdf, err := renderSpecification(sh)
		if err != nil {
			return err
		}
		// Sealed under a subject of its own, which erasing a tenant of the
		// lease shreds (privacySource.Erase).
		subject, sealed, err := s.vault.SealDocument(ctx, tx, fieldSpecification, pdf)
		if err != nil {
			return fmt.Errorf("seal specification: %w", err)
		}
		spec = &Specification{LeaseID: leaseID, CreatedBy: a.UserID, SHA256: sha256Hex(pdf), Size: int64(len(pdf))}
		now := s.now()
		spec.CreatedAt, _ = db.ParseTS(now)
		if err := tx.QueryRowContext(ctx, `INSERT INTO deposit_specifications (org_id, lease_id, created_at, created_by, sha256, size, content,
			subject_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, tx.OrgID(), leaseID, now, a.UserID, spec.SHA256, spec.Size,
			sealed, int64(subject)).Scan(&spec.ID); err != nil {
			return fmt.Errorf("insert specification: %w", err)
		}
		return s.record(ctx, tx, a, "deposit.specification_generated", "lease", leaseID, map[string]string{
			"specification_id": fmt.Sprint(spec.ID), "sha256": spec.SHA256, "to_return_cents": fmt.Sprint(int64(sh.ToReturn))})
	})
	return spec, err
}

// SpecificationFile returns a stored specification exactly as generated. It
// holds personal data, so each read is recorded.
func (s *Service) SpecificationFile(ctx context.Context, a account.Actor, leaseID, specID int64) ([]byte, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var pdf []byte
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var sealed []byte
		var sum string
		var subject sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT content, sha256, subject_id FROM deposit_specifications
			WHERE id = $1 AND lease_id = $2 AND org_id = $3`, specID, leaseID, tx.OrgID()).Scan(&sealed, &sum, &subject)
		if errors.Is(err, sql.ErrNoRows) {
			return validation.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read specification: %w", err)
		}
		if pdf, err = s.open(ctx, tx, vault.SubjectID(subject.Int64), fieldSpecification, sealed); err != nil {
			return fmt.Errorf("open specification %d: %w", specID, err)
		}
		if sha256Hex(pdf) != sum {
			return fmt.Errorf("specification %d: content does not match its sha256", specID)
		}
		return s.record(ctx, tx, a, "deposit.specification_viewed", "lease", leaseID, map[string]string{"specification_id": fmt.Sprint(specID)})
	})
	return pdf, err
}

// specificationsOfLease lists a lease's specifications, newest first.
func specificationsOfLease(ctx context.Context, tx *db.Tx, leaseID int64) ([]Specification, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, lease_id, created_at, created_by, sha256, size FROM deposit_specifications
		WHERE org_id = $1 AND lease_id = $2 ORDER BY id DESC`, tx.OrgID(), leaseID)
	if err != nil {
		return nil, fmt.Errorf("list specifications: %w", err)
	}
	defer rows.Close()
	var out []Specification
	for rows.Next() {
		var sp Specification
		var created string
		if err := rows.Scan(&sp.ID, &sp.LeaseID, &created, &sp.CreatedBy, &sp.SHA256, &sp.Size); err != nil {
			return nil, fmt.Errorf("scan specification: %w", err)
		}
		sp.CreatedAt, _ = db.ParseTS(created)
		out = append(out, sp)
	}
	return out, rows.Err()
}

// renderSpecification writes the specification (Dutch, A4).
func renderSpecification(sh specSheet) ([]byte, error) {
	l, st := sh.Lease, sh.Status
	eur := func(c money.Cents) string { return money.Format(c, "nl") }
	T := pdfdoc.TextsIn("nl").T
	var to []string
	for _, t := range l.Tenants() {
		to = append(to, t.Name)
	}
	if ts := l.Tenants(); len(ts) > 0 && ts[0].Address != "" {
		to = append(to, ts[0].Address)
	}
	pdf := pdfdoc.New(pdfdoc.Meta{Title: T("doc.deposit_spec.meta_title", "Reference", l.Reference), Author: sh.Issuer.Name, Lang: "nl",
		Created: sh.Created, Layout: pdfdoc.StatementLayout, Issuer: &sh.Issuer, Recipient: strings.Join(to, "\n"),
		Footer: []string{T("doc.deposit_spec.footer", "Reference", l.Reference)}, Paged: true})
	tw := pdf.TextWidth
	left, _, _, _ := pdf.GetMargins()

	pdf.SetY(max(pdf.GetY()+6, 78))
	pdf.SetFont("dejavu", "B", 16)
	pdf.MultiCell(0, 8, T("doc.deposit_spec.title"), "", "L", false)
	pdf.SetFont("dejavu", "", 9.5)
	var addrs []string
	for _, u := range l.Units {
		addrs = append(addrs, u.Address)
	}
	pdf.MultiCell(0, 5, T("doc.deposit_spec.subtitle", "Reference", l.Reference, "Units", strings.Join(addrs, "; "),
		"End", st.EndsOn.Long("nl"), "Date", civil.Today(sh.Created).Long("nl")), "", "L", false)
	pdf.Ln(4)

	para := func(s string) {
		pdf.SetFont("dejavu", "", 10)
		pdf.MultiCell(0, 5, s, "", "L", false)
		pdf.Ln(1.5)
	}
	row := func(label, value string, b bool) {
		style := ""
		if b {
			style = "B"
		}
		pdf.SetFont("dejavu", style, 10)
		pdf.CellFormat(tw*0.7, 6.5, label, "B", 0, "L", false, 0, "")
		pdf.CellFormat(tw*0.3, 6.5, value, "B", 1, "R", false, 0, "")
	}

	if len(st.Deductions) > 0 {
		para(T("doc.deposit_spec.intro_deducted"))
	} else {
		para(T("doc.deposit_spec.intro_none"))
	}
	pdf.SetFont("dejavu", "B", 11)
	pdf.MultiCell(0, 6, T("doc.deposit_spec.deductions"), "", "L", false)
	pdf.SetFont("dejavu", "B", 9.5)
	pdf.CellFormat(tw*0.18, 6, T("doc.deposit_spec.date"), "B", 0, "L", false, 0, "")
	pdf.CellFormat(tw*0.52, 6, T("doc.deposit_spec.reason"), "B", 0, "L", false, 0, "")
	pdf.CellFormat(tw*0.3, 6, T("doc.deposit_spec.amount"), "B", 1, "R", false, 0, "")
	pdf.SetFont("dejavu", "", 9.5)
	if len(st.Deductions) == 0 {
		pdf.CellFormat(tw, 6, T("doc.deposit_spec.nothing"), "B", 1, "L", false, 0, "")
	}
	for _, d := range st.Deductions {
		reason := T("doc.deposit_spec.reason." + d.Reason)
		if d.Note != "" {
			reason += ": " + d.Note
		}
		y := pdf.GetY()
		pdf.CellFormat(tw*0.18, 6, d.Date.Dutch(), "", 0, "L", false, 0, "")
		x := pdf.GetX()
		pdf.MultiCell(tw*0.52, 6, reason, "", "L", false)
		end := pdf.GetY()
		pdf.SetXY(x+tw*0.52, y)
		pdf.CellFormat(tw*0.3, 6, eur(d.AmountCents), "", 1, "R", false, 0, "")
		pdf.SetY(end)
		pdf.Line(left, end, left+tw, end)
	}
	pdf.Ln(4)

	row(T("doc.deposit_spec.received"), eur(st.Received), false)
	if sh.Earlier > 0 {
		row(T("doc.deposit_spec.earlier"), "− "+eur(sh.Earlier), false)
	}
	if sh.SetOff > 0 {
		row(T("doc.deposit_spec.set_off"), "− "+eur(sh.SetOff), false)
	}
	if other := st.Deducted - sh.SetOff; other > 0 {
		row(T("doc.deposit_spec.other"), "− "+eur(other), false)
	}
	row(T("doc.deposit_spec.deducted"), eur(st.Deducted), false)
	row(T("doc.deposit_spec.to_return"), eur(sh.ToReturn), true)
	pdf.Ln(4)

	para(T("doc.deposit_spec.return", "Amount", eur(sh.ToReturn), "Deadline", st.Deadline.Long("nl"), "Days", sh.ReturnDays,
		"End", st.EndsOn.Long("nl")))
	para(T("doc.deposit_spec.rules"))

	b, err := pdf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render deposit specification: %w", err)
	}
	return b, nil
}
