package relation

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"

	"hms/internal/account"
	"hms/internal/nl"
	"hms/internal/platform/db"
)

// Kinds of search token (relation_search.kind).
const (
	tokName     = "name"     // a prefix of 1..12 letters of a name word
	tokEmail    = "email"    // the normalised address
	tokIBAN     = "iban"     // the normalised IBAN
	tokPostcode = "postcode" // "1234 AB"
	tokPhone    = "phone"    // digits, Dutch numbers in national form
	tokPrint    = "fingerprint"
)

// tokenSize is how much of an HMAC-SHA256 is kept: 128 bits, plenty to
// make a false match in one organisation negligible.
const tokenSize = 16

// tokenizer makes the keyed tokens of one transaction. Each kind has its
// own key, derived once per transaction from the organisation's blind-index
// key: key = vault.BlindIndex("relation.token_key.<kind>", "v1"), token =
// HMAC-SHA256(key, value). That is one vault call per kind instead of one
// per token (a person has some 25 tokens; each vault call reads the key row
// again), and the tokens are exactly as strong: nobody without the
// organisation's index key can compute either. Keys live in memory for the
// transaction only.
type tokenizer struct {
	s    *Service
	ctx  context.Context
	tx   *db.Tx
	keys map[string][]byte
}

func (s *Service) tokenizer(ctx context.Context, tx *db.Tx) *tokenizer {
	return &tokenizer{s: s, ctx: ctx, tx: tx, keys: map[string][]byte{}}
}

func (t *tokenizer) token(kind, value string) ([]byte, error) {
	k, ok := t.keys[kind]
	if !ok {
		h, err := t.s.vault.BlindIndex(t.ctx, t.tx, "relation.token_key."+kind, "v1")
		if err != nil {
			return nil, err
		}
		if k, err = hex.DecodeString(h); err != nil {
			return nil, fmt.Errorf("relation: token key: %w", err)
		}
		t.keys[kind] = k
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte(value))
	return m.Sum(nil)[:tokenSize], nil
}

// searchToken is one row of relation_search before it is keyed.
type searchToken struct{ kind, value string }

// searchTokens lists what finds a relation: the prefixes of its name words
// and its exact e-mail address, IBANs, postcode and phone numbers.
func (c *clean) searchTokens() []searchToken {
	seen := map[searchToken]bool{}
	var out []searchToken
	add := func(kind, v string) {
		st := searchToken{kind, v}
		if v != "" && !seen[st] {
			seen[st] = true
			out = append(out, st)
		}
	}
	var ws []string
	if c.kind == Company {
		ws = words(c.company)
	} else {
		ws = c.name.nameWords()
	}
	for _, w := range ws {
		for _, p := range prefixes(w) {
			add(tokName, p)
		}
	}
	add(tokEmail, c.contact.Email)
	for _, i := range c.ibans {
		add(tokIBAN, i)
	}
	if c.address.Postcode != "" {
		add(tokPostcode, normalizePostcode(c.address.Postcode))
	}
	for _, p := range c.contact.Phones {
		add(tokPhone, normalizePhone(p))
	}
	return out
}

// query is how a search text is understood: one exact look-up, a KvK
// number, or name words that must all match.
type query struct {
	exact *searchToken
	kvk   string
	words []string
}

// parseQuery reads a search text. An e-mail address, an IBAN, a Dutch
// postcode, a KvK number (8 digits) or a phone number is looked up exactly;
// anything else is split into words, each of which must be the start of a
// word of the name.
func parseQuery(q string) query {
	q = strings.TrimSpace(q)
	if q == "" {
		return query{}
	}
	if strings.Contains(q, "@") {
		return query{exact: &searchToken{tokEmail, emailForSearch(q)}}
	}
	if iban := nl.NormalizeIBAN(q); nl.ValidateIBAN(iban) == nil {
		return query{exact: &searchToken{tokIBAN, iban}}
	}
	if pc, err := nl.NormalizePostcode(q); err == nil {
		return query{exact: &searchToken{tokPostcode, pc}}
	}
	if !strings.ContainsFunc(q, unicode.IsLetter) {
		digits := strings.Join(strings.Fields(q), "")
		if len(digits) == 8 && nl.ValidateKvK(digits) == nil {
			return query{kvk: digits}
		}
		if p := normalizePhone(q); p != "" {
			return query{exact: &searchToken{tokPhone, p}}
		}
	}
	var ws []string
	for _, w := range words(q) {
		ws = append(ws, searchWord(w))
	}
	if len(ws) == 0 {
		// Nothing to look for, but something was asked: match nothing.
		return query{exact: &searchToken{tokName, ""}}
	}
	if len(ws) > 8 {
		ws = ws[:8]
	}
	return query{words: ws}
}

// emailForSearch normalises an address the way it is stored.
func emailForSearch(s string) string {
	if n := account.NormalizeEmail(s); n != "" {
		return n
	}
	return strings.ToLower(strings.TrimSpace(s))
}
