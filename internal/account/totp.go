package account

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

const totpPeriod = 30

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPSetup is a fresh secret to show as a QR code before it is confirmed.
type TOTPSetup struct {
	Secret string
	URL    string
	PNG    []byte
}

// StartTOTP generates a secret for the user's authenticator app. Nothing is
// stored until EnableTOTP confirms a code from it.
func (s *Service) StartTOTP(ctx context.Context, userID int64) (*TOTPSetup, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "HMS", AccountName: u.Email, Period: totpPeriod})
	if err != nil {
		return nil, fmt.Errorf("generate totp secret: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return &TOTPSetup{Secret: key.Secret(), URL: key.URL(), PNG: buf.Bytes()}, nil
}

// matchStep returns the time step whose code equals code, within one step of
// now and later than lastStep (a code is good once), or 0.
func matchStep(secret, code string, now time.Time, lastStep int64) int64 {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0
	}
	cur := now.Unix() / totpPeriod
	for _, step := range []int64{cur - 1, cur, cur + 1} {
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err == nil && want == code {
			return step
		}
	}
	return 0
}

// EnableTOTP stores the secret once a code from the app proves it was set
// up, and returns ten one-time recovery codes (shown once).
func (s *Service) EnableTOTP(ctx context.Context, userID int64, secret, code string) ([]string, error) {
	step := matchStep(secret, code, s.clk.Now(), 0)
	if step == 0 {
		return nil, validation.Errors{"code": "totp.invalid"}
	}
	codes := make([]string, 10)
	err := s.db.System(ctx, func(tx *db.Tx) error {
		r, err := userByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		sealed, err := s.vault.SealString(ctx, tx, vault.SubjectID(r.subject), "users.totp_secret", secret)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret_sealed = $1, totp_enabled_at = $2, totp_last_step = $3 WHERE id = $4`,
			sealed, db.TS(s.clk.Now()), step, userID); err != nil {
			return fmt.Errorf("enable totp: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		for i := range codes {
			b := make([]byte, 5)
			_, _ = rand.Read(b)
			h := hex.EncodeToString(b)
			codes[i] = h[:5] + "-" + h[5:]
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID,
				hashSecret(codes[i])); err != nil {
				return fmt.Errorf("store recovery code: %w", err)
			}
		}
		// Sessions signed in with the password alone end.
		if _, err := endSessions(ctx, tx, userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx,
			audit.Event{ActorUserID: userID, ActorKind: "user", Action: "user.totp_enabled", TargetType: "user", TargetID: fmt.Sprint(userID)})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns two-factor login off after checking the password.
func (s *Service) DisableTOTP(ctx context.Context, userID int64, password string) error {
	return s.db.System(ctx, func(tx *db.Tx) error {
		if err := s.checkPassword(ctx, tx, userID, password, "password"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret_sealed = NULL, totp_enabled_at = NULL WHERE id = $1`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if _, err := endSessions(ctx, tx, userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx,
			audit.Event{ActorUserID: userID, ActorKind: "user", Action: "user.totp_disabled", TargetType: "user", TargetID: fmt.Sprint(userID)})
	})
}

// VerifySecondFactor completes a login with a TOTP code or a recovery code.
// A code already used (the same or an earlier time step) is refused.
func (s *Service) VerifySecondFactor(ctx context.Context, userID int64, code string) error {
	if ok, err := s.limiter.Allow(ctx, fmt.Sprintf("totp:%d", userID), loginPerAccount, loginWindow); err != nil {
		return err
	} else if !ok {
		return validation.ErrRateLimited
	}
	return s.db.System(ctx, func(tx *db.Tx) error {
		r, err := userByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !r.totpEnabledAt.Valid {
			return ErrTOTPInvalid
		}
		if strings.Contains(code, "-") {
			res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
				db.TS(s.clk.Now()), userID, hashSecret(strings.ToLower(strings.TrimSpace(code))))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return ErrTOTPInvalid
			}
			return s.audit.Record(ctx, tx,
				audit.Event{ActorUserID: userID, ActorKind: "user", Action: "user.logged_in", TargetType: "user", TargetID: fmt.Sprint(userID),
					Details: map[string]string{"second_factor": "recovery_code"}})
		}
		secret, err := s.vault.OpenString(ctx, tx, vault.SubjectID(r.subject), "users.totp_secret", r.totpSealed)
		if err != nil {
			return err
		}
		step := matchStep(secret, code, s.clk.Now(), r.totpLastStep)
		if step == 0 {
			return ErrTOTPInvalid
		}
		// Conditional on the old step, so two requests racing with one code cannot both pass.
		res, err := tx.ExecContext(ctx,
			`UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step = $3`, step, userID, r.totpLastStep)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrTOTPInvalid
		}
		return s.audit.Record(ctx, tx,
			audit.Event{ActorUserID: userID, ActorKind: "user", Action: "user.logged_in", TargetType: "user", TargetID: fmt.Sprint(userID),
				Details: map[string]string{"second_factor": "totp"}})
	})
}

// RecoveryCodesLeft counts unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	})
	return n, err
}
