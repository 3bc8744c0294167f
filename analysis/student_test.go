package analysis

import (
	"math"
	"testing"
)

func TestTCritical95(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dof  int
		want float64
		tol  float64
	}{
		{"Table1", 1, 12.706205, 0},
		{"Table4", 4, 2.7764451, 0},
		{"Table30", 30, 2.0422725, 0},
		{"Anchor40", 40, 2.0210754, 1e-12},
		{"Anchor120", 120, 1.9799304, 1e-12},
		// Exact t(0.975, 50) is 2.0085591; the 1/ν interpolation gives
		// 2.0086088, within the documented 1e-4.
		{"Interpolated50", 50, 2.0085591, 1e-4},
		{"NormalLimit", 1 << 40, 1.9599640, 1e-9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := TCritical95(tt.dof); math.Abs(got-tt.want) > tt.tol {
				t.Errorf("TCritical95(%d) = %v, want %v ± %v", tt.dof, got, tt.want, tt.tol)
			}
		})
	}
}

func TestTCritical95Decreasing(t *testing.T) {
	t.Parallel()
	prev := math.Inf(1)
	for dof := 1; dof <= 1000; dof++ {
		got := TCritical95(dof)
		if got >= prev || got <= 1.959964 {
			t.Fatalf("TCritical95(%d) = %v, previous %v: want strictly decreasing above 1.959964", dof, got, prev)
		}
		prev = got
	}
}

func TestTCritical95PanicsOnZeroDOF(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	TCritical95(0)
}
