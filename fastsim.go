package fastsim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// DefaultSeed is the seed of a run when none is given: engine.DefaultSeed,
// the one default of the library, the CLI and the service.
const DefaultSeed = engine.DefaultSeed

// ErrLimitExceeded is the error a run stopped by WithMaxEvents or
// WithMaxInFlight matches with errors.Is; errors.As gives the
// *engine.LimitError with the details.
var ErrLimitExceeded = engine.ErrLimitExceeded

// Progress reports how far a run has got; see engine.Progress.
type Progress = engine.Progress

// Option configures Run and RunReplications.
type Option func(*options)

// options are the settings built from Options.
type options struct {
	seed        int64
	series      bool
	progress    func(Progress)
	maxEvents   int64
	maxInFlight int64
}

// WithSeed sets the seed of the run (of the first replication, for
// RunReplications). Defaults to DefaultSeed; 0 means DefaultSeed, as in
// engine.Options.
func WithSeed(seed int64) Option {
	return func(o *options) { o.seed = seed }
}

// WithSeries keeps the full sampled series in the result. Defaults to off:
// only their mean and maximum are kept.
func WithSeries() Option {
	return func(o *options) { o.series = true }
}

// WithProgress sets a function called about every 1 % of simulated time.
// With Run it is called from the calling goroutine. With RunReplications
// it is called from one replication goroutine at a time with the progress
// summed over all replications (SimTime and Horizon added up). Defaults to
// none.
func WithProgress(f func(Progress)) Option {
	return func(o *options) { o.progress = f }
}

// WithMaxEvents stops a run (each replication, for RunReplications) with
// an error matching engine.ErrLimitExceeded when it would process more than
// n events. Defaults to engine.DefaultMaxEvents; a negative n means no
// limit. See engine.Options.MaxEvents.
func WithMaxEvents(n int64) Option {
	return func(o *options) { o.maxEvents = n }
}

// WithMaxInFlight stops a run (each replication, for RunReplications) with
// an error matching engine.ErrLimitExceeded when more than n requests are
// alive at once, which bounds its memory (engine.BytesPerInFlight each).
// Defaults to engine.DefaultMaxInFlight; a negative n means no limit. See
// engine.Options.MaxInFlight.
func WithMaxInFlight(n int64) Option {
	return func(o *options) { o.maxInFlight = n }
}

// engineOptions returns the engine options of a run with the given seed.
func (o options) engineOptions(seed int64, progress func(Progress)) engine.Options {
	return engine.Options{Seed: seed, Series: o.series, Progress: progress, MaxEvents: o.maxEvents, MaxInFlight: o.maxInFlight}
}

// newOptions applies opts over the defaults.
func newOptions(opts []Option) options {
	o := options{seed: DefaultSeed}
	for _, f := range opts {
		f(&o)
	}
	if o.seed == 0 {
		o.seed = DefaultSeed
	}
	return o
}

// Run simulates sc once and returns its result. sc must have its defaults
// applied, as scenarios from scenario.Decode and the Builder have; a
// scenario that does not pass scenario.Validate is refused with an error
// wrapping its *scenario.ValidationError. Run returns an error wrapping
// ctx.Err() if ctx is cancelled before the run ends; it never returns a
// partial result.
func Run(ctx context.Context, sc *scenario.Scenario, opts ...Option) (*result.Result, error) {
	o := newOptions(opts)
	r, err := engine.Run(ctx, sc, o.engineOptions(o.seed, o.progress))
	if err != nil {
		return nil, fmt.Errorf("fastsim: run with seed %d: %w", o.seed, err)
	}
	return r, nil
}

// ReplicationSeed returns the seed of replication i of a run seeded with
// seed (DefaultSeed for 0, as everywhere): seed itself for i = 0, so that
// replication 0 is the plain run, and
// otherwise the splitmix64 finaliser (Steele, Lea and Flood, "Fast
// Splittable Pseudorandom Number Generators", OOPSLA 2014) of seed plus i
// times the golden-ratio increment, which spreads nearby (seed, i) pairs
// over unrelated seeds.
func ReplicationSeed(seed int64, i int) int64 {
	if seed == 0 {
		seed = DefaultSeed
	}
	if i == 0 {
		return seed
	}
	z := uint64(seed) + uint64(i)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return int64(z ^ (z >> 31))
}

// RunReplications runs n independent replications of sc, replication i
// with seed ReplicationSeed(seed, i), in parallel on up to GOMAXPROCS
// goroutines, and returns the results in replication order together with
// their merge (result.Merge). The results do not depend on the number of
// goroutines. The first error (including ctx being cancelled) stops the
// remaining replications and is returned. The limits of WithMaxEvents and
// WithMaxInFlight apply to each replication: up to GOMAXPROCS of them run
// at once, so peak memory is up to GOMAXPROCS times that of one run.
func RunReplications(ctx context.Context, sc *scenario.Scenario, n int, opts ...Option) ([]*result.Result, *result.Result, error) {
	if n < 1 {
		return nil, nil, fmt.Errorf("fastsim: replications is %d, must be at least 1", n)
	}
	o := newOptions(opts)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	rs := make([]*result.Result, n)
	errs := make([]error, n)
	progress := newProgressSum(n, o.progress)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				seed := ReplicationSeed(o.seed, i)
				r, err := engine.Run(ctx, sc, o.engineOptions(seed, progress.reporter(i)))
				if err != nil {
					errs[i] = fmt.Errorf("fastsim: replication %d (seed %d): %w", i, seed, err)
					cancel()
					continue
				}
				rs[i] = r
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := firstError(ctx, errs); err != nil {
		return nil, nil, err
	}
	merged, err := result.Merge(rs)
	if err != nil {
		return nil, nil, fmt.Errorf("fastsim: merging replications: %w", err)
	}
	return rs, merged, nil
}

// firstError returns the error of the lowest-numbered failed replication,
// preferring a real failure over the cancellations it caused; or the
// context's error if replications were never started; or nil.
func firstError(ctx context.Context, errs []error) error {
	var canceled error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			if canceled == nil {
				canceled = err
			}
		default:
			return err
		}
	}
	if canceled != nil {
		return canceled
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("fastsim: replications not all started: %w", err)
	}
	return nil
}

// progressSum adds up the progress of concurrent replications.
type progressSum struct {
	mu   sync.Mutex
	f    func(Progress)
	last []Progress
}

// newProgressSum returns a sum over n replications reporting to f, or nil
// if f is nil.
func newProgressSum(n int, f func(Progress)) *progressSum {
	if f == nil {
		return nil
	}
	return &progressSum{f: f, last: make([]Progress, n)}
}

// reporter returns the progress function of replication i.
func (p *progressSum) reporter(i int) func(Progress) {
	if p == nil {
		return nil
	}
	return func(pr Progress) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.last[i] = pr
		var sum Progress
		for _, x := range p.last {
			sum.SimTime += x.SimTime
			sum.Events += x.Events
		}
		// Replications not started yet have a zero Horizon; count the
		// horizon of this one for them.
		sum.Horizon = pr.Horizon * float64(len(p.last))
		p.f(sum)
	}
}
