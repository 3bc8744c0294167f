// Package engine is FastSim's discrete-event simulation kernel. It runs a
// validated scenario (spec sections 2 to 8) on a virtual clock and returns a
// result.Result:
//
//	r, err := engine.Run(ctx, sc, engine.Options{Seed: 42})
//
// # Design
//
// Run first checks the scenario with scenario.Validate, the only place its
// rules live (an invalid one is refused with the *scenario.ValidationError),
// then compiles it into flat arrays indexed by int32 (nodes,
// edges, servers, endpoints, segments of steps), so the hot path touches no
// map and no string. The future is a 4-ary min-heap of plain event values
// ordered by (time, priority, sequence number): simultaneous events are
// processed in a fixed order, and at equal times the end of an injected
// event is applied before a start (spec §6). Two shortcuts keep the heap
// small without changing that order: each open generator's single pending
// arrival waits in its own slot (a closed workload's users wait in the heap), and events scheduled with a constant delay (fixed
// step times, deterministic edges) wait in FIFO lanes, one per distinct
// delay, which are sorted by construction; the loop takes the earliest of
// the slot, the heap's top and the lanes' heads. Requests live in a slab with a
// free list; every server keeps FIFO ring buffers for its ready queue, its
// RAM wait queue and its database-pool wait queue. There is no goroutine per
// request or actor and, once the slab, the heap and the rings have reached
// their working size, no allocation per event.
//
// Every component draws from its own PCG stream (math/rand/v2) seeded from
// the run seed and a hash of the component's kind, id and purpose (rng.go);
// each random step time has its own stream too, named by server, endpoint
// and step index, and each request class (generator) by its id. Changing one
// server's or one endpoint's parameters, or adding a class, leaves the
// arrival sequence of every other class and every other component's and
// step's draws unchanged (common random numbers).
//
// Sampled metrics are not scheduled as events: state is piecewise constant
// between events, so samples are emitted lazily when the clock moves past a
// sample time (sampler.go). Utilisation integrates busy cores exactly over
// time.
//
// # Overload and resilience
//
// A scenario that uses a key of spec §12 (scenario.HasResilience) runs
// with attempts and outcomes (resilience.go): each attempt of a request,
// or of a call, is a request of the slab with a call state in a side slab
// holding its number, deadline and outcome flags, so that the hot path of
// other scenarios is unchanged. A deadline is an event; a timed-out
// attempt keeps running on its servers and its late response is
// discarded. A retry is an event after its backoff, whose jitter draws
// from a stream of its own. Circuit breakers (breaker.go) and token
// buckets (tokenbucket.go) are plain values consulted when an attempt is
// sent or a request arrives; they schedule nothing. The rules the spec
// leaves open are listed in docs/scenario.md.
//
// # Limits and estimates
//
// A run is bounded while it runs (limits.go): Options.MaxEvents caps the
// events processed (CPU time) and Options.MaxInFlight the requests alive
// at once (memory, BytesPerInFlight each; MemoryBound states a run's
// bound). Crossing one stops the run with a *LimitError that matches
// ErrLimitExceeded. The checks cost nothing per event: the event limit
// shares the loop's existing periodic check, and the in-flight limit is
// checked only when the request slab grows, which it never does past the
// limit. Estimate (estimate.go) is the one up-front estimate of a run's
// requests and events, used by the service's event budget and the CLI's
// progress bar; it counts exactly the events this package schedules.
//
// # Choices the spec leaves open
//
// A request waiting for a database connection (spec §5, db_connection_pool)
// does not hold a core and is counted in event_loop_io_sleep, like a
// request sleeping on I/O: the event loop is not running it. A request
// already in transit to a load-balanced server when that server goes down
// is served (the load balancer stops routing to it; the server itself keeps
// working, as in AsyncFlow). A request that reaches a load balancer while
// every server it covers is down fails, counted in counts.failed only.
// A load balancer counts a request as outstanding on its server from
// dispatch until it is freed: back at the client, or lost on an edge (it
// will never be answered, and a real balancer's connection would close).
// Consecutive CPU steps of an endpoint are one event (the request keeps its
// core), and so are consecutive I/O steps that need no connection.
// Sample k at time k·sample_period_s sees every event at or before that
// time. Events at or after the horizon are not processed.
//
// Recovery after each event (result.Recovery, spec §14) is computed
// without scheduling anything (recovery.go): the completions feed, per
// event, a baseline sketch over the 60 s before it and a ring of
// per-second sketches after its end, whose checkpoints are evaluated when
// the next completion or outcome passes them, and at the horizon.
//
// A server with replicas or autoscaling (spec §13) is a group of
// instances, contiguous in the server array; an autoscaled one has its
// max_replicas instances from the start, and those not in service (off,
// starting or draining) count as down, so the load balancers skip them
// with no extra work (autoscale.go).
//
// One file per actor: generator.go, client.go, loadbalancer.go, server.go,
// edge.go, events.go (injected outages and spikes), sampler.go; recovery.go
// the recovery watches, autoscale.go the replica groups and autoscalers;
// rv.go holds the distributions of spec §2, queue.go the event heap, compile.go the
// translation of a scenario into the flat model, engine.go Run and the loop,
// limits.go the run-time limits, estimate.go Estimate, call.go the service
// calls and resilience.go the attempts, outcomes, retries and admission.
package engine
