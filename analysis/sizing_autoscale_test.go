package analysis_test

import (
	"context"
	"math"
	"testing"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/analysis"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// TestSizeMaxReplicasOfAnAutoscaledServer: sizing the replicas of an
// autoscaled server sizes its max_replicas, through real runs.
func TestSizeMaxReplicasOfAnAutoscaledServer(t *testing.T) {
	t.Parallel()
	// 110 req/s (constant rate) of exponential 50 ms CPU bursts: a demand
	// of L = 5.5 cores, on 1-core instances behind least connection. The
	// autoscaler (target 0.6, starting at 9 instances) always wants
	// ceil(n · (5.5/n) / 0.6) = 10 > n instances for n ≤ 9, so with
	// max_replicas n ≤ 9 it runs n instances all along (replicas is
	// lowered to n). With n ≤ 5 the instances' capacity is below the
	// demand (ρ = 5.5/n ≥ 1.1): the backlog grows all run long and the p99
	// reaches tens of seconds. With n = 6 (ρ = 0.917) even random routing,
	// which least connection beats, would give each instance an M/M/1 p99
	// of ln(100)/(μ − λ) = 4.6/(20 − 18.33) = 2.76 s < 3 s. So the answer
	// for p99 ≤ 3 s is 6.
	sc, err := scenario.New().
		Workload(scenario.Workload{ID: "gen", AvgActiveUsers: scenario.NormalRV(1, 0),
			AvgRequestPerMinutePerUser: scenario.PoissonRV(110 * 60)}).
		Client("client").LoadBalancer("lb", scenario.LeastConnection).
		Server(scenario.NewServer("api").Cores(1).Endpoint("e", scenario.CPUStep(scenario.CPUBoundOperation, scenario.Random(scenario.ExpRV(0.05)))).
			Replicas(9).CostPerReplicaHour(1).
			Autoscale(scenario.Autoscaling{MinReplicas: 2, MaxReplicas: 20, Target: 0.6, EveryS: 10})).
		Edge("gen-client", "gen", "client", scenario.DetRV(hop), scenario.Dropout(0)).
		Edge("client-lb", "client", "lb", scenario.DetRV(hop), scenario.Dropout(0)).
		Edge("lb-api", "lb", "api", scenario.DetRV(hop), scenario.Dropout(0)).
		Edge("api-client", "api", "client", scenario.DetRV(hop), scenario.Dropout(0)).
		Horizon(120).Build()
	if err != nil {
		t.Fatal(err)
	}
	run := func(ctx context.Context, sc *scenario.Scenario, seed int64) (*result.Result, error) {
		r, err := fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
		if err == nil {
			// The autoscaler ran the candidate's ceiling all along.
			a := sc.Topology.Nodes.Servers[0].Autoscaling
			if rs := r.Servers["api"].Replicas; rs.Min != a.MaxReplicas || rs.Max != a.MaxReplicas || a.MinReplicas > a.MaxReplicas {
				t.Errorf("max_replicas %d: replicas %+v, min_replicas %d", a.MaxReplicas, *rs, a.MinReplicas)
			}
		}
		return r, err
	}
	res, err := analysis.SizeReplicas(context.Background(), sc, "api", analysis.SLA{Percentile: 0.99, LatencyS: 3},
		analysis.Options{Run: run, Seeds: []int64{1, 2}, Max: 9})
	if err != nil {
		t.Fatal(err)
	}
	if res.What != "max_replicas" || res.Answer != 6 {
		t.Errorf("sized %s = %d, want max_replicas = 6; evaluations %+v", res.What, res.Answer, res.Evaluations)
	}
	// Each evaluation carries the instances and the cost: n instances all
	// along for 120 s at 1 per instance-hour cost n/30.
	for _, ev := range res.Evaluations {
		n := ev.Value
		if r, c := ev.Replicas["api"], ev.Cost["api"]; r.Mean != n || math.Abs(c.Mean-n/30) > 1e-12 {
			t.Errorf("max_replicas %v: replicas %+v, cost %+v, want %v and %v", n, r, c, n, n/30)
		}
	}
	if sc.Topology.Nodes.Servers[0].Autoscaling.MaxReplicas != 20 || *sc.Topology.Nodes.Servers[0].Replicas != 9 {
		t.Error("SizeReplicas modified its input")
	}
}
