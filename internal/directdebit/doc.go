// Package directdebit is SEPA Core direct debit (DOMAIN §5.1–5.5, §5.7):
// mandates per lease and collections of the open invoices of leases with a
// valid mandate, written as pain.008 files by package sepa.
//
// # Mandates
//
// A mandate (machtiging) has a reference (machtigingskenmerk) unique in the
// organisation, a signature date and place, a debtor (name and IBAN), a
// kind (recurrent or one-off) and a status. The debtor's name and IBAN and
// the place are personal data: they are sealed under the organisation key,
// and the IBAN is also kept as a keyed hash (blind index) for look-ups. An
// amendment of the reference or the IBAN keeps the original value and flags
// the mandate, so the next collection carries the amendment indicator
// (OrgnlMndtId, or SMNDA for a new account), after which it is cleared. The
// sequence type is derived, never typed: OOFF for a one-off mandate, FRST
// on a recurrent mandate's first use and RCUR after. A mandate unused for 36
// months expires: at collection time, and in the daily job
// (JobExpire) that records it.
//
// # Collections
//
// Preview lists per invoice what a collection on a date would take and what
// it leaves out, with the reason; Create repeats the preview and makes the
// batch only when it still counts and totals what the person saw. A batch
// keeps what its file says (creditor, account, version, creation time, each
// debit with its debtor sealed), so File writes it again byte for byte. One
// debit per invoice, with the invoice's betalingskenmerk as structured
// remittance (SCOR, issuer CUR) and an end-to-end id "<invoice
// number>-<batch>"; an invoice with a debit that was not returned is never
// collected again (a unique index says so too).
//
// # For the statement matching
//
// ItemByEndToEndTx, ItemsOfBatchTx, MandateByReferenceTx, MarkReturnedTx and
// MarkPaidTx work in the caller's transaction; the caller records its audit
// event.
package directdebit
