package version

import "runtime"

// Engine returns the identity of the simulation model: the digest of the
// sources that determine a result (the packages fastsim, scenario, engine,
// result and analysis, and the versions of the modules they import; see
// engine_digest.go) and the Go release the binary was built with, e.g.
// "4f1c0a9e2b7d3c85/go1.26.10".
//
// Unlike Version, it changes whenever the engine's code does, whatever the
// build (go build, go run, go test, the Dockerfile; with or without VCS
// stamping), so the service keys its result cache and its reuse of stored
// results on it. The digest is a generated constant: after changing those
// packages, run
//
//	go test ./version -run TestEngineDigest -update
//
// and commit engine_digest.go; TestEngineDigest fails until then.
func Engine() string { return engineDigest + "/" + runtime.Version() }
