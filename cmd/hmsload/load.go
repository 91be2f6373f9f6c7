package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"time"
)

// Stats are one URL loaded on one server.
type Stats struct {
	Requests int
	Errors   int // transport errors and answers other than the first fetch's status
	PerSec   float64
	P50, P99 time.Duration
	// CPU is this process's CPU time per answered request (server and load
	// generator together): on a machine shared with other work it says more
	// than the rates.
	CPU time.Duration
	// FirstError says what went wrong first, when something did.
	FirstError string
}

// newTransport keeps up to conns connections open to one server.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		IdleConnTimeout:     time.Minute,
	}
}

// load sends GET url with header from conns workers, each one request at a
// time on its own kept-alive connection (as wrk does), for d.
func load(ctx context.Context, url string, header http.Header, status, conns int, d time.Duration) Stats {
	tr := newTransport(conns)
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// A request under way when the time is up is waited for and counted (a
	// page slower than the run still gives its one answer); none starts after.
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	firstErr := ""
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			why := ""
			for ctx.Err() == nil && time.Now().Before(deadline) {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				req.Header = header.Clone()
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if ctx.Err() != nil {
					break // interrupted
				}
				if err != nil || resp.StatusCode != status {
					if bad++; why == "" && err != nil {
						why = err.Error()
					} else if why == "" {
						why = fmt.Sprintf("status %d (location %q)", resp.StatusCode, resp.Header.Get("Location"))
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			errs += bad
			if firstErr == "" {
				firstErr = why
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	slices.Sort(all)
	s := Stats{Requests: len(all), Errors: errs, FirstError: firstErr, PerSec: float64(len(all)) / elapsed.Seconds()}
	if len(all) > 0 {
		s.CPU = cpu / time.Duration(len(all))
		s.P50 = all[len(all)*50/100]
		s.P99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return s
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
