package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"hms/internal/account"
	"hms/internal/settlement"
)

func init() {
	areas = append(areas, func(a *API) { a.registerSettlementCompute() })
}

// SettlementComputeInput is the raw scenario: the API reads it with
// settlement.Decode, as `hms settlement compute` does, so both refuse the
// same input with the same error and field.
type SettlementComputeInput struct {
	RawBody []byte `contentType:"application/json"`
}

// SettlementComputeOutput is the settlement (a settlement.Output, encoded
// here so that huma does not register its types under their short names).
type SettlementComputeOutput struct {
	Body json.RawMessage
}

// settlementProblem is a problem document that also carries the calculator's
// own error members, {"error": …, "field": …}, as the CLI prints them.
type settlementProblem struct {
	huma.ErrorModel
	Message string `json:"error"`
	Field   string `json:"field"`
}

// maxScenarioBytes bounds the request: a complex of 10,000 units with 30 cost
// lines and meter readings is about 4 MB.
const maxScenarioBytes = 32 << 20

// registerSettlementCompute registers POST /settlement/compute. It is not
// registered through op because the body is read raw (huma's own decoding
// would answer bad input in its own words) and the OpenAPI document still
// has to describe it as a settlement.Input.
func (a *API) registerSettlementCompute() {
	const path = "/settlement/compute"
	perm := account.PermFinanceRead
	a.ops = append(a.ops, Operation{Method: http.MethodPost, Path: path, Perm: perm})
	inSchema, outSchema := a.settlementSchemas()
	huma.Register(a.humaAPI, huma.Operation{
		OperationID: "compute-settlement", Method: http.MethodPost, Path: Prefix + path,
		Summary: "Compute a service-cost settlement (pure function, stores nothing)",
		Description: "Requires permission `" + string(perm) + "`. The body is a scenario as in docs/settlement-format.md; " +
			"the answer is every occupancy's share of every cost, its administration fee and balance, and the landlord's share for vacancy. " +
			"Invalid input is a 422 problem document with the members `error` and `field` (the JSON path of the wrong field).",
		Metadata:         map[string]any{"perm": perm},
		MaxBodyBytes:     maxScenarioBytes,
		SkipValidateBody: true,
		Tags:             []string{tagOf(path)},
		// It stores nothing, so nothing can conflict: errorsOf's 409 for a write does not apply.
		Errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
		Responses: map[string]*huma.Response{"200": {Description: "The settlement",
			Content: map[string]*huma.MediaType{"application/json": {Schema: outSchema}}}},
	}, func(ctx context.Context, in *SettlementComputeInput) (*SettlementComputeOutput, error) {
		scenario, err := settlement.Decode(bytes.NewReader(in.RawBody))
		var out settlement.Output
		if err == nil {
			out, err = settlement.Compute(scenario)
		}
		var bad *settlement.Error
		if errors.As(err, &bad) {
			return nil, &settlementProblem{
				ErrorModel: huma.ErrorModel{Type: "about:blank", Title: http.StatusText(http.StatusUnprocessableEntity),
					Status: http.StatusUnprocessableEntity, Detail: bad.Error()},
				Message: bad.Message, Field: bad.Field,
			}
		}
		if err != nil {
			return nil, a.toHuma(ctx, err)
		}
		body, err := json.Marshal(out)
		if err != nil {
			return nil, a.toHuma(ctx, fmt.Errorf("encoding the settlement: %w", err))
		}
		return &SettlementComputeOutput{Body: body}, nil
	})
	// Describe the raw body as the scenario it is, and let an empty body reach
	// the handler, which answers it like any other invalid scenario.
	if rb := a.humaAPI.OpenAPI().Paths[Prefix+path].Post.RequestBody; rb != nil {
		rb.Content = map[string]*huma.MediaType{"application/json": {Schema: inSchema}}
		rb.Required = false
	}
}

// settlementSchemas describes settlement.Input and settlement.Output in the
// OpenAPI document under names that start with "Settlement" (SettlementUnit,
// SettlementCost, …): the package's short type names (Unit, Period, Line)
// would clash with other capabilities' types in huma's registry, which
// panics on a duplicate name.
func (a *API) settlementSchemas() (in, out *huma.Schema) {
	reg := huma.NewMapRegistry("#/components/schemas/", func(t reflect.Type, hint string) string {
		return "Settlement" + huma.DefaultSchemaNamer(t, hint)
	})
	in = reg.Schema(reflect.TypeFor[settlement.Input](), true, "")
	// The response schema is inline: huma's $schema-link transformer looks
	// up the Go type of a referenced response schema in its own registry.
	out = reg.Schema(reflect.TypeFor[settlement.Output](), false, "")
	shared := a.humaAPI.OpenAPI().Components.Schemas.Map()
	inline := "Settlement" + huma.DefaultSchemaNamer(reflect.TypeFor[settlement.Output](), "")
	for name, s := range reg.Map() {
		if name == inline {
			continue // no reference points to it
		}
		if _, taken := shared[name]; taken {
			panic("api: schema name " + name + " is taken")
		}
		shared[name] = s
	}
	return in, out
}
