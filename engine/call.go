package engine

import "errors"

// ErrServiceGraph is returned by Run for a scenario that uses service
// calls, `load_balancers` or `replicas` (spec §10 and §13): the scenario
// package accepts and validates them, but this engine does not simulate
// them yet, and refuses rather than give results that ignore them.
var ErrServiceGraph = errors.New("service calls, load_balancers and replicas (spec §10, §13) are validated but not simulated by this engine yet; remove them to run the scenario")
