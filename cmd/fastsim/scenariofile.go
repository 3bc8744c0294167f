package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/fastsim/fastsim/internal/config"
)

// maxScenarioFileBytes is the largest scenario file the CLI reads: the
// default request body limit of the service (--max-body-bytes), so that a
// file the CLI accepts is one the API accepts too.
const maxScenarioFileBytes = config.DefaultMaxBodyBytes

// stdinPath is the file argument that reads the scenario from stdin.
const stdinPath = "-"

// readScenarioFile reads the scenario file at path, or stdin when path is
// "-", and returns at most maxScenarioFileBytes bytes. Anything but a
// regular file (a directory, a FIFO, a device such as /dev/zero, a socket)
// is refused before a byte is read: opening a FIFO with no writer would
// block, and a device could be endless. A file larger than the limit is
// refused from its size, without reading it. Reading stdin stops when ctx
// is done (Ctrl-C), even if no byte ever arrives; a regular file is read
// at once.
func (a *app) readScenarioFile(ctx context.Context, path string) ([]byte, error) {
	if path == stdinPath {
		return readInterruptible(ctx, a.stdin, "stdin")
	}
	// O_NONBLOCK: opening a FIFO with no writer returns at once instead of
	// blocking; it changes nothing for a regular file, the only kind read.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("reading scenario: %w (check the file name)", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading scenario: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("reading scenario: %s is %s, not a regular file; give a scenario file, or - to read stdin", path, fileKind(fi.Mode()))
	}
	if fi.Size() > maxScenarioFileBytes {
		return nil, fmt.Errorf("reading scenario: %s is %d bytes, larger than the limit of %d bytes (the service's --max-body-bytes default); split or shrink the scenario", path, fi.Size(), maxScenarioFileBytes)
	}
	// A regular file of bounded size: read it at once.
	return readLimited(f, path)
}

// readLimited reads r to its end, failing when it holds more than
// maxScenarioFileBytes bytes.
func readLimited(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxScenarioFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading scenario from %s: %w", name, err)
	}
	if len(data) > maxScenarioFileBytes {
		return nil, fmt.Errorf("reading scenario from %s: more than the limit of %d bytes (the service's --max-body-bytes default); split or shrink the scenario", name, maxScenarioFileBytes)
	}
	return data, nil
}

// readInterruptible is readLimited that returns as soon as ctx is done,
// for a stream that may never end or never send (a terminal, a pipe). On
// cancellation the read goes on in the background until r returns; the
// process is about to exit anyway.
func readInterruptible(ctx context.Context, r io.Reader, name string) ([]byte, error) {
	type outcome struct {
		data []byte
		err  error
	}
	done := make(chan outcome, 1)
	go func() {
		data, err := readLimited(r, name)
		done <- outcome{data, err}
	}()
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("reading scenario from %s: interrupted: %w", name, context.Cause(ctx))
	case o := <-done:
		return o.data, o.err
	}
}

// fileKind names the kind of a file that is not regular, for messages.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "of type " + m.Type().String()
}
