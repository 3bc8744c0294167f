package engine

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/scenario"
)

// partOneKeys lists, per level of the result's JSON, the keys of spec §8
// (and the event windows of Part I) that TestPartOneGolden pins. Keys
// added by Part II (calls, classes, per-instance results, …) are left out
// on purpose: they may appear, but the Part I values must not move.
var partOneKeys = struct {
	top, counts, server, edge map[string]bool
}{
	top: set("seed", "horizon_s", "counts", "latency", "throughput", "servers", "edges",
		"event_windows", "latency_moments"),
	counts: set("generated", "completed", "dropped", "failed", "in_flight", "events"),
	server: set("requests", "utilization", "ready_queue_len", "event_loop_io_sleep", "ram_in_use"),
	edge:   set("dropped", "edge_concurrent_connection"),
}

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// TestPartOneGolden runs every Part I scenario (the files of examples/ and
// scenario/testdata/asyncflow as they were before issue 10) with seed 42
// and compares the §8 keys of the result with
// testdata/partone/<dir>_<name>.golden.json, so that Part II (issue 10 and
// later) cannot change a Part I result. The set of scenarios is the set of
// golden files: Part II examples added later have none and are not run.
// Rewrite with: go test ./engine -run TestPartOneGolden -update (only when
// a Part I change is intended and explained in the commit).
func TestPartOneGolden(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	goldens, err := filepath.Glob(filepath.Join("testdata", "partone", "*.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	// 6 examples and 3 AsyncFlow-format files existed before issue 10.
	if len(goldens) != 9 {
		t.Fatalf("found %d Part I goldens, want 9", len(goldens))
	}
	dirs := map[string]string{
		"examples":  filepath.Join(root, "examples"),
		"asyncflow": filepath.Join(root, "scenario", "testdata", "asyncflow"),
	}
	for _, path := range goldens {
		name := strings.TrimSuffix(filepath.Base(path), ".golden.json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir, file, ok := strings.Cut(name, "_")
			if !ok || dirs[dir] == "" {
				t.Fatalf("golden %s names no Part I directory", path)
			}
			data, err := os.ReadFile(filepath.Join(dirs[dir], file+".yml"))
			if err != nil {
				t.Fatal(err)
			}
			sc, err := scenario.Decode(data, scenario.FormatAuto)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got := partOneJSON(t, encode(t, mustRun(t, sc, Options{Seed: 42}, nil)))
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Part I result differs from %s (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// partOneJSON keeps only the partOneKeys of a result's JSON and re-encodes
// them (encoding/json sorts map keys, so the bytes are deterministic).
func partOneJSON(t *testing.T, full []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(full, &m); err != nil {
		t.Fatal(err)
	}
	keep(m, partOneKeys.top)
	if c, ok := m["counts"].(map[string]any); ok {
		keep(c, partOneKeys.counts)
	}
	for _, level := range []struct {
		key  string
		keys map[string]bool
	}{{"servers", partOneKeys.server}, {"edges", partOneKeys.edge}} {
		if byID, ok := m[level.key].(map[string]any); ok {
			for _, v := range byID {
				if o, ok := v.(map[string]any); ok {
					keep(o, level.keys)
				}
			}
		}
	}
	return encode(t, m)
}

func keep(m map[string]any, keys map[string]bool) {
	for k := range m {
		if !keys[k] {
			delete(m, k)
		}
	}
}
