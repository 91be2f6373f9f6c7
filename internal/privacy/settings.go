package privacy

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
)

// Optional personal-data fields. They are off by default: birth place and
// nationality are rarely necessary for renting (PRIVACY.md P5), so an
// organisation may turn one on only by stating why it needs it.
const (
	FieldBirthPlace  = "birth_place"
	FieldNationality = "nationality"
)

// OptionalFields lists the optional fields in form order.
var OptionalFields = []string{FieldBirthPlace, FieldNationality}

// Purpose lengths: long enough to say something, short enough to read.
const (
	minPurpose = 10
	maxPurpose = 500
)

// OptionalField is one optional field's state.
type OptionalField struct {
	Enabled   bool
	Purpose   string
	EnabledBy int64
	EnabledAt time.Time
}

// Settings are an organisation's privacy choices.
type Settings struct {
	Fields    map[string]OptionalField // by FieldBirthPlace, FieldNationality; missing means off
	GuardMode guard.Mode               // what the guard on free text does with a finding (P10)
}

// Enabled reports whether an optional field is on.
func (s Settings) Enabled(field string) bool { return s.Fields[field].Enabled }

// SettingsInput turns optional fields on (with a purpose) or off.
type SettingsInput struct {
	Enabled   map[string]bool
	Purposes  map[string]string
	GuardMode guard.Mode // "": unchanged
}

// SettingsTx reads the transaction's organisation's settings (for
// capabilities checking input inside their own transaction).
func (s *Service) SettingsTx(ctx context.Context, tx *db.Tx) (Settings, error) {
	st := Settings{Fields: map[string]OptionalField{}}
	mode, err := guard.ModeTx(ctx, tx)
	if err != nil {
		return st, err
	}
	st.GuardMode = mode
	rows, err := tx.QueryContext(ctx,
		`SELECT field, purpose, enabled_by, enabled_at FROM privacy_optional_fields WHERE org_id = $1`, tx.OrgID())
	if err != nil {
		return st, fmt.Errorf("privacy settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f string
		var of OptionalField
		var at string
		if err := rows.Scan(&f, &of.Purpose, &of.EnabledBy, &at); err != nil {
			return st, err
		}
		of.Enabled = true
		of.EnabledAt, _ = db.ParseTS(at)
		st.Fields[f] = of
	}
	return st, rows.Err()
}

// Settings shows the organisation's privacy settings to any member.
func (s *Service) Settings(ctx context.Context, actor account.Actor) (Settings, error) {
	if !actor.Can(account.PermOrgRead) {
		return Settings{}, validation.ErrForbidden
	}
	var st Settings
	err := s.db.ReadOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		var err error
		st, err = s.SettingsTx(ctx, tx)
		return err
	})
	return st, err
}

// UpdateSettings turns optional fields on or off and sets the guard mode;
// owners only. A field
// turned on needs a purpose of at least 10 characters. Turning a field off
// does not erase values already stored: relations drop them at their next
// change, and the retention job will erase the rest.
func (s *Service) UpdateSettings(ctx context.Context, actor account.Actor, in SettingsInput) error {
	if !isOwner(actor) {
		return validation.ErrForbidden
	}
	fe := validation.Errors{}
	purposes := map[string]string{}
	for _, f := range OptionalFields {
		if !in.Enabled[f] {
			continue
		}
		p := strings.Join(strings.Fields(in.Purposes[f]), " ")
		switch n := utf8.RuneCountInString(p); {
		case n < minPurpose:
			fe.Add(f+"_purpose", "privacy.purpose_required")
		case n > maxPurpose:
			fe.Add(f+"_purpose", "privacy.purpose_too_long")
		}
		purposes[f] = p
	}
	for f := range in.Enabled {
		if !validField(f) {
			fe.Add(f, "field.invalid")
		}
	}
	if in.GuardMode != "" && !in.GuardMode.Valid() {
		fe.Add("guard_mode", "privacy.guard.mode_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		old, err := s.SettingsTx(ctx, tx)
		if err != nil {
			return err
		}
		now := db.TS(s.clk.Now())
		if in.GuardMode != "" && in.GuardMode != old.GuardMode {
			if err := guard.SetModeTx(ctx, tx, in.GuardMode, actor.UserID, now); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, tx, audit.Event{ActorUserID: actor.UserID, ActorKind: actor.Kind,
				Action: "privacy.guard_mode_changed", TargetType: "privacy_setting", TargetID: "guard_mode",
				Details: map[string]string{"from": string(old.GuardMode), "to": string(in.GuardMode)}}); err != nil {
				return err
			}
		}
		for _, f := range OptionalFields {
			was, want := old.Fields[f], in.Enabled[f]
			action := ""
			switch {
			case want && !was.Enabled:
				action = "privacy.optional_field_enabled"
				_, err = tx.ExecContext(ctx,
					`INSERT INTO privacy_optional_fields (org_id, field, purpose, enabled_by, enabled_at) VALUES ($1, $2, $3, $4, $5)`, tx.OrgID(), f,
					purposes[f], actor.UserID, now)
			case want && was.Purpose != purposes[f]:
				action = "privacy.optional_field_purpose_changed"
				_, err = tx.ExecContext(ctx,
					`UPDATE privacy_optional_fields SET purpose = $1, enabled_by = $2, enabled_at = $3 WHERE org_id = $4 AND field = $5`, purposes[f],
					actor.UserID, now, tx.OrgID(), f)
			case !want && was.Enabled:
				action = "privacy.optional_field_disabled"
				_, err = tx.ExecContext(ctx, `DELETE FROM privacy_optional_fields WHERE org_id = $1 AND field = $2`, tx.OrgID(), f)
			}
			if err != nil {
				return fmt.Errorf("privacy settings %s: %w", f, err)
			}
			if action == "" {
				continue
			}
			// The purpose is free text: it stays out of the audit log.
			if err := s.audit.Record(ctx, tx, audit.Event{ActorUserID: actor.UserID, ActorKind: actor.Kind, Action: action,
				TargetType: "privacy_setting", TargetID: f, Details: map[string]string{"field": f}}); err != nil {
				return err
			}
		}
		return nil
	})
}

func validField(f string) bool {
	for _, o := range OptionalFields {
		if o == f {
			return true
		}
	}
	return false
}
