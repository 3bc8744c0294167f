package result

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fp(v float64) *float64 { return &v }

func TestMergeRecovery(t *testing.T) {
	t.Parallel()
	// rec builds a replication whose events recovered as given; nil
	// entries are null.
	rec := func(seed int64, m map[string]Recovery) *Result {
		r := replication(seed, 1, []float64{0.01})
		r.Recovery = m
		return r
	}
	tests := []struct {
		name string
		runs []map[string]Recovery
		want map[string]Recovery
	}{
		{
			name: "OddMedian",
			runs: []map[string]Recovery{
				{"e": {BaselineP95: fp(0.010), RecoveredAfterS: fp(4)}},
				{"e": {BaselineP95: fp(0.030), RecoveredAfterS: nil}},
				{"e": {BaselineP95: fp(0.020), RecoveredAfterS: fp(2)}},
			},
			// Recovered after 2, 4, never: the median is 4.
			want: map[string]Recovery{"e": {BaselineP95: fp(0.020), RecoveredAfterS: fp(4), Replications: 3, NotRecovered: 1}},
		},
		{
			name: "EvenMedianIsTheMeanOfTheMiddleTwo",
			runs: []map[string]Recovery{
				{"e": {BaselineP95: fp(0.010), RecoveredAfterS: fp(3)}},
				{"e": {BaselineP95: fp(0.020), RecoveredAfterS: fp(6)}},
			},
			want: map[string]Recovery{"e": {BaselineP95: fp(0.015), RecoveredAfterS: fp(4.5), Replications: 2}},
		},
		{
			name: "HalfNeverRecoveredIsNull",
			runs: []map[string]Recovery{
				{"e": {BaselineP95: fp(0.010), RecoveredAfterS: fp(3)}},
				{"e": {BaselineP95: fp(0.010), RecoveredAfterS: nil}},
			},
			want: map[string]Recovery{"e": {BaselineP95: fp(0.010), Replications: 2, NotRecovered: 1}},
		},
		{
			name: "RunsWithoutBaselineLeftOut",
			runs: []map[string]Recovery{
				{"e": {}, "f": {}},
				{"e": {BaselineP95: fp(0.010), RecoveredAfterS: fp(7)}, "f": {}},
				{"e": {}, "f": {}},
			},
			want: map[string]Recovery{
				"e": {BaselineP95: fp(0.010), RecoveredAfterS: fp(7), Replications: 3},
				"f": {Replications: 3},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rs []*Result
			for k, m := range tt.runs {
				rs = append(rs, rec(int64(k+1), m))
			}
			got, err := Merge(rs)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got.Recovery); d != "" {
				t.Errorf("merged recovery (-want +got):\n%s", d)
			}
		})
	}
}

func TestMergeRecoveryErrors(t *testing.T) {
	t.Parallel()
	a := replication(1, 1, []float64{0.01})
	b := replication(2, 1, []float64{0.01})
	a.Recovery = map[string]Recovery{"e": {}}
	if _, err := Merge([]*Result{a, b}); err == nil || !strings.Contains(err.Error(), "recovery: present in one result only") {
		t.Errorf("Merge with recovery in one result only: %v", err)
	}
	b.Recovery = map[string]Recovery{"f": {}}
	if _, err := Merge([]*Result{a, b}); err == nil || !strings.Contains(err.Error(), `recovery: "e" is missing`) {
		t.Errorf("Merge with other events: %v", err)
	}
	if got, err := Merge([]*Result{replication(1, 1, nil), replication(2, 1, nil)}); err != nil || got.Recovery != nil {
		t.Errorf("Merge without events: recovery %v, %v; want absent", got.Recovery, err)
	}
}
