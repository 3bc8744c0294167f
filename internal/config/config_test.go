package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
)

func load(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	flags := BindFlags(fs, 4)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("Parse(%q): %v", args, err)
	}
	return flags.Load(func(k string) string { return env[k] })
}

func TestLoad(t *testing.T) {
	t.Parallel()
	def := Default(4)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(c *Config)
	}{
		{name: "Defaults", want: func(c *Config) {}},
		{
			name: "EnvOverridesDefaults",
			env: map[string]string{
				"FASTSIM_ADDR": "127.0.0.1:9000", "FASTSIM_WORKERS": "0", "FASTSIM_AUTO_MIGRATE": "false",
				"FASTSIM_RUN_TIMEOUT": "1m", "FASTSIM_REDIS_URL": "redis://localhost:6379/1", "FASTSIM_MAX_BODY_BYTES": "2048",
			},
			want: func(c *Config) {
				c.Addr = "127.0.0.1:9000"
				c.Workers = 0
				c.AutoMigrate = false
				c.RunTimeout = time.Minute
				c.RedisURL = "redis://localhost:6379/1"
				c.MaxBodyBytes = 2048
			},
		},
		{
			name: "FlagsOverrideEnv",
			args: []string{"--addr", ":7000", "--workers=3", "--no-migrate", "--cache-ttl", "0s", "--lease-ttl", "3s"},
			env:  map[string]string{"FASTSIM_ADDR": ":9000", "FASTSIM_WORKERS": "0", "FASTSIM_LOG_LEVEL": "debug", "FASTSIM_LEASE_TTL": "1m", "FASTSIM_HEARTBEAT_INTERVAL": "1s"},
			want: func(c *Config) {
				c.LeaseTTL = 3 * time.Second
				c.HeartbeatInterval = time.Second
				c.Addr = ":7000"
				c.Workers = 3
				c.AutoMigrate = false
				c.CacheTTL = 0
				c.LogLevel = "debug"
			},
		},
		{
			name: "MetricsAddrOff",
			env:  map[string]string{"FASTSIM_METRICS_ADDR": "off"},
			want: func(c *Config) { c.MetricsAddr = MetricsOff },
		},
		{
			name: "MetricsAddrFlag",
			args: []string{"--metrics-addr", "127.0.0.1:9191"},
			env:  map[string]string{"FASTSIM_METRICS_ADDR": "off"},
			want: func(c *Config) { c.MetricsAddr = "127.0.0.1:9191" },
		},
		{
			name: "NoMigrateFalseKeepsMigrating",
			args: []string{"--no-migrate=false"},
			env:  map[string]string{"FASTSIM_AUTO_MIGRATE": "true"},
			want: func(c *Config) {},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := load(t, tt.args, tt.env)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := def
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{name: "ErrEnvNotInteger", env: map[string]string{"FASTSIM_WORKERS": "many"}, want: []string{`environment variable FASTSIM_WORKERS: "many" is not an integer`}},
		{name: "ErrEnvNotDuration", env: map[string]string{"FASTSIM_RUN_TIMEOUT": "10"}, want: []string{`environment variable FASTSIM_RUN_TIMEOUT: "10" is not a duration`}},
		{name: "ErrEnvNotBool", env: map[string]string{"FASTSIM_AUTO_MIGRATE": "nope"}, want: []string{"FASTSIM_AUTO_MIGRATE", "use true or false"}},
		{name: "ErrAddrNoPort", args: []string{"--addr", "localhost"}, want: []string{`--addr / FASTSIM_ADDR: "localhost" is not host:port`}},
		{name: "ErrMetricsAddr", args: []string{"--metrics-addr", "9090"}, want: []string{`--metrics-addr / FASTSIM_METRICS_ADDR: "9090" is not host:port`, "or off for no metrics server"}},
		{name: "ErrMetricsAddrEmpty", args: []string{"--metrics-addr", ""}, want: []string{`--metrics-addr / FASTSIM_METRICS_ADDR: "" is not host:port`}},
		{name: "ErrMetricsAddrPort", env: map[string]string{"FASTSIM_METRICS_ADDR": ":99999"}, want: []string{`--metrics-addr / FASTSIM_METRICS_ADDR: port "99999" is not a number in 0..65535`}},
		{name: "ErrDatabaseURL", args: []string{"--database-url", "mysql://u:secret@h/db"}, want: []string{"--database-url / FASTSIM_DATABASE_URL", "u:xxxxx@h", "postgres://"}},
		{name: "ErrMaxEvents", args: []string{"--max-events", "0"}, want: []string{"--max-events / FASTSIM_MAX_EVENTS: 0 must be at least 1"}},
		{name: "ErrMaxInFlight", env: map[string]string{"FASTSIM_MAX_IN_FLIGHT": "3000000000"}, want: []string{"--max-in-flight / FASTSIM_MAX_IN_FLIGHT: 3000000000 is out of range; use 1 to 2147483646"}},
		{name: "ErrRedisURL", env: map[string]string{"FASTSIM_REDIS_URL": "localhost:6379"}, want: []string{"--redis-url / FASTSIM_REDIS_URL", "redis://host:6379/0"}},
		{name: "ErrHeartbeatInterval", args: []string{"--heartbeat-interval", "1ms"}, want: []string{"--heartbeat-interval / FASTSIM_HEARTBEAT_INTERVAL: 1ms is too short; use at least 10ms"}},
		{name: "ErrLeaseTTL", env: map[string]string{"FASTSIM_HEARTBEAT_INTERVAL": "1s", "FASTSIM_LEASE_TTL": "2s"}, want: []string{"--lease-ttl / FASTSIM_LEASE_TTL: 2s must be at least 3 × --heartbeat-interval (3s)"}},
		{
			name: "ErrSeveralAtOnce",
			args: []string{"--workers", "-1", "--log-level", "loud", "--log-format", "xml", "--max-replications", "0", "--cache-size", "0", "--run-timeout", "0s"},
			want: []string{
				"--workers / FASTSIM_WORKERS: -1 is out of range",
				`--log-level / FASTSIM_LOG_LEVEL: "loud" is not a level`,
				`--log-format / FASTSIM_LOG_FORMAT: "xml" is not a format`,
				"--max-replications / FASTSIM_MAX_REPLICATIONS: 0 is out of range",
				"--cache-size / FASTSIM_CACHE_SIZE: 0 must be at least 1",
				"--run-timeout / FASTSIM_RUN_TIMEOUT: 0s must be positive",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := load(t, tt.args, tt.env)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestVariablesDocumented(t *testing.T) {
	t.Parallel()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	BindFlags(fs, 1)
	vs := Variables()
	// One per Config field, the Serving struct counting by its fields.
	if n := reflect.TypeFor[Config]().NumField() - 1 + reflect.TypeFor[Serving]().NumField(); len(vs) != n {
		t.Errorf("len(Variables()) = %d, want %d (one per Config field)", len(vs), n)
	}
	for _, v := range vs {
		if fs.Lookup(v.Flag) == nil {
			t.Errorf("flag --%s not registered", v.Flag)
		}
		if !strings.HasPrefix(v.Env, "FASTSIM_") {
			t.Errorf("variable %s does not start with FASTSIM_", v.Env)
		}
	}
}

func TestSQLitePath(t *testing.T) {
	t.Parallel()
	c := Default(1)
	c.DataDir = "/var/lib/fastsim"
	if got, want := c.SQLitePath(), "/var/lib/fastsim/fastsim.db"; got != want {
		t.Errorf("SQLitePath() = %q, want %q", got, want)
	}
}
