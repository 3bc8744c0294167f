package result

import (
	"math"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		// The figures the reports and messages used to show raw.
		{229.39999999999998, "229.4"},
		{3.33e-05, "0.0000333"},
		{0.1300000118279315, "0.13"},
		{120863.69598587493, "120,864"},
		{1e7, "10,000,000"},
		{0, "0"},
		{1, "1"},
		{-2.5, "-2.5"},
		{999.96, "1,000"}, // rounds up into the integer form
		{999.94, "999.9"},
		{12.3456, "12.35"},
		{0.05, "0.05"},
		{1e-13, "0"},
		{-1e-13, "0"},
		{-1234567.4, "-1,234,567"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.in); got != tt.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatCount(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {1234567, "1,234,567"}, {-1234, "-1,234"},
	}
	for _, tt := range tests {
		if got := FormatCount(tt.in); got != tt.want {
			t.Errorf("FormatCount(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
