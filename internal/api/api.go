package api

import (
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/cache"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/quota"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/version"
)

// Limits protect the service from a single request.
type Limits struct {
	// MaxBodyBytes is the largest request body; a larger one gets 413.
	// Defaults to 1 MiB.
	MaxBodyBytes int64
	// MaxEventBudget is the largest estimated number of events of one run,
	// all replications together (see EstimateEvents); a run above it gets
	// 422. Defaults to 200,000,000.
	MaxEventBudget int64
	// MaxReplications is the largest number of replications of a run.
	// Defaults to 100.
	MaxReplications int
	// Render bounds the rendering of charts and reports. Zero fields get
	// their defaults.
	Render RenderLimits
}

// Options are the dependencies of the API handler.
type Options struct {
	// Store persists scenarios, runs and results. Required.
	Store store.Store
	// Jobs submits and cancels runs. Required.
	Jobs job.Runner
	// Cache holds results of finished runs by cache.Key. Defaults to an
	// in-memory cache of 256 entries.
	Cache cache.Cache
	// Engine is the engine identity in every cache key: a result cached
	// or stored under another identity is never reused. Defaults to
	// version.Engine(); tests set it to act as another build.
	Engine string
	// CheckCache makes /ready fail when Cache.Ping fails (set it when the
	// cache is Redis). Defaults to false.
	CheckCache bool
	// Logger receives handler logs. Defaults to a discarding logger.
	Logger *slog.Logger
	// Limits are the request limits. Zero fields get their defaults.
	Limits Limits
	// Metrics, when not nil, is served at GET /metrics. Defaults to nil.
	Metrics http.Handler
	// PollInterval is how often the event stream re-reads a run.
	// Defaults to 250ms.
	PollInterval time.Duration
	// Stop, when closed, ends every open event stream (at shutdown: the
	// server waits for in-flight requests, and streams would never end).
	// Defaults to nil (streams end with their client or their run).
	Stop <-chan struct{}
	// Auth authenticates requests and manages accounts. Defaults to an
	// authenticator over Store with auth.DefaultParams and 24h sessions.
	Auth *auth.Authenticator
	// AllowRegister turns on POST /api/v1/auth/register (anyone may create
	// an account). Defaults to false.
	AllowRegister bool
	// LocalSessionEmail, when set, turns on single-user mode's browser
	// session: POST /api/v1/auth/local-session opens a session of the user
	// with this email for a browser on this machine (loopback peer, Host
	// and Origin of this loopback server, no proxy), without a password.
	// GET /api/v1/ui-config says single_user when it is set and the
	// request comes from this machine. Defaults to "" (off: the route
	// answers 404).
	LocalSessionEmail string
	// Plans are the quotas of each plan (internal/quota), checked when a
	// user submits a run; admins are exempt. Nil turns quotas off (only
	// Limits apply). Defaults to nil.
	Plans quota.Plans
	// RateLimits are the rate limits of /api/v1. Defaults to none.
	RateLimits RateLimits
	// Security configures CORS and HSTS; the other security headers are
	// always sent. Defaults to CORS off and no HSTS.
	Security Security
	// Registerer, when set, receives the refusal metrics
	// fastsim_http_rate_limited_total{limit} and
	// fastsim_quota_refusals_total{limit} (serve passes the registry it
	// serves at /metrics). Defaults to none: the counters still count.
	Registerer prometheus.Registerer
	// Now is the clock of the quotas (the UTC day of runs per day).
	// Defaults to time.Now.
	Now func() time.Time
	// UI, when set, serves the web UI (package web): every GET or HEAD
	// that no route of the API matches and whose path is not reserved
	// (/api, /docs, /openapi, /schemas, /health, /ready, /metrics; those
	// keep their problem+json 404 and 405 for every method) goes to it;
	// other methods on its paths get a 405 problem. Defaults to nil (no
	// UI: unmatched paths answer 404).
	UI http.Handler
	// Examples holds the example scenarios (*.yml) listed by GET
	// /api/v1/examples, which the UI creates scenarios from (serve passes
	// package examples). Defaults to nil (an empty list).
	Examples fs.FS
}

