package account

import "slices"

// Role is what a member may do in one organisation.
type Role string

const (
	Owner      Role = "owner"
	Manager    Role = "manager"
	Bookkeeper Role = "bookkeeper" // financial work only
	Viewer     Role = "viewer"
)

// Roles in order of power, for forms.
var Roles = []Role{Owner, Manager, Bookkeeper, Viewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Permission is one kind of action; routes and services check these, never
// roles directly, so the matrix below is the whole policy.
type Permission string

const (
	PermOrgRead        Permission = "org.read"
	PermMembersManage  Permission = "members.manage"
	PermTokensManage   Permission = "tokens.manage"
	PermPortfolioRead  Permission = "portfolio.read"
	PermPortfolioWrite Permission = "portfolio.write"
	PermFinanceRead    Permission = "finance.read"
	PermFinanceWrite   Permission = "finance.write"
)

var rolePermissions = map[Role][]Permission{
	Owner:      {PermOrgRead, PermMembersManage, PermTokensManage, PermPortfolioRead, PermPortfolioWrite, PermFinanceRead, PermFinanceWrite},
	Manager:    {PermOrgRead, PermPortfolioRead, PermPortfolioWrite, PermFinanceRead, PermFinanceWrite},
	Bookkeeper: {PermOrgRead, PermFinanceRead, PermFinanceWrite},
	Viewer:     {PermOrgRead, PermPortfolioRead, PermFinanceRead},
}

// Scope limits what an API token may do, on top of its owner's role.
type Scope string

const (
	ScopeRead  Scope = "read"
	ScopeWrite Scope = "write"
	ScopeAdmin Scope = "admin"
)

// Scopes in display order.
var Scopes = []Scope{ScopeRead, ScopeWrite, ScopeAdmin}

var scopePermissions = map[Scope][]Permission{
	ScopeRead:  {PermOrgRead, PermPortfolioRead, PermFinanceRead},
	ScopeWrite: {PermOrgRead, PermPortfolioWrite, PermFinanceWrite},
	ScopeAdmin: {PermOrgRead, PermMembersManage, PermTokensManage},
}

// Actor is who does something in an organisation: a signed-in member or an
// API token acting for one.
type Actor struct {
	UserID  int64
	OrgID   int64
	OrgSlug string
	Role    Role
	Kind    string  // "user" or "api"
	Scopes  []Scope // only for Kind "api"
	TokenID int64
}

// JobsOrg is the organisation whose jobs' progress the actor may follow
// (jobs.Viewer): any member who may read the organisation, 0 otherwise.
func (a Actor) JobsOrg() int64 {
	if !a.Can(PermOrgRead) {
		return 0
	}
	return a.OrgID
}

// Can reports whether the actor holds permission p.
func (a Actor) Can(p Permission) bool {
	if a.OrgID == 0 || !slices.Contains(rolePermissions[a.Role], p) {
		return false
	}
	if a.Kind != "api" {
		return true
	}
	for _, s := range a.Scopes {
		if slices.Contains(scopePermissions[s], p) {
			return true
		}
	}
	return false
}
