package api

import (
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// What the OpenAPI document says beyond the operations themselves: where the
// API is served, the tags that group operations and the error answers each
// operation can give. TestOpenAPIDocumentRules checks the result.

// servers names where the API is: the host that serves the document (each
// installation has its own), with the paths carrying the /api/v1 prefix.
var servers = []*huma.Server{{URL: "/", Description: "This HMS installation: the host that served this document"}}

// tags group the operations; each path's first segment belongs to one.
var tags = []*huma.Tag{
	{Name: "Organisation", Description: "The token's caller and organisation, members and API tokens"},
	{Name: "Portfolio", Description: "Complexes, units (verhuureenheden), meters and readings"},
	{Name: "Relations", Description: "Persons and companies, and the processor agreement"},
	{Name: "Leases", Description: "Leases, their components, deposits, accounts, documents and settings"},
	{Name: "Billing", Description: "Rent runs, invoices and credit notes, payments, debtors and billing settings"},
	{Name: "Rent increases", Description: "Yearly rent increases, legal caps and CPI indexation"},
	{Name: "Deposits", Description: "Deposit refunds"},
	{Name: "Service costs", Description: "Service-cost settlement: costs, keys, degree days, runs, statements and levies"},
	{Name: "Banking", Description: "Bank accounts, SEPA creditor settings, mandates and collections, statement import and matching"},
	{Name: "Dunning", Description: "Arrears: proposals, letters, hand-overs, collection costs, payment plans and the ageing list"},
	{Name: "Payouts", Description: "Payouts to tenants (deposit refunds, settlement credits, overpayments): four eyes, pain.001 batches"},
	{Name: "Reports", Description: "Rent roll, arrears ageing, vacancy, income per complex per month and deposits held, with totals"},
	{Name: "Search", Description: "One search over persons and companies, units, leases, invoices and complexes"},
}

var tagOfSegment = map[string]string{
	"me": "Organisation", "organisation": "Organisation", "members": "Organisation", "tokens": "Organisation", "access-grants": "Organisation",
	"complexes": "Portfolio", "units": "Portfolio",
	"relations": "Relations", "privacy": "Relations",
	"leases": "Leases", "lease-settings": "Leases",
	"rent-runs": "Billing", "invoices": "Billing", "payments": "Billing", "debtors": "Billing", "billing-settings": "Billing",
	"rent-increases": "Rent increases", "rent-increase-caps": "Rent increases", "rent-increase-settings": "Rent increases",
	"cpi":             "Rent increases",
	"deposit-payouts": "Deposits",
	"settlement":      "Service costs",
	"bank-accounts":   "Banking", "bank-settings": "Banking", "bank-statements": "Banking", "bank-lines": "Banking",
	"dunning": "Dunning", "payment-plans": "Dunning", "arrears": "Dunning",
	"mandates": "Banking", "collections": "Banking",
	"payouts": "Payouts", "payout-batches": "Payouts", "payout-settings": "Payouts",
	"reports":      "Reports",
	"search":       "Search",
	"imports":      "Organisation",
	"subscription": "Organisation",
	"export":       "Organisation",
}

// tagOf is the tag of an operation's path (without the prefix); a path under
// a segment no tag claims is a programming error, found at start-up.
func tagOf(path string) string {
	segment, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	tag, ok := tagOfSegment[segment]
	if !ok {
		panic("api: no tag for path " + path)
	}
	return tag
}

// errorsOf lists the problem documents an operation can answer, read from its
// method, path and input: every operation needs a token with a permission
// (401, 403); an id in the path may name nothing the caller can see (404);
// a body may not parse (400); any input may be invalid (422); a write may
// clash with the state of the books (409). huma adds 500.
func errorsOf[I any](method, path string) []int {
	codes := []int{http.StatusUnauthorized, http.StatusForbidden}
	if strings.Contains(path, "{") {
		codes = append(codes, http.StatusNotFound)
	}
	if method != http.MethodGet {
		codes = append(codes, http.StatusConflict)
	}
	body, params := inputKinds(reflect.TypeFor[I]())
	if body {
		codes = append(codes, http.StatusBadRequest)
	}
	if body || params {
		codes = append(codes, http.StatusUnprocessableEntity)
	}
	slices.Sort(codes)
	return codes
}

// inputKinds says whether an input type has a body and whether it has
// parameters (path, query or header, embedded structs included).
func inputKinds(t reflect.Type) (body, params bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case f.Name == "Body" || f.Name == "RawBody":
			body = true
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			b, p := inputKinds(f.Type)
			body, params = body || b, params || p
		case f.Tag.Get("path") != "" || f.Tag.Get("query") != "" || f.Tag.Get("header") != "":
			params = true
		}
	}
	return body, params
}
