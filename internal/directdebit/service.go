package directdebit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Deps are what the service needs.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Log
	Vault     *vault.Vault
	Clock     clock.Clock
	Leases    *lease.Service
	Relations *relation.Service
	Portfolio *portfolio.Service
	// Outbox sends the pre-notifications; Jobs, when given, runs the daily
	// expiry of unused mandates (JobExpire).
	Outbox *mail.Outbox
	Jobs   *jobs.Queue
	Texts  *i18n.Catalog
}

// Service is the face of direct debit.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	vault     *vault.Vault
	clk       clock.Clock
	leases    *lease.Service
	relations *relation.Service
	portfolio *portfolio.Service
	outbox    *mail.Outbox
	jobs      *jobs.Queue
	texts     *i18n.Catalog
}

// New builds the service and registers its job when given the queue.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Texts == nil {
		d.Texts = i18n.Shared()
	}
	s := &Service{db: d.DB, audit: d.Audit, vault: d.Vault, clk: d.Clock, leases: d.Leases, relations: d.Relations,
		portfolio: d.Portfolio, outbox: d.Outbox, jobs: d.Jobs, texts: d.Texts}
	if d.Jobs != nil {
		s.registerExpiry()
	}
	return s
}

// Problems of this capability (message ids in directdebit.<lang>.json).
var (
	ErrCurrentMandate   = &validation.Problem{Status: 409, Code: "directdebit.mandate.current_exists"}
	ErrNotCurrent       = &validation.Problem{Status: 409, Code: "directdebit.mandate.not_current"}
	ErrNotSuspended     = &validation.Problem{Status: 409, Code: "directdebit.mandate.not_suspended"}
	ErrMandateExpired   = &validation.Problem{Status: 409, Code: "directdebit.mandate.expired"}
	ErrNoCreditorID     = &validation.Problem{Status: 409, Code: "directdebit.settings.no_creditor_id"}
	ErrNoAccount        = &validation.Problem{Status: 409, Code: "directdebit.settings.no_account"}
	ErrChanged          = &validation.Problem{Status: 409, Code: "directdebit.collection.changed"}
	ErrNothingToCollect = &validation.Problem{Status: 409, Code: "directdebit.collection.nothing"}
)

// PurposeMandate is the purpose of reading a tenant's name and IBAN from
// relations for a mandate (relations logs it).
const PurposeMandate = "directdebit.mandate"

// Sealed fields (the vault binds a ciphertext to its column).
const (
	fieldMandateDebtor = "dd_mandates.debtor"
	fieldItemDebtor    = "dd_items.debtor"
	fieldIBANIndex     = "dd_mandates.iban"
)

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType string, id int64,
	details map[string]string) error {
	kind := a.Kind
	if kind == "" {
		kind = audit.ActorUser
	}
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: action,
		TargetType: targetType, TargetID: fmt.Sprint(id), Details: details})
}

// debtorData is what a mandate or a debit keeps sealed.
type debtorData struct {
	Name         string `json:"name"`
	IBAN         string `json:"iban"`
	Place        string `json:"place,omitempty"` // a mandate's place of signing
	BIC          string `json:"bic,omitempty"`   // a debit's debtor BIC, as sent
	OriginalIBAN string `json:"original_iban,omitempty"`
}

func (s *Service) seal(ctx context.Context, tx *db.Tx, field string, d debtorData) ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("directdebit: encode debtor: %w", err)
	}
	sealed, err := s.vault.SealOrg(ctx, tx, field, b)
	if err != nil {
		return nil, fmt.Errorf("directdebit: seal debtor: %w", err)
	}
	return sealed, nil
}

func (s *Service) open(ctx context.Context, tx *db.Tx, field string, sealed []byte) (debtorData, error) {
	var d debtorData
	b, err := s.vault.OpenOrg(ctx, tx, field, sealed)
	if err != nil {
		return d, fmt.Errorf("directdebit: open debtor: %w", err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, fmt.Errorf("directdebit: decode debtor: %w", err)
	}
	return d, nil
}

// ibanToken is the blind index of an IBAN in tx's organisation.
func (s *Service) ibanToken(ctx context.Context, tx *db.Tx, iban string) (string, error) {
	t, err := s.vault.BlindIndex(ctx, tx, fieldIBANIndex, iban)
	if err != nil {
		return "", fmt.Errorf("directdebit: iban index: %w", err)
	}
	return t, nil
}

// openMandate fills the debtor's sealed data in.
func (s *Service) openMandate(ctx context.Context, tx *db.Tx, m *storedMandate) error {
	d, err := s.open(ctx, tx, fieldMandateDebtor, m.sealed)
	if err != nil {
		return err
	}
	m.DebtorName, m.IBAN, m.SignedPlace, m.OriginalIBAN = d.Name, d.IBAN, d.Place, d.OriginalIBAN
	return nil
}

// --- mandates ---

// Mandates lists a lease's mandates, the current one first, with the
// debtors' names and IBANs (the read is recorded).
func (s *Service) Mandates(ctx context.Context, a account.Actor, leaseID int64) ([]Mandate, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Mandate
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := s.leases.GetTx(ctx, tx, leaseID); err != nil {
			return err
		}
		ms, err := listMandates(ctx, tx, "m.lease_id = $2", leaseID)
		if err != nil {
			return err
		}
		if out, err = s.opened(ctx, tx, ms); err != nil || len(out) == 0 {
			return err
		}
		return s.record(ctx, tx, a, "directdebit.mandates_viewed", "lease", leaseID, nil)
	})
	return out, err
}

