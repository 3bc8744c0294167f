package testenv

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// PeakRSS resets the peak resident set size of the test process (VmHWM,
// by writing 5 to /proc/self/clear_refs, Linux 4.0 and later) and returns
// a function that reads it, in bytes. It skips the test where /proc does
// not allow it (another OS, a locked-down container).
func PeakRSS(t testing.TB) func() int64 {
	t.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS (%v); this test measures memory on Linux only", err)
	}
	return func() int64 {
		n, err := procStatus("VmHWM")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
}

// RSS returns the resident set size of the test process (VmRSS), in bytes.
func RSS(t testing.TB) int64 {
	t.Helper()
	n, err := procStatus("VmRSS")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// procStatus reads a "Key:  N kB" line of /proc/self/status, in bytes.
func procStatus(key string) (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("testenv: read /proc/self/status: %w", err)
	}
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok || string(k) != key {
			continue
		}
		f := bytes.Fields(v)
		if len(f) != 2 || string(f[1]) != "kB" {
			break
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			break
		}
		return n << 10, nil
	}
	return 0, fmt.Errorf("testenv: no %s line in kB in /proc/self/status", key)
}

// CheckRSSGrowth fails the test when grown (bytes of peak RSS growth) is
// over bound, naming what grew.
func CheckRSSGrowth(t testing.TB, what string, grown, bound int64) {
	t.Helper()
	if grown > bound {
		t.Errorf("%s: peak RSS grew by %d MiB, over the bound of %d MiB", what, grown>>20, bound>>20)
	}
}
