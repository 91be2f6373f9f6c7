package orgprofile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/platform/db"
)

// load reads the organisation's row; withLogo also reads the image.
func load(ctx context.Context, tx *db.Tx, withLogo bool) (Profile, []byte, error) {
	p := Profile{PaymentTermDays: DefaultPaymentTerm}
	var logo []byte
	logoCol := "NULL"
	if withLogo {
		logoCol = "logo"
	}
	err := tx.QueryRowContext(ctx, `SELECT legal_name, street, house_number, postcode, city, email, phone, kvk, vat_id,
		payment_term_days, logo_type, updated_at, `+logoCol+` FROM org_profiles WHERE org_id = $1`, tx.OrgID()).
		Scan(&p.LegalName, &p.Street, &p.HouseNumber, &p.Postcode, &p.City, &p.Email, &p.Phone, &p.KvK, &p.VATID,
			&p.PaymentTermDays, &p.LogoType, &p.UpdatedAt, &logo)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil, nil
	}
	if err != nil {
		return p, nil, fmt.Errorf("orgprofile: load: %w", err)
	}
	if p.LogoType == "" {
		logo = nil
	}
	return p, logo, nil
}

// save replaces the details but the logo.
func save(ctx context.Context, tx *db.Tx, p Profile, now string, by int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO org_profiles (org_id, legal_name, street, house_number, postcode, city, email, phone,
		kvk, vat_id, payment_term_days, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (org_id) DO UPDATE SET legal_name = excluded.legal_name, street = excluded.street,
		house_number = excluded.house_number, postcode = excluded.postcode, city = excluded.city, email = excluded.email,
		phone = excluded.phone, kvk = excluded.kvk, vat_id = excluded.vat_id, payment_term_days = excluded.payment_term_days,
		updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		tx.OrgID(), p.LegalName, p.Street, p.HouseNumber, p.Postcode, p.City, p.Email, p.Phone, p.KvK, p.VATID,
		p.PaymentTermDays, now, by)
	if err != nil {
		return fmt.Errorf("orgprofile: save: %w", err)
	}
	return nil
}

// saveLogo sets the logo of the row save wrote (nil: none).
func saveLogo(ctx context.Context, tx *db.Tx, logo []byte, kind string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE org_profiles SET logo = $2, logo_type = $3 WHERE org_id = $1`,
		tx.OrgID(), logo, kind); err != nil {
		return fmt.Errorf("orgprofile: save logo: %w", err)
	}
	return nil
}

func organisationName(ctx context.Context, tx *db.Tx) (string, error) {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, tx.OrgID()).Scan(&name); err != nil {
		return "", fmt.Errorf("orgprofile: organisation name: %w", err)
	}
	return name, nil
}
