package settlement_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"hms/internal/settlement"
)

// docBlock returns the ```json block that follows marker in the document.
func docBlock(t *testing.T, doc, marker string) string {
	t.Helper()
	_, after, ok := strings.Cut(doc, marker)
	if !ok {
		t.Fatalf("docs/settlement-format.md has no %s", marker)
	}
	_, after, ok = strings.Cut(after, "```json\n")
	block, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatalf("no json block after %s", marker)
	}
	return block
}

// The example of docs/settlement-format.md is what Compute gives for its
// input, so the document cannot drift from the code.
func TestFormatDocExample(t *testing.T) {
	raw, err := os.ReadFile("../../docs/settlement-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	in, err := settlement.Decode(strings.NewReader(docBlock(t, doc, "<!-- example-input -->")))
	if err != nil {
		t.Fatalf("the example input: %v", err)
	}
	out, err := settlement.Compute(in)
	if err != nil {
		t.Fatalf("the example input: %v", err)
	}
	checkSums(t, in, out)
	var got bytes.Buffer
	enc := json.NewEncoder(&got)
	enc.SetIndent("", "  ") // as `hms settlement compute` writes it
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	if want := docBlock(t, doc, "<!-- example-output -->"); got.String() != want {
		t.Errorf("the documented output differs from Compute's; regenerate it with `hms settlement compute`.\ngot:\n%s", got.String())
	}
	// The worked line in the text: L-102's gas.
	if !strings.Contains(doc, "740.98") || line(t, occByID(t, out, "L-102"), "gas") != "740.98" {
		t.Errorf("the worked example's gas line of L-102 is %s", line(t, occByID(t, out, "L-102"), "gas"))
	}
}
