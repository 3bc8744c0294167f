// Package result holds the outcome of a simulation (spec §8): the Result
// types and their JSON encoding, the exact Moments of a sample, the mergeable
// quantile Sketch, and Merge for combining replications.
//
// It knows nothing of the engine's insides, HTTP, SQL or the command line.
package result