func (s *Service) opened(ctx context.Context, tx *db.Tx, ms []*storedMandate) ([]Mandate, error) {
	out := make([]Mandate, 0, len(ms))
	for _, m := range ms {
		if err := s.openMandate(ctx, tx, m); err != nil {
			return nil, err
		}
		out = append(out, m.Mandate)
	}
	slices.SortStableFunc(out, func(x, y Mandate) int {
		if x.Current() != y.Current() {
			if x.Current() {
				return -1
			}
			return 1
		}
		return int(y.ID - x.ID)
	})
	return out, nil
}

// MandateFilter narrows ListMandates.
type MandateFilter struct {
	LeaseID int64 // 0: every lease
	AfterID int64 // only ids greater than this, in id order
	Limit   int   // 0: all
	// ExpiringWithin, when above 0, keeps only the current mandates that
	// expire for want of use within that many days from today, soonest first.
	ExpiringWithin int
}

// ListMandates lists the organisation's mandates in id order, opened (the
// read is recorded), for the API.
func (s *Service) ListMandates(ctx context.Context, a account.Actor, f MandateFilter) ([]Mandate, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Mandate
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		cond, args := "m.id > $2", []any{f.AfterID}
		if f.LeaseID != 0 {
			cond, args = "m.id > $2 AND m.lease_id = $3", append(args, f.LeaseID)
		}
		if f.Limit > 0 {
			cond += fmt.Sprintf(" ORDER BY m.id LIMIT %d", f.Limit)
		}
		ms, err := listMandates(ctx, tx, cond, args...)
		if err != nil {
			return err
		}
		by := s.today().AddDays(f.ExpiringWithin)
		for _, m := range ms {
			if f.ExpiringWithin > 0 && (!m.Current() || m.ExpiresOn().After(by)) {
				continue
			}
			if err := s.openMandate(ctx, tx, m); err != nil {
				return err
			}
			out = append(out, m.Mandate)
		}
		if f.ExpiringWithin > 0 {
			slices.SortStableFunc(out, func(x, y Mandate) int { return x.ExpiresOn().Compare(y.ExpiresOn()) })
		}
		if len(out) == 0 {
			return nil
		}
		return s.record(ctx, tx, a, "directdebit.mandates_viewed", "organisation", tx.OrgID(), map[string]string{"count": fmt.Sprint(len(out))})
	})
	return out, err
}

// Mandate reads one mandate, opened (the read is recorded).
func (s *Service) Mandate(ctx context.Context, a account.Actor, id int64) (Mandate, error) {
	if !a.Can(account.PermFinanceRead) {
		return Mandate{}, validation.ErrForbidden
	}
	var out Mandate
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		m, err := readMandate(ctx, tx, "m.id = $2", id)
		if err != nil {
			return err
		}
		if err := s.openMandate(ctx, tx, m); err != nil {
			return err
		}
		out = m.Mandate
		return s.record(ctx, tx, a, "directdebit.mandate_viewed", "dd_mandate", id, nil)
	})
	return out, err
}

// CreateMandate records a signed mandate for a lease. What the input leaves
// empty comes from the lease: the debtor is its first tenant (their name
// and first IBAN), the reference "HMS-<lease reference>-<n>". A lease has
// one current mandate at most: revoke the old one first.
func (s *Service) CreateMandate(ctx context.Context, a account.Actor, in MandateInput) (int64, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		id, err = s.CreateMandateTx(ctx, tx, a, in)
		return err
	})
	return id, err
}

