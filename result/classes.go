package result

// ClassStats are the figures of one request class, one generator of
// `rqs_input` (spec §14 `classes`).
type ClassStats struct {
	// Counts are the class's own request counters; Events is 0 (events
	// are counted for the whole run only).
	Counts Counts `json:"counts"`
	// Latency summarises the end-to-end latency of the class's completed
	// requests.
	Latency Latency `json:"latency"`
	// Throughput is the class's completion rate per 1 s window.
	Throughput Throughput `json:"throughput"`
}
