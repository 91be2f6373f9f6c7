package api

import (
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/billing"
	"hms/internal/directdebit"
	"hms/internal/dunning"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/overview"
	"hms/internal/payout"
	"hms/internal/portfolio"
	"hms/internal/privacy"
	"hms/internal/privacy/guard"
	"hms/internal/privacy/requests"
	"hms/internal/privacy/retention"
	"hms/internal/reconcile"
	"hms/internal/relation"
	"hms/internal/rentincrease"
	"hms/internal/subscription"
)

// enumValues are the Go constant lists behind the enums of the OpenAPI
// document, by the Go type of the constants. A field of one of these types
// gets its enum from the list (registerEnums); TestEnumsComeFromGoConstants
// checks every enum in the document against them.
var enumValues = map[reflect.Type][]string{}

// enumTypes pair each Go type with the schema type that stands for it.
var enumTypes []struct{ goType, schemaType reflect.Type }

func enumOf[T ~string](values []T) {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	enumValues[reflect.TypeFor[T]()] = names
	enumTypes = append(enumTypes, struct{ goType, schemaType reflect.Type }{reflect.TypeFor[T](), reflect.TypeFor[oneOf[T]]()})
}

func init() {
	enumOf(account.Roles)
	enumOf(subscription.States)
	enumOf(subscription.InvoiceStates)
	enumOf(guard.Modes)
	enumOf(retention.Categories)
	enumOf(retention.HoldKinds)
	enumOf(retention.Units)
	enumOf(account.Scopes)
	enumOf(account.GrantStatesShown)
	enumOf(portfolio.UnitTypes)
	enumOf(portfolio.Segments)
	enumOf(portfolio.Statuses)
	enumOf(portfolio.MeterKinds)
	enumOf(relation.AllRoles)
	enumOf(lease.Frequencies)
	enumOf(lease.PaymentMethods)
	enumOf(lease.ComponentKinds)
	enumOf(lease.VATs)
	enumOf(lease.Statuses)
	enumOf(lease.DepositEntryKinds)
	enumOf(lease.DeliveryMethods)
	enumOf(ledger.PaymentMethods)
	enumOf(billing.Prorations)
	enumOf(billing.PeriodProrations)
	enumOf(billing.ScopeKinds)
	enumOf(rentincrease.Statuses)
	enumOf(overview.Kinds)
	enumOf(rentincrease.Methods)
	enumOf(bank.Purposes)
	enumOf(bank.DirectDebitVersions)
	enumOf(bank.TransferVersions)
	enumOf(directdebit.Kinds)
	enumOf(directdebit.Statuses)
	enumOf(directdebit.ItemStates)
	enumOf(directdebit.Prenotices)
	enumOf(directdebit.Sequences)
	enumOf(reconcile.States)
	enumOf(reconcile.Rules)
	enumValues[reflect.TypeFor[legalForm]()] = relation.LegalForms
	enumOf(dunning.Stages)
	enumOf(dunning.States)
	enumOf(dunning.PlanStates)
	enumOf(payout.Kinds)
	enumOf(privacy.Locations)
	enumOf(payout.States)
	enumOf(payout.ScopeKinds)
	enumOf(requests.Kinds)
	enumOf(requests.States)
	enumOf(requests.Abouts)
	enumOf(requests.Channels)
}

// oneOf is how a Go type with constants appears in the document: a string
// limited to its constants (huma validates input against it too).
type oneOf[T ~string] string

// Schema implements huma.SchemaProvider.
func (oneOf[T]) Schema(huma.Registry) *huma.Schema {
	values := enumValues[reflect.TypeFor[T]()]
	enum := make([]any, len(values))
	for i, v := range values {
		enum[i] = v
	}
	return &huma.Schema{Type: huma.TypeString, Enum: enum}
}

// legalForm is a company's legal form as the API takes it: one of
// relation.LegalForms, or "" when it is not known.
type legalForm string

// Schema implements huma.SchemaProvider.
func (legalForm) Schema(huma.Registry) *huma.Schema {
	enum := make([]any, 0, len(relation.LegalForms)+1)
	for _, f := range relation.LegalForms {
		enum = append(enum, f)
	}
	return &huma.Schema{Type: huma.TypeString, Enum: append(enum, "")}
}

// registerEnums makes every field typed with one of the enumValues types
// carry its enum.
func registerEnums(r huma.Registry) {
	for _, e := range enumTypes {
		r.RegisterTypeAlias(e.goType, e.schemaType)
	}
}
