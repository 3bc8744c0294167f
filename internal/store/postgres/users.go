package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/internal/storeutil"
)

const userColumns = `id, email, password_hash, role, plan, created_at, updated_at`

func scanUser(row pgx.Row, extra ...any) (store.User, error) {
	var u store.User
	var role, plan string
	dst := append([]any{&u.ID, &u.Email, &u.PasswordHash, &role, &plan, &u.CreatedAt, &u.UpdatedAt}, extra...)
	if err := row.Scan(dst...); err != nil {
		return store.User{}, err
	}
	u.Role, u.Plan = store.Role(role), store.Plan(plan)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

// isUnique reports whether err is a unique_violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// CreateUser stores a new user.
func (s *Store) CreateUser(ctx context.Context, nu store.NewUser) (store.User, error) {
	u, err := storeutil.NewUser(nu, s.now)
	if err != nil {
		return store.User{}, err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO users (id, email, email_key, password_hash, role, plan, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, u.ID, u.Email, storeutil.EmailKey(u.Email), u.PasswordHash,
		string(u.Role), string(u.Plan), u.CreatedAt)
	if isUnique(err) {
		return store.User{}, fmt.Errorf("create user: email %q: a user with this email exists: %w", u.Email, store.ErrConflict)
	}
	if err != nil {
		return store.User{}, fmt.Errorf("postgres: create user: %w", err)
	}
	return u, nil
}

// GetUser returns one user.
func (s *Store) GetUser(ctx context.Context, id string) (store.User, error) {
	if !storeutil.ValidID(id) {
		return store.User{}, fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return store.User{}, notFound(err, "user", id)
	}
	return u, nil
}

// GetUserByEmail returns the user with this email, case-insensitively.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (store.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email_key = $1`, storeutil.EmailKey(email)))
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
	var curAt *time.Time
	var curID *string
	if hasCur {
		curAt, curID = &cur.CreatedAt, &cur.ID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users
		WHERE ($1 = '' OR strpos(email_key, lower($1)) > 0)
		  AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
		  AND ($5::boolean OR id = $6::uuid)
		ORDER BY created_at DESC, id DESC LIMIT $4`, p.EmailContains, curAt, curID, limit+1, actor.Admin, storeutil.OwnerArg(actor))
	if err != nil {
		return store.Page[store.User]{}, fmt.Errorf("postgres: list users: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.User, error) { return scanUser(r) })
	if err != nil {
		return store.Page[store.User]{}, fmt.Errorf("postgres: list users: %w", err)
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
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if storeutil.Demotes(up) {
			if err := checkLastAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET role = coalesce($2::text, role), plan = coalesce($3::text, plan),
			password_hash = coalesce($4::text, password_hash), updated_at = $5 WHERE id = $1 RETURNING `+userColumns,
			id, role, plan, hash, storeutil.Now(s.now)))
		if err != nil {
			return notFound(err, "user", id)
		}
		if up.PasswordHash != nil {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return fmt.Errorf("postgres: revoke sessions of user %q: %w", id, err)
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
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Admins first, then the user: every transaction takes the locks
		// in this order, so they cannot deadlock.
		if err := checkLastAdmin(ctx, tx, id); err != nil {
			return err
		}
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
			return notFound(err, "user", id)
		}
		var active int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM runs WHERE owner_id = $1 AND status IN ('queued', 'running')`,
			id).Scan(&active); err != nil {
			return fmt.Errorf("postgres: delete user: %w", err)
		}
		if active > 0 {
			return fmt.Errorf("delete user %q: %d of their runs are queued or running; cancel them or wait: %w", id, active, store.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM runs WHERE owner_id = $1`, id); err != nil {
			return fmt.Errorf("postgres: delete user: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM users WHERE id = $1`, id); err != nil {
			return fmt.Errorf("postgres: delete user: %w", err)
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
	tag, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		SELECT $1, id, $3, $4 FROM users WHERE id = $2`, se.TokenHash, se.UserID, se.CreatedAt, se.ExpiresAt)
	if err != nil {
		return fmt.Errorf("postgres: create session: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("create session: user %q: %w", se.UserID, store.ErrNotFound)
	}
	return nil
}

// SessionUser returns an unexpired session and its user.
func (s *Store) SessionUser(ctx context.Context, tokenHash []byte, now time.Time) (store.Session, store.User, error) {
	var se store.Session
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT u.id, u.email, u.password_hash, u.role, u.plan, u.created_at, u.updated_at,
		s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`,
		tokenHash, now), &se.CreatedAt, &se.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Session{}, store.User{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Session{}, store.User{}, fmt.Errorf("postgres: session: %w", err)
	}
	se.TokenHash, se.UserID, se.CreatedAt, se.ExpiresAt = tokenHash, u.ID, se.CreatedAt.UTC(), se.ExpiresAt.UTC()
	return se, u, nil
}

