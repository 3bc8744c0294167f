var e=`# A server whose database connections are the bottleneck (FastSim
# extension db_connection_pool). 90 % of requests read orders: random CPU
# time, 64 MB, then an io_db wait (log-normal, mean 40 ms) that needs one
# of the 4 pooled connections; 10 % are health checks that never touch
# the database. ~75 requests/s x 0.9 x 40 ms = 2.7 connections busy on
# average out of 4: queueing for a connection is visible in the latency
# tail, while the 4 cores stay mostly idle.
rqs_input:
  id: rqs-1
  avg_active_users: { mean: 150, distribution: poisson }
  avg_request_per_minute_per_user: { mean: 30, distribution: poisson }

topology_graph:
  nodes:
    client: { id: client-1 }
    servers:
      - id: api-1
        server_resources: { cpu_cores: 4, ram_mb: 4096, db_connection_pool: 4 }
        endpoints:
          - endpoint_name: /orders
            probability: 0.9
            steps:
              - kind: initial_parsing
                step_operation: { cpu_time: { mean: 0.0005, distribution: deterministic } }
              - kind: ram
                step_operation: { necessary_ram: 64 }
              - kind: io_db
                step_operation:
                  io_waiting_time: { mean: 0.04, distribution: log_normal, variance: 0.0004 }
              - kind: cpu_bound_operation
                step_operation: { cpu_time: { mean: 0.002, distribution: exponential } }
          - endpoint_name: /health
            probability: 0.1
            steps:
              - kind: cpu_bound_operation
                step_operation: { cpu_time: 0.0002 }
  edges:
    - { id: gen-client, source: rqs-1,    target: client-1, latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }
    - { id: client-api, source: client-1, target: api-1,    latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
    - { id: api-client, source: api-1,    target: client-1, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }

sim_settings:
  total_simulation_time: 300
  sample_period_s: 0.05
`;export{e as default};