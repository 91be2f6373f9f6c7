// Package reconcile reads what the bank booked and books it: statements
// (camt.053, MT940) are imported whole or not at all, each line is stored
// once, and each credit is matched to open items by rules that say why —
// the end-to-end id of HMS's own collection, the betalingskenmerk, the
// mandate, the invoice number with the open amount, a payer HMS learned —
// or left for a person in the review queue. Returned direct debits reopen
// their invoices; debits that pay HMS's payouts mark them paid; other
// debits (bank costs) are listed, not matched.
package reconcile
