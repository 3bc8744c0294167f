// Package study turns a stored study — a kind (sizing or sweep) and its
// settings — into calls of the library that owns sizing and sweeps
// (analysis.SizingSpec.Run, analysis.RunSweep), for the API, which checks
// a study before storing it (Check), and for the job workers, which
// execute it (Run) with a RunFunc that schedules every candidate run as a
// job. It knows neither HTTP, nor SQL, nor River: the library decides
// which candidates to run and what the answer is, so a study gives the
// same answer as `fastsim size` (or a local sweep) on the same scenario
// and seeds.
package study
