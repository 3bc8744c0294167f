var e=`# A diurnal load profile (spec §11) on one server, with a compressed "day"
# of 240 s: the rate follows x(t), interpolated linearly between the
# points, times the base rate of 50 users x 60 req/min / 60 = 50 req/s.
# Night (x = 0.2, 10 req/s), morning ramp, a lunch peak (x = 3, 150
# req/s: the 1-core server, 4 ms of CPU per request, is then 60 % busy),
# an afternoon plateau and the evening decline. Arrivals are exact for the
# time-varying Poisson rate (thinning), so about ∫ rate dt = 50 x 310.5
# = 15,525 requests arrive over the day.
rqs_input:
  id: visitors
  avg_active_users: { mean: 50, distribution: normal, variance: 0 }
  avg_request_per_minute_per_user: { mean: 60 }
  user_sampling_window: 60
  profile:
    - { t: 0, x: 0.2 }
    - { t: 40, x: 0.2 }
    - { t: 80, x: 1.5 }
    - { t: 110, x: 3 }
    - { t: 130, x: 3 }
    - { t: 150, x: 1.5 }
    - { t: 190, x: 1.5 }
    - { t: 230, x: 0.2 }

topology_graph:
  nodes:
    client: { id: client }
    servers:
      - id: web
        server_resources: { cpu_cores: 1, ram_mb: 2048 }
        endpoints:
          - endpoint_name: /page
            steps:
              - { kind: cpu_bound_operation, step_operation: { cpu_time: { mean: 0.004, distribution: exponential } } }
              - { kind: io_wait, step_operation: { io_waiting_time: 0.03 } }
  edges:
    - { id: visitors-client, source: visitors, target: client, latency: { mean: 0.002, distribution: exponential }, dropout_rate: 0 }
    - { id: client-web, source: client, target: web, latency: { mean: 0.01, distribution: exponential }, dropout_rate: 0 }
    - { id: web-client, source: web, target: client, latency: { mean: 0.01, distribution: exponential }, dropout_rate: 0 }

sim_settings:
  total_simulation_time: 240
  sample_period_s: 0.05
`;export{e as default};