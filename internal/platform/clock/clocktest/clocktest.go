// Package clocktest gives tests their "now". By default that is the wall
// clock; HMS_TEST_TODAY=YYYY-MM-DD moves it to noon (Amsterdam) of that day,
// still running, so the whole suite can be run as if it were 1 January,
// 29 February or 31 December (.ci/run does). A test that needs "today"
// takes it from here, never from time.Now.
package clocktest

import (
	"fmt"
	"os"
	"sync"
	"time"

	"hms/internal/platform/clock"
)

// Env names the variable that sets the test day.
const Env = "HMS_TEST_TODAY"

var (
	once   sync.Once
	offset time.Duration
)

// shift is how far the tests' clock is ahead of (or behind) the wall clock.
func shift() time.Duration {
	once.Do(func() {
		v := os.Getenv(Env)
		if v == "" {
			return
		}
		day, err := time.ParseInLocation("2006-01-02", v, clock.Amsterdam)
		if err != nil {
			panic(fmt.Sprintf("clocktest: %s=%q is not a date (YYYY-MM-DD)", Env, v))
		}
		offset = time.Until(day.Add(12 * time.Hour))
	})
	return offset
}

// Now is the tests' present instant, in UTC.
func Now() time.Time { return time.Now().Add(shift()).UTC() }

// Running is a clock that runs like the wall clock from the tests' present.
func Running() clock.Clock { return running{shift()} }

// Fixed is a clock standing at the tests' present.
func Fixed() *clock.Fixed { return clock.NewFixed(Now()) }

type running struct{ d time.Duration }

func (r running) Now() time.Time { return time.Now().Add(r.d) }
