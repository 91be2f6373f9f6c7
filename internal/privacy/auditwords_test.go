package privacy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"hms/internal/platform/i18n"
)

// platformActions are the audit actions the packages that record in the
// platform's chain (organisation 0) name in their source: a user's
// account export shows its events in words, so each has them.
var platformActions = regexp.MustCompile(`(?:Action: +|s\.record\(ctx, tx, [^"\n]*(?:"[a-z]+", )?|s\.change\(ctx, \w+, \w+, |` +
	`s\.completeWith\(ctx, \w+, \w+, \w+, |action :?= [^"\n]*)"([a-z_]+\.[a-z_.]+)"`)

func TestEveryPlatformAuditActionHasWords(t *testing.T) {
	texts, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, dir := range []string{"../account", ".", "requests", "../subscription"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range platformActions.FindAllStringSubmatch(string(src), -1) {
				seen[m[1]] = true
			}
		}
	}
	if !seen["user.login_failed"] || !seen["subscription.subscribed"] || !seen["subject_request.refused"] || !seen["grant.approved"] {
		t.Fatalf("the scan missed actions: %v", seen)
	}
	var missing []string
	for a := range seen {
		for _, l := range i18n.Languages {
			if !texts.Has(l, "audit.action."+a) {
				missing = append(missing, l+": audit.action."+a)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("audit actions without words:\n%s", strings.Join(missing, "\n"))
	}
}
