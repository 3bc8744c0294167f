// Package version holds the FastSim version, set at build time with
//
//	go build -ldflags "-X github.com/fastsim/fastsim/version.Version=v1.2.3"
//
// It is "dev" otherwise. The engine stamps it into every result. The
// backend keys its cache on Engine instead, which changes with the engine's
// code in every build.
package version

// Version is the FastSim version. Defaults to "dev".
var Version = "dev"
