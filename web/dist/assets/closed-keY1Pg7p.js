var e=`# A closed workload (spec §11): 50 users, each sending a request, waiting
# for its outcome, thinking for an exponential 1 s on average, and sending
# the next. The load adapts to the system: one server with 1 core and an
# exponential 10 ms of CPU per request saturates near N* = (Z + S) / S
# ≈ 100 users, so at 50 users it runs at about 50 / (Z + R) ≈ 49 req/s.
# Exact mean-value analysis (docs/scenario.md, "Closed workloads") gives
# X = 48.93 req/s and a mean latency of 21.9 ms (3 ms of edges included).
rqs_input:
  id: users
  type: closed
  users: 50
  think_time: { mean: 1, distribution: exponential }

topology_graph:
  nodes:
    client: { id: client }
    servers:
      - id: app
        server_resources: { cpu_cores: 1, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /action
            steps:
              - { kind: cpu_bound_operation, step_operation: { cpu_time: { mean: 0.01, distribution: exponential } } }
  edges:
    - { id: users-client, source: users, target: client, latency: { mean: 0.001, distribution: deterministic }, dropout_rate: 0 }
    - { id: client-app, source: client, target: app, latency: { mean: 0.001, distribution: deterministic }, dropout_rate: 0 }
    - { id: app-client, source: app, target: client, latency: { mean: 0.001, distribution: deterministic }, dropout_rate: 0 }

sim_settings:
  total_simulation_time: 300
  sample_period_s: 0.05
`;export{e as default};