package app

import (
	"context"
	"fmt"

	"hms/internal/money"
	"hms/internal/subscription"
	"hms/internal/web"
)

// sitePlans shows the subscription plans (data, edited by staff in the
// console) on the website's pricing page: the base fee per month, the range
// of units and the fee per unit where the plan has one.
func sitePlans(subs *subscription.Service) func(ctx context.Context, lang string) ([]web.PlanView, error) {
	return func(ctx context.Context, lang string) ([]web.PlanView, error) {
		plans, err := subs.PublicPlans(ctx)
		if err != nil {
			return nil, fmt.Errorf("site plans: %w", err)
		}
		out := make([]web.PlanView, 0, len(plans))
		for _, p := range plans {
			v := web.PlanView{Name: p.Name(lang), Price: p.Base, Period: "month", Summary: planRange(p, lang)}
			if p.PerUnit > 0 {
				if lang == "en" {
					v.Features = append(v.Features, "plus "+money.Format(p.PerUnit, lang)+" per unit per month")
				} else {
					v.Features = append(v.Features, "plus "+money.Format(p.PerUnit, lang)+" per verhuureenheid per maand")
				}
			}
			out = append(out, v)
		}
		return out, nil
	}
}

// planRange says for how many units a plan is, in lang.
func planRange(p subscription.Plan, lang string) string {
	switch {
	case p.UnitsTo == 0 && lang == "en":
		return fmt.Sprintf("From %d units", p.UnitsFrom)
	case p.UnitsTo == 0:
		return fmt.Sprintf("Vanaf %d verhuureenheden", p.UnitsFrom)
	case lang == "en":
		return fmt.Sprintf("%d to %d units", p.UnitsFrom, p.UnitsTo)
	default:
		return fmt.Sprintf("%d tot en met %d verhuureenheden", p.UnitsFrom, p.UnitsTo)
	}
}
