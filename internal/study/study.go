package study

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// Settings are the stored settings of a study: the library's own spec of
// its kind, seeds included, so that any process can run it and get the
// same answer.
type Settings struct {
	// Sizing is the spec of a sizing study.
	Sizing *analysis.SizingSpec `json:"sizing,omitempty"`
	// Sweep is the spec of a sweep study.
	Sweep *analysis.SweepSpec `json:"sweep,omitempty"`
}

// Decode reads stored settings and checks that they match kind.
func Decode(kind store.StudyKind, b []byte) (Settings, error) {
	var s Settings
	if err := json.Unmarshal(b, &s); err != nil {
		return Settings{}, fmt.Errorf("study: decode the settings: %w", err)
	}
	if err := s.matches(kind); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// matches reports an error unless exactly the spec of kind is set.
func (s Settings) matches(kind store.StudyKind) error {
	switch {
	case kind == store.KindSizing && s.Sizing != nil && s.Sweep == nil:
	case kind == store.KindSweep && s.Sweep != nil && s.Sizing == nil:
	default:
		return fmt.Errorf("study: settings of a %s study must hold exactly the %s spec", kind, kind)
	}
	return nil
}

// Seeds returns the replication seeds of the study's spec.
func (s Settings) Seeds() []int64 {
	if s.Sizing != nil {
		return s.Sizing.Seeds
	}
	if s.Sweep != nil {
		return s.Sweep.Seeds
	}
	return nil
}

// Plan is the work a study asks for, known before it runs.
type Plan struct {
	// Candidates is the number of candidate scenarios: exact for a sweep
	// and a load sizing, the most a cores or replicas search can need
	// (it stops earlier) otherwise.
	Candidates int
	// Runs is Candidates × the number of seeds: the candidate runs, one
	// job each.
	Runs int
	// Scenarios are the candidate scenarios whose size (servers, edges,
	// events) bounds the study's: every candidate of a sweep; for sizing,
	// the base, or its largest load.
	Scenarios []*scenario.Scenario
	// Servers is the most server instances a candidate can have
	// (scenario.InstanceCount): a replicas search adds up to max − 1
	// copies of the sized server to the base.
	Servers int
}

// errDryRun stops the library at its first run: Check uses it to have
// the library validate a sizing spec without simulating anything.
var errDryRun = errors.New("study: dry run")

// Check validates the settings of a study of kind on base with the
// library (unknown paths, wrong types, values out of range, an invalid
// SLA, an unknown server: the library's own errors, *scenario.ValidationError
// for paths), and returns its plan.
func Check(ctx context.Context, kind store.StudyKind, base *scenario.Scenario, s Settings) (Plan, error) {
	if err := s.matches(kind); err != nil {
		return Plan{}, err
	}
	if s.Sweep != nil {
		if err := s.Sweep.Validate(); err != nil {
			return Plan{}, err
		}
		cands, err := s.Sweep.Candidates(base)
		if err != nil {
			return Plan{}, err
		}
		p := Plan{Candidates: len(cands), Runs: len(cands) * len(s.Sweep.Seeds)}
		for _, c := range cands {
			p.Scenarios = append(p.Scenarios, c.Scenario)
			p.Servers = max(p.Servers, c.Scenario.InstanceCount())
		}
		return p, nil
	}
	sp := *s.Sizing
	if len(sp.Seeds) == 0 {
		return Plan{}, errors.New("analysis: the sizing spec has no seeds; give at least one replication")
	}
	dry := func(context.Context, *scenario.Scenario, int64) (*result.Result, error) { return nil, errDryRun }
	if _, err := sp.Run(ctx, base, analysis.Options{Run: dry, Parallelism: 1}); err != nil && !errors.Is(err, errDryRun) {
		return Plan{}, err
	}
	p := Plan{Scenarios: []*scenario.Scenario{base}}
	maxN := sp.Max
	if maxN == 0 {
		maxN = analysis.DefaultMax
	}
	switch sp.What {
	case "load":
		p.Candidates = len(sp.Loads)
		if len(sp.Loads) > 0 {
			p.Scenarios = []*scenario.Scenario{analysis.ScaleLoad(base, slices.Max(sp.Loads))}
		}
	default:
		p.Candidates = searchBound(maxN)
	}
	p.Servers = p.Scenarios[0].InstanceCount()
	if sp.What == "replicas" {
		p.Servers = replicasSearchServers(base, sp.Server, maxN)
	}
	p.Runs = p.Candidates * len(sp.Seeds)
	return p, nil
}

// replicasSearchServers returns the most server instances a replicas
// search of server id (the only server when id is empty) can run, as
// analysis.SizeReplicas builds its candidates: the base plus maxN − 1
// copies of the server, each with the server's own instances; for an
// autoscaled server, whose max_replicas the search sizes, the base with
// that server at maxN instances at most.
func replicasSearchServers(base *scenario.Scenario, id string, maxN int) int {
	n := base.InstanceCount()
	servers := base.Topology.Nodes.Servers
	for _, s := range servers {
		if s.ID != id && (id != "" || len(servers) != 1) {
			continue
		}
		if s.Autoscaling != nil {
			return n - s.MaxInstances() + maxN
		}
		return n + (maxN-1)*s.MaxInstances()
	}
	return n + maxN - 1
}

// searchBound is the most candidates the doubling-then-bisection search
// of analysis.SizeCores can evaluate with candidates 1 … maxN: the
// doublings (⌈log2 maxN⌉ + 1), the bisection (fewer than ⌈log2 maxN⌉)
// and the check of answer + 1; never more than maxN.
func searchBound(maxN int) int {
	k := int(math.Ceil(math.Log2(float64(maxN))))
	return min(maxN, 2*k+2)
}

// Result is the stored result of a study.
type Result struct {
	// Kind is sizing or sweep.
	Kind store.StudyKind `json:"kind"`
	// Sizing is the answer and evidence of a sizing study.
	Sizing *analysis.SizingResult `json:"sizing,omitempty"`
	// Sweep is every candidate's figures of a sweep study.
	Sweep *analysis.SweepStudy `json:"sweep,omitempty"`
	// Unreachable, for a sizing study whose SLA no candidate met, says so
	// and names the best candidate (as `fastsim size` does); the evidence
	// is in Sizing.
	Unreachable string `json:"unreachable,omitempty"`
}

// Run executes the study: the library decides which candidates to run and
// calls run once per candidate scenario and seed, up to parallelism at a
// time (the service's run schedules a job and waits for its result). A
// sizing study whose SLA no candidate meets still has a result, with
// Unreachable set.
func Run(ctx context.Context, kind store.StudyKind, base *scenario.Scenario, s Settings, run analysis.RunFunc, parallelism int) (*Result, error) {
	if err := s.matches(kind); err != nil {
		return nil, err
	}
	o := analysis.Options{Run: run, Parallelism: max(parallelism, 1)}
	if s.Sweep != nil {
		sw, err := analysis.RunSweep(ctx, base, *s.Sweep, o)
		if err != nil {
			return nil, err
		}
		return &Result{Kind: kind, Sweep: sw}, nil
	}
	res, err := s.Sizing.Run(ctx, base, o)
	var unreachable *analysis.UnreachableError
	switch {
	case errors.As(err, &unreachable) && res != nil:
		return &Result{Kind: kind, Sizing: res, Unreachable: err.Error()}, nil
	case err != nil:
		return nil, err
	}
	return &Result{Kind: kind, Sizing: res}, nil
}
