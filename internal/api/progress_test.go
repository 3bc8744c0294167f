package api

import "testing"

func TestRoundProgress(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want float64 }{
		{0.1300000118279315, 0.13},
		{0, 0},
		{1, 1},
		{0.99996, 1},
		{0.00004, 0},
		{0.12345, 0.1235},
	}
	for _, tt := range tests {
		if got := roundProgress(tt.in); got != tt.want {
			t.Errorf("roundProgress(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
