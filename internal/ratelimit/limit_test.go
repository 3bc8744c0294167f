package ratelimit

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Limit
		wantErr bool
	}{
		{in: "600/1m", want: Limit{N: 600, Per: time.Minute}},
		{in: " 5 / 15m ", want: Limit{N: 5, Per: 15 * time.Minute}},
		{in: "off", want: Limit{}},
		{in: "0", want: Limit{}},
		{in: "", want: Limit{}},
		{in: "0/1m", want: Limit{}},
		{in: "10", wantErr: true},
		{in: "x/1m", wantErr: true},
		{in: "-1/1m", wantErr: true},
		{in: "10/soon", wantErr: true},
		{in: "10/1us", wantErr: true},
		{in: "2000/1ms", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseLimit(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseLimit(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseLimit(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if s := (Limit{N: 10, Per: time.Minute}).String(); s != "10/1m0s" {
		t.Errorf("String = %q, want 10/1m0s", s)
	}
	if l, _ := ParseLimit((Limit{N: 7, Per: 90 * time.Second}).String()); l != (Limit{N: 7, Per: 90 * time.Second}) {
		t.Errorf("String does not round-trip through ParseLimit: %v", l)
	}
}

// TestGCRA checks the arithmetic on exact values: 4 per 60 s costs 15 s a
// request, so the debt after a full burst is 60 s.
func TestGCRA(t *testing.T) {
	t.Parallel()
	l := Limit{N: 4, Per: time.Minute}
	const s = int64(time.Second / time.Microsecond)
	now := 1_000 * s
	tat := int64(0)
	var got []Decision
	for range 5 {
		var d Decision
		tat, d = gcra(tat, now, l)
		got = append(got, d)
	}
	want := []Decision{
		{Allowed: true, Limit: l, Used: 1},
		{Allowed: true, Limit: l, Used: 2},
		{Allowed: true, Limit: l, Used: 3},
		{Allowed: true, Limit: l, Used: 4},
		{Allowed: false, Limit: l, Used: 4, RetryAfter: 15 * time.Second},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("burst (-want +got):\n%s", diff)
	}
	if tat != now+60*s {
		t.Fatalf("tat after the burst = now%+d µs, want now+60 s", tat-now)
	}
	// 14 s later one request is still refused (1 s to go); at 15 s one is
	// allowed, and only one.
	if _, d := gcra(tat, now+14*s, l); d.Allowed || d.RetryAfter != time.Second || d.RetryAfterSeconds() != 1 {
		t.Errorf("at +14 s: %+v, want refused with 1 s to go", d)
	}
	tat2, d := gcra(tat, now+15*s, l)
	if !d.Allowed || d.Used != 4 {
		t.Errorf("at +15 s: %+v, want allowed with 4 used", d)
	}
	if _, d := gcra(tat2, now+15*s, l); d.Allowed {
		t.Errorf("second request at +15 s allowed: %+v", d)
	}
	// After a whole period without requests, the full burst is back.
	if _, d := gcra(tat, now+60*s, l); !d.Allowed || d.Used != 1 || d.Remaining() != 3 {
		t.Errorf("after one period: %+v, want allowed with 1 used, 3 remaining", d)
	}
}

func TestDecisionRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    Decision
		want int
	}{
		{Decision{Allowed: true}, 0},
		{Decision{RetryAfter: time.Millisecond}, 1},
		{Decision{RetryAfter: time.Second}, 1},
		{Decision{RetryAfter: 1001 * time.Millisecond}, 2},
	}
	for _, tt := range tests {
		if got := tt.d.RetryAfterSeconds(); got != tt.want {
			t.Errorf("%+v.RetryAfterSeconds() = %d, want %d", tt.d, got, tt.want)
		}
	}
}

// TestMemoryMaxKeys checks that the key table stays bounded: paid-up keys
// are dropped first, and the table is reset when every key is in debt.
func TestMemoryMaxKeys(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := NewMemory(MemoryOptions{MaxKeys: 2, Now: func() time.Time { return now }})
	l := Limit{N: 1, Per: time.Minute}
	ctx := t.Context()
	m.Allow(ctx, "a", l)
	now = now.Add(time.Minute) // a is paid up
	m.Allow(ctx, "b", l)
	m.Allow(ctx, "c", l) // sweeps a
	if _, ok := m.tats["a"]; ok || len(m.tats) != 2 {
		t.Fatalf("after the sweep keys = %v, want b and c", m.tats)
	}
	m.Allow(ctx, "d", l) // b and c in debt: reset, then d
	if len(m.tats) != 1 {
		t.Fatalf("after the reset keys = %v, want d only", m.tats)
	}
	if d := m.Allow(ctx, "d", l); d.Allowed {
		t.Errorf("d allowed twice within its period: %+v", d)
	}
}
