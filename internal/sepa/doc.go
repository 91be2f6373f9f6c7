// Package sepa writes the payment files a landlord hands to the bank: SEPA
// Core direct debits (pain.008.001.02, the version every Dutch bank takes,
// and pain.008.001.08) and credit transfers (pain.001.001.03 and
// pain.001.001.09) for deposit refunds, settlement credits and overpayments;
// and it knows the TARGET2 calendar that decides on which days a collection
// can be due (DOMAIN.md §5.1–5.3, 5.9).
//
// It is pure: no database, no clock. The caller gives the creation time, so
// the same input always gives a byte-identical file and a batch can be
// downloaded again unchanged. Input is checked in full before anything is
// written; what is wrong comes back as [validation.Errors] with message ids
// from the sepa catalog (internal/platform/i18n/locales/sepa.*.json), at
// fields named like "debits[3].debtor.iban". Free text (names, remittance
// information) is reduced to the SEPA character set and cut to the length the
// rulebook allows; identifiers are refused rather than changed, because a
// bank reports them back and they must match.
package sepa
