package dial_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/internal/store/dial"
	"github.com/fastsim/fastsim/internal/testenv"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name        string
		url         string
		wantDialect string
		wantFile    string
	}{
		{"EmptyURLIsSQLiteInDataDir", "", "sqlite", filepath.Join(dir, "a", dial.SQLiteFile)},
		{"SQLiteURL", "sqlite://" + filepath.Join(dir, "b.db"), "sqlite", filepath.Join(dir, "b.db")},
		{"FileURL", "file:" + filepath.Join(dir, "c.db"), "sqlite", filepath.Join(dir, "c.db")},
	}
	if err := os.MkdirAll(filepath.Join(dir, "a"), 0o750); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := dial.Open(context.Background(), tc.url, filepath.Join(dir, "a"))
			if err != nil {
				t.Fatalf("Open(%q): %v", tc.url, err)
			}
			defer st.Close()
			if st.Dialect() != tc.wantDialect {
				t.Errorf("Dialect() = %q, want %q", st.Dialect(), tc.wantDialect)
			}
			if _, err := os.Stat(tc.wantFile); err != nil {
				t.Errorf("database file: %v", err)
			}
		})
	}
}

func TestOpenPostgres(t *testing.T) {
	t.Parallel()
	u := testenv.PostgresURL(t)
	for _, scheme := range []string{"postgres://", "postgresql://"} {
		st, err := dial.Open(context.Background(), scheme+strings.SplitN(u, "://", 2)[1], "")
		if err != nil {
			t.Fatalf("Open(%s…): %v", scheme, err)
		}
		if st.Dialect() != "postgres" {
			t.Errorf("Dialect() = %q, want postgres", st.Dialect())
		}
		st.Close()
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		url  string
		want []string
	}{
		{"ErrScheme", "mysql://user:secret@host/db", []string{"mysql://user:xxxxx@host/db", "postgres://", "sqlite://"}},
		{"ErrUnreachable", "postgres://nobody@127.0.0.1:1/db?connect_timeout=2", []string{"postgres"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := dial.Open(context.Background(), tc.url, t.TempDir())
			if err == nil {
				t.Fatalf("Open(%q): no error", tc.url)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}
