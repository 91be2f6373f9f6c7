// Package account holds users, organisations, memberships with roles,
// invitations, sessions' identities, two-factor login and API tokens.
//
// A user's e-mail address and name are personal data: they are sealed by the
// vault under the user's own key (platform organisation 0, HMS being the
// controller) and found by a blind index, never stored in plaintext.
package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// User is a person who logs in.
type User struct {
	ID             int64
	Email          string
	Name           string
	EmailConfirmed bool
	TOTPEnabled    bool
	Lang           string
	IsStaff        bool
	CreatedAt      time.Time
}

// Organisation is one customer of HMS.
type Organisation struct {
	ID          int64
	Slug        string
	Name        string
	CreatedAt   time.Time
	TrialEndsAt time.Time
}

// Membership is a user's role in an organisation.
type Membership struct {
	Org  Organisation
	Role Role
}

// Member is a user as seen by their organisation.
type Member struct {
	UserID int64
	Name   string
	Email  string
	Role   Role
	Since  time.Time
	// Sessions are the member's signed-in browsers (for those who manage
	// members only).
	Sessions SessionSummary
}

// Invitation is an open invitation to join an organisation.
type Invitation struct {
	ID        int64
	Email     string
	Role      Role
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken describes a token without its secret.
type APIToken struct {
	ID         int64
	Name       string
	Scopes     []Scope
	UserID     int64
	CreatedAt  time.Time
	LastUsedAt time.Time
	Revoked    bool
}

// NormalizeEmail lower-cases and trims an address for comparison and blind
// indexing; it returns "" when the address is not valid.
func NormalizeEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return ""
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return ""
	}
	return s
}

var slugUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// Slugify makes a URL-safe organisation slug from a name.
func Slugify(name string) string {
	r := strings.NewReplacer("é", "e", "ë", "e", "è", "e", "ï", "i", "ö", "o", "ü", "u", "á", "a", "à", "a", "&", "en")
	s := slugUnsafe.ReplaceAllString(r.Replace(strings.ToLower(name)), "-")
	s = strings.Trim(s, "-")
	if len(s) > 40 {
		s = strings.Trim(s[:40], "-")
	}
	if s == "" {
		s = "org"
	}
	return s
}

// newSecret returns a random URL-safe token and its storage hash.
func newSecret(prefix string) (token, hash string) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	token = prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return token, hashSecret(token)
}

func hashSecret(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
