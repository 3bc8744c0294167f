package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadScenarioFileRefusals checks what `fastsim validate` refuses to
// read, before reading it: none of these may block or allocate more than
// the limit.
func TestReadScenarioFileRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sparse := filepath.Join(dir, "sparse.yml")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	// 10 GB of holes: no disk used, and nothing may be read.
	if err := f.Truncate(10 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fifo := filepath.Join(dir, "fifo.yml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	atLimit := filepath.Join(dir, "at-limit.yml")
	if err := os.WriteFile(atLimit, []byte(strings.Repeat("#", maxScenarioFileBytes)), 0o600); err != nil {
		t.Fatal(err)
	}
	overLimit := filepath.Join(dir, "over-limit.yml")
	if err := os.WriteFile(overLimit, []byte(strings.Repeat("#", maxScenarioFileBytes+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		stdin  string
		code   int
		stderr string
	}{
		{"ErrDevZero", "/dev/zero", "", 1, "reading scenario: /dev/zero is a character device, not a regular file; give a scenario file, or - to read stdin"},
		{"ErrDirectory", dir, "", 1, "reading scenario: " + dir + " is a directory, not a regular file"},
		{"ErrFIFOWithoutWriter", fifo, "", 1, "reading scenario: " + fifo + " is a named pipe (FIFO), not a regular file"},
		{"ErrSparseTooLarge", sparse, "", 1, "reading scenario: " + sparse + " is 10737418240 bytes, larger than the limit of 1048576 bytes"},
		{"ErrOverLimit", overLimit, "", 1, "is 1048577 bytes, larger than the limit of 1048576 bytes"},
		{"ErrStdinOverLimit", "-", strings.Repeat("#", maxScenarioFileBytes+1), 1, "reading scenario from stdin: more than the limit of 1048576 bytes"},
		// At the limit the file is read and decoded: an empty document.
		{"AtLimitIsRead", atLimit, "", 2, "at-limit.yml: invalid scenario"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			done := make(chan cli, 1)
			go func() {
				done <- runApp(t, context.Background(), func(a *app) { a.stdin = strings.NewReader(tt.stdin) }, "validate", tt.path)
			}()
			var c cli
			select {
			case c = <-done:
			case <-time.After(time.Minute): // a hang guard, not a timing check
				t.Fatalf("validate %s blocked", tt.path)
			}
			c.wantCode(t, tt.code)
			contains(t, "output", c.stderr+c.stdout, tt.stderr)
		})
	}
}

// TestReadScenarioStdin reads a valid scenario from stdin with "-".
func TestReadScenarioStdin(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(small)
	if err != nil {
		t.Fatal(err)
	}
	c := runApp(t, context.Background(), func(a *app) { a.stdin = strings.NewReader(string(data)) }, "validate", "-")
	c.wantCode(t, 0)
	contains(t, "stdout", c.stdout, "-: valid\n")
}

// TestReadScenarioStdinInterrupted cancels the context while stdin never
// sends a byte (a terminal nobody types in): the command ends with the
// interruption instead of waiting forever.
func TestReadScenarioStdinInterrupted(t *testing.T) {
	t.Parallel()
	r, w := io.Pipe()
	t.Cleanup(func() { w.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan cli, 1)
	go func() {
		done <- runApp(t, ctx, func(a *app) { a.stdin = r }, "run", "-")
	}()
	cancel() // as if SIGINT arrived while reading
	var c cli
	select {
	case c = <-done:
	case <-time.After(time.Minute): // a hang guard, not a timing check
		t.Fatal("run - ignored the cancellation while reading stdin")
	}
	c.wantCode(t, 1)
	contains(t, "stderr", c.stderr, "reading scenario from stdin: interrupted: context canceled")
}
