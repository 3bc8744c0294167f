package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/postgres"
	"github.com/fastsim/fastsim/internal/store/sqlite"
)

// DatabaseURLVar and RedisURLVar name the environment variables read.
const (
	DatabaseURLVar = "FASTSIM_TEST_DATABASE_URL"
	RedisURLVar    = "FASTSIM_TEST_REDIS_URL"
)

// DatabaseURL returns FASTSIM_TEST_DATABASE_URL, or "" when unset.
func DatabaseURL() string { return os.Getenv(DatabaseURLVar) }

// RedisURL returns FASTSIM_TEST_REDIS_URL, or "" when unset.
func RedisURL() string { return os.Getenv(RedisURLVar) }

// RequirePostgres returns the PostgreSQL URL, skipping the test when
// FASTSIM_TEST_DATABASE_URL is unset (the SQLite variant of the same test
// still runs). Skips are counted and reported by Main.
func RequirePostgres(t testing.TB) string {
	t.Helper()
	u := DatabaseURL()
	if u == "" {
		skippedPostgres.Add(1)
		t.Skip(DatabaseURLVar + " is unset: PostgreSQL variant skipped (the SQLite variant runs)")
	}
	return u
}

// Schema creates a fresh, uniquely named schema in the PostgreSQL database
// at dbURL and drops it (CASCADE) when the test ends. It fails the test
// when the server is unreachable.
func Schema(t testing.TB, dbURL string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("testenv: connect to %s (%s): %v", DatabaseURLVar, redact(dbURL), err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("testenv: random schema name: %v", err)
	}
	schema := "fastsim_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("testenv: create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Errorf("testenv: drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("testenv: drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// WithSearchPath returns dbURL with search_path set to schema, for
// processes that open the database themselves (a fastsim binary under
// test, dial.Open).
func WithSearchPath(t testing.TB, dbURL, schema string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("testenv: parse %s: %v", DatabaseURLVar, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresURL returns a URL of the test PostgreSQL database whose
// search_path is a fresh schema dropped at cleanup; it skips when
// FASTSIM_TEST_DATABASE_URL is unset and fails when the server is
// unreachable. The schema is not migrated.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := RequirePostgres(t)
	return WithSearchPath(t, u, Schema(t, u))
}

// Postgres returns a migrated PostgreSQL store in a fresh schema, closed
// and dropped at cleanup. It skips when FASTSIM_TEST_DATABASE_URL is unset
// and fails when the server is unreachable.
func Postgres(t testing.TB) *postgres.Store {
	t.Helper()
	st := PostgresUnmigrated(t)
	migrate(t, st)
	return st
}

// PostgresUnmigrated is Postgres without migrations.
func PostgresUnmigrated(t testing.TB) *postgres.Store {
	t.Helper()
	u := RequirePostgres(t)
	schema := Schema(t, u)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	st, err := postgres.Open(ctx, u, postgres.Options{Schema: schema, MaxConns: 8})
	if err != nil {
		t.Fatalf("testenv: open PostgreSQL store: %v", err)
	}
	// Registered after Schema's cleanup, so it runs before the drop.
	t.Cleanup(func() { st.Close() })
	return st
}

// SQLitePath returns the path of a fresh SQLite file in t.TempDir().
func SQLitePath(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "fastsim.db")
}

// SQLite returns a migrated SQLite store in t.TempDir(), closed at cleanup.
func SQLite(t testing.TB) *sqlite.Store {
	t.Helper()
	st := SQLiteUnmigrated(t)
	migrate(t, st)
	return st
}

// SQLiteUnmigrated is SQLite without migrations.
func SQLiteUnmigrated(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), SQLitePath(t), sqlite.Options{})
	if err != nil {
		t.Fatalf("testenv: open SQLite store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Store returns a migrated store: PostgreSQL (fresh schema) when
// FASTSIM_TEST_DATABASE_URL is set, SQLite in t.TempDir() otherwise.
func Store(t testing.TB) store.Backend {
	t.Helper()
	if DatabaseURL() != "" {
		return Postgres(t)
	}
	return SQLite(t)
}

// Dialects lists the dialects a test runs against, one subtest each:
// "sqlite" and "postgres". The "postgres" subtest skips (RequirePostgres,
// through StoreFor, Postgres or PostgresURL) when FASTSIM_TEST_DATABASE_URL
// is unset, so that it is reported as skipped, with the reason, instead of
// silently missing.
func Dialects() []string { return []string{"sqlite", "postgres"} }

// StoreFor returns a migrated store of the dialect ("sqlite" or "postgres").
func StoreFor(t testing.TB, dialect string) store.Backend {
	t.Helper()
	switch dialect {
	case "sqlite":
		return SQLite(t)
	case "postgres":
		return Postgres(t)
	}
	t.Fatalf("testenv: unknown dialect %q", dialect)
	return nil
}

func migrate(t testing.TB, st store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("testenv: migrate %s store: %v", st.Dialect(), err)
	}
}

// redact hides the password of a URL in messages ((*url.URL).Redacted);
// an unparsable URL is not shown at all.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// User creates a user of the role with a unique email in st and returns
// it. Its password hash is a placeholder that matches no password: tests
// that log in create users through the auth package instead.
func User(t testing.TB, st store.Store, role store.Role) store.User {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("testenv: random email: %v", err)
	}
	email := "user-" + hex.EncodeToString(b[:]) + "@example.com"
	u, err := st.CreateUser(context.Background(), store.NewUser{Email: email, PasswordHash: "$argon2id$placeholder", Role: role})
	if err != nil {
		t.Fatalf("testenv: create user %s: %v", email, err)
	}
	return u
}

// Actor creates a user (role user) in st and returns its store actor.
func Actor(t testing.TB, st store.Store) store.Actor {
	t.Helper()
	return store.ActorOf(User(t, st, store.RoleUser))
}
