// Package testenv gives tests the databases of the machine they run on:
// PostgreSQL from FASTSIM_TEST_DATABASE_URL and Redis from
// FASTSIM_TEST_REDIS_URL, each test isolated (a fresh PostgreSQL schema
// dropped at cleanup), and an SQLite file in t.TempDir() otherwise.
//
// A server that is configured but unreachable fails the test; it is never
// skipped. Only an unset variable selects the embedded fallback (SQLite,
// the in-memory cache); the PostgreSQL variant of a test (Dialects) is then
// skipped, with the reason, and counted: Main, called from the TestMain of
// every package with such tests, prints the counts on its last lines.
//
// It also holds the small helpers the service's tests share: FreeAddr for
// a loopback port to serve on (or to find refused), SyncBuffer for logs
// written by a server goroutine while the test reads them, Clock for a
// settable Now, and OneServerYAML with Canonical for a scenario to run.
//
//	func TestSomething(t *testing.T) {
//		st := testenv.Store(t) // migrated; PostgreSQL when configured, else SQLite
//		...
//	}
//
// This package is for tests only; it is the one place outside cmd/fastsim
// that reads the environment.
package testenv
