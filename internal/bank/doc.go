// Package bank is the organisation's side of the bank: its accounts (IBAN,
// BIC, purpose, the pain versions its bank takes) and the SEPA creditor
// settings (Incassant-ID, pre-notification and lead days). Direct debit,
// statement import and payouts build on it.
package bank
