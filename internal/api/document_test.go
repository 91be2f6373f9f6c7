package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/portfolio"

	"hms/internal/app/services"
	"hms/internal/platform/i18n"
)

// openAPIDocument is the document the API serves at /api/v1/openapi.json,
// decoded as plain JSON (what a client or a linter reads). With
// HMS_OPENAPI_OUT set it is also written there, for `redocly lint`.
func openAPIDocument(t *testing.T) map[string]any {
	t.Helper()
	texts, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	New(Deps{Services: services.Services{Texts: texts}}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, Prefix+"/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("openapi.json: %d", rec.Code)
	}
	if out := os.Getenv("HMS_OPENAPI_OUT"); out != "" {
		if err := os.WriteFile(out, rec.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// The rules Redocly's recommended set checks that matter most to clients,
// in Go so CI needs no npm: every operation has an operationId, a summary,
// a declared tag and its error answers as problem documents; the servers are
// named; no component is left unused; every list pages the same way.
func TestOpenAPIDocumentRules(t *testing.T) {
	doc := openAPIDocument(t)
	if servers, _ := doc["servers"].([]any); len(servers) == 0 || obj(servers[0])["url"] == "" {
		t.Error("the document names no servers")
	}
	declared := map[string]bool{}
	for _, tag := range doc["tags"].([]any) {
		if obj(tag)["description"] == "" {
			t.Errorf("tag %v has no description", obj(tag)["name"])
		}
		declared[obj(tag)["name"].(string)] = true
	}
	ops := 0
	for path, item := range obj(doc["paths"]) {
		for method, o := range obj(item) {
			op := obj(o)
			ops++
			where := strings.ToUpper(method) + " " + path
			if op["operationId"] == nil || op["summary"] == nil {
				t.Errorf("%s: no operationId or summary", where)
			}
			tags, _ := op["tags"].([]any)
			if len(tags) != 1 || !declared[tags[0].(string)] {
				t.Errorf("%s: tags %v, want one declared tag", where, tags)
			}
			responses := obj(op["responses"])
			want := []string{"401", "403"}
			if strings.Contains(path, "{") {
				want = append(want, "404")
			}
			params, _ := op["parameters"].([]any)
			if len(params) > 0 || op["requestBody"] != nil {
				want = append(want, "422")
			}
			for _, code := range want {
				if responses[code] == nil {
					t.Errorf("%s: no %s response", where, code)
				}
			}
			for code, r := range responses {
				if n, _ := strconv.Atoi(code); n < 400 {
					continue
				}
				if obj(obj(r)["content"])["application/problem+json"] == nil {
					t.Errorf("%s: the %s response is not a problem document", where, code)
				}
			}
			if strings.HasPrefix(op["operationId"].(string), "list-") {
				checkListOperation(t, doc, where, op)
			}
		}
	}
	if ops < 100 {
		t.Fatalf("only %d operations in the document", ops)
	}
	refs := map[string]bool{}
	collectRefs(doc, refs)
	for name := range obj(obj(doc["components"])["schemas"]) {
		if !refs["#/components/schemas/"+name] {
			t.Errorf("component %s is never used", name)
		}
	}
}

// checkListOperation: the list takes cursor and limit (the declared bounds)
// and answers items and next_cursor.
func checkListOperation(t *testing.T, doc map[string]any, where string, op map[string]any) {
	t.Helper()
	params := map[string]map[string]any{}
	for _, p := range op["parameters"].([]any) {
		params[obj(p)["name"].(string)] = obj(obj(p)["schema"])
	}
	if params["cursor"]["type"] != "string" {
		t.Errorf("%s: no cursor parameter", where)
	}
	if l := params["limit"]; l["default"] != float64(pageDefaultLimit) || l["maximum"] != float64(pageMaxLimit) {
		t.Errorf("%s: limit %v, want default %d and maximum %d", where, l, pageDefaultLimit, pageMaxLimit)
	}
	schema := obj(obj(obj(obj(obj(op["responses"])["200"])["content"])["application/json"])["schema"])
	if ref, ok := schema["$ref"].(string); ok {
		schema = obj(obj(obj(doc["components"])["schemas"])[strings.TrimPrefix(ref, "#/components/schemas/")])
	}
	props := obj(schema["properties"])
	if props["items"] == nil || props["next_cursor"] == nil {
		t.Errorf("%s: answers %v, want items and next_cursor", where, slices.Collect(mapKeys(props)))
	}
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func collectRefs(v any, refs map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				refs[s] = true
			}
			collectRefs(e, refs)
		}
	case []any:
		for _, e := range x {
			collectRefs(e, refs)
		}
	}
}

// The page bounds are declared once (the constants); PageInput's tags,
// which the document shows, must say the same.
func TestPageLimitsAreDeclaredOnce(t *testing.T) {
	f, _ := reflect.TypeFor[PageInput]().FieldByName("Limit")
	if f.Tag.Get("default") != strconv.Itoa(pageDefaultLimit) || f.Tag.Get("maximum") != strconv.Itoa(pageMaxLimit) {
		t.Errorf("PageInput.Limit tags %q, want default %d and maximum %d", f.Tag, pageDefaultLimit, pageMaxLimit)
	}
}

// enumsWithoutGoType are enums still written as struct tags because no Go
// type with constants stands behind them (sort columns, filters with an
// "all", states kept as plain strings by their service). A new enum must
// come from a Go list or be added here knowingly.
var enumsWithoutGoType = []string{
	"60_days,30_days,overdue", "ancillary,independent", "balance,open,oldest,days,lease,name", "arrears,service_costs,epv,damage", "asc,desc",
	"cap,clause,clipped,indexation,fixed,not_computed", "charged,received", "complex,units",
	"draft,final", "en,nl",
	"equal,area", "equal,area,occupants,meter,shares,gas_35_65", "invoice,credit_note", "invoice,credit_note,payment,reversal",
	"invoice_date,supplier,invoice_number,category,amount,period_start,complex", "none,draft,final,sent",
	"none,held,due,overdue,settled", "open,paid,cancelled", "open,paid,cancelled,all", "person,company",
	"queued,running,done,failed", "queued,running,failed,done,dead", "residential,commercial", "set_off,pay_back",
	"tenant,landlord", "tenant_information", "year,leaving", "sociaal,middenhuur,vrije_sector",
}

func enumKey(values []string) string {
	v := slices.DeleteFunc(slices.Clone(values), func(s string) bool { return s == "" })
	slices.Sort(v)
	return strings.Join(v, ",")
}

// Every enum in the document is one of the Go constant lists (an optional
// field may add ""), except the known ones above; and the fields typed with
// a Go type carry its list exactly, in the Go order.
func TestEnumsComeFromGoConstants(t *testing.T) {
	doc := openAPIDocument(t)
	fromGo := map[string]bool{}
	for _, values := range enumValues {
		fromGo[enumKey(values)] = true
	}
	known := map[string]bool{}
	for _, e := range enumsWithoutGoType {
		known[enumKey(strings.Split(e, ","))] = true
	}
	seen := 0
	walkEnums(doc, "#", func(where string, values []string) {
		seen++
		if k := enumKey(values); !fromGo[k] && !known[k] {
			t.Errorf("%s: enum %v is no Go constant list", where, values)
		}
	})
	for k := range known {
		if fromGo[k] {
			t.Errorf("enum %s has a Go list: let the field take its type", k)
		}
	}
	if seen < 50 {
		t.Errorf("only %d enums in the document", seen)
	}
	schemas := obj(obj(doc["components"])["schemas"])
	for _, c := range []struct {
		schema, property string
		want             []string
	}{
		{"MemberJSON", "role", enumValues[reflect.TypeFor[account.Role]()]},
		{"UnitJSON", "type", enumValues[reflect.TypeFor[portfolio.UnitType]()]},
		{"UnitJSON", "status", enumValues[reflect.TypeFor[portfolio.Status]()]},
	} {
		got := fmt.Sprint(obj(obj(obj(schemas[c.schema])["properties"])[c.property])["enum"])
		if want := fmt.Sprint(c.want); got != want {
			t.Errorf("%s.%s enum %s, want %s", c.schema, c.property, got, want)
		}
	}
	scopes := obj(obj(obj(obj(schemas["TokenJSON"])["properties"])["scopes"])["items"])["enum"]
	if got, want := fmt.Sprint(scopes), fmt.Sprint(enumValues[reflect.TypeFor[account.Scope]()]); got != want {
		t.Errorf("TokenJSON.scopes enum %s, want %s", got, want)
	}
}

func walkEnums(v any, where string, visit func(string, []string)) {
	switch x := v.(type) {
	case map[string]any:
		if e, ok := x["enum"].([]any); ok {
			values := make([]string, len(e))
			for i, s := range e {
				values[i] = fmt.Sprint(s)
			}
			visit(where, values)
		}
		for k, e := range x {
			walkEnums(e, where+"/"+k, visit)
		}
	case []any:
		for i, e := range x {
			walkEnums(e, fmt.Sprintf("%s/%d", where, i), visit)
		}
	}
}
