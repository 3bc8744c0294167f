package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fastsim/fastsim/internal/api"
	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/ratelimit"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestLoginStormMemoryBounded replays the attack of issue 8: 150
// concurrent logins from 15 addresses, within the default rate limits,
// with the real argon2id parameters (19 MiB per hash) and the default
// hashing slots, queue and wait. Every login is answered 200 (the owner),
// 401 (an unknown email, checked at full cost) or 503 with Retry-After;
// the process's peak RSS grows by at most
//
//	2 × slots × 19 MiB + 48 MiB
//
// where 2× is the Go heap's growth before a collection (GOGC=100: the
// hashes' blocks are garbage once a hash returns) and 48 MiB covers the
// 150 goroutines, request bodies and allocator slack. Without the slots it
// grew by about 150 × 19 MiB = 2.8 GiB. It is not parallel so that no
// other test shares the process's RSS while it runs; the peak is printed
// for docs/limits.md.
//
// Run: FASTSIM_SLOW_TESTS=1 go test ./internal/api -run TestLoginStormMemoryBounded -v
func TestLoginStormMemoryBounded(t *testing.T) {
	testenv.RequireMemoryCeiling(t)
	cfg := config.Default(1)
	slots := auth.DefaultHashSlots()
	st := testenv.Store(t)
	authn := auth.New(st, auth.Options{HashSlots: slots, HashQueue: cfg.HashQueue, HashWait: cfg.HashWait})
	owner, err := authn.CreateUser(context.Background(), "owner@example.com", testPassword, store.RoleUser, store.PlanFree)
	if err != nil {
		t.Fatal(err)
	}
	b := withOptions(setup(t, setupOpts{store: st, noAccount: true}), func(o *api.Options) {
		o.Auth = authn
		o.RateLimits = api.RateLimits{
			Limiter: ratelimit.NewMemory(ratelimit.MemoryOptions{}),
			PerIP:   cfg.RateLimitIP, PerUser: cfg.RateLimitUser, PerKey: cfg.RateLimitKey,
			AuthPerIP: cfg.RateLimitAuthIP, AuthPerEmail: cfg.RateLimitAuthEmail,
		}
	})
	const addresses, perAddress = 15, 10 // the default auth limit is 10/1m per address
	if int(cfg.RateLimitAuthIP.N) < perAddress {
		t.Fatalf("the default auth limit %s no longer lets %d logins per address through; adapt the test", cfg.RateLimitAuthIP, perAddress)
	}
	base := testenv.RSS(t)
	peakRSS := testenv.PeakRSS(t)

	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for a := range addresses {
		for i := range perAddress {
			wg.Go(func() {
				<-start
				email := fmt.Sprintf("stranger-%d-%d@example.com", a, i)
				if i == 0 {
					email = owner.Email // the owner logs in once from each address
				}
				r := loginFrom(t, b, fmt.Sprintf("198.51.100.%d:1", a+1), email, testPassword)
				if r.status == http.StatusServiceUnavailable {
					p := problemOf(t, r)
					if r.header.Get("Retry-After") != "1" || !strings.Contains(p.Detail, "--hash-slots") {
						t.Errorf("503 without Retry-After: 1 or without the fix: %v %+v", r.header, p)
					}
				}
				mu.Lock()
				statuses[r.status]++
				mu.Unlock()
			})
		}
	}
	close(start)
	wg.Wait()

	peak := peakRSS()
	bound := int64(2*slots*19+48) << 20
	t.Logf("slots=%d: statuses %v; RSS %d MiB before, peak %d MiB (+%d MiB, bound +%d MiB)", slots, statuses, base>>20, peak>>20, (peak-base)>>20, bound>>20)
	total := 0
	for s, n := range statuses {
		total += n
		if s != http.StatusOK && s != http.StatusUnauthorized && s != http.StatusServiceUnavailable {
			t.Errorf("%d logins answered %d, want only 200, 401 or 503", n, s)
		}
	}
	if total != addresses*perAddress {
		t.Errorf("%d answers, want %d", total, addresses*perAddress)
	}
	if served := statuses[http.StatusOK] + statuses[http.StatusUnauthorized]; served < slots {
		t.Errorf("only %d logins were checked, want at least the %d slots' worth", served, slots)
	}
	if statuses[http.StatusOK] > addresses {
		t.Errorf("%d logins succeeded, want at most the owner's %d", statuses[http.StatusOK], addresses)
	}
	testenv.CheckRSSGrowth(t, fmt.Sprintf("%d concurrent logins with %d hashing slots (bound 2 × slots × 19 MiB + 48 MiB)", addresses*perAddress, slots), peak-base, bound)
}
