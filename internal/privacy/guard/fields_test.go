package guard_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// freeTextName is how a field or parameter that holds free text is named.
var freeTextName = regexp.MustCompile(`(?i)(reason|notes?|description|remarks?|comments?|memo|text|label|filename)$`)

// notFreeText are the string fields and parameters of the capabilities
// named like free text that the guard does not check, each with why. A new
// one fails TestEveryFreeTextFieldIsGuarded until it is guarded (a
// guard.Text in its package naming it) or listed here.
var notFreeText = map[string]string{
	"subscription.Returned.reason":                "an R-code chosen from the list of SEPA return reasons",
	"subscription.mailReturned.reason":            "the same R-code, said in words from the catalog",
	"billing.Scope.Text":                          "search text of a scope picker, never stored",
	"billing.ScopeOptions.text":                   "search text of a scope picker, never stored",
	"billing.scopeMatches.text":                   "search text of a scope picker, never stored",
	"billing.leaseMatches.text":                   "search text of a scope picker, never stored",
	"billing.ScopeOption.Label":                   "a label HMS composes from the record",
	"directdebit.setStatus.reason":                "a status code chosen by code",
	"deposit.DeductionInput.Reason":               "a deduction reason code (deposit.Reasons)",
	"portfolio.UnitInput.EnergyLabel":             "an energy label code, A++++ to G",
	"rentincrease.Settings.ObjectionText":         "the organisation's standard letter text, the same for every tenant",
	"settlement.StatementSettings.InspectionText": "the organisation's standard statement text, the same for every tenant",
	"settlement.StatementSettings.ObjectionText":  "the organisation's standard statement text, the same for every tenant",
}

// guardedElsewhere are fields whose text another package's service guards
// on its way in, by where.
var guardedElsewhere = map[string]string{
	"account.RequestGrant.reason": "app.build's account.Deps.Guard, which calls guard.Review (account cannot import guard: " +
		"guard imports account)",
	"deposit.DeductionInput.Note": "lease.AddDepositEntryTx (the deduction is a deposit entry)",
}

// Every string field of a capability's input types and every string
// parameter of a service method that is named like free text (note,
// reason, description, label, file name, …) passes the privacy guard
// (PRIVACY.md P10): its package hands it to guard.Review as a guard.Text
// whose Field or Value names it. Or it is in notFreeText with the reason.
func TestEveryFreeTextFieldIsGuarded(t *testing.T) {
	root := moduleRoot(t)
	found := map[string]bool{}
	var missing []string
	dirs, err := filepath.Glob(filepath.Join(root, "internal", "*"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, dir := range dirs {
		pkg := filepath.Base(dir)
		switch pkg {
		case "platform", "web", "api", "app", "privacy", "money", "nl", "bankfile", "sepa", "demo":
			continue // not capabilities that take a person's input, or handlers that pass it on
		}
		candidates, guarded := scanPackage(t, dir)
		for _, c := range candidates {
			checked++
			key := pkg + "." + c.owner + "." + c.name
			switch {
			case guarded[strings.ToLower(c.name)] || guarded[snake(c.name)]:
			case notFreeText[key] != "" || guardedElsewhere[key] != "":
				found[key] = true
			default:
				missing = append(missing, key+" ("+c.pos+")")
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s is named like free text but passes no guard.Review; guard it or list it in notFreeText with why", m)
	}
	for _, k := range append(slices.Collect(maps.Keys(notFreeText)), slices.Collect(maps.Keys(guardedElsewhere))...) {
		if !found[k] {
			t.Errorf("notFreeText lists %s, which is no longer an unguarded field or parameter", k)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d free-text fields found: the scan is broken", checked)
	}
}

type candidate struct{ owner, name, pos string }

// scanPackage lists the free-text candidates of a package and the names
// its guard.Text literals guard (the Field, and the last name of the Value).
func scanPackage(t *testing.T, dir string) ([]candidate, map[string]bool) {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []candidate
	guarded := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.TypeSpec:
				st, ok := n.Type.(*ast.StructType)
				if !ok || !isInputType(n.Name.Name) {
					return true
				}
				for _, fl := range st.Fields.List {
					if isString(fl.Type) {
						for _, id := range fl.Names {
							if freeTextName.MatchString(id.Name) {
								out = append(out, candidate{n.Name.Name, id.Name, fset.Position(id.Pos()).String()})
							}
						}
					}
				}
			case *ast.FuncDecl:
				if n.Recv == nil || n.Type.Params == nil {
					return true
				}
				for _, fl := range n.Type.Params.List {
					if isString(fl.Type) {
						for _, id := range fl.Names {
							if freeTextName.MatchString(id.Name) {
								out = append(out, candidate{n.Name.Name, id.Name, fset.Position(id.Pos()).String()})
							}
						}
					}
				}
			case *ast.CompositeLit:
				sel, ok := n.Type.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Text" || !isIdent(sel.X, "guard") {
					return true
				}
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					switch k := kv.Key.(*ast.Ident); {
					case k != nil && k.Name == "Field":
						if lit, ok := kv.Value.(*ast.BasicLit); ok {
							s, _ := strconv.Unquote(lit.Value)
							guarded[s] = true
						}
					case k != nil && k.Name == "Value":
						switch v := kv.Value.(type) {
						case *ast.Ident:
							guarded[strings.ToLower(v.Name)] = true
						case *ast.SelectorExpr:
							guarded[strings.ToLower(v.Sel.Name)] = true
						}
					}
				}
			}
			return true
		})
	}
	return out, guarded
}

// isInputType reports whether a struct is what a service takes in: an
// …Input, or settings a person edits.
func isInputType(name string) bool {
	return strings.HasSuffix(name, "Input") || strings.HasSuffix(name, "Settings") || name == "Scope" || name == "ScopeOption" ||
		name == "UndoPlan"
}

func isString(e ast.Expr) bool { return isIdent(e, "string") }

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// snake turns a Go name into the field name errors use: FileName → file_name.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
