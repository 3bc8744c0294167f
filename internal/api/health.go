package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/version"
)

// HealthBody is the liveness answer.
type HealthBody struct {
	Status  string `json:"status" example:"ok"`
	Version string `json:"version" doc:"FastSim version of this process."`
}

type healthOutput struct {
	Body HealthBody
}

// health answers as long as the process serves HTTP; it checks no
// dependency.
func (s *server) health(context.Context, *struct{}) (*healthOutput, error) {
	return &healthOutput{Body: HealthBody{Status: "ok", Version: version.Version}}, nil
}

// ReadyBody is the readiness answer when every check passes.
type ReadyBody struct {
	Status string            `json:"status" example:"ready"`
	Checks map[string]string `json:"checks" doc:"Each check and its outcome: database, migrations and, with Redis, cache."`
}

type readyOutput struct {
	Body ReadyBody
}

// ready checks that the database answers, that its migrations are at head
// and, when the cache is Redis, that Redis answers. Otherwise it answers
// 503 with one error per failed check.
func (s *server) ready(ctx context.Context, _ *struct{}) (*readyOutput, error) {
	checks := map[string]string{}
	var failed []error
	fail := func(check, msg string) {
		checks[check] = msg
		failed = append(failed, &huma.ErrorDetail{Location: check, Message: msg})
	}
	if err := s.Store.Ping(ctx); err != nil {
		fail("database", "unreachable: "+err.Error())
	} else {
		checks["database"] = "ok"
		st, err := s.Store.MigrationStatus(ctx)
		switch {
		case err != nil:
			fail("migrations", "cannot read the migration status: "+err.Error())
		case !st.AtHead():
			fail("migrations", "pending migrations; run `fastsim migrate up` or start serve without --no-migrate")
		default:
			checks["migrations"] = "ok"
		}
	}
	if s.CheckCache {
		if err := s.Cache.Ping(ctx); err != nil {
			fail("cache", "unreachable: "+err.Error())
		} else {
			checks["cache"] = "ok"
		}
	}
	if len(failed) > 0 {
		return nil, huma.NewError(http.StatusServiceUnavailable, "not ready", failed...)
	}
	return &readyOutput{Body: ReadyBody{Status: "ready", Checks: checks}}, nil
}
