package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// option describes one configuration field: its flag, its environment
// variable, how to parse a string into it and how to copy it between two
// Configs (to apply a flag the user set).
type option struct {
	flag  string
	env   string
	usage string
	parse func(c *Config, s string) error
	copy  func(dst, src *Config)
	bind  func(fs *pflag.FlagSet, c *Config, o option)
}

func stringOpt(flag, env, usage string, field func(*Config) *string) option {
	return option{
		flag: flag, env: env, usage: usage,
		parse: func(c *Config, s string) error { *field(c) = s; return nil },
		copy:  func(dst, src *Config) { *field(dst) = *field(src) },
		bind: func(fs *pflag.FlagSet, c *Config, o option) {
			fs.StringVar(field(c), o.flag, *field(c), o.usage+" (env "+o.env+")")
		},
	}
}

func intOpt(flag, env, usage string, field func(*Config) *int) option {
	return option{
		flag: flag, env: env, usage: usage,
		parse: func(c *Config, s string) error {
			v, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("%q is not an integer", s)
			}
			*field(c) = v
			return nil
		},
		copy: func(dst, src *Config) { *field(dst) = *field(src) },
		bind: func(fs *pflag.FlagSet, c *Config, o option) {
			fs.IntVar(field(c), o.flag, *field(c), o.usage+" (env "+o.env+")")
		},
	}
}

func int64Opt(flag, env, usage string, field func(*Config) *int64) option {
	return option{
		flag: flag, env: env, usage: usage,
		parse: func(c *Config, s string) error {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not an integer", s)
			}
			*field(c) = v
			return nil
		},
		copy: func(dst, src *Config) { *field(dst) = *field(src) },
		bind: func(fs *pflag.FlagSet, c *Config, o option) {
			fs.Int64Var(field(c), o.flag, *field(c), o.usage+" (env "+o.env+")")
		},
	}
}

func boolOpt(flag, env, usage string, field func(*Config) *bool) option {
	return option{
		flag: flag, env: env, usage: usage,
		parse: func(c *Config, s string) error {
			v, err := strconv.ParseBool(s)
			if err != nil {
				return fmt.Errorf("%q is not a boolean; use true or false", s)
			}
			*field(c) = v
			return nil
		},
		copy: func(dst, src *Config) { *field(dst) = *field(src) },
		bind: func(fs *pflag.FlagSet, c *Config, o option) {
			fs.BoolVar(field(c), o.flag, *field(c), o.usage+" (env "+o.env+")")
		},
	}
}

func durationOpt(flag, env, usage string, field func(*Config) *time.Duration) option {
	return option{
		flag: flag, env: env, usage: usage,
		parse: func(c *Config, s string) error {
			v, err := time.ParseDuration(s)
			if err != nil {
				return fmt.Errorf("%q is not a duration such as 30s or 10m", s)
			}
			*field(c) = v
			return nil
		},
		copy: func(dst, src *Config) { *field(dst) = *field(src) },
		bind: func(fs *pflag.FlagSet, c *Config, o option) {
			fs.DurationVar(field(c), o.flag, *field(c), o.usage+" (env "+o.env+")")
		},
	}
}

