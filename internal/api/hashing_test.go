package api_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
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

// procStatusKiB returns a "VmRSS"/"VmHWM" line of /proc/self/status in
// KiB.
func procStatusKiB(t *testing.T, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status (not Linux): %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", field, err)
			}
			return n
		}
	}
	t.Fatalf("/proc/self/status has no %s", field)
	return 0
}

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
	testenv.RequireSlow(t)
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
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS (/proc/self/clear_refs): %v", err)
	}
	base := procStatusKiB(t, "VmRSS")

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

	peak := procStatusKiB(t, "VmHWM")
	growthMiB := float64(peak-base) / 1024
	boundMiB := float64(2*slots*19 + 48)
	t.Logf("slots=%d: statuses %v; RSS %d MiB before, peak %d MiB (+%.0f MiB, bound +%.0f MiB)", slots, statuses, base/1024, peak/1024, growthMiB, boundMiB)
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
	if growthMiB > boundMiB {
		t.Errorf("peak RSS grew by %.0f MiB, over the bound of %.0f MiB (2 × %d slots × 19 MiB + 48 MiB)", growthMiB, boundMiB, slots)
	}
}