// CreateMandateTx is CreateMandate in the caller's transaction (the demo,
// an import); the caller checked permission.
func (s *Service) CreateMandateTx(ctx context.Context, tx *db.Tx, a account.Actor, in MandateInput) (int64, error) {
	fe := validation.Errors{}
	today := s.today()
	l, err := s.leases.GetTx(ctx, tx, in.LeaseID)
	if errors.Is(err, validation.ErrNotFound) {
		return 0, validation.Errors{"lease_id": "directdebit.mandate.lease_unknown"}
	}
	if err != nil {
		return 0, err
	}
	in.Reference = checkReference(fe, "reference", in.Reference)
	if in.Kind == "" {
		in.Kind = Recurrent
	}
	if !slices.Contains(Kinds, in.Kind) {
		fe.Add("kind", "field.invalid")
	}
	switch {
	case in.SignedOn.IsZero():
		fe.Add("signed_on", "field.required")
	case in.SignedOn.After(today):
		fe.Add("signed_on", "directdebit.mandate.signed_future")
	}
	in.SignedPlace = strings.Join(strings.Fields(in.SignedPlace), " ")
	fe.CheckText("signed_place", in.SignedPlace, false)
	if len([]rune(in.SignedPlace)) > maxPlace {
		fe.Add("signed_place", "directdebit.mandate.place_too_long")
	}
	if lc := in.LastCollectedOn; !lc.IsZero() && (lc.After(today) || (!in.SignedOn.IsZero() && lc.Before(in.SignedOn))) {
		fe.Add("last_collected_on", "directdebit.mandate.last_collected_invalid")
	}
	if in.Kind == OneOff && !in.LastCollectedOn.IsZero() {
		fe.Add("last_collected_on", "directdebit.mandate.one_off_used")
	}
	// The debtor: a tenant of the lease, by default the first.
	tenants := l.TenantIDs()
	if in.PartyID != 0 && !slices.Contains(tenants, in.PartyID) {
		fe.Add("party_id", "directdebit.mandate.party_not_tenant")
	}
	if in.PartyID == 0 && len(tenants) > 0 {
		in.PartyID = tenants[0]
	}
	if in.PartyID != 0 && fe["party_id"] == "" && (strings.TrimSpace(in.DebtorName) == "" || strings.TrimSpace(in.IBAN) == "") {
		facts, err := s.relations.PartyFacts(ctx, tx, a, PurposeMandate, in.PartyID)
		if err != nil {
			return 0, err
		}
		f := facts[in.PartyID]
		if strings.TrimSpace(in.DebtorName) == "" {
			in.DebtorName = f.DisplayName
		}
		if strings.TrimSpace(in.IBAN) == "" && len(f.IBANs) > 0 {
			in.IBAN = f.IBANs[0]
		}
	}
	in.DebtorName = checkName(fe, "debtor_name", in.DebtorName)
	in.IBAN = checkIBAN(fe, "iban", in.IBAN)
	if err := fe.Err(); err != nil {
		return 0, err
	}
	if cur, err := readMandate(ctx, tx, "m.lease_id = $2 AND m.status IN ('active','suspended')", in.LeaseID); err == nil {
		_ = cur // the lease already has a current mandate
		return 0, ErrCurrentMandate
	} else if !errors.Is(err, validation.ErrNotFound) {
		return 0, err
	}
	if in.Reference == "" {
		n, err := countMandates(ctx, tx, in.LeaseID)
		if err != nil {
			return 0, err
		}
		for ; ; n++ {
			in.Reference = generatedReference(l.Reference, n+1)
			taken, err := referenceTaken(ctx, tx, in.Reference, 0)
			if err != nil {
				return 0, err
			}
			if !taken {
				break
			}
		}
	} else if taken, err := referenceTaken(ctx, tx, in.Reference, 0); err != nil {
		return 0, err
	} else if taken {
		return 0, validation.Errors{"reference": "directdebit.mandate.reference_exists"}
	}
	sealed, err := s.seal(ctx, tx, fieldMandateDebtor, debtorData{Name: in.DebtorName, IBAN: in.IBAN, Place: in.SignedPlace})
	if err != nil {
		return 0, err
	}
	token, err := s.ibanToken(ctx, tx, in.IBAN)
	if err != nil {
		return 0, err
	}
	id, err := insertMandate(ctx, tx, in, sealed, token, s.now(), a.UserID)
	if db.IsUniqueViolation(err) {
		// Two people adding a mandate to one lease, or one reference, at once.
		return 0, ErrCurrentMandate
	}
	if err != nil {
		return 0, err
	}
	return id, s.record(ctx, tx, a, "directdebit.mandate_created", "dd_mandate", id, map[string]string{
		"lease_id": fmt.Sprint(in.LeaseID), "reference": in.Reference, "kind": string(in.Kind)})
}

