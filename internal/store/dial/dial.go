package dial

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/postgres"
	"github.com/fastsim/fastsim/internal/store/sqlite"
)

// SQLiteFile is the name of the SQLite database file in the data directory.
const SQLiteFile = "fastsim.db"

// Open opens the store for databaseURL: an empty URL opens (creating it if
// needed) the SQLite file fastsim.db in dataDir ("" meaning the current
// directory); a postgres:// or postgresql:// URL connects to PostgreSQL; a
// sqlite:// or file: URL opens the SQLite file it names. It does not
// migrate. Any other scheme is an error naming the accepted ones.
func Open(ctx context.Context, databaseURL, dataDir string) (store.Backend, error) {
	switch {
	case databaseURL == "":
		if dataDir == "" {
			dataDir = "."
		}
		return sqlite.Open(ctx, filepath.Join(dataDir, SQLiteFile), sqlite.Options{})
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return postgres.Open(ctx, databaseURL, postgres.Options{})
	case strings.HasPrefix(databaseURL, "sqlite://"):
		return sqlite.Open(ctx, strings.TrimPrefix(databaseURL, "sqlite://"), sqlite.Options{})
	case strings.HasPrefix(databaseURL, "file:"):
		return sqlite.Open(ctx, strings.TrimPrefix(databaseURL, "file:"), sqlite.Options{})
	}
	return nil, fmt.Errorf("database URL %q: must start with postgres:// or postgresql:// (PostgreSQL), sqlite:// or file: (SQLite), or be empty (SQLite file %s in the data directory)",
		redact(databaseURL), SQLiteFile)
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
