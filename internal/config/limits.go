package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/ratelimit"
	"github.com/fastsim/fastsim/internal/store"
)

// limitOptions are the options of the rate limits, quotas and security
// headers (docs/limits.md); they are part of the options table.
var limitOptions = []option{
	limitOpt("rate-limit-ip", "FASTSIM_RATE_LIMIT_IP", "requests to /api/v1 per client address, N/DURATION or off", func(c *Config) *ratelimit.Limit { return &c.RateLimitIP }),
	limitOpt("rate-limit-user", "FASTSIM_RATE_LIMIT_USER", "requests to /api/v1 per user (all keys and sessions), N/DURATION or off", func(c *Config) *ratelimit.Limit { return &c.RateLimitUser }),
	limitOpt("rate-limit-key", "FASTSIM_RATE_LIMIT_KEY", "requests to /api/v1 per API key, on top of the per-user limit, N/DURATION or off", func(c *Config) *ratelimit.Limit { return &c.RateLimitKey }),
	limitOpt("rate-limit-auth-ip", "FASTSIM_RATE_LIMIT_AUTH_IP", "login and register attempts per client address, N/DURATION or off", func(c *Config) *ratelimit.Limit { return &c.RateLimitAuthIP }),
	limitOpt("rate-limit-auth-email", "FASTSIM_RATE_LIMIT_AUTH_EMAIL", "login and register attempts per (email address, client address) pair, N/DURATION or off", func(c *Config) *ratelimit.Limit { return &c.RateLimitAuthEmail }),
	intOpt("hash-slots", "FASTSIM_HASH_SLOTS", "password hashes (argon2id, 19 MiB each) computed at once", func(c *Config) *int { return &c.HashSlots }),
	intOpt("hash-queue", "FASTSIM_HASH_QUEUE", "requests that may wait for a password-hashing slot before 503", func(c *Config) *int { return &c.HashQueue }),
	durationOpt("hash-wait", "FASTSIM_HASH_WAIT", "longest wait for a password-hashing slot before 503", func(c *Config) *time.Duration { return &c.HashWait }),
	stringOpt("trusted-proxies", "FASTSIM_TRUSTED_PROXIES", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed", func(c *Config) *string { return &c.TrustedProxies }),
	stringOpt("cors-origins", "FASTSIM_CORS_ORIGINS", "comma-separated exact origins allowed to call the API from a browser; empty turns CORS off", func(c *Config) *string { return &c.CORSOrigins }),
	durationOpt("hsts-max-age", "FASTSIM_HSTS_MAX_AGE", "send Strict-Transport-Security with this max-age (only behind HTTPS); 0 does not send it", func(c *Config) *time.Duration { return &c.HSTSMaxAge }),
	planOpt("plan-free", "FASTSIM_PLAN_FREE", "limits of the free plan", func(c *Config) *quota.Plan { return &c.PlanFree }),
	planOpt("plan-expert", "FASTSIM_PLAN_EXPERT", "limits of the expert plan", func(c *Config) *quota.Plan { return &c.PlanExpert }),
	planOpt("plan-pro", "FASTSIM_PLAN_PRO", "limits of the pro plan", func(c *Config) *quota.Plan { return &c.PlanPro }),
	planOpt("plan-enterprise", "FASTSIM_PLAN_ENTERPRISE", "limits of the enterprise plan", func(c *Config) *quota.Plan { return &c.PlanEnterprise }),
}

// defaultLimits sets the defaults of the fields of limitOptions.
func (c *Config) defaultLimits() {
	c.RateLimitIP = ratelimit.Limit{N: 1200, Per: time.Minute}
	c.RateLimitUser = ratelimit.Limit{N: 600, Per: time.Minute}
	c.RateLimitKey = ratelimit.Limit{N: 300, Per: time.Minute}
	c.RateLimitAuthIP = ratelimit.Limit{N: 10, Per: time.Minute}
	c.RateLimitAuthEmail = ratelimit.Limit{N: 5, Per: 15 * time.Minute}
	c.HashSlots = auth.DefaultHashSlots()
	c.HashQueue = 64
	c.HashWait = 2 * time.Second
	plans := quota.DefaultPlans()
	c.PlanFree, c.PlanExpert, c.PlanPro, c.PlanEnterprise = plans[store.PlanFree], plans[store.PlanExpert], plans[store.PlanPro], plans[store.PlanEnterprise]
}

// validateLimits checks the fields of limitOptions.
func (c Config) validateLimits(bad func(name, format string, args ...any)) {
	if _, err := parseProxies(c.TrustedProxies); err != nil {
		bad("trusted-proxies", "%v", err)
	}
	if _, err := parseOrigins(c.CORSOrigins); err != nil {
		bad("cors-origins", "%v", err)
	}
	if c.HashSlots < 1 || c.HashSlots > 256 {
		bad("hash-slots", "%d is out of range; use 1 to 256 (each slot can hold 19 MiB)", c.HashSlots)
	}
	if c.HashQueue < 1 || c.HashQueue > 100000 {
		bad("hash-queue", "%d is out of range; use 1 to 100000", c.HashQueue)
	}
	if c.HashWait <= 0 || c.HashWait > time.Minute {
		bad("hash-wait", "%s is out of range; use more than 0 and at most 1m, e.g. 2s", c.HashWait)
	}
	if c.HSTSMaxAge < 0 {
		bad("hsts-max-age", "%s must not be negative; use 0 to not send the header, or e.g. 8760h", c.HSTSMaxAge)
	}
}

// Plans returns the quotas of every plan.
func (c Config) Plans() quota.Plans {
	return quota.Plans{store.PlanFree: c.PlanFree, store.PlanExpert: c.PlanExpert, store.PlanPro: c.PlanPro, store.PlanEnterprise: c.PlanEnterprise}
}

// TrustedProxyPrefixes returns TrustedProxies parsed (an address is a
// one-address prefix); nil when it is empty or invalid (Validate reports
// that).
func (c Config) TrustedProxyPrefixes() []netip.Prefix {
	ps, _ := parseProxies(c.TrustedProxies)
	return ps
}

// CORSOriginList returns CORSOrigins split; nil when it is empty or
// invalid (Validate reports that).
func (c Config) CORSOriginList() []string {
	origins, _ := parseOrigins(c.CORSOrigins)
	return origins
}

func splitList(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func parseProxies(s string) ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, f := range splitList(s) {
		if p, err := netip.ParsePrefix(f); err == nil {
			ps = append(ps, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR; use e.g. 10.0.0.0/8,192.0.2.1", f)
		}
		ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return ps, nil
}

func parseOrigins(s string) ([]string, error) {
	var origins []string
	for _, f := range splitList(s) {
		u, err := url.Parse(f)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
			return nil, fmt.Errorf("%q is not an origin; use scheme://host[:port] with no path or trailing slash, e.g. https://app.example.com (\"*\" is not accepted)", f)
		}
		origins = append(origins, f)
	}
	return origins, nil
}

// limitValue is a pflag.Value holding a ratelimit.Limit.
type limitValue struct{ p *ratelimit.Limit }

// String returns the limit as N/DURATION or off.
func (v limitValue) String() string {
	if v.p == nil {
		return ""
	}
	return v.p.String()
}

// Set parses N/DURATION or off.
func (v limitValue) Set(s string) error {
	l, err := ratelimit.ParseLimit(s)
	if err != nil {
		return err
	}
	*v.p = l
	return nil
}

// Type returns "rate".
func (v limitValue) Type() string { return "rate" }

func limitOpt(flag, env, usage string, field func(*Config) *ratelimit.Limit) option {
	return option{
		flag: flag, env: env, usage: usage,
		parse: func(c *Config, s string) error { return limitValue{field(c)}.Set(s) },
		copy:  func(dst, src *Config) { *field(dst) = *field(src) },
		bind: func(fs *pflag.FlagSet, c *Config, o option) {
			fs.Var(limitValue{field(c)}, o.flag, o.usage+" (env "+o.env+")")
		},
	}
}

// planValue is a pflag.Value holding a quota.Plan; Set changes only the
// keys it names.
type planValue struct{ p *quota.Plan }

// String returns the plan as key=value pairs.
func (v planValue) String() string {
	if v.p == nil {
		return ""
	}
	return v.p.String()
}

// Set parses key=value pairs over the current value.
func (v planValue) Set(s string) error {
	p, err := quota.Parse(s, *v.p)
	if err != nil {
		return err
	}
	*v.p = p
	return nil
}

// Type returns "limits".
func (v planValue) Type() string { return "limits" }

func planOpt(flag, env, usage string, field func(*Config) *quota.Plan) option {
	return option{
		flag: flag, env: env,
		usage: usage + ": concurrent=N,budget=EVENTS,runs_per_day=N,replications=N,events=N,in_flight=N,servers=N,edges=N,series_values=N (keys left out keep their default; 0 = no limit)",
		parse: func(c *Config, s string) error { return planValue{field(c)}.Set(s) },
		copy:  func(dst, src *Config) { *field(dst) = *field(src) },
		bind: func(fs *pflag.FlagSet, c *Config, o option) {
			fs.Var(planValue{field(c)}, o.flag, o.usage+" (env "+o.env+")")
		},
	}
}
