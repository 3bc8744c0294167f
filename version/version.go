// Package version holds the FastSim version, set at build time with
//
//	go build -ldflags "-X github.com/fastsim/fastsim/version.Version=v1.2.3"
//
// It is "dev" otherwise. The engine stamps it into every result, and the
// backend keys its cache on it.
package version

// Version is the FastSim version. Defaults to "dev".
var Version = "dev"
