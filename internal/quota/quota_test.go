package quota

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/store"
)

func TestParse(t *testing.T) {
	t.Parallel()
	base := Plan{MaxConcurrentRuns: 2, MaxEventBudget: 50, MaxRunsPerDay: 100, MaxReplications: 10, MaxEvents: 60, MaxInFlight: 70, MaxServers: 20, MaxEdges: 30, MaxSeriesValues: 40}
	tests := []struct {
		name    string
		in      string
		want    Plan
		wantErr string
	}{
		{name: "OKAll", in: "concurrent=3, budget=7,runs_per_day=0,replications=4,events=5,in_flight=6,servers=8,edges=9,series_values=10", want: Plan{3, 7, 0, 4, 5, 6, 8, 9, 10}},
		{name: "OKPartialKeepsBase", in: "budget=99,in_flight=0", want: Plan{2, 99, 100, 10, 60, 0, 20, 30, 40}},
		{name: "OKEmpty", in: "", want: base},
		{name: "ErrUnknownKey", in: "cores=3", wantErr: `unknown key "cores"; use concurrent, budget, runs_per_day, replications, events, in_flight, servers, edges or series_values`},
		{name: "ErrNotKeyValue", in: "concurrent", wantErr: `"concurrent" is not key=value`},
		{name: "ErrNegative", in: "concurrent=-1,budget=x", wantErr: `concurrent: "-1" is not a non-negative integer; budget: "x" is not a non-negative integer`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in, base)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Parse(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestStringRoundTrips(t *testing.T) {
	t.Parallel()
	for name, p := range DefaultPlans() {
		got, err := Parse(p.String(), Plan{})
		if err != nil || got != p {
			t.Errorf("%s: Parse(String()) = %+v, %v; want %+v", name, got, err, p)
		}
	}
}

func TestDefaultPlansGrow(t *testing.T) {
	t.Parallel()
	ps := DefaultPlans()
	for i := 1; i < len(store.Plans); i++ {
		a, b := ps[store.Plans[i-1]], ps[store.Plans[i]]
		if b.MaxConcurrentRuns <= a.MaxConcurrentRuns || b.MaxEventBudget <= a.MaxEventBudget ||
			b.MaxRunsPerDay <= a.MaxRunsPerDay || b.MaxReplications <= a.MaxReplications ||
			b.MaxEvents <= a.MaxEvents || b.MaxInFlight <= a.MaxInFlight {
			t.Errorf("plan %s (%+v) is not above %s (%+v) in every limit", store.Plans[i], b, store.Plans[i-1], a)
		}
	}
	if got := ps.For("gold"); got != ps[store.PlanFree] {
		t.Errorf("For(unknown) = %+v, want the free plan", got)
	}
}

func TestRunLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		plan                     Plan
		server, serverIn         int64
		wantEvents, wantInFlight int64
	}{
		{Plan{MaxEvents: 10, MaxInFlight: 20}, 100, 200, 10, 20}, // the plan is tighter
		{Plan{MaxEvents: 10, MaxInFlight: 20}, 5, 7, 5, 7},       // the server is tighter
		{Plan{}, 100, 200, 100, 200},                             // no plan limit
		{Plan{MaxEvents: 10, MaxInFlight: 20}, 0, 0, 10, 20},     // no server limit
		{Plan{}, 0, 0, 0, 0},                                     // the engine's defaults
	}
	for _, tt := range tests {
		e, f := tt.plan.RunLimits(tt.server, tt.serverIn)
		if e != tt.wantEvents || f != tt.wantInFlight {
			t.Errorf("%+v.RunLimits(%d, %d) = %d, %d; want %d, %d", tt.plan, tt.server, tt.serverIn, e, f, tt.wantEvents, tt.wantInFlight)
		}
	}
}

func TestDays(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 23, 59, 59, 0, time.FixedZone("CET", 3600))
	if got, want := DayStart(at), time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("DayStart = %s, want %s", got, want)
	}
	if got, want := NextDay(at), time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("NextDay = %s, want %s", got, want)
	}
}
