// Package report renders simulation results for people: WriteText writes
// the plain-text report that `fastsim run` prints (scenario summary,
// latency table, throughput, event windows, request counts, per-server and
// per-edge tables and, for a result merged from replications, the
// mean ± 95 % confidence table), and WriteSizing and WriteSweep the
// candidate tables of the analysis package's sizing searches and load
// sweeps. Every number shown is rounded by result.FormatNumber.
//
// Charts and HTML reports live in this package too (charts*.go, html*.go),
// so that plotting dependencies stay out of the engine and result packages.
//
// It knows nothing of the engine's insides, HTTP, SQL or the command line.
package report
