package storeutil

import "testing"

func TestSQLDerivesSQLite(t *testing.T) {
	t.Parallel()
	tests := []struct{ pg, want string }{
		{`SELECT 1 FROM runs WHERE id = $1 AND ($2::boolean OR owner_id = $3::uuid)`,
			`SELECT 1 FROM runs WHERE id = ?1 AND (?2 OR owner_id = ?3)`},
		{`SELECT coalesce(owner_id::text, '') FROM runs WHERE ($12::timestamptz IS NULL OR created_at < $12)`,
			`SELECT coalesce(owner_id, '') FROM runs WHERE (?12 IS NULL OR created_at < ?12)`},
		{`UPDATE runs SET progress = LEAST(1, x), y = GREATEST(0, z) WHERE strpos(lower(name), lower($1)) > 0`,
			`UPDATE runs SET progress = min(1, x), y = max(0, z) WHERE instr(lower(name), lower(?1)) > 0`},
		{`SELECT $1::text[]`, `SELECT ?1`},
	}
	for _, tt := range tests {
		q := SQL(tt.pg)
		if q.Postgres() != tt.pg {
			t.Errorf("SQL(%q).Postgres() = %q, want it unchanged", tt.pg, q.Postgres())
		}
		if q.SQLite() != tt.want {
			t.Errorf("SQL(%q).SQLite() = %q, want %q", tt.pg, q.SQLite(), tt.want)
		}
	}
}

func TestSQLRefusesPostgresOnly(t *testing.T) {
	t.Parallel()
	for _, pg := range []string{
		`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`,
		`SELECT 1 FROM scenarios WHERE id = $1 for share`,
		`SELECT pg_advisory_xact_lock(1)`,
		`SELECT 1 FROM runs WHERE status = ANY($1)`,
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SQL(%q) did not panic", pg)
				}
			}()
			SQL(pg)
		}()
	}
}
