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
	c.clearDiscriminators()
	out, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("scenario: canonical form: %w", err)
	}
	return out, nil
}

// clearDiscriminators drops the optional `type` keys, which carry no
// information once checked.
func (sc *Scenario) clearDiscriminators() {
	sc.Workload.Type = ""
	sc.Topology.Nodes.Client.Type = ""
	for i := range sc.Topology.Nodes.Servers {
		sc.Topology.Nodes.Servers[i].Type = ""
	}
	if lb := sc.Topology.Nodes.LoadBalancer; lb != nil {
		lb.Type = ""
	}
}
