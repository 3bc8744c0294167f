var e=`# An overloaded server: ~250 requests/s against one core that needs 5 ms
# of CPU per request (exponential), i.e. utilisation 250 x 0.005 = 1.25.
# The ready queue grows for the whole run, latency climbs with time, and
# RAM (20 MB per request in 2048 MB, so at most 102 requests at once)
# becomes a second queue in front of the CPU. Many requests are still in
# flight at the horizon. Compare with cpu_cores: 2 (utilisation 0.63).
rqs_input:
  id: rqs-1
  avg_active_users: { mean: 500, distribution: poisson }
  avg_request_per_minute_per_user: { mean: 30, distribution: poisson }

topology_graph:
  nodes:
    client: { id: client-1 }
    servers:
      - id: srv-1
        server_resources: { cpu_cores: 1, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /api
            steps:
              - kind: ram
                step_operation: { necessary_ram: 20 }
              - kind: cpu_bound_operation
                step_operation: { cpu_time: { mean: 0.005, distribution: exponential } }
              - kind: io_wait
                step_operation: { io_waiting_time: 0.01 }
  edges:
    - { id: gen-client, source: rqs-1,    target: client-1, latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }
    - { id: client-srv, source: client-1, target: srv-1,    latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }
    - { id: srv-client, source: srv-1,    target: client-1, latency: { mean: 0.003, distribution: exponential }, dropout_rate: 0 }

sim_settings:
  total_simulation_time: 60
  sample_period_s: 0.05
`;export{e as default};