package config

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/ratelimit"
	"github.com/fastsim/fastsim/internal/store"
)

func TestLoadLimits(t *testing.T) {
	t.Parallel()
	def := Default(4)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(c *Config)
	}{
		{
			name: "EnvOverridesDefaults",
			env: map[string]string{
				"FASTSIM_RATE_LIMIT_IP": "100/10s", "FASTSIM_RATE_LIMIT_USER": "off", "FASTSIM_RATE_LIMIT_AUTH_EMAIL": "3/1h",
				"FASTSIM_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1", "FASTSIM_CORS_ORIGINS": "https://app.example.com,http://localhost:5173",
				"FASTSIM_HSTS_MAX_AGE": "8760h", "FASTSIM_PLAN_FREE": "concurrent=1,replications=2",
			},
			want: func(c *Config) {
				c.RateLimitIP = ratelimit.Limit{N: 100, Per: 10 * time.Second}
				c.RateLimitUser = ratelimit.Limit{}
				c.RateLimitAuthEmail = ratelimit.Limit{N: 3, Per: time.Hour}
				c.TrustedProxies = "10.0.0.0/8, 192.0.2.1"
				c.CORSOrigins = "https://app.example.com,http://localhost:5173"
				c.HSTSMaxAge = 8760 * time.Hour
				c.PlanFree.MaxConcurrentRuns, c.PlanFree.MaxReplications = 1, 2
			},
		},
		{
			name: "FlagsOverrideEnv",
			args: []string{"--rate-limit-auth-ip", "2/1m", "--plan-pro", "budget=7"},
			env:  map[string]string{"FASTSIM_RATE_LIMIT_AUTH_IP": "50/1m", "FASTSIM_PLAN_PRO": "budget=9,runs_per_day=3"},
			want: func(c *Config) {
				c.RateLimitAuthIP = ratelimit.Limit{N: 2, Per: time.Minute}
				c.PlanPro.MaxEventBudget = 7 // the flag's keys over the defaults
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := load(t, tt.args, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			want := def
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLimitsAccessors(t *testing.T) {
	t.Parallel()
	c := Default(1)
	c.TrustedProxies = "10.1.2.3/8,2001:db8::1"
	c.CORSOrigins = " https://a.example ,"
	wantProxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::1/128")}
	if diff := cmp.Diff(wantProxies, c.TrustedProxyPrefixes(), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("TrustedProxyPrefixes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"https://a.example"}, c.CORSOriginList()); diff != "" {
		t.Errorf("CORSOriginList (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(quota.DefaultPlans(), c.Plans()); diff != "" {
		t.Errorf("Plans() of the defaults (-want +got):\n%s", diff)
	}
}

func TestValidateLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"ErrRate", map[string]string{"FASTSIM_RATE_LIMIT_IP": "lots"}, `environment variable FASTSIM_RATE_LIMIT_IP: "lots" is not N/DURATION such as 600/1m, or off`},
		{"ErrPlan", map[string]string{"FASTSIM_PLAN_FREE": "gpus=1"}, `environment variable FASTSIM_PLAN_FREE: unknown key "gpus"; use concurrent, budget, runs_per_day, replications, events, in_flight, servers, edges or series_values`},
		{"ErrProxy", map[string]string{"FASTSIM_TRUSTED_PROXIES": "proxy.local"}, `--trusted-proxies / FASTSIM_TRUSTED_PROXIES: "proxy.local" is neither an IP address nor a CIDR`},
		{"ErrOriginSlash", map[string]string{"FASTSIM_CORS_ORIGINS": "https://app.example.com/"}, `--cors-origins / FASTSIM_CORS_ORIGINS: "https://app.example.com/" is not an origin`},
		{"ErrOriginStar", map[string]string{"FASTSIM_CORS_ORIGINS": "*"}, `"*" is not an origin`},
		{"ErrHSTS", map[string]string{"FASTSIM_HSTS_MAX_AGE": "-1s"}, `--hsts-max-age / FASTSIM_HSTS_MAX_AGE: -1s must not be negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := load(t, nil, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestEnvExampleHoldsTheDefaults loads .env.example's limit lines: they
// must give the defaults, as its header promises.
func TestEnvExampleHoldsTheDefaults(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "..", ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") {
			env[k] = v
		}
	}
	c := Default(4)
	if err := c.ApplyEnv(func(k string) string {
		for _, o := range limitOptions {
			if o.env == k {
				return env[k]
			}
		}
		return ""
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Default(4), c); diff != "" {
		t.Errorf(".env.example's limits differ from the defaults (-default +.env.example):\n%s", diff)
	}
	if got := c.Plans()[store.PlanFree]; got.String() != "concurrent=2,budget=50000000,runs_per_day=100,replications=10,events=100000000,in_flight=2000000,servers=20,edges=60,series_values=1000000" {
		t.Errorf("free plan = %s, want the documented default", got)
	}
}
