package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

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
	New(Deps{Texts: texts}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, Prefix+"/openapi.json", nil))
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

func TestDumpDoc(t *testing.T) { openAPIDocument(t) }
