package job

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastsim/fastsim/internal/store"
)

// Metrics are the job metrics of one Client. They are registered with
// Config.Registerer when it is set:
//
//   - fastsim_runs_submitted_total: runs submitted through this client;
//   - fastsim_runs_finished_total{status}: runs this process finished, by
//     final status;
//   - fastsim_jobs_running: simulation jobs running in this process;
//   - fastsim_simulated_events_total: simulation events processed by this
//     process (rate() gives simulated events per second);
//   - fastsim_runs{status}: runs in the database by status (queued, running,
//     …), counted when scraped;
//   - fastsim_studies{status}: studies in the database by status, counted
//     when scraped;
//   - fastsim_jobs_reaped_total{outcome}: jobs whose worker died that this
//     process's reaper handed on: "retried", or "failed" (a second death
//     or the last attempt).
type Metrics struct {
	submitted prometheus.Counter
	finished  *prometheus.CounterVec
	running   prometheus.Gauge
	events    prometheus.Counter
	byStatus  *statusCollector
	studies   *statusCollector
	reaped    *prometheus.CounterVec
	nRunning  atomic.Int64
	nEvents   atomic.Int64
}

func newMetrics(reg prometheus.Registerer, st store.Store) (*Metrics, error) {
	m := &Metrics{
		submitted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fastsim_runs_submitted_total", Help: "Runs submitted through this process.",
		}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fastsim_runs_finished_total", Help: "Runs finished by this process, by final status.",
		}, []string{"status"}),
		running: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fastsim_jobs_running", Help: "Simulation jobs running in this process.",
		}),
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fastsim_simulated_events_total", Help: "Simulation events processed by this process.",
		}),
		reaped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fastsim_jobs_reaped_total", Help: "Jobs whose worker died, handed on by this process: retried or failed.",
		}, []string{"outcome"}),
		byStatus: &statusCollector{count: st.CountRuns, desc: prometheus.NewDesc(
			"fastsim_runs", "Runs in the database by status.", []string{"status"}, nil)},
		studies: &statusCollector{count: st.CountStudies, desc: prometheus.NewDesc(
			"fastsim_studies", "Studies in the database by status.", []string{"status"}, nil)},
	}
	for _, outcome := range []string{"retried", "failed"} {
		m.reaped.WithLabelValues(outcome) // exported at 0 from the start
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.submitted, m.finished, m.running, m.events, m.reaped, m.byStatus, m.studies} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("job: register metrics: %w", err)
		}
	}
	return m, nil
}

// Running returns the number of simulation jobs running in this process.
func (m *Metrics) Running() int64 { return m.nRunning.Load() }

// Events returns the number of simulation events this process processed.
func (m *Metrics) Events() int64 { return m.nEvents.Load() }

func (m *Metrics) jobStarted() { m.running.Set(float64(m.nRunning.Add(1))) }
func (m *Metrics) jobEnded()   { m.running.Set(float64(m.nRunning.Add(-1))) }

func (m *Metrics) addEvents(n int64) {
	if n > 0 {
		m.nEvents.Add(n)
		m.events.Add(float64(n))
	}
}

func (m *Metrics) runFinished(s store.RunStatus) { m.finished.WithLabelValues(string(s)).Inc() }

// jobReaped counts a job handed on by the reaper: retried, or failed.
func (m *Metrics) jobReaped(retried bool) {
	outcome := "failed"
	if retried {
		outcome = "retried"
	}
	m.reaped.WithLabelValues(outcome).Inc()
}

// statusCollector counts runs (or studies) by status in the store at
// scrape time.
type statusCollector struct {
	count func(context.Context) (map[store.RunStatus]int, error)
	desc  *prometheus.Desc
}

func (c *statusCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *statusCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, s := range store.RunStatuses {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
}
