package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

// privacyBreaches prints the breach register (P16) for staff on the
// server: each breach with its state, risk and the 72-hour clock.
func privacyBreaches(ctx context.Context, args []string, stdout io.Writer) error {
	a, err := openApp(ctx, "privacy breaches", args, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.Privacy.Breaches(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no breaches recorded")
		return nil
	}
	now := a.Clock.Now()
	const layout = "2006-01-02 15:04 MST"
	for _, b := range list {
		risk := string(b.Risk)
		if risk == "" {
			risk = "not assessed"
		}
		clock := "AP notified " + b.APNotifiedAt.In(time.Local).Format(layout)
		switch {
		case !b.NeedsAP():
			if b.APNotifiedAt.IsZero() {
				clock = "no notification needed"
			} else if b.Late() {
				clock += " (late)"
			}
		case b.Overdue(now):
			clock = "OVERDUE since " + b.Deadline().In(time.Local).Format(layout)
		default:
			clock = "notify AP before " + b.Deadline().In(time.Local).Format(layout)
		}
		fmt.Fprintf(stdout, "#%d  discovered %s  %s  risk: %s  %s\n", b.ID,
			b.DiscoveredAt.In(time.Local).Format(layout), b.State, risk, clock)
	}
	return nil
}
