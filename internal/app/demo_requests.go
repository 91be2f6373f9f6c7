package app

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/privacy/requests"
)

// demoRequest puts one subject request in the demo's inbox (a tenant asked
// at the desk for a copy of their data), once: a second seed finds it.
func (a *App) demoRequest(ctx context.Context, actor account.Actor) error {
	list, err := a.Requests.List(ctx, actor, requests.Filter{Limit: 1})
	if err != nil || len(list) > 0 {
		return err
	}
	if _, err := a.Requests.Record(ctx, actor, requests.RecordInput{Kind: requests.Access, Name: "J. de Vries",
		Email: "j.devries@example.nl", Details: "Graag een kopie van alle gegevens die u van mij hebt.",
		Note: "Paspoort getoond aan de balie"}); err != nil {
		return fmt.Errorf("demo subject request: %w", err)
	}
	return nil
}
