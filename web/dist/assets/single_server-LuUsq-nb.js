var e=`# Single server, shaped like the spec's AsyncFlow example:
#   generator -> client -> srv-1 -> client
# Each request parses for 1 ms of CPU, holds 100 MB of RAM and waits
# 100 ms on I/O (the core is free while it waits). ~50 requests/s
# (100 users x 30 requests/minute / 60), so the core is ~5 % busy and the
# latency is about 100 ms of I/O + 1 ms of CPU + 3 x 3 ms of network.
rqs_input:
  id: rqs-1
  avg_active_users: { mean: 100, distribution: poisson }
  avg_request_per_minute_per_user: { mean: 30, distribution: poisson }
  user_sampling_window: 60

topology_graph:
  nodes:
    client: { id: client-1 }
    servers:
      - id: srv-1
        server_resources: { cpu_cores: 1, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /api
            steps:
              - kind: initial_parsing
                step_operation: { cpu_time: 0.001 }
              - kind: ram
                step_operation: { necessary_ram: 100 }
              - kind: io_wait
                step_operation: { io_waiting_time: 0.1 }
  edges:
    - id: gen-to-client
      source: rqs-1
      target: client-1
      latency: { mean: 0.003, distribution: exponential }
      dropout_rate: 0
    - id: client-to-server
      source: client-1
      target: srv-1
      latency: { mean: 0.003, distribution: exponential }
      dropout_rate: 0
    - id: server-to-client
      source: srv-1
      target: client-1
      latency: { mean: 0.003, distribution: exponential }
      dropout_rate: 0

sim_settings:
  total_simulation_time: 300
  sample_period_s: 0.05
`;export{e as default};