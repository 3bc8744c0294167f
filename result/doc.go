// Package result holds the outcome of a simulation (spec §8): the Result
// types and their JSON encoding, the exact Moments of a sample, the mergeable
// quantile Sketch, Merge for combining replications, and FormatNumber, the
// one formatter of figures shown to people. docs/result.md documents every
// field of the JSON with its unit.
//
// It knows nothing of the engine's insides, HTTP, SQL or the command line.
package result
