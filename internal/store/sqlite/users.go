package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

const userColumns = `id, email, password_hash, role, plan, created_at, updated_at`

// userColumnsOf is userColumns qualified by a table alias.
func userColumnsOf(alias string) string {
	return alias + "." + strings.ReplaceAll(userColumns, ", ", ", "+alias+".")
}

func scanUser(row scanner, extra ...any) (store.User, error) {
	var u store.User
	var role, plan string
	var created, updated int64
	dst := append([]any{&u.ID, &u.Email, &u.PasswordHash, &role, &plan, &created, &updated}, extra...)
	if err := row.Scan(dst...); err != nil {
		return store.User{}, err
	}
	u.Role, u.Plan = store.Role(role), store.Plan(plan)
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return u, nil
}

// isUnique reports whether err is a UNIQUE constraint violation.
func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// CreateUser stores a new user.
func (s *Store) CreateUser(ctx context.Context, nu store.NewUser) (store.User, error) {
	u, err := storeutil.NewUser(nu, s.now)
	if err != nil {
		return store.User{}, err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO users (id, email, email_key, password_hash, role, plan, created_at, updated_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)`, u.ID, u.Email, storeutil.EmailKey(u.Email), u.PasswordHash,
		string(u.Role), string(u.Plan), micros(u.CreatedAt))
	if isUnique(err) {
		return store.User{}, fmt.Errorf("create user: email %q: a user with this email exists: %w", u.Email, store.ErrConflict)
	}
	if err != nil {
		return store.User{}, fmt.Errorf("sqlite: create user: %w", err)
	}
	return u, nil
}

// GetUser returns one user.
func (s *Store) GetUser(ctx context.Context, id string) (store.User, error) {
	if !storeutil.ValidID(id) {
		return store.User{}, fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?1`, id))
	if err != nil {
		return store.User{}, notFound(err, "user", id)
	}
	return u, nil
}

// GetUserByEmail returns the user with this email, case-insensitively.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (store.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email_key = ?1`, storeutil.EmailKey(email)))
	if err != nil {
		return store.User{}, notFound(err, "user with email", email)
	}
	return u, nil
}

// ListUsers returns a page of users, newest first.
func (s *Store) ListUsers(ctx context.Context, actor store.Actor, p store.ListUsersParams) (store.Page[store.User], error) {
	limit, cur, hasCur, err := storeutil.Paging("list users", p.Limit, p.Cursor)
	if err != nil {
		return store.Page[store.User]{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE (?1 = '' OR instr(email_key, lower(?1)) > 0)
		  AND (NOT ?2 OR (created_at, id) < (?3, ?4))
		  AND (?6 OR id = ?7)
		ORDER BY created_at DESC, id DESC LIMIT ?5`, p.EmailContains, hasCur, micros(cur.CreatedAt), cur.ID, limit+1,
		actor.Admin, actor.UserID)
	if err != nil {
		return store.Page[store.User]{}, fmt.Errorf("sqlite: list users: %w", err)
	}
	items, err := appendRows[store.User](nil, rows, func(r scanner) (store.User, error) { return scanUser(r) })
	if err != nil {
		return store.Page[store.User]{}, fmt.Errorf("sqlite: list users: %w", err)
	}
	return storeutil.NewPage(items, limit, storeutil.UserKey), nil
}

// UpdateUser changes a user's role, plan or password hash.
func (s *Store) UpdateUser(ctx context.Context, id string, up store.UserUpdate) (store.User, error) {
	if err := storeutil.CheckUserUpdate(up); err != nil {
		return store.User{}, err
	}
	if !storeutil.ValidID(id) {
		return store.User{}, fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	role, plan, hash := storeutil.UpdateArgs(up)
	var u store.User
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if storeutil.Demotes(up) {
			if err := checkLastAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `UPDATE users SET role = coalesce(?2, role), plan = coalesce(?3, plan),
			password_hash = coalesce(?4, password_hash), updated_at = ?5 WHERE id = ?1 RETURNING `+userColumns,
			id, role, plan, hash, micros(storeutil.Now(s.now))))
		if err != nil {
			return notFound(err, "user", id)
		}
		if up.PasswordHash != nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?1`, id); err != nil {
				return fmt.Errorf("sqlite: revoke sessions of user %q: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return store.User{}, fmt.Errorf("update user: %w", err)
	}
	return u, nil
}

// DeleteUser deletes a user and everything they own.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	if !storeutil.ValidID(id) {
		return fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ?1`, id).Scan(&one); err != nil {
			return notFound(err, "user", id)
		}
		if err := checkLastAdmin(ctx, tx, id); err != nil {
			return err
		}
		var active int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE owner_id = ?1 AND status IN ('queued', 'running')`,
			id).Scan(&active); err != nil {
			return fmt.Errorf("sqlite: delete user: %w", err)
		}
		if active > 0 {
			return fmt.Errorf("delete user %q: %d of their runs are queued or running; cancel them or wait: %w", id, active, store.ErrConflict)
		}
		// Runs first: deleting the scenarios would only unlink them.
		if _, err := tx.ExecContext(ctx, `DELETE FROM runs WHERE owner_id = ?1`, id); err != nil {
			return fmt.Errorf("sqlite: delete user: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?1`, id); err != nil {
			return fmt.Errorf("sqlite: delete user: %w", err)
		}
		return nil
	})
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se store.Session) error {
	se, err := storeutil.NewSession(se, s.now)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		SELECT ?1, id, ?3, ?4 FROM users WHERE id = ?2`, se.TokenHash, se.UserID, micros(se.CreatedAt), micros(se.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sqlite: create session: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("create session: user %q: %w", se.UserID, store.ErrNotFound)
	}
	return nil
}

// SessionUser returns an unexpired session and its user.
func (s *Store) SessionUser(ctx context.Context, tokenHash []byte, now time.Time) (store.Session, store.User, error) {
	var se store.Session
	var created, expires int64
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumnsOf("u")+`, s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires_at > ?2`,
		tokenHash, micros(now)), &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Session{}, store.User{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Session{}, store.User{}, fmt.Errorf("sqlite: session: %w", err)
	}
	se.TokenHash, se.UserID, se.CreatedAt, se.ExpiresAt = tokenHash, u.ID, fromMicros(created), fromMicros(expires)
	return se, u, nil
}

// DeleteSession revokes a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?1`, tokenHash)
	if err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("session: %w", store.ErrNotFound)
	}
	return nil
}

