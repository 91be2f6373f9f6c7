package account

import (
	"strings"
	"testing"
)

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	if ok, _ := VerifyPassword(h, "correct horse battery"); !ok {
		t.Fatal("right password refused")
	}
	if ok, _ := VerifyPassword(h, "correct horse batterY"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	if _, err := VerifyPassword("$2a$10$abc", "x"); err == nil {
		t.Fatal("bcrypt string accepted as argon2id")
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, want := range map[string]string{
		"short":                  "password.too_short",
		"Wachtwoord123":          "password.common",
		"QWERTYUIOP":             "password.common",
		"a fine long passphrase": "",
		strings.Repeat("x", 257): "password.too_long",
	} {
		if got := CheckPassword(pw); got != want {
			t.Errorf("CheckPassword(%q) = %q, want %q", pw, got, want)
		}
	}
}

func TestNormalizeEmailAndSlug(t *testing.T) {
	for in, want := range map[string]string{
		" Anna@Example.NL ": "anna@example.nl",
		"anna@example":      "",
		"anna":              "",
		"Anna <a@b.nl>":     "",
		"a@b.nl":            "a@b.nl",
	} {
		if got := NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Slugify("Pand & Co. Vastgoedbeheer B.V."); got != "pand-en-co-vastgoedbeheer-b-v" {
		t.Errorf("slug = %q", got)
	}
}

func TestRolePermissionMatrix(t *testing.T) {
	type row struct {
		role  Role
		perms map[Permission]bool
	}
	want := []row{
		{Owner, map[Permission]bool{PermMembersManage: true, PermTokensManage: true, PermFinanceWrite: true, PermPortfolioWrite: true}},
		{Manager, map[Permission]bool{PermMembersManage: false, PermTokensManage: false, PermFinanceWrite: true, PermPortfolioWrite: true}},
		{Bookkeeper, map[Permission]bool{PermMembersManage: false, PermPortfolioRead: false, PermPortfolioWrite: false, PermFinanceWrite: true}},
		{Viewer, map[Permission]bool{PermMembersManage: false, PermPortfolioWrite: false, PermFinanceWrite: false, PermPortfolioRead: true}},
	}
	for _, r := range want {
		a := Actor{OrgID: 1, Role: r.role, Kind: "user"}
		for p, ok := range r.perms {
			if a.Can(p) != ok {
				t.Errorf("%s can %s = %v, want %v", r.role, p, a.Can(p), ok)
			}
		}
	}
	// A token never exceeds its creator's role, and its scopes narrow it.
	tok := Actor{OrgID: 1, Role: Viewer, Kind: "api", Scopes: []Scope{ScopeWrite, ScopeAdmin}}
	if tok.Can(PermPortfolioWrite) || tok.Can(PermMembersManage) {
		t.Error("a viewer's token gained rights from its scopes")
	}
	if (Actor{Role: Owner, Kind: "user"}).Can(PermOrgRead) {
		t.Error("an actor without organisation has rights")
	}
}
