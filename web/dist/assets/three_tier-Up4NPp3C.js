var e=`# A three-tier service graph (spec §10, §13):
#   generator -> client -> gateway -> client
#   gateway awaits auth (/check), then catalog-lb (/items);
#   catalog-lb spreads over catalog#1..#3 (replicas: 3, least connection);
#   each catalog instance awaits inventory (/stock), database-bound.
# ~200 requests/s. The busiest servers are the catalog instances: 200/3
# requests/s × 12 ms of CPU each ≈ 80 % utilisation; auth ≈ 40 %,
# gateway ≈ 20 % of its two cores, inventory's pool of 4 connections ≈ 50 %.
# Every response goes back to its sender over its own edge. Edges inside
# the data centre are deterministic and lose nothing (a call over an edge
# that drops requests would wait until the horizon: no timeouts before
# issue 11).
rqs_input:
  id: gen
  avg_active_users: { mean: 100, distribution: poisson }
  avg_request_per_minute_per_user: { mean: 120, distribution: poisson }

topology_graph:
  nodes:
    client: { id: client }
    load_balancers:
      - id: catalog-lb
        algorithms: least_connection
    servers:
      - id: gateway
        server_resources: { cpu_cores: 2, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /page
            steps:
              - kind: initial_parsing
                step_operation: { cpu_time: 0.001 }
              - kind: ram
                step_operation: { necessary_ram: 64 }
              - kind: call
                step_operation:
                  call: { target: auth, endpoint: /check }
              - kind: call
                step_operation:
                  call: { target: catalog-lb, endpoint: /items }
              - kind: cpu_bound_operation
                step_operation: { cpu_time: 0.001 }
      - id: auth
        server_resources: { cpu_cores: 1 }
        endpoints:
          - endpoint_name: /check
            steps:
              - kind: cpu_bound_operation
                step_operation: { cpu_time: { mean: 0.002, distribution: exponential } }
      - id: catalog
        replicas: 3
        server_resources: { cpu_cores: 1 }
        endpoints:
          - endpoint_name: /items
            steps:
              - kind: cpu_bound_operation
                step_operation: { cpu_time: { mean: 0.012, distribution: exponential } }
              - kind: call
                step_operation:
                  call: { target: inventory, endpoint: /stock }
      - id: inventory
        server_resources: { cpu_cores: 1, db_connection_pool: 4 }
        endpoints:
          - endpoint_name: /stock
            steps:
              - kind: cpu_bound_operation
                step_operation: { cpu_time: 0.001 }
              - kind: io_db
                step_operation: { io_waiting_time: { mean: 0.01, distribution: exponential } }

  edges:
    - { id: gen-client, source: gen, target: client, latency: { mean: 0.001, distribution: deterministic }, dropout_rate: 0 }
    - { id: client-gateway, source: client, target: gateway, latency: { mean: 0.01, distribution: exponential }, dropout_rate: 0 }
    - { id: gateway-client, source: gateway, target: client, latency: { mean: 0.01, distribution: exponential }, dropout_rate: 0 }
    - { id: gateway-auth, source: gateway, target: auth, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: auth-gateway, source: auth, target: gateway, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: gateway-catalog-lb, source: gateway, target: catalog-lb, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: catalog-lb-catalog, source: catalog-lb, target: catalog, latency: { mean: 0.0002, distribution: deterministic }, dropout_rate: 0 }
    - { id: catalog-gateway, source: catalog, target: gateway, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: catalog-inventory, source: catalog, target: inventory, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }
    - { id: inventory-catalog, source: inventory, target: catalog, latency: { mean: 0.0005, distribution: deterministic }, dropout_rate: 0 }

sim_settings:
  total_simulation_time: 120
  sample_period_s: 0.05
`;export{e as default};