var e=`# A checkout API to size: ~300 requests/s through a round-robin load
# balancer to one server of 1 core. Each request reserves 64 MB, parses
# (1 ms of CPU), runs 4 ms of business logic (exponential CPU), and waits
# 15 ms on the database. CPU demand is 300 x 0.005 = 1.5 cores, so one
# core is overloaded. Ask FastSim what meets p99 <= 100 ms:
#
#   fastsim size examples/sizing_checkout.yml --server checkout --p99 100ms
#   fastsim size examples/sizing_checkout.yml --what replicas --server checkout --p99 100ms
#   fastsim size examples/sizing_checkout.yml --what load --p99 100ms
#
# (the load sweep of the scenario as given, 1 core, shows where it breaks).
# See docs/sizing.md.
rqs_input:
  id: rqs-1
  avg_active_users: { mean: 600, distribution: poisson }
  avg_request_per_minute_per_user: { mean: 30, distribution: poisson }

topology_graph:
  nodes:
    client: { id: client-1 }
    load_balancer: { id: lb-1, algorithms: round_robin }
    servers:
      - id: checkout
        server_resources: { cpu_cores: 1, ram_mb: 4096 }
        endpoints:
          - endpoint_name: /checkout
            steps:
              - kind: ram
                step_operation: { necessary_ram: 64 }
              - kind: initial_parsing
                step_operation: { cpu_time: 0.001 }
              - kind: cpu_bound_operation
                step_operation: { cpu_time: { mean: 0.004, distribution: exponential } }
              - kind: io_db
                step_operation: { io_waiting_time: { mean: 0.015, distribution: exponential } }
  edges:
    - { id: gen-client,      source: rqs-1,    target: client-1, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
    - { id: client-lb,       source: client-1, target: lb-1,     latency: { mean: 0.001, distribution: exponential }, dropout_rate: 0 }
    - { id: lb-checkout,     source: lb-1,     target: checkout, latency: { mean: 0.0005, distribution: exponential }, dropout_rate: 0 }
    - { id: checkout-client, source: checkout, target: client-1, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }

sim_settings:
  total_simulation_time: 60
  sample_period_s: 0.05
`;export{e as default};