var e=`# A fan-out page (spec §10): the page server parses the request, then
# awaits three services at once (a \`parallel\` step, a join with
# asyncio.gather semantics) and renders the answer.
#   generator -> client -> page -> client
#   page awaits profile, recommendations and cart in parallel.
# ~50 requests/s. The step lasts as long as the slowest of the three calls:
# its mean is E[max] of the three waits, not their sum. The cart call has
# on_failure: continue (the page renders without it); the others fail the
# page when they fail.
rqs_input:
  id: gen
  avg_active_users: { mean: 50, distribution: poisson }
  avg_request_per_minute_per_user: { mean: 60, distribution: poisson }

topology_graph:
  nodes:
    client: { id: client }
    servers:
      - id: page
        server_resources: { cpu_cores: 2, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /home
            steps:
              - kind: initial_parsing
                step_operation: { cpu_time: 0.001 }
              - kind: parallel
                step_operation:
                  calls:
                    - { target: profile, endpoint: /me }
                    - { target: recommendations, endpoint: /for-me }
                    - { target: cart, endpoint: /cart, on_failure: continue }
              - kind: cpu_bound_operation
                step_operation: { cpu_time: 0.003 }
      - id: profile
        server_resources: { cpu_cores: 1 }
        endpoints:
          - endpoint_name: /me
            steps:
              - kind: io_cache
                step_operation: { io_waiting_time: { mean: 0.002, distribution: exponential } }
      - id: recommendations
        server_resources: { cpu_cores: 2 }
        endpoints:
          - endpoint_name: /for-me
            steps:
              - kind: cpu_bound_operation
                step_operation: { cpu_time: { mean: 0.008, distribution: exponential } }
              - kind: io_llm
                step_operation: { io_waiting_time: { mean: 0.05, distribution: exponential } }
      - id: cart
        server_resources: { cpu_cores: 1, db_connection_pool: 5 }
        endpoints:
          - endpoint_name: /cart
            steps:
              - kind: io_db
                step_operation: { io_waiting_time: { mean: 0.01, distribution: exponential } }

  edges:
    - { id: gen-client, source: gen, target: client, latency: { mean: 0.001, distribution: deterministic }, dropout_rate: 0 }
    - { id: client-page, source: client, target: page, latency: { mean: 0.01, distribution: exponential }, dropout_rate: 0 }
    - { id: page-client, source: page, target: client, latency: { mean: 0.01, distribution: exponential }, dropout_rate: 0 }
    - { id: page-profile, source: page, target: profile, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: profile-page, source: profile, target: page, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: page-recommendations, source: page, target: recommendations, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: recommendations-page, source: recommendations, target: page, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: page-cart, source: page, target: cart, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: cart-page, source: cart, target: page, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }

sim_settings:
  total_simulation_time: 120
  sample_period_s: 0.05
`;export{e as default};