// Package loadgen is a small closed-loop HTTP load generator for measuring
// the FastSim API: N concurrent clients each send a request, wait for the
// answer, and send the next, for a fixed duration. It reports successful
// (2xx) requests per second, their exact latency percentiles (every latency
// is kept and sorted), the errors (every non-2xx answer, a 429 included, and
// every transport failure) and the count of each status code.
//
// The command in cmd/loadgen drives it against a running `fastsim serve`;
// docs/api.md lists the measured figures and the commands.
//
//	rep, err := loadgen.Run(ctx, loadgen.Config{
//		Concurrency: 50, Duration: 10 * time.Second,
//		NewRequest: func(ctx context.Context) (*http.Request, error) {
//			return http.NewRequestWithContext(ctx, "GET", base+"/api/v1/runs/"+id, nil)
//		},
//	})
package loadgen