const keyColumns = `id, user_id, name, prefix, hash, created_at, last_used_at`

func scanKey(row scanner, extra ...any) (store.APIKey, error) {
	var k store.APIKey
	var created int64
	var used sql.NullInt64
	if err := row.Scan(append([]any{&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.Hash, &created, &used}, extra...)...); err != nil {
		return store.APIKey{}, err
	}
	k.CreatedAt, k.LastUsedAt = fromMicros(created), fromNullMicros(used)
	return k, nil
}

// CreateAPIKey stores a key.
func (s *Store) CreateAPIKey(ctx context.Context, k store.APIKey) (store.APIKey, error) {
	k, err := storeutil.NewKey(k, s.now)
	if err != nil {
		return store.APIKey{}, err
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO api_keys (id, user_id, name, prefix, hash, created_at)
		SELECT ?1, id, ?3, ?4, ?5, ?6 FROM users WHERE id = ?2`, k.ID, k.UserID, k.Name, k.Prefix, k.Hash, micros(k.CreatedAt))
	if isUnique(err) {
		return store.APIKey{}, fmt.Errorf("create API key: prefix %q: taken: %w", k.Prefix, store.ErrConflict)
	}
	if err != nil {
		return store.APIKey{}, fmt.Errorf("sqlite: create API key: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return store.APIKey{}, fmt.Errorf("create API key: user %q: %w", k.UserID, store.ErrNotFound)
	}
	return k, nil
}

// ListAPIKeys returns a user's keys, newest first.
func (s *Store) ListAPIKeys(ctx context.Context, userID string) ([]store.APIKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE user_id = ?1 ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list API keys: %w", err)
	}
	out, err := appendRows([]store.APIKey{}, rows, func(r scanner) (store.APIKey, error) { return scanKey(r) })
	if err != nil {
		return nil, fmt.Errorf("sqlite: list API keys: %w", err)
	}
	return out, nil
}

// DeleteAPIKey revokes a key of a user.
func (s *Store) DeleteAPIKey(ctx context.Context, userID, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM api_keys WHERE id = ?1 AND user_id = ?2`, id, userID)
	if err != nil {
		return fmt.Errorf("sqlite: delete API key: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("API key %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// APIKeyUser returns the key with this prefix and its user.
func (s *Store) APIKeyUser(ctx context.Context, prefix string) (store.APIKey, store.User, error) {
	var u store.User
	var role, plan string
	var created, updated int64
	k, err := scanKey(s.db.QueryRowContext(ctx, `SELECT k.`+strings.ReplaceAll(keyColumns, ", ", ", k.")+`,
		u.id, u.email, u.password_hash, u.role, u.plan, u.created_at, u.updated_at
		FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.prefix = ?1`, prefix),
		&u.ID, &u.Email, &u.PasswordHash, &role, &plan, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return store.APIKey{}, store.User{}, fmt.Errorf("API key: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.APIKey{}, store.User{}, fmt.Errorf("sqlite: API key: %w", err)
	}
	u.Role, u.Plan, u.CreatedAt, u.UpdatedAt = store.Role(role), store.Plan(plan), fromMicros(created), fromMicros(updated)
	return k, u, nil
}

// TouchAPIKey records a use of a key, at most once a minute.
func (s *Store) TouchAPIKey(ctx context.Context, id string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ?2
		WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?3)`, id, micros(now), micros(now.Add(-time.Minute)))
	if err != nil {
		return fmt.Errorf("sqlite: touch API key: %w", err)
	}
	return nil
}

// checkLastAdmin applies storeutil.CheckLastAdmin to user id in tx.
// Write transactions begin IMMEDIATE (one writer at a time), so no other
// change of admins can slip between this read and the caller's write.
func checkLastAdmin(ctx context.Context, tx *sql.Tx, id string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE role = 'admin' ORDER BY id`)
	if err != nil {
		return fmt.Errorf("sqlite: read admins: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return fmt.Errorf("sqlite: read admins: %w", err)
		}
		ids = append(ids, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: read admins: %w", err)
	}
	return storeutil.CheckLastAdmin(id, ids)
}
