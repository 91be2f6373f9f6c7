// Package nl validates, normalises and generates the Dutch and SEPA
// identifiers that HMS stores and prints: IBAN, BIC, SEPA creditor identifier
// (incassant ID), KvK number, btw-id, postcode and betalingskenmerk; and it
// detects BSNs (citizen service numbers) in free text for the privacy guard.
//
// It exists so that every form, import and API checks these values the same
// way, by the rules in DOMAIN.md §5.5–5.7, and so that bad input is refused
// with an error that callers can map to a translated message: every error
// wraps one exported sentinel per kind (ErrIBAN, ErrBIC, …) and adds an
// English detail. Error messages never repeat the value itself, because IBANs
// and BSNs are personal data and errors end up in logs.
//
// The Validate functions accept the usual written forms (spaces, lower case);
// store what the matching Normalize function returns.
package nl
