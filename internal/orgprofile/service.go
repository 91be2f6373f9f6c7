package orgprofile

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/validation"
)

// Deps are what the service needs.
type Deps struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock
}

// Service is the face of the organisation's details.
type Service struct {
	db    *db.DB
	audit *audit.Log
	clk   clock.Clock
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, clk: d.Clock}
}

// Get reads the details (defaults when never saved). Every member may read
// them: they are what the organisation prints on its letters.
func (s *Service) Get(ctx context.Context, a account.Actor) (Profile, error) {
	if !a.Can(account.PermOrgRead) {
		return Profile{}, validation.ErrForbidden
	}
	var p Profile
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		p, _, err = load(ctx, tx, false)
		return err
	})
	return p, err
}

// Logo is the logo's image and type; nil when none is set.
func (s *Service) Logo(ctx context.Context, a account.Actor) ([]byte, string, error) {
	if !a.Can(account.PermOrgRead) {
		return nil, "", validation.ErrForbidden
	}
	var p Profile
	var logo []byte
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		p, logo, err = load(ctx, tx, true)
		return err
	})
	return logo, p.LogoType, err
}

// Save replaces the details (the logo only when given or removed). Owners
// and managers may (portfolio.write); a KvK number, VAT id and postcode are
// checked (package nl), a logo must be a PNG or JPEG of at most
// MaxLogoBytes.
func (s *Service) Save(ctx context.Context, a account.Actor, in Input) error {
	if !a.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	logoType, err := in.check()
	if err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p := Profile{LegalName: in.LegalName, Street: in.Street, HouseNumber: in.HouseNumber, Postcode: in.Postcode, City: in.City,
			Email: in.Email, Phone: in.Phone, KvK: in.KvK, VATID: in.VATID, PaymentTermDays: in.PaymentTermDays}
		if err := save(ctx, tx, p, db.TS(s.clk.Now()), a.UserID); err != nil {
			return err
		}
		logo := "kept"
		switch {
		case in.RemoveLogo:
			logo = "removed"
			err = saveLogo(ctx, tx, nil, "")
		case in.Logo != nil:
			logo = "replaced"
			err = saveLogo(ctx, tx, in.Logo, logoType)
		}
		if err != nil {
			return err
		}
		kind := a.Kind
		if kind == "" {
			kind = audit.ActorUser
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: "organisation.details_changed",
			TargetType: "organisation", TargetID: fmt.Sprint(tx.OrgID()), Details: map[string]string{"logo": logo}})
	})
}

// Missing names the details documents should carry that are not set
// (Profile.Missing), for the warnings before a run.
func (s *Service) Missing(ctx context.Context, a account.Actor) ([]string, error) {
	if !a.Can(account.PermOrgRead) {
		return nil, validation.ErrForbidden
	}
	var out []string
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = MissingTx(ctx, tx)
		return err
	})
	return out, err
}

// LoadTx reads the details inside the caller's transaction, without the
// logo; the caller has checked the actor's permission.
func LoadTx(ctx context.Context, tx *db.Tx) (Profile, error) {
	p, _, err := load(ctx, tx, false)
	return p, err
}

// MissingTx is Missing inside the caller's transaction.
func MissingTx(ctx context.Context, tx *db.Tx) ([]string, error) {
	p, _, err := load(ctx, tx, false)
	if err != nil {
		return nil, err
	}
	return p.Missing(), nil
}

// IssuerTx is the organisation as every document prints it: the legal name
// (the organisation's name in HMS when none is set), the address, phone,
// e-mail, KvK number, VAT id and logo. iban is the account the document
// asks to pay to ("" for none). The caller has checked the actor's
// permission.
func IssuerTx(ctx context.Context, tx *db.Tx, iban string) (pdfdoc.Issuer, error) {
	p, logo, err := load(ctx, tx, true)
	if err != nil {
		return pdfdoc.Issuer{}, err
	}
	name := p.LegalName
	if name == "" {
		if name, err = organisationName(ctx, tx); err != nil {
			return pdfdoc.Issuer{}, err
		}
	}
	return pdfdoc.Issuer{Name: name, Address: p.Address(), Phone: p.Phone, Email: p.Email, KvK: p.KvK, VATID: p.VATID,
		IBAN: iban, Logo: logo, LogoType: p.LogoType}, nil
}
