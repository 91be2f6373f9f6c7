package app

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"

	"hms/internal/account"
	"hms/internal/demo"
	"hms/internal/importer"
	"hms/internal/platform/civil"
)

// DemoLogin is the owner login of a demo organisation.
type DemoLogin struct {
	OrgSlug, Email, Password string // Password "" when the owner already existed
}

// SeedDemo creates the organisation slug (when missing) with an owner, lets
// the owner accept the processor agreement, and imports a synthetic
// portfolio of units units through the same importer a customer's rent roll
// takes. Run it twice and the second run changes nothing.
func (a *App) SeedDemo(ctx context.Context, slug string, units int) (DemoLogin, *importer.Result, error) {
	login := DemoLogin{OrgSlug: slug, Email: "eigenaar@" + slug + ".hms.localhost"}
	name := slug
	if slug == "demo" {
		name = "Demo Vastgoed B.V."
	}
	pw, userID, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, OrgName: name, Email: login.Email, Name: "Demo Eigenaar", Role: account.Owner})
	if err != nil {
		return login, nil, fmt.Errorf("demo owner: %w", err)
	}
	login.Password = pw
	actor, err := a.Accounts.ActorFor(ctx, userID, slug)
	if err != nil {
		return login, nil, err
	}
	st, err := a.Privacy.ProcessorAgreementStatus(ctx, actor)
	if err != nil {
		return login, nil, err
	}
	if st.Accepted == nil {
		if err := a.Privacy.AcceptProcessorAgreement(ctx, actor, a.Privacy.Current().Version); err != nil {
			return login, nil, fmt.Errorf("demo processor agreement: %w", err)
		}
	}
	if units <= 0 {
		return login, nil, nil
	}
	h := fnv.New64a()
	h.Write([]byte(slug))
	rows := demo.RentRoll(demo.Options{Seed: h.Sum64(), Units: units, Today: civil.Today(a.Clock.Now())})
	var buf bytes.Buffer
	if err := demo.WriteCSV(&buf, rows); err != nil {
		return login, nil, err
	}
	res, cellErrs, err := a.Importer.Import(ctx, actor, &buf, nil)
	if err != nil {
		if len(cellErrs) > 0 {
			return login, nil, fmt.Errorf("demo import: %v (first of %d: %v)", err, len(cellErrs), cellErrs[0])
		}
		return login, nil, fmt.Errorf("demo import: %w", err)
	}
	return login, res, nil
}
