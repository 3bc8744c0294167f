package scenario

import (
	"encoding/json"
	"fmt"
)

// Canonical returns the canonical JSON of a scenario: defaults applied,
// keys in the fixed order of the types, no insignificant white space,
// numbers in their shortest exact form. Two scenarios that decode to the
// same value have the same canonical bytes, which makes them fit for cache
// keys, and Decode(Canonical(sc)) gives sc back. sc is not modified.
func Canonical(sc *Scenario) ([]byte, error) {
	if sc == nil {
		return nil, fmt.Errorf("scenario: canonical form of a nil scenario")
	}
	raw, err := json.Marshal(sc)
	if err != nil {
		return nil, fmt.Errorf("scenario: canonical form: %w", err)
	}
	var c Scenario
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("scenario: canonical form: %w", err)
	}
	c.ApplyDefaults()
	c.normalize()
	out, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("scenario: canonical form: %w", err)
	}
	return out, nil
}

// normalize drops the optional `type` keys, which carry no information
// once checked, and turns nil required lists into empty ones so that they
// are written as [] rather than null.
func (sc *Scenario) normalize() {
	if sc.Topology.Edges == nil {
		sc.Topology.Edges = []Edge{}
	}
	if sc.Topology.Nodes.Servers == nil {
		sc.Topology.Nodes.Servers = []Server{}
	}
	for i := range sc.Topology.Nodes.Servers {
		s := &sc.Topology.Nodes.Servers[i]
		if s.Endpoints == nil {
			s.Endpoints = []Endpoint{}
		}
		for j := range s.Endpoints {
			if s.Endpoints[j].Steps == nil {
				s.Endpoints[j].Steps = []Step{}
			}
		}
	}
	if len(sc.Events) == 0 {
		sc.Events = nil
	}
	for _, lb := range sc.Topology.Nodes.AllLoadBalancers() {
		if len(lb.ServerCovered) == 0 {
			lb.ServerCovered = nil
		}
	}
	if !sc.Workload.Closed() {
		sc.Workload.Type = ""
	}
	for i := range sc.MoreWorkloads {
		if !sc.MoreWorkloads[i].Closed() {
			sc.MoreWorkloads[i].Type = ""
		}
	}
	sc.Topology.Nodes.Client.Type = ""
	for i := range sc.Topology.Nodes.Servers {
		sc.Topology.Nodes.Servers[i].Type = ""
	}
	for _, lb := range sc.Topology.Nodes.AllLoadBalancers() {
		lb.Type = ""
	}
}
