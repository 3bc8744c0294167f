var e=`# Fault injection behind a round-robin load balancer:
# - srv-1 is down from t=100 s to t=160 s: the load balancer routes
#   everything to srv-2, whose queue and latency grow meanwhile;
# - from t=200 s to t=230 s every request entering client-lb gets 50 ms of
#   extra latency (a network spike);
# - srv-2 is down from t=160 s to t=180 s, back to back with srv-1's
#   outage, so one server is always up.
# ~60 requests/s, 10 ms of CPU each: each server is 30 % busy, the one
# left alone during an outage 60 %. AsyncFlow default dropout (1 % per hop).
rqs_input:
  id: rqs-1
  avg_active_users: { mean: 120, distribution: poisson }
  avg_request_per_minute_per_user: { mean: 30, distribution: poisson }

topology_graph:
  nodes:
    client: { id: client-1 }
    load_balancer:
      id: lb-1
      algorithms: round_robin
    servers:
      - id: srv-1
        server_resources: { cpu_cores: 1, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /api
            steps:
              - kind: initial_parsing
                step_operation: { cpu_time: 0.01 }
              - kind: ram
                step_operation: { necessary_ram: 128 }
              - kind: io_wait
                step_operation: { io_waiting_time: 0.02 }
      - id: srv-2
        server_resources: { cpu_cores: 1, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /api
            steps:
              - kind: initial_parsing
                step_operation: { cpu_time: 0.01 }
              - kind: ram
                step_operation: { necessary_ram: 128 }
              - kind: io_wait
                step_operation: { io_waiting_time: 0.02 }
  edges:
    - { id: gen-client,  source: rqs-1,    target: client-1, latency: { mean: 0.003, distribution: exponential } }
    - { id: client-lb,   source: client-1, target: lb-1,     latency: { mean: 0.002, distribution: exponential } }
    - { id: lb-srv1,     source: lb-1,     target: srv-1,    latency: { mean: 0.002, distribution: exponential } }
    - { id: lb-srv2,     source: lb-1,     target: srv-2,    latency: { mean: 0.002, distribution: exponential } }
    - { id: srv1-client, source: srv-1,    target: client-1, latency: { mean: 0.003, distribution: exponential } }
    - { id: srv2-client, source: srv-2,    target: client-1, latency: { mean: 0.003, distribution: exponential } }

sim_settings:
  total_simulation_time: 300
  sample_period_s: 0.05

events:
  - event_id: srv1-outage
    target_id: srv-1
    start: { kind: server_down, t_start: 100 }
    end:   { kind: server_up,   t_end: 160 }
  - event_id: srv2-outage
    target_id: srv-2
    start: { kind: server_down, t_start: 160 }
    end:   { kind: server_up,   t_end: 180 }
  - event_id: client-lb-spike
    target_id: client-lb
    start: { kind: network_spike_start, t_start: 200, spike_s: 0.05 }
    end:   { kind: network_spike_end,   t_end: 230 }
`;export{e as default};