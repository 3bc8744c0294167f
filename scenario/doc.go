// Package scenario holds the FastSim scenario model: the document types of
// the scenario format, strict YAML and JSON decoding with AsyncFlow's
// defaults, validation that reports every problem with its path, and a
// Builder for scenarios written in Go.
//
// It knows nothing of the engine, HTTP, SQL or the command line.
package scenario