func (o Options) withDefaults() Options {
	if o.Cache == nil {
		o.Cache = cache.NewMemory(256, 24*time.Hour, nil)
	}
	if o.Engine == "" {
		o.Engine = version.Engine()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Limits.MaxBodyBytes <= 0 {
		o.Limits.MaxBodyBytes = 1 << 20
	}
	if o.Limits.MaxEventBudget <= 0 {
		o.Limits.MaxEventBudget = 200_000_000
	}
	if o.Limits.MaxReplications <= 0 {
		o.Limits.MaxReplications = 100
	}
	if o.Auth == nil {
		o.Auth = auth.New(o.Store, auth.Options{})
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 250 * time.Millisecond
	}
	return o
}

// server holds the handlers' dependencies.
type server struct {
	Options
	refusals *refusalMetrics
	renders  *renderer
}

// New returns the API's handler: a ServeMux holding every route of
// routes.go. Wrap it with telemetry.Middleware for request ids, logs and
// metrics.
func New(opts Options) http.Handler {
	s := &server{Options: opts.withDefaults()}
	s.renders = newRenderer(s.Limits.Render)
	refusals, err := newRefusalMetrics(s.Registerer)
	if err != nil {
		// Only a foreign collector under our names gets here: count
		// anyway, unexported.
		s.Logger.Warn("refusal metrics not exported", "error", err.Error())
		refusals, _ = newRefusalMetrics(nil)
	}
	s.refusals = refusals
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("FastSim API", version.Version)
	cfg.Info.Description = "Discrete-event simulation of asynchronous backends: validate scenarios, store them, and run them as durable jobs."
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = "" // served from the binary by docs.go, not from a CDN
	cfg.SchemasPath = "/schemas"
	cfg.Servers = nil
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaNamer)
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		bearerScheme: {
			Type: "http", Scheme: "bearer",
			Description: "A session token (fss_..., from POST /api/v1/auth/login) or an API key (fsk_..., from POST /api/v1/keys). " +
				"Used when the Authorization header is present (the session cookie is then ignored); no CSRF header needed.",
		},
		cookieScheme: {
			Type: "apiKey", In: "cookie", Name: sessionCookie,
			Description: "The browser session: the HttpOnly cookie " + sessionCookie + " set by POST /api/v1/auth/login or, in single-user mode, " +
				"POST /api/v1/auth/local-session (with the readable cookie " + csrfCookie + "). Every POST, PUT, PATCH and DELETE authenticated " +
				"by it must send the header " + csrfHeader + " equal to the " + csrfCookie + " cookie, or it gets 403.",
		},
	}
	// No "$schema" key in response bodies: results keep the shape of spec §8.
	cfg.CreateHooks = nil
	cfg.Transformers = []huma.Transformer{withoutEchoedValues}
	hapi := humago.New(mux, cfg)
	s.routes(hapi, mux)
	// Outermost first: headers and CORS on every answer (401 and 429
	// included), the body bound, per-address limits before anything is
	// answered (CORS preflights included) and credentials are checked,
	// per-user limits after, then NUL and invalid UTF-8 refused before any
	// handler.
	inner := answerPreflight(s.Security, authenticate(s.Auth, s.Logger, s.RateLimits.limitByUser(s.refusals,
		rejectBadText(s.Limits.MaxBodyBytes, yamlRuns(s.Limits.MaxBodyBytes, withUI(s.UI, mux, unmatchedAsProblem(mux)))))))
	return recoverPanics(s.Logger, withRequestMeta(s.RateLimits.TrustedProxies, secure(s.Security, boundBody(s.Limits.MaxBodyBytes,
		s.RateLimits.limitByIP(s.refusals, s.Limits.MaxBodyBytes, inner)))))
}

// schemaNamer names OpenAPI schemas like huma.DefaultSchemaNamer, but
// prefixes types of other packages with their package name when it is not
// already there (result.Summary and analysis.Summary would clash).
func schemaNamer(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	pkg := t.PkgPath()
	if pkg == "" || t.Name() == "" || strings.HasSuffix(pkg, "/internal/api") || strings.HasPrefix(pkg, "github.com/danielgtaylor/huma/") {
		return name
	}
	prefix := path.Base(pkg)
	prefix = strings.ToUpper(prefix[:1]) + prefix[1:]
	if strings.HasPrefix(name, prefix) {
		return name
	}
	return prefix + name
}
