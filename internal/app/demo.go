package app

import (
	"context"

	"hms/internal/account"
)

// DemoLogin is the owner login of the demo organisation.
type DemoLogin struct {
	OrgSlug, Email, Password string
}

// SeedDemo creates the demo organisation (slug "demo") with an owner whose
// password is printed on start. Later capabilities add the demo portfolio.
func (a *App) SeedDemo(ctx context.Context) (DemoLogin, error) {
	login := DemoLogin{OrgSlug: "demo", Email: "eigenaar@demo.hms.localhost"}
	pw, _, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: login.OrgSlug, OrgName: "Demo Vastgoed B.V.", Email: login.Email, Name: "Demo Eigenaar", Role: account.Owner})
	if err != nil {
		return login, err
	}
	login.Password = pw
	return login, nil
}
