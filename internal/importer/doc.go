// Package importer reads a landlord's rent roll (huurlijst) from CSV and
// imports its units, tenants and leases through the portfolio, relation and
// lease services. Every row is validated first; bad rows are listed with
// line number, column and reason, and nothing is imported until the file is
// clean. Rows are keyed (unit address, tenant reference, lease reference), so
// importing the same file twice changes nothing the second time.
package importer
