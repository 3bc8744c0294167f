package redisconn

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBreaker(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	b := NewBreaker(BreakerOptions{Backoff: time.Second, Logger: logger, Now: func() time.Time { return now },
		DownMessage: "down", UpMessage: "up"})

	steps := []struct {
		name string
		do   func()
		want bool // Available after the step
	}{
		{"Start", func() {}, true},
		{"FirstFailure", func() { b.Failed(errors.New("refused")) }, false},
		{"SecondFailureLogsNothing", func() { now = now.Add(500 * time.Millisecond); b.Failed(errors.New("again")) }, false},
		{"BackoffRestartedAtSecondFailure", func() { now = now.Add(999 * time.Millisecond) }, false},
		{"BackoffElapsed", func() { now = now.Add(time.Millisecond) }, true},
		{"Recovered", b.Succeeded, true},
		{"SuccessLogsNothing", b.Succeeded, true},
	}
	for _, s := range steps {
		s.do()
		if got := b.Available(); got != s.want {
			t.Errorf("%s: Available() = %v, want %v", s.name, got, s.want)
		}
	}
	want := []string{
		`level=WARN msg=down backend=redis error=refused`,
		`level=INFO msg=up backend=redis`,
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(logs.String()), "\n")); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}
}
