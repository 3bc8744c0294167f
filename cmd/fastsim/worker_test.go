package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fastsim/fastsim"
	"github.com/fastsim/fastsim/internal/job"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/dial"
	"github.com/fastsim/fastsim/internal/testenv"
	"github.com/fastsim/fastsim/scenario"
)

// workerScenario is a one-server scenario of about 2000 requests per
// second over horizon simulated seconds (about 18 000 events per simulated
// second).
func workerScenario(t *testing.T, horizon int) (*scenario.Scenario, []byte) {
	t.Helper()
	return testenv.Canonical(t, testenv.OneServerYAML(6000, horizon))
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
	buildOut  []byte
)

// fastsimBinary builds the fastsim binary once per test process (without
// the race detector, so that simulations run at full speed).
func fastsimBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fastsim-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "fastsim")
		cmd := exec.Command("go", "build", "-o", buildPath, ".")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return buildPath
}

// workerProc is a `fastsim worker` process under test.
type workerProc struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	// exited is closed when the process has exited; err is then its
	// Wait error.
	exited chan struct{}
	err    error
}

// lockedBuffer is a bytes.Buffer safe for the process's writer goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startWorker starts `fastsim worker` with args; it is killed at cleanup
// if still running.
func startWorker(t *testing.T, bin string, args ...string) *workerProc {
	t.Helper()
	return startFastsim(t, bin, "worker", args...)
}

// startFastsim starts `fastsim command` with args; it is killed at cleanup
// if still running.
func startFastsim(t *testing.T, bin, command string, args ...string) *workerProc {
	t.Helper()
	w := &workerProc{stderr: &lockedBuffer{}, exited: make(chan struct{})}
	w.cmd = exec.Command(bin, append([]string{command, "--log-format", "text"}, args...)...)
	w.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	w.cmd.Stderr = w.stderr
	if err := w.cmd.Start(); err != nil {
		t.Fatalf("start fastsim %s: %v", command, err)
	}
	go func() {
		w.err = w.cmd.Wait()
		close(w.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-w.exited:
		default:
			_ = w.cmd.Process.Kill()
			<-w.exited
		}
		if t.Failed() {
			t.Logf("fastsim %s %d stderr:\n%s", command, w.cmd.Process.Pid, w.stderr.String())
		}
	})
	return w
}

// pollRun polls the run until cond holds, failing after limit (which
// bounds a hung test; it is not a timing assertion).
func pollRun(t *testing.T, st store.Store, id, what string, limit time.Duration, cond func(store.Run) bool) store.Run {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last store.Run
	for {
		r, err := st.GetRun(context.Background(), store.System(), id)
		if err != nil {
			t.Fatalf("GetRun: %v", err)
		}
		if r.Status != last.Status || r.Progress != last.Progress {
			t.Logf("run %s: %s, progress %.3f", id, r.Status, r.Progress)
			last = r
		}
		if cond(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s never became %s within %s; last: %s progress %.3f error %q", id, what, limit, r.Status, r.Progress, r.Error)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWorkerKill9 kills worker processes mid-run (kill -9) and checks, on
// each database, that:
//   - another worker finishes the run within seconds (the lease expires
//     after --lease-ttl), with the bytes of a direct fastsim.Run;
//   - a run whose worker is killed twice is failed with the reason, not
//     replayed into a third crash;
//   - cancelling an orphan (its worker dead) cancels it at once;
//   - a running run is cancelled through a live worker, and SIGTERM stops
//     the worker cleanly.
func TestWorkerKill9(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary and runs worker processes; skipped with -short")
	}
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			// A lease of a minute: every worker here is started on this
			// host after the previous one died, so it resumes the orphans
			// at start-up, long before their leases expire.
			testWorkerKill9(t, dialect, []string{"--heartbeat-interval", "200ms", "--lease-ttl", "1m"}, false)
		})
	}
}

// TestWorkerRecoveryDefaults measures the recovery of a run whose worker
// died on another machine (its lease's owner is moved to another host
// after the kill), with the default --lease-ttl (10s) and
// --heartbeat-interval (2s): docs/deployment.md quotes the time it logs.
// Run it with
// FASTSIM_SLOW_TESTS=1 go test ./cmd/fastsim -run TestWorkerRecoveryDefaults -v
func TestWorkerRecoveryDefaults(t *testing.T) {
	t.Parallel()
	testenv.RequireSlow(t)
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			testWorkerKill9(t, dialect, nil, true)
		})
	}
}

