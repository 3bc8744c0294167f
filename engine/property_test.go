package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/fastsim/fastsim/scenario"
)

// randomScenario builds a random valid scenario: 1–4 servers,
// with or without a load balancer, random distributions, resources, pools,
// dropouts and events.
func randomScenario(r *rand.Rand) *scenario.Scenario {
	dists := []scenario.Distribution{scenario.Exponential, scenario.Normal, scenario.LogNormal,
		scenario.Uniform, scenario.Deterministic}
	anyRV := func(mean float64) scenario.RV {
		d := dists[r.IntN(len(dists))]
		x := scenario.RV{Mean: mean, Distribution: d}
		if d == scenario.Normal || d == scenario.LogNormal || (d == scenario.Uniform && r.IntN(2) == 0) {
			x.Variance = ptr(mean * mean / 4)
		}
		return x
	}
	kinds := []scenario.StepKind{scenario.IOTaskSpawn, scenario.IOLLM, scenario.IOWait, scenario.IODB, scenario.IOCache}
	var servers []scenario.Server
	for i := range 1 + r.IntN(4) {
		s := scenario.Server{
			ID:        fmt.Sprintf("s%d", i),
			Resources: scenario.ServerResources{CPUCores: 1 + r.IntN(4), RAMMB: 256 + r.IntN(2048)},
		}
		if r.IntN(2) == 0 {
			s.Resources.DBConnectionPool = ptr(1 + r.IntN(3))
		}
		for e := range 1 + r.IntN(3) {
			ep := scenario.Endpoint{Name: fmt.Sprintf("ep%d", e)}
			if r.IntN(3) == 0 {
				ep.Weight = ptr(r.Float64() + 0.1)
			}
			for range r.IntN(5) {
				switch r.IntN(3) {
				case 0:
					ep.Steps = append(ep.Steps, cpu(random(anyRV(0.0005+r.Float64()*0.003))))
				case 1:
					ep.Steps = append(ep.Steps, ram(float64(1+r.IntN(s.Resources.RAMMB/5))))
				default:
					ep.Steps = append(ep.Steps, io(kinds[r.IntN(len(kinds))], fixed(0.001+r.Float64()*0.05)))
				}
			}
			s.Endpoints = append(s.Endpoints, ep)
		}
		// Weights go on every endpoint of a server or on none.
		weighted := false
		for _, ep := range s.Endpoints {
			weighted = weighted || ep.Weight != nil
		}
		for j := range s.Endpoints {
			if weighted && s.Endpoints[j].Weight == nil {
				s.Endpoints[j].Weight = ptr(0.5)
			}
		}
		servers = append(servers, s)
	}
	w := scenario.Workload{
		ID:                         "gen",
		AvgActiveUsers:             scenario.RV{Mean: float64(1 + r.IntN(200)), Distribution: scenario.Poisson},
		AvgRequestPerMinutePerUser: scenario.RV{Mean: float64(1 + r.IntN(60)), Distribution: scenario.Poisson},
		UserSamplingWindow:         1 + r.IntN(120),
	}
	if r.IntN(2) == 0 {
		w.AvgActiveUsers = scenario.RV{Mean: w.AvgActiveUsers.Mean, Distribution: scenario.Normal, Variance: ptr(float64(r.IntN(100)))}
	}
	horizon := 5 + r.IntN(30)
	var sc *scenario.Scenario
	if len(servers) > 1 || r.IntN(2) == 0 {
		sc = lbScenario(w, horizon, scenario.Algorithms[r.IntN(2)], anyRV(0.001+r.Float64()*0.01), servers...)
	} else {
		sc = singleServer(w, horizon, [3]scenario.RV{anyRV(0.002), anyRV(0.002), anyRV(0.002)}, servers[0])
	}
	for i := range sc.Topology.Edges {
		if r.IntN(3) == 0 {
			sc.Topology.Edges[i].DropoutRate = r.Float64() * 0.2
		}
	}
	sc.Settings.SamplePeriodS = 0.001 + r.Float64()*0.099
	if r.IntN(2) == 0 {
		edge := sc.Topology.Edges[r.IntN(len(sc.Topology.Edges))].ID
		t0 := r.Float64() * float64(horizon-1)
		sc.Events = append(sc.Events, scenario.Event{ID: "spike", TargetID: edge,
			Start: scenario.EventStart{Kind: scenario.NetworkSpikeStart, TStart: t0, SpikeS: ptr(r.Float64() * 0.05)},
			End:   scenario.EventEnd{Kind: scenario.NetworkSpikeEnd, TEnd: min(t0+0.01+r.Float64()*float64(horizon), float64(horizon))}})
	}
	if len(servers) > 1 && r.IntN(2) == 0 {
		t0 := r.Float64() * float64(horizon-4)
		sc.Events = append(sc.Events, scenario.Event{ID: "down", TargetID: servers[r.IntN(len(servers))].ID,
			Start: scenario.EventStart{Kind: scenario.ServerDown, TStart: t0},
			End:   scenario.EventEnd{Kind: scenario.ServerUp, TEnd: t0 + 0.5 + r.Float64()*3}})
	}
	return sc
}

// TestRandomScenariosKeepInvariants runs random scenarios and checks the
// identities every run must satisfy, whatever the parameters.
func TestRandomScenariosKeepInvariants(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2026, 11))
	for i := range shortOr(20, 80) {
		sc := randomScenario(r)
		res, err := Run(context.Background(), sc, Options{Seed: int64(i), Series: i%4 == 0})
		if err != nil {
			t.Fatalf("scenario %d: %v", i, err)
		}
		checkConservation(t, res)
		if _, err := json.Marshal(res); err != nil {
			t.Errorf("scenario %d: encode result: %v", i, err)
		}
		c := res.Counts
		if c.Generated != c.Completed+c.Dropped+c.Failed+c.InFlight || c.InFlight < 0 {
			t.Errorf("scenario %d: counts do not add up: %+v", i, c)
		}
		if res.Latency.TotalRequests != c.Completed {
			t.Errorf("scenario %d: %d latencies for %d completions", i, res.Latency.TotalRequests, c.Completed)
		}
		var dropped, failed int64
		for _, e := range res.Edges {
			dropped += e.Dropped
		}
		for j, s := range sc.Topology.Nodes.Servers {
			st := res.Servers[s.ID]
			failed += st.Failed
			if st.Utilization < 0 || st.Utilization > 1+1e-12 {
				t.Errorf("scenario %d server %d: utilisation %v", i, j, st.Utilization)
			}
			if st.RAMInUse.Max > float64(s.Resources.RAMMB)+1e-6 {
				t.Errorf("scenario %d server %d: ram_in_use max %v > %d MB", i, j, st.RAMInUse.Max, s.Resources.RAMMB)
			}
			if st.ReadyQueueLen.Mean < 0 || st.ReadyQueueLen.Mean > st.ReadyQueueLen.Max {
				t.Errorf("scenario %d server %d: ready queue summary %+v", i, j, *st.ReadyQueueLen)
			}
		}
		if dropped != c.Dropped || failed > c.Failed {
			t.Errorf("scenario %d: per-edge drops %d (total %d), per-server failures %d (total %d)", i, dropped, c.Dropped, failed, c.Failed)
		}
		if c.Completed > 0 && (res.Latency.Min > res.Latency.P50*(1+0.005) || res.Latency.P50 > res.Latency.Max*(1+0.005)) {
			t.Errorf("scenario %d: latency order min %v p50 %v max %v", i, res.Latency.Min, res.Latency.P50, res.Latency.Max)
		}
	}
}