// options is the table of every configuration field (those of the limits
// are in limits.go). The flag --no-migrate is the negation of AutoMigrate;
// its variable is FASTSIM_AUTO_MIGRATE.
var options = append([]option{
	stringOpt("addr", "FASTSIM_ADDR", "HTTP listen address", func(c *Config) *string { return &c.Addr }),
	stringOpt("metrics-addr", "FASTSIM_METRICS_ADDR", "listen address of the worker's /health and /metrics (fastsim worker only); off for none", func(c *Config) *string { return &c.MetricsAddr }),
	stringOpt("database-url", "FASTSIM_DATABASE_URL", "PostgreSQL URL; empty uses SQLite fastsim.db in --data-dir", func(c *Config) *string { return &c.DatabaseURL }),
	stringOpt("data-dir", "FASTSIM_DATA_DIR", "directory of the embedded SQLite database", func(c *Config) *string { return &c.DataDir }),
	stringOpt("redis-url", "FASTSIM_REDIS_URL", "Redis URL of the result cache; empty uses an in-memory LRU", func(c *Config) *string { return &c.RedisURL }),
	intOpt("workers", "FASTSIM_WORKERS", "simulation workers in this process; 0 runs the API only", func(c *Config) *int { return &c.Workers }),
	{
		flag: "no-migrate", env: "FASTSIM_AUTO_MIGRATE", usage: "do not apply pending migrations at start",
		parse: func(c *Config, s string) error {
			v, err := strconv.ParseBool(s)
			if err != nil {
				return fmt.Errorf("%q is not a boolean; use true or false", s)
			}
			c.AutoMigrate = v
			return nil
		},
		copy: func(dst, src *Config) { dst.AutoMigrate = src.AutoMigrate },
		bind: func(fs *pflag.FlagSet, c *Config, o option) {
			fs.Var(negatedBool{&c.AutoMigrate}, o.flag, o.usage+" (env "+o.env+"=false)")
			fs.Lookup(o.flag).NoOptDefVal = "true"
		},
	},
	stringOpt("log-level", "FASTSIM_LOG_LEVEL", "log level: debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }),
	stringOpt("log-format", "FASTSIM_LOG_FORMAT", "log format: json or text", func(c *Config) *string { return &c.LogFormat }),
	int64Opt("max-body-bytes", "FASTSIM_MAX_BODY_BYTES", "largest request body in bytes", func(c *Config) *int64 { return &c.MaxBodyBytes }),
	int64Opt("max-event-budget", "FASTSIM_MAX_EVENT_BUDGET", "largest estimated number of events of one run", func(c *Config) *int64 { return &c.MaxEventBudget }),
	int64Opt("max-events", "FASTSIM_MAX_EVENTS", "largest number of events one replication processes, whatever its plan", func(c *Config) *int64 { return &c.MaxEvents }),
	int64Opt("max-in-flight", "FASTSIM_MAX_IN_FLIGHT", "largest number of requests alive at once in one replication, whatever its plan", func(c *Config) *int64 { return &c.MaxInFlight }),
	intOpt("max-replications", "FASTSIM_MAX_REPLICATIONS", "largest number of replications of one run", func(c *Config) *int { return &c.MaxReplications }),
	durationOpt("run-timeout", "FASTSIM_RUN_TIMEOUT", "wall-clock limit of one run", func(c *Config) *time.Duration { return &c.RunTimeout }),
	durationOpt("study-timeout", "FASTSIM_STUDY_TIMEOUT", "wall-clock limit of one study (all its candidate runs)", func(c *Config) *time.Duration { return &c.StudyTimeout }),
	durationOpt("shutdown-timeout", "FASTSIM_SHUTDOWN_TIMEOUT", "how long shutdown waits for requests and jobs", func(c *Config) *time.Duration { return &c.ShutdownTimeout }),
	durationOpt("heartbeat-interval", "FASTSIM_HEARTBEAT_INTERVAL", "how often a worker renews its lease on a run and looks for runs of dead workers", func(c *Config) *time.Duration { return &c.HeartbeatInterval }),
	durationOpt("lease-ttl", "FASTSIM_LEASE_TTL", "how long a lease lasts without heartbeat; a dead worker's run is handed on after it", func(c *Config) *time.Duration { return &c.LeaseTTL }),
	intOpt("cache-size", "FASTSIM_CACHE_SIZE", "entries of the in-memory result cache", func(c *Config) *int { return &c.CacheSize }),
	durationOpt("cache-ttl", "FASTSIM_CACHE_TTL", "lifetime of a cached result; 0 keeps it until evicted", func(c *Config) *time.Duration { return &c.CacheTTL }),
	boolOpt("allow-register", "FASTSIM_ALLOW_REGISTER", "let anyone create an account with POST /api/v1/auth/register", func(c *Config) *bool { return &c.AllowRegister }),
	durationOpt("session-ttl", "FASTSIM_SESSION_TTL", "lifetime of a login session token", func(c *Config) *time.Duration { return &c.SessionTTL }),
}, append(limitOptions, servingOptions...)...)

func optionByName(flag string) option {
	for _, o := range options {
		if o.flag == flag {
			return o
		}
	}
	panic("config: unknown option " + flag)
}

// negatedBool is a pflag.Value that stores the negation of the flag.
type negatedBool struct{ p *bool }

// String returns the flag value: the negation of the stored bool.
func (n negatedBool) String() string {
	if n.p == nil {
		return "false"
	}
	return strconv.FormatBool(!*n.p)
}

// Set stores the negation of s.
func (n negatedBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*n.p = !v
	return nil
}

// Type returns "bool".
func (n negatedBool) Type() string { return "bool" }

// Flags holds the command-line flags bound by BindFlags.
type Flags struct {
	fs      *pflag.FlagSet
	numCPU  int
	flagged Config
}

// BindFlags registers every configuration flag on fs, with the defaults of
// Default(numCPU) in the help text, and returns the handle whose Load
// builds the Config once fs is parsed.
func BindFlags(fs *pflag.FlagSet, numCPU int) *Flags {
	f := &Flags{fs: fs, numCPU: numCPU, flagged: Default(numCPU)}
	for _, o := range options {
		o.bind(fs, &f.flagged, o)
	}
	return f
}

// Load returns the configuration: the defaults, overridden by the FASTSIM_*
// environment variables read through getenv, overridden by the flags set on
// the command line; then Validate. Errors name the variable or the flag.
func (f *Flags) Load(getenv func(string) string) (Config, error) {
	c := Default(f.numCPU)
	if err := c.ApplyEnv(getenv); err != nil {
		return Config{}, err
	}
	for _, o := range options {
		if f.fs.Changed(o.flag) {
			o.copy(&c, &f.flagged)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// ApplyEnv overrides c with every FASTSIM_* variable that getenv returns
// non-empty. An unparsable value is an error naming the variable.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	for _, o := range options {
		s := strings.TrimSpace(getenv(o.env))
		if s == "" {
			continue
		}
		if err := o.parse(c, s); err != nil {
			return fmt.Errorf("environment variable %s: %w", o.env, err)
		}
	}
	return nil
}

// Variable is one documented configuration variable, for tables such as
// docs/configuration.md and .env.example.
type Variable struct {
	// Flag is the flag name without dashes.
	Flag string
	// Env is the environment variable.
	Env string
	// Usage is the one-line description.
	Usage string
}

// Variables lists every configuration variable in documentation order.
func Variables() []Variable {
	vs := make([]Variable, len(options))
	for i, o := range options {
		vs[i] = Variable{Flag: o.flag, Env: o.env, Usage: o.usage}
	}
	return vs
}