// DeleteSession revokes a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	if err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("session: %w", store.ErrNotFound)
	}
	return nil
}

const keyColumns = `id, user_id, name, prefix, hash, created_at, last_used_at`

func scanKey(row pgx.Row, extra ...any) (store.APIKey, error) {
	var k store.APIKey
	if err := row.Scan(append([]any{&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.Hash, &k.CreatedAt, &k.LastUsedAt}, extra...)...); err != nil {
		return store.APIKey{}, err
	}
	k.CreatedAt = k.CreatedAt.UTC()
	if k.LastUsedAt != nil {
		t := k.LastUsedAt.UTC()
		k.LastUsedAt = &t
	}
	return k, nil
}

// CreateAPIKey stores a key.
func (s *Store) CreateAPIKey(ctx context.Context, k store.APIKey) (store.APIKey, error) {
	k, err := storeutil.NewKey(k, s.now)
	if err != nil {
		return store.APIKey{}, err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO api_keys (id, user_id, name, prefix, hash, created_at)
		SELECT $1, id, $3, $4, $5, $6 FROM users WHERE id = $2`, k.ID, k.UserID, k.Name, k.Prefix, k.Hash, k.CreatedAt)
	if isUnique(err) {
		return store.APIKey{}, fmt.Errorf("create API key: prefix %q: taken: %w", k.Prefix, store.ErrConflict)
	}
	if err != nil {
		return store.APIKey{}, fmt.Errorf("postgres: create API key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return store.APIKey{}, fmt.Errorf("create API key: user %q: %w", k.UserID, store.ErrNotFound)
	}
	return k, nil
}

// ListAPIKeys returns a user's keys, newest first.
func (s *Store) ListAPIKeys(ctx context.Context, userID string) ([]store.APIKey, error) {
	if !storeutil.ValidID(userID) {
		return []store.APIKey{}, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list API keys: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.APIKey, error) { return scanKey(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: list API keys: %w", err)
	}
	if out == nil {
		out = []store.APIKey{}
	}
	return out, nil
}

// DeleteAPIKey revokes a key of a user.
func (s *Store) DeleteAPIKey(ctx context.Context, userID, id string) error {
	if !storeutil.ValidID(userID) || !storeutil.ValidID(id) {
		return fmt.Errorf("API key %q: %w", id, store.ErrNotFound)
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM api_keys WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("postgres: delete API key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("API key %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// APIKeyUser returns the key with this prefix and its user.
func (s *Store) APIKeyUser(ctx context.Context, prefix string) (store.APIKey, store.User, error) {
	var u store.User
	var role, plan string
	k, err := scanKey(s.pool.QueryRow(ctx, `SELECT k.`+strings.ReplaceAll(keyColumns, ", ", ", k.")+`,
		u.id, u.email, u.password_hash, u.role, u.plan, u.created_at, u.updated_at
		FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.prefix = $1`, prefix),
		&u.ID, &u.Email, &u.PasswordHash, &role, &plan, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.APIKey{}, store.User{}, fmt.Errorf("API key: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.APIKey{}, store.User{}, fmt.Errorf("postgres: API key: %w", err)
	}
	u.Role, u.Plan, u.CreatedAt, u.UpdatedAt = store.Role(role), store.Plan(plan), u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return k, u, nil
}

// TouchAPIKey records a use of a key, at most once a minute.
func (s *Store) TouchAPIKey(ctx context.Context, id string, now time.Time) error {
	if !storeutil.ValidID(id) {
		return nil
	}
	_, err := s.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`, id, now, now.Add(-time.Minute))
	if err != nil {
		return fmt.Errorf("postgres: touch API key: %w", err)
	}
	return nil
}

// checkLastAdmin applies storeutil.CheckLastAdmin to user id in tx. It
// locks every admin row first (FOR UPDATE), so concurrent demotions or
// deletions of admins run one after the other and the last one sees the
// others' effect.
func checkLastAdmin(ctx context.Context, tx pgx.Tx, id string) error {
	rows, err := tx.Query(ctx, `SELECT id::text FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE`)
	if err != nil {
		return fmt.Errorf("postgres: lock admins: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("postgres: lock admins: %w", err)
	}
	return storeutil.CheckLastAdmin(id, ids)
}
