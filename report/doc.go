// Package report renders simulation results for people: WriteText writes
// the plain-text report that `fastsim run` prints (scenario summary,
// latency table, throughput, event windows, request counts, per-server and
// per-edge tables and, for a result merged from replications, the
// mean ± 95 % confidence table), WriteSizing and WriteSweep the
// candidate tables of the analysis package's sizing searches and load
// sweeps, WriteSweepStudy the table of a sweep over scenario paths, and
// WriteComparison that of a comparison of two runs. Every number shown is
// rounded by result.FormatNumber.
//
// SweepCharts and RenderSweepChart draw a sweep's figures against its
// parameter (with confidence bars and the SLA line) and, for two
// parameters, as heat maps; WriteSweepHTML and WriteComparisonHTML write
// self-contained HTML reports of sweeps and comparisons.
//
// Charts and HTML reports live in this package too (charts*.go, html*.go),
// so that plotting dependencies stay out of the engine and result packages.
//
// It knows nothing of the engine's insides, HTTP, SQL or the command line.
package report