// AmendMandate changes a current mandate's reference, debtor name or IBAN.
// A changed reference or IBAN keeps the value the bank knows, so the next
// collection can report the amendment; changing it back cancels that part.
func (s *Service) AmendMandate(ctx context.Context, a account.Actor, id int64, in AmendInput) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	fe := validation.Errors{}
	in.Reference = checkReference(fe, "reference", in.Reference)
	if strings.TrimSpace(in.DebtorName) != "" {
		in.DebtorName = checkName(fe, "debtor_name", in.DebtorName)
	}
	if strings.TrimSpace(in.IBAN) != "" {
		in.IBAN = checkIBAN(fe, "iban", in.IBAN)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		m, err := readMandate(ctx, tx, "m.id = $2", id)
		if err != nil {
			return err
		}
		if !m.Current() {
			return ErrNotCurrent
		}
		if err := s.openMandate(ctx, tx, m); err != nil {
			return err
		}
		changed := map[string]string{}
		if in.Reference != "" && in.Reference != m.Reference {
			taken, err := referenceTaken(ctx, tx, in.Reference, m.ID)
			if err != nil {
				return err
			}
			if taken {
				return validation.Errors{"reference": "directdebit.mandate.reference_exists"}
			}
			if m.Used() && m.OriginalReference == "" {
				m.OriginalReference = m.Reference
			}
			if m.OriginalReference == in.Reference {
				m.OriginalReference = ""
			}
			m.Reference = in.Reference
			changed["reference"] = in.Reference
		}
		if in.IBAN != "" && in.IBAN != m.IBAN {
			if m.Used() && m.OriginalIBAN == "" {
				m.OriginalIBAN = m.IBAN
			}
			if m.OriginalIBAN == in.IBAN {
				m.OriginalIBAN = ""
			}
			m.IBAN = in.IBAN
			changed["iban"] = "changed"
		}
		if in.DebtorName != "" && in.DebtorName != m.DebtorName {
			m.DebtorName = in.DebtorName
			changed["debtor_name"] = "changed"
		}
		if len(changed) == 0 {
			return nil
		}
		// A mandate never collected has nothing the bank knows to amend.
		m.Amended = m.OriginalReference != "" || m.OriginalIBAN != ""
		sealed, err := s.seal(ctx, tx, fieldMandateDebtor, debtorData{Name: m.DebtorName, IBAN: m.IBAN, Place: m.SignedPlace,
			OriginalIBAN: m.OriginalIBAN})
		if err != nil {
			return err
		}
		token, err := s.ibanToken(ctx, tx, m.IBAN)
		if err != nil {
			return err
		}
		err = updateMandateDebtor(ctx, tx, m, sealed, token, s.now())
		if db.IsUniqueViolation(err) {
			return validation.Errors{"reference": "directdebit.mandate.reference_exists"}
		}
		if err != nil {
			return err
		}
		changed["amended"] = fmt.Sprint(m.Amended)
		return s.record(ctx, tx, a, "directdebit.mandate_amended", "dd_mandate", id, changed)
	})
}

// RevokeMandate ends a current mandate (the debtor withdrew it, or the
// lease ended). It is kept, with its reference, as history.
func (s *Service) RevokeMandate(ctx context.Context, a account.Actor, id int64) error {
	return s.setStatus(ctx, a, id, Revoked, "revoked")
}

// ResumeMandate makes a suspended mandate active again (after the debtor's
// account was sorted out, say); an expired one cannot be resumed.
func (s *Service) ResumeMandate(ctx context.Context, a account.Actor, id int64) error {
	return s.setStatus(ctx, a, id, Active, "")
}

func (s *Service) setStatus(ctx context.Context, a account.Actor, id int64, to Status, reason string) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		m, err := readMandate(ctx, tx, "m.id = $2", id)
		if err != nil {
			return err
		}
		switch {
		case !m.Current():
			return ErrNotCurrent
		case to == Active && m.Status != Suspended:
			return ErrNotSuspended
		case to == Active && m.ExpiredOn(s.today()):
			return ErrMandateExpired
		}
		if err := setMandateStatus(ctx, tx, id, to, reason, s.today(), s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "directdebit.mandate_"+string(to), "dd_mandate", id, map[string]string{"status": string(to)})
	})
}

func itoa(n int) string { return fmt.Sprint(n) }

// HasMandateTx reports whether a lease has any mandate (the demo adds one
// only where none is).
func (s *Service) HasMandateTx(ctx context.Context, tx *db.Tx, leaseID int64) (bool, error) {
	n, err := countMandates(ctx, tx, leaseID)
	return n > 0, err
}
