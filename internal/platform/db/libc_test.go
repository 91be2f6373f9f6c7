package db

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// modernc.org/sqlite is only correct with the exact modernc.org/libc it was
// generated against; a newer libc pulled in by another module breaks it in
// subtle ways. Our go.mod must pin the libc that sqlite's go.mod names.
func TestLibcPinnedToSQLite(t *testing.T) {
	ours, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	version := func(mod []byte, path string) string {
		m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(path) + `\s+(v\S+)`).FindSubmatch(mod)
		if m == nil {
			return ""
		}
		return string(m[1])
	}
	sqliteVersion := version(ours, "modernc.org/sqlite")
	libcVersion := version(ours, "modernc.org/libc")
	if sqliteVersion == "" || libcVersion == "" {
		t.Fatalf("go.mod lacks modernc.org/sqlite (%q) or modernc.org/libc (%q)", sqliteVersion, libcVersion)
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	theirs, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "cache/download/modernc.org/sqlite/@v", sqliteVersion+".mod"))
	if err != nil {
		t.Fatalf("read sqlite's go.mod: %v", err)
	}
	if want := version(theirs, "modernc.org/libc"); want != libcVersion {
		t.Fatalf("modernc.org/sqlite %s wants libc %s, go.mod has %s", sqliteVersion, want, libcVersion)
	}
}