// kill9 kills w with SIGKILL and waits for it to exit.
func kill9(t *testing.T, w *workerProc) {
	t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9: %v", err)
	}
	<-w.exited
}

// waitLease waits until job jobID holds a live lease of attempt; the limit
// bounds a hung test.
func waitLease(t *testing.T, st store.Store, jobID int64, attempt int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		leases, err := st.ListLeases(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range leases {
			if l.JobID == jobID && l.Attempt == attempt && !l.Reaped {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d never took a lease of attempt %d; leases %+v", jobID, attempt, leases)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testWorkerKill9 runs the kill -9 scenarios against workers started with
// leaseArgs. With elsewhere, it runs only the first (recovery of a killed
// run) as if the dead worker ran on another machine: the next worker must
// wait for its lease to expire. Otherwise the next worker, a restart on
// this host, must resume the run before the lease expires.
// processDB returns a migrated store of the dialect, closed at cleanup,
// and the flags that point a fastsim process at the same database.
func processDB(t *testing.T, dialect string) (store.Backend, []string) {
	t.Helper()
	var dbArgs []string
	var st store.Backend
	var err error
	ctx := context.Background()
	switch dialect {
	case "sqlite":
		dir := t.TempDir()
		dbArgs = []string{"--data-dir", dir}
		st, err = dial.Open(ctx, "", dir)
	case "postgres":
		u := testenv.PostgresURL(t)
		dbArgs = []string{"--database-url", u}
		st, err = dial.Open(ctx, u, "")
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return st, dbArgs
}

// TestServeResumesOrphansAtStartup kills a single-node `fastsim serve`
// mid-run and restarts it: the new process resumes the run at start-up,
// before the dead one's lease (a minute) expires, with the bytes of a
// direct run.
func TestServeResumesOrphansAtStartup(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary and runs serve processes; skipped with -short")
	}
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			bin := fastsimBinary(t)
			ctx := context.Background()
			st, dbArgs := processDB(t, dialect)
			owner := testenv.Actor(t, st)
			submitter, err := job.NewClient(st, job.Config{}) // insert-only
			if err != nil {
				t.Fatal(err)
			}
			sc, body := workerScenario(t, 1000)
			const seed = 99
			run, err := submitter.Submit(ctx, owner, store.Run{Scenario: body, Seed: seed, Replications: 1})
			if err != nil {
				t.Fatal(err)
			}
			serveArgs := append([]string{"--addr", "127.0.0.1:0", "--workers", "1", "--no-migrate", "--run-timeout", "2m",
				"--heartbeat-interval", "200ms", "--lease-ttl", "1m"}, dbArgs...)
			first := startFastsim(t, bin, "serve", serveArgs...)
			pollRun(t, st, run.ID, "running", 2*time.Minute, func(r store.Run) bool { return r.Status != store.StatusQueued })
			waitLease(t, st, run.JobID, 1)
			kill9(t, first)
			lease := leaseOf(t, st, run.JobID)
			startFastsim(t, bin, "serve", serveArgs...)
			done := pollRun(t, st, run.ID, "final", 2*time.Minute, func(r store.Run) bool { return r.Status.Final() })
			if finishedAt := time.Now(); !finishedAt.Before(lease.ExpiresAt) {
				t.Errorf("run finished at %s, after the dead server's lease expired (%s): not resumed at start-up",
					finishedAt.Format(time.RFC3339Nano), lease.ExpiresAt.Format(time.RFC3339Nano))
			}
			if done.Status != store.StatusSucceeded {
				t.Fatalf("run after the restart ended %s with %q, want succeeded", done.Status, done.Error)
			}
			res, err := st.GetResult(ctx, owner, run.ID)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fastsim.Run(ctx, sc, fastsim.WithSeed(seed))
			if err != nil {
				t.Fatal(err)
			}
			if w := mustMarshal(t, want); !bytes.Equal(res.Result, w) {
				t.Errorf("result after the restart differs from a direct fastsim.Run:\n got %.300s\nwant %.300s", res.Result, w)
			}
		})
	}
}

// mustMarshal returns the JSON of v.
func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// leaseOf returns the lease of job jobID.
func leaseOf(t *testing.T, st store.Store, jobID int64) store.Lease {
	t.Helper()
	leases, err := st.ListLeases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leases {
		if l.JobID == jobID {
			return l
		}
	}
	t.Fatalf("job %d has no lease; leases %+v", jobID, leases)
	return store.Lease{}
}

func testWorkerKill9(t *testing.T, dialect string, leaseArgs []string, elsewhere bool) {
	bin := fastsimBinary(t)
	ctx := context.Background()
	st, dbArgs := processDB(t, dialect)
	owner := testenv.Actor(t, st)
	submitter, err := job.NewClient(st, job.Config{}) // insert-only
	if err != nil {
		t.Fatal(err)
	}
	submit := func(body []byte, seed int64) store.Run {
		t.Helper()
		run, err := submitter.Submit(ctx, owner, store.Run{Scenario: body, Seed: seed, Replications: 1})
		if err != nil {
			t.Fatalf("Submit: %v", err)
		}
		return run
	}
	// The run timeout is far above any run here.
	workerArgs := append([]string{"--workers", "1", "--run-timeout", "2m", "--no-migrate", "--metrics-addr", "127.0.0.1:0"}, leaseArgs...)
	workerArgs = append(workerArgs, dbArgs...)

	// 1. A worker dies mid-run; the next one finishes it, byte-identical.
	// About 12 million events: about a second on an idle machine.
	sc, body := workerScenario(t, 1000)
	const seed = 2024
	run := submit(body, seed)
	first := startWorker(t, bin, workerArgs...)
	mid := pollRun(t, st, run.ID, "running with progress", 2*time.Minute, func(r store.Run) bool {
		return r.Status.Final() || r.Status == store.StatusRunning && r.Progress > 0
	})
	if mid.Status != store.StatusRunning {
		t.Fatalf("run is %s before the kill; want it mid-run (is the scenario too short?)", mid.Status)
	}
	kill9(t, first)
	killedAt := time.Now()
	t.Logf("killed worker %d at progress %.2f", first.cmd.Process.Pid, mid.Progress)
	lease := leaseOf(t, st, run.JobID)
	if elsewhere {
		lease.Owner = "another-host/1/abcdefgh"
		if err := st.AcquireLease(ctx, lease); err != nil {
			t.Fatal(err)
		}
	}
	// The expected bytes, computed while the lease expires.
	want := make(chan []byte, 1)
	go func() {
		r, err := fastsim.Run(context.Background(), sc, fastsim.WithSeed(seed))
		if err != nil {
			want <- []byte("direct fastsim.Run failed: " + err.Error())
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			b = []byte("encode: " + err.Error())
		}
		want <- b
	}()
	second := startWorker(t, bin, workerArgs...)
	done := pollRun(t, st, run.ID, "final", 2*time.Minute, func(r store.Run) bool { return r.Status.Final() })
	if done.Status != store.StatusSucceeded {
		t.Fatalf("run after the kill ended %s with %q, want succeeded", done.Status, done.Error)
	}
	// Reported, not asserted: wall-clock figures depend on the machine.
	t.Logf("run succeeded %v after the kill", time.Since(killedAt).Round(100*time.Millisecond))
	res, err := st.GetResult(ctx, owner, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w := <-want; !bytes.Equal(res.Result, w) {
		t.Errorf("result after recovery differs from a direct fastsim.Run with seed %d:\n got %.300s\nwant %.300s", seed, res.Result, w)
	}
	if elsewhere {
		return
	}
	// Resumed at start-up: the worker knew the lease's owner dead.
	if finishedAt := time.Now(); !finishedAt.Before(lease.ExpiresAt) {
		t.Errorf("run finished at %s, after the dead worker's lease expired (%s): the restart did not resume it at start-up",
			finishedAt.Format(time.RFC3339Nano), lease.ExpiresAt.Format(time.RFC3339Nano))
	}

	// 2. A run that kills its worker twice is failed, not run a third time.
	_, longBody := workerScenario(t, 100_000)
	// Each attempt is killed once it has started (taken its lease).
	poison := submit(longBody, 3)
	waitLease(t, st, poison.JobID, 1)
	kill9(t, second)
	third := startWorker(t, bin, workerArgs...)
	waitLease(t, st, poison.JobID, 2)
	kill9(t, third)
	fourth := startWorker(t, bin, workerArgs...)
	failed := pollRun(t, st, poison.ID, "final", 2*time.Minute, func(r store.Run) bool { return r.Status.Final() })
	if failed.Status != store.StatusFailed || !strings.HasPrefix(failed.Error, "the worker running this run died twice (attempts at ") ||
		!strings.Contains(failed.Error, "); not retried") {
		t.Errorf("run whose worker died twice ended %s with %q, want failed: the worker running this run died twice …; not retried", failed.Status, failed.Error)
	}

	// 3. Cancelling an orphan is immediate.
	orphan := submit(longBody, 4)
	waitLease(t, st, orphan.JobID, 1)
	kill9(t, fourth)
	got, err := submitter.Cancel(ctx, owner, orphan.ID)
	if err != nil {
		t.Fatalf("Cancel of an orphan: %v", err)
	}
	if got.Status != store.StatusCancelled {
		t.Errorf("Cancel of an orphan returned status %s, want cancelled at once", got.Status)
	}

	// 4. Cancellation through a live worker process, then SIGTERM.
	last := startWorker(t, bin, workerArgs...)
	long := submit(longBody, 1)
	pollRun(t, st, long.ID, "running", time.Minute, func(r store.Run) bool { return r.Status == store.StatusRunning })
	if _, err := submitter.Cancel(ctx, owner, long.ID); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	cancelled := pollRun(t, st, long.ID, "final", time.Minute, func(r store.Run) bool { return r.Status.Final() })
	if cancelled.Status != store.StatusCancelled {
		t.Errorf("cancelled run ended %s with %q", cancelled.Status, cancelled.Error)
	}
	if err := last.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-last.exited:
		if last.err != nil {
			t.Errorf("worker exit after SIGTERM: %v, want status 0", last.err)
		}
	case <-time.After(time.Minute):
		t.Errorf("worker did not stop within a minute of SIGTERM")
	}
	// The orphan's job was handed to the last worker, which found the run
	// final and did nothing: it stays cancelled.
	if r, err := st.GetRun(ctx, owner, orphan.ID); err != nil || r.Status != store.StatusCancelled {
		t.Errorf("orphan after the last worker: %s, %v; want cancelled", r.Status, err)
	}
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	for _, dialect := range testenv.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			var args []string
			switch dialect {
			case "sqlite":
				args = []string{"--data-dir", filepath.Join(t.TempDir(), "new", "dir")}
			case "postgres":
				args = []string{"--database-url", testenv.PostgresURL(t)}
			}
			status := runCLI(t, append([]string{"migrate", "status"}, args...)...)
			status.wantCode(t, exitOK)
			contains(t, "status before up", status.stdout, "app     1        0001_init", "pending", "at head: no: run `fastsim migrate up`")
			up := runCLI(t, append([]string{"migrate", "up"}, args...)...)
			up.wantCode(t, exitOK)
			files, err := filepath.Glob(filepath.Join("..", "..", "internal", "store", dialect, "migrations", "*.sql"))
			if err != nil || len(files) == 0 {
				t.Fatalf("migration files of %s: %v", dialect, err)
			}
			contains(t, "up", up.stdout, fmt.Sprintf("%s database at head: %d application and", dialect, len(files)))
			status = runCLI(t, append([]string{"migrate", "status"}, args...)...)
			status.wantCode(t, exitOK)
			contains(t, "status after up", status.stdout, "applied", dialect+" database at head: yes")
			if bytes.Contains([]byte(status.stdout), []byte(" pending\n")) {
				t.Errorf("status after up still lists pending migrations:\n%s", status.stdout)
			}
		})
	}
}

func TestWorkerCommandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ErrNoWorkers", []string{"worker", "--workers", "0", "--data-dir", "DIR"}, "at least 1 worker"},
		{"ErrDatabaseURL", []string{"worker", "--database-url", "mysql://x"}, "--database-url"},
		{"ErrMigrateArgs", []string{"migrate", "sideways"}, "unknown command"},
		{"ErrMigrateNoSubcommand", []string{"migrate"}, "fastsim migrate up"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				if a == "DIR" {
					a = dir
				}
				args[i] = a
			}
			res := runCLI(t, args...)
			res.wantCode(t, exitFailure)
			contains(t, "stderr", res.stderr, tc.want)
		})
	}
}
