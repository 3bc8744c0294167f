var e=`# A least-connection load balancer in front of two unequal servers:
#   generator -> client -> lb -> srv-fast (2 cores) -> client
#                            \\-> srv-slow (1 core)  -> client
# ~80 requests/s. least_connection picks the server with the fewest
# requests in transit on its load-balancer edge, ties going to the first
# declared server, so srv-fast takes most of the load and srv-slow the
# overflow; compare the per-server figures with algorithms: round_robin.
rqs_input:
  id: rqs-1
  avg_active_users: { mean: 160, distribution: poisson }
  avg_request_per_minute_per_user: { mean: 30, distribution: poisson }

topology_graph:
  nodes:
    client: { id: client-1 }
    load_balancer:
      id: lb-1
      algorithms: least_connection
      server_covered: [srv-fast, srv-slow]
    servers:
      - id: srv-fast
        server_resources: { cpu_cores: 2, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /api
            steps:
              - kind: initial_parsing
                step_operation: { cpu_time: 0.002 }
              - kind: ram
                step_operation: { necessary_ram: 128 }
              - kind: io_wait
                step_operation: { io_waiting_time: 0.012 }
      - id: srv-slow
        server_resources: { cpu_cores: 1, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /api
            steps:
              - kind: initial_parsing
                step_operation: { cpu_time: 0.006 }
              - kind: ram
                step_operation: { necessary_ram: 128 }
              - kind: io_wait
                step_operation: { io_waiting_time: 0.012 }
  edges:
    - { id: gen-client,  source: rqs-1,    target: client-1, latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }
    - { id: client-lb,   source: client-1, target: lb-1,     latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
    - { id: lb-fast,     source: lb-1,     target: srv-fast, latency: { mean: 0.001, distribution: exponential }, dropout_rate: 0 }
    - { id: lb-slow,     source: lb-1,     target: srv-slow, latency: { mean: 0.001, distribution: exponential }, dropout_rate: 0 }
    - { id: fast-client, source: srv-fast, target: client-1, latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }
    - { id: slow-client, source: srv-slow, target: client-1, latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }

sim_settings:
  total_simulation_time: 300
  sample_period_s: 0.05
`;export{e as default};