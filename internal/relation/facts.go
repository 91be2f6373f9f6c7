package relation

import (
	"context"
	"fmt"
	"regexp"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// PartyFacts is what another capability (lease, billing) needs of a party
// to print and send documents.
type PartyFacts struct {
	ID          int64
	Kind        string // "person" or "company"
	DisplayName string // "J. de Vries" or the company name
	Address     string // postal address, one line per line
	BirthDate   civil.Date
	Email       string
	Language    string
	IsTenant    bool
	IBANs       []string // normalised; the first is the account payments come from (a direct-debit mandate's default)
	// Restricted: processing is restricted (art. 18 GDPR): mail nothing to
	// this party, leave them out with LeftOutRestricted.
	Restricted bool
}

var purposePattern = regexp.MustCompile(`^[a-z][a-z0-9_.:-]{0,63}$`)

// PartyFacts opens the parties ids inside the caller's write transaction
// (lease's own, for example) and records one relation.viewed event per
// party with via = purpose (a code such as "lease.contract"). The caller
// has checked the actor's permission. An id that is not in the
// transaction's organisation is validation.ErrNotFound.
func (s *Service) PartyFacts(ctx context.Context, tx *db.Tx, actor account.Actor, purpose string,
	ids ...int64) (map[int64]PartyFacts, error) {
	out, viewed, err := s.PartyFactsToRecord(ctx, tx, purpose, ids...)
	if err != nil {
		return nil, err
	}
	return out, viewed.Record(ctx, tx, actor)
}

// PartyFactsToRecord opens the parties ids in a transaction that may only
// read (a bulk job reads and renders outside the write transaction that
// stores what it made, so the one writer is held briefly); the reads are
// recorded by Viewed.Record in the transaction that uses the facts. Facts
// whose use is never committed were never used and are not recorded.
func (s *Service) PartyFactsToRecord(ctx context.Context, tx *db.Tx, purpose string,
	ids ...int64) (map[int64]PartyFacts, Viewed, error) {
	if !purposePattern.MatchString(purpose) {
		return nil, Viewed{}, fmt.Errorf("relation: purpose %q is not a code", purpose)
	}
	out := make(map[int64]PartyFacts, len(ids))
	viewed := Viewed{s: s, purpose: purpose}
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		r, err := getRow(ctx, tx, id)
		if err != nil {
			return nil, Viewed{}, err
		}
		rel, err := s.open(ctx, tx, r, false)
		if err != nil {
			return nil, Viewed{}, err
		}
		out[id] = PartyFacts{ID: id, Kind: string(rel.Kind), DisplayName: rel.DisplayName(), Address: rel.Address.Postal(),
			BirthDate: rel.BirthDate, Email: rel.Email, Language: rel.Language, IsTenant: rel.Roles.Has(RoleTenant), IBANs: rel.IBANs,
			Restricted: r.restrictedAt.Valid}
		viewed.ids = append(viewed.ids, id)
	}
	return out, viewed, nil
}

// Viewed are the parties PartyFactsToRecord opened, to record as
// relation.viewed events.
type Viewed struct {
	s       *Service
	purpose string
	ids     []int64
}

// Record records one relation.viewed event per party in tx, a write
// transaction of the same organisation.
func (v Viewed) Record(ctx context.Context, tx *db.Tx, actor account.Actor) error {
	for _, id := range v.ids {
		if err := v.s.record(ctx, tx, actor, "relation.viewed", id, map[string]string{"via": v.purpose}); err != nil {
			return err
		}
	}
	return nil
}

// CheckTenantAge returns ErrTenantUnder16 when relation id is a person
// younger than 16 today (PRIVACY.md P11); an unknown birth date passes.
// It runs in the caller's transaction and does not log: it reveals only
// the answer.
func (s *Service) CheckTenantAge(ctx context.Context, tx *db.Tx, id int64) error {
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return err
	}
	if r.kind != Person || r.birthS == nil {
		return nil
	}
	var b sealedBirth
	if err := s.openJSON(ctx, tx, r.subject, fieldBirth, r.birthS, &b); err != nil {
		return err
	}
	if b.Date == "" {
		return nil
	}
	d, err := civil.Parse(b.Date)
	if err != nil {
		return err
	}
	if d.YearsOn(s.today()) < minTenantAge {
		return ErrTenantUnder16
	}
	return nil
}

// MarkTenantTx gives relation id the tenant role inside the caller's
// transaction (lease calls it when a lease is signed). It needs the
// accepted processor agreement and a tenant of 16 or older; a relation
// that is a tenant already is left as it is.
func (s *Service) MarkTenantTx(ctx context.Context, tx *db.Tx, actor account.Actor, id int64) error {
	if !actor.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return err
	}
	if r.roles.Has(RoleTenant) {
		return nil
	}
	if err := s.privacy.RequireAccepted(ctx, tx); err != nil {
		return err
	}
	if err := s.CheckTenantAge(ctx, tx, id); err != nil {
		return err
	}
	roles := r.roles | RoleTenant.bit()
	if _, err := tx.ExecContext(ctx, `UPDATE relations SET roles = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`,
		int64(roles), db.TS(s.clk.Now()), tx.OrgID(), id); err != nil {
		return fmt.Errorf("mark tenant: %w", err)
	}
	return s.record(ctx, tx, actor, "relation.updated", id, map[string]string{"roles": joinRoles(roles.List())})
}
