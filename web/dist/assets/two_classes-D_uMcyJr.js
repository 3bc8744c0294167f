var e=`# Two request classes (spec §11) on one API behind a load balancer:
#   browse   -> client -> lb -> api-1 | api-2 -> client   (endpoint /search)
#   checkout -> client -> lb -> api-1 | api-2 -> client   (endpoint /checkout)
# Browsing is frequent and light (2 ms of CPU, a 20 ms cache read);
# checkout is rare and heavy (8 ms of CPU, a 60 ms database write). Each
# class has its own arrivals, endpoint and results (\`classes\`): ~200 req/s
# of browse and ~20 req/s of checkout keep each 2-core server ~14 % busy
# ((200 x 2 ms + 20 x 8 ms) / 2 servers / 2 cores).
rqs_input:
  - id: browse
    avg_active_users: { mean: 400, distribution: poisson }
    avg_request_per_minute_per_user: { mean: 30 }
    user_sampling_window: 30
    endpoint: /search
  - id: checkout
    avg_active_users: { mean: 60, distribution: poisson }
    avg_request_per_minute_per_user: { mean: 20 }
    user_sampling_window: 30
    endpoint: /checkout

topology_graph:
  nodes:
    client: { id: client }
    load_balancer: { id: lb, algorithms: least_connection }
    servers:
      - id: api-1
        server_resources: { cpu_cores: 2, ram_mb: 4096 }
        endpoints: &endpoints
          - endpoint_name: /search
            steps:
              - { kind: cpu_bound_operation, step_operation: { cpu_time: 0.002 } }
              - { kind: io_cache, step_operation: { io_waiting_time: 0.02 } }
          - endpoint_name: /checkout
            steps:
              - { kind: cpu_bound_operation, step_operation: { cpu_time: 0.008 } }
              - { kind: ram, step_operation: { necessary_ram: 50 } }
              - { kind: io_db, step_operation: { io_waiting_time: 0.06 } }
      - id: api-2
        server_resources: { cpu_cores: 2, ram_mb: 4096 }
        endpoints: *endpoints
  edges:
    - { id: browse-client, source: browse, target: client, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
    - { id: checkout-client, source: checkout, target: client, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
    - { id: client-lb, source: client, target: lb, latency: { mean: 0.001, distribution: exponential }, dropout_rate: 0 }
    - { id: lb-api-1, source: lb, target: api-1, latency: { mean: 0.0005, distribution: exponential }, dropout_rate: 0 }
    - { id: lb-api-2, source: lb, target: api-2, latency: { mean: 0.0005, distribution: exponential }, dropout_rate: 0 }
    - { id: api-1-client, source: api-1, target: client, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
    - { id: api-2-client, source: api-2, target: client, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }

sim_settings:
  total_simulation_time: 300
  sample_period_s: 0.05
`;export{e as default};