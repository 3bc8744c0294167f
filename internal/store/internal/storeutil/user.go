package storeutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// EmailKey is the case-insensitive form of an email address under which
// uniqueness is enforced.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// NewUser validates a user to create and returns it with its defaults
// (role user, plan free), a new id and its creation time.
func NewUser(nu store.NewUser, now func() time.Time) (store.User, error) {
	u := store.User{Email: strings.TrimSpace(nu.Email), PasswordHash: nu.PasswordHash, Role: nu.Role, Plan: nu.Plan}
	if u.Role == "" {
		u.Role = store.RoleUser
	}
	if u.Plan == "" {
		u.Plan = store.PlanFree
	}
	switch {
	case u.Email == "":
		return store.User{}, fmt.Errorf("create user: email: must not be empty: %w", store.ErrInvalid)
	case u.PasswordHash == "":
		return store.User{}, fmt.Errorf("create user: password hash: must not be empty: %w", store.ErrInvalid)
	}
	if _, err := store.ParseRole(string(u.Role)); err != nil {
		return store.User{}, fmt.Errorf("create user: %w", err)
	}
	if _, err := store.ParsePlan(string(u.Plan)); err != nil {
		return store.User{}, fmt.Errorf("create user: %w", err)
	}
	id, err := NewID()
	if err != nil {
		return store.User{}, err
	}
	u.ID, u.CreatedAt = id, Now(now)
	u.UpdatedAt = u.CreatedAt
	return u, nil
}

// CheckUserUpdate validates a user update.
func CheckUserUpdate(up store.UserUpdate) error {
	if up.Role != nil {
		if _, err := store.ParseRole(string(*up.Role)); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
	}
	if up.Plan != nil {
		if _, err := store.ParsePlan(string(*up.Plan)); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
	}
	if up.PasswordHash != nil && *up.PasswordHash == "" {
		return fmt.Errorf("update user: password hash: must not be empty: %w", store.ErrInvalid)
	}
	return nil
}

// Demotes reports whether an update takes the admin role away (when
// applied to an admin).
func Demotes(up store.UserUpdate) bool {
	return up.Role != nil && *up.Role != store.RoleAdmin
}

// CheckLastAdmin is the last-admin rule: removing the admin role from user
// id (demotion or deletion) is refused when id is an admin and no other
// admin exists. adminIDs are the ids of every admin, read in the same
// transaction as the change, under a lock that serializes such changes.
func CheckLastAdmin(id string, adminIDs []string) error {
	if len(adminIDs) == 1 && strings.EqualFold(adminIDs[0], id) {
		return fmt.Errorf("user %q: %w", id, store.ErrLastAdmin)
	}
	return nil
}

// UpdateArgs returns the role, plan and hash of an update as nullable
// query arguments (nil: unchanged).
func UpdateArgs(up store.UserUpdate) (role, plan, hash any) {
	if up.Role != nil {
		role = string(*up.Role)
	}
	if up.Plan != nil {
		plan = string(*up.Plan)
	}
	if up.PasswordHash != nil {
		hash = *up.PasswordHash
	}
	return role, plan, hash
}

// CheckHash validates a SHA-256 hash.
func CheckHash(h []byte, what string) error {
	if len(h) != 32 {
		return fmt.Errorf("%s: must be 32 bytes, got %d: %w", what, len(h), store.ErrInvalid)
	}
	return nil
}

// NewKey validates an API key to create and returns it with a new id and
// its creation time. A malformed user id is ErrNotFound.
func NewKey(k store.APIKey, now func() time.Time) (store.APIKey, error) {
	switch {
	case strings.TrimSpace(k.Name) == "":
		return store.APIKey{}, fmt.Errorf("create API key: name: must not be empty: %w", store.ErrInvalid)
	case k.Prefix == "":
		return store.APIKey{}, fmt.Errorf("create API key: prefix: must not be empty: %w", store.ErrInvalid)
	}
	if err := CheckHash(k.Hash, "create API key: hash"); err != nil {
		return store.APIKey{}, err
	}
	if !ValidID(k.UserID) {
		return store.APIKey{}, fmt.Errorf("create API key: user %q: %w", k.UserID, store.ErrNotFound)
	}
	id, err := NewID()
	if err != nil {
		return store.APIKey{}, err
	}
	k.ID, k.CreatedAt, k.LastUsedAt = id, Now(now), nil
	return k, nil
}

// NewSession validates a session to create and returns it with its
// creation time set to now unless given. A malformed user id is
// ErrNotFound.
func NewSession(se store.Session, now func() time.Time) (store.Session, error) {
	if err := CheckHash(se.TokenHash, "session token hash"); err != nil {
		return store.Session{}, err
	}
	if !ValidID(se.UserID) {
		return store.Session{}, fmt.Errorf("create session: user %q: %w", se.UserID, store.ErrNotFound)
	}
	if se.CreatedAt.IsZero() {
		se.CreatedAt = Now(now)
	}
	return se, nil
}

// userColumns are the columns scanUser reads; keyColumns those scanKey
// reads.
const (
	userColumns = `id, email, password_hash, role, plan, created_at, updated_at`
	keyColumns  = `id, user_id, name, prefix, hash, created_at, last_used_at`
)

var (
	insertUserSQL = SQL(`INSERT INTO users (id, email, email_key, password_hash, role, plan, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`)
	getUserSQL        = SQL(`SELECT ` + userColumns + ` FROM users WHERE id = $1`)
	getUserByEmailSQL = SQL(`SELECT ` + userColumns + ` FROM users WHERE email_key = $1`)
	listUsersSQL      = SQL(`SELECT ` + userColumns + ` FROM users
		WHERE ($1 = '' OR strpos(email_key, lower($1)) > 0)
		  AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
		  AND ($5::boolean OR id = $6::uuid)
		ORDER BY created_at DESC, id DESC LIMIT $4`)
	updateUserSQL = SQL(`UPDATE users SET role = coalesce($2::text, role), plan = coalesce($3::text, plan),
		password_hash = coalesce($4::text, password_hash), updated_at = $5 WHERE id = $1 RETURNING ` + userColumns)
	deleteSessionsOfSQL = SQL(`DELETE FROM sessions WHERE user_id = $1`)
	// lockUserSQL and lockAdminsSQL lock rows in PostgreSQL (FOR UPDATE):
	// concurrent demotions or deletions of admins run one after the other
	// and the last one sees the others' effect. SQLite transactions of
	// these stores begin IMMEDIATE and hold the database's single write
	// lock instead.
	lockUserSQL = SQLPer(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`,
		`SELECT 1 FROM users WHERE id = ?1`)
	lockAdminsSQL = SQLPer(`SELECT id::text FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE`,
		`SELECT id FROM users WHERE role = 'admin' ORDER BY id`)
	countActiveRunsOfUserSQL = SQL(`SELECT (SELECT count(*) FROM runs WHERE owner_id = $1 AND status IN ('queued', 'running'))
		+ (SELECT count(*) FROM studies WHERE owner_id = $1 AND status IN ('queued', 'running'))`)
	deleteRunsOfUserSQL = SQL(`DELETE FROM runs WHERE owner_id = $1`)
	deleteUserSQL       = SQL(`DELETE FROM users WHERE id = $1`)
	insertSessionSQL    = SQL(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		SELECT $1, id, $3, $4 FROM users WHERE id = $2`)
	sessionUserSQL = SQL(`SELECT u.id, u.email, u.password_hash, u.role, u.plan, u.created_at, u.updated_at,
		s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`)
	deleteSessionSQL = SQL(`DELETE FROM sessions WHERE token_hash = $1`)
	insertKeySQL     = SQL(`INSERT INTO api_keys (id, user_id, name, prefix, hash, created_at)
		SELECT $1, id, $3, $4, $5, $6 FROM users WHERE id = $2`)
	listKeysSQL  = SQL(`SELECT ` + keyColumns + ` FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id DESC`)
	deleteKeySQL = SQL(`DELETE FROM api_keys WHERE id = $1 AND user_id = $2`)
	keyUserSQL   = SQL(`SELECT k.` + strings.ReplaceAll(keyColumns, ", ", ", k.") + `,
		u.id, u.email, u.password_hash, u.role, u.plan, u.created_at, u.updated_at
		FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.prefix = $1`)
	touchKeySQL = SQL(`UPDATE api_keys SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`)
)

// scanUser reads the userColumns of row, then extra.
func scanUser(row Row, extra ...any) (store.User, error) {
	var u store.User
	var role, plan string
	dst := append([]any{&u.ID, &u.Email, &u.PasswordHash, &role, &plan, &u.CreatedAt, &u.UpdatedAt}, extra...)
	if err := row.Scan(dst...); err != nil {
		return store.User{}, err
	}
	u.Role, u.Plan = store.Role(role), store.Plan(plan)
	return u, nil
}

// scanKey reads the keyColumns of row, then extra.
func scanKey(row Row, extra ...any) (store.APIKey, error) {
	var k store.APIKey
	if err := row.Scan(append([]any{&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.Hash, &k.CreatedAt, &k.LastUsedAt}, extra...)...); err != nil {
		return store.APIKey{}, err
	}
	return k, nil
}

// CreateUser implements store.Store.CreateUser.
func (s Store) CreateUser(ctx context.Context, nu store.NewUser) (store.User, error) {
	u, err := NewUser(nu, s.Now)
	if err != nil {
		return store.User{}, err
	}
	_, err = s.DB.Exec(ctx, insertUserSQL, u.ID, u.Email, EmailKey(u.Email), u.PasswordHash,
		string(u.Role), string(u.Plan), u.CreatedAt)
	if s.DB.IsUnique(err) {
		return store.User{}, fmt.Errorf("create user: email %q: a user with this email exists: %w", u.Email, store.ErrConflict)
	}
	if err != nil {
		return store.User{}, fmt.Errorf("%s: create user: %w", s.DB.Name(), err)
	}
	return u, nil
}

// GetUser implements store.Store.GetUser.
func (s Store) GetUser(ctx context.Context, id string) (store.User, error) {
	if !ValidID(id) {
		return store.User{}, fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	u, err := scanUser(s.DB.QueryRow(ctx, getUserSQL, id))
	if err != nil {
		return store.User{}, NotFound(s.DB, err, "user", id)
	}
	return u, nil
}

// GetUserByEmail implements store.Store.GetUserByEmail.
func (s Store) GetUserByEmail(ctx context.Context, email string) (store.User, error) {
	u, err := scanUser(s.DB.QueryRow(ctx, getUserByEmailSQL, EmailKey(email)))
	if err != nil {
		return store.User{}, NotFound(s.DB, err, "user with email", email)
	}
	return u, nil
}

// ListUsers implements store.Store.ListUsers.
func (s Store) ListUsers(ctx context.Context, actor store.Actor, p store.ListUsersParams) (store.Page[store.User], error) {
	limit, cur, hasCur, err := Paging("list users", p.Limit, p.Cursor)
	if err != nil {
		return store.Page[store.User]{}, err
	}
	curAt, curID := CursorArgs(cur, hasCur)
	rows, err := s.DB.Query(ctx, listUsersSQL, p.EmailContains, curAt, curID, limit+1, actor.Admin, OwnerArg(actor))
	if err != nil {
		return store.Page[store.User]{}, fmt.Errorf("%s: list users: %w", s.DB.Name(), err)
	}
	items, err := CollectRows(rows, func(r Row) (store.User, error) { return scanUser(r) })
	if err != nil {
		return store.Page[store.User]{}, fmt.Errorf("%s: list users: %w", s.DB.Name(), err)
	}
	return NewPage(items, limit, UserKey), nil
}

// UpdateUser implements store.Store.UpdateUser.
func (s Store) UpdateUser(ctx context.Context, id string, up store.UserUpdate) (store.User, error) {
	if err := CheckUserUpdate(up); err != nil {
		return store.User{}, err
	}
	if !ValidID(id) {
		return store.User{}, fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	role, plan, hash := UpdateArgs(up)
	var u store.User
	err := s.DB.InTx(ctx, func(tx TxConn) error {
		if Demotes(up) {
			if err := checkLastAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		var err error
		u, err = scanUser(tx.QueryRow(ctx, updateUserSQL, id, role, plan, hash, Now(s.Now)))
		if err != nil {
			return NotFound(tx, err, "user", id)
		}
		if up.PasswordHash != nil {
			if _, err := tx.Exec(ctx, deleteSessionsOfSQL, id); err != nil {
				return fmt.Errorf("%s: revoke sessions of user %q: %w", tx.Name(), id, err)
			}
		}
		return nil
	})
	if err != nil {
		return store.User{}, fmt.Errorf("update user: %w", err)
	}
	return u, nil
}

// DeleteUser implements store.Store.DeleteUser.
func (s Store) DeleteUser(ctx context.Context, id string) error {
	if !ValidID(id) {
		return fmt.Errorf("user %q: %w", id, store.ErrNotFound)
	}
	return s.DB.InTx(ctx, func(tx TxConn) error {
		// Admins first, then the user: every transaction takes the locks
		// in this order, so they cannot deadlock.
		if err := checkLastAdmin(ctx, tx, id); err != nil {
			return err
		}
		var one int
		if err := tx.QueryRow(ctx, lockUserSQL, id).Scan(&one); err != nil {
			return NotFound(tx, err, "user", id)
		}
		var active int
		if err := tx.QueryRow(ctx, countActiveRunsOfUserSQL, id).Scan(&active); err != nil {
			return fmt.Errorf("%s: delete user: %w", tx.Name(), err)
		}
		if active > 0 {
			return fmt.Errorf("delete user %q: %d of their runs or studies are queued or running; cancel them or wait: %w", id, active, store.ErrConflict)
		}
		// Runs first: deleting the scenarios would only unlink them.
		if _, err := tx.Exec(ctx, deleteRunsOfUserSQL, id); err != nil {
			return fmt.Errorf("%s: delete user: %w", tx.Name(), err)
		}
		if _, err := tx.Exec(ctx, deleteUserSQL, id); err != nil {
			return fmt.Errorf("%s: delete user: %w", tx.Name(), err)
		}
		return nil
	})
}

// checkLastAdmin applies CheckLastAdmin to user id in tx, after locking
// every admin (lockAdminsSQL).
func checkLastAdmin(ctx context.Context, tx Conn, id string) error {
	rows, err := tx.Query(ctx, lockAdminsSQL)
	if err != nil {
		return fmt.Errorf("%s: lock admins: %w", tx.Name(), err)
	}
	ids, err := CollectRows(rows, func(r Row) (string, error) {
		var a string
		err := r.Scan(&a)
		return a, err
	})
	if err != nil {
		return fmt.Errorf("%s: lock admins: %w", tx.Name(), err)
	}
	return CheckLastAdmin(id, ids)
}

// CreateSession implements store.Store.CreateSession.
func (s Store) CreateSession(ctx context.Context, se store.Session) error {
	se, err := NewSession(se, s.Now)
	if err != nil {
		return err
	}
	n, err := s.DB.Exec(ctx, insertSessionSQL, se.TokenHash, se.UserID, se.CreatedAt, se.ExpiresAt)
	if err != nil {
		return fmt.Errorf("%s: create session: %w", s.DB.Name(), err)
	}
	if n == 0 {
		return fmt.Errorf("create session: user %q: %w", se.UserID, store.ErrNotFound)
	}
	return nil
}

// SessionUser implements store.Store.SessionUser.
func (s Store) SessionUser(ctx context.Context, tokenHash []byte, now time.Time) (store.Session, store.User, error) {
	var se store.Session
	u, err := scanUser(s.DB.QueryRow(ctx, sessionUserSQL, tokenHash, now), &se.CreatedAt, &se.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Session{}, store.User{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Session{}, store.User{}, fmt.Errorf("%s: session: %w", s.DB.Name(), err)
	}
	se.TokenHash, se.UserID = tokenHash, u.ID
	return se, u, nil
}

// DeleteSession implements store.Store.DeleteSession.
func (s Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	n, err := s.DB.Exec(ctx, deleteSessionSQL, tokenHash)
	if err != nil {
		return fmt.Errorf("%s: delete session: %w", s.DB.Name(), err)
	}
	if n == 0 {
		return fmt.Errorf("session: %w", store.ErrNotFound)
	}
	return nil
}

// CreateAPIKey implements store.Store.CreateAPIKey.
func (s Store) CreateAPIKey(ctx context.Context, k store.APIKey) (store.APIKey, error) {
	k, err := NewKey(k, s.Now)
	if err != nil {
		return store.APIKey{}, err
	}
	n, err := s.DB.Exec(ctx, insertKeySQL, k.ID, k.UserID, k.Name, k.Prefix, k.Hash, k.CreatedAt)
	if s.DB.IsUnique(err) {
		return store.APIKey{}, fmt.Errorf("create API key: prefix %q: taken: %w", k.Prefix, store.ErrConflict)
	}
	if err != nil {
		return store.APIKey{}, fmt.Errorf("%s: create API key: %w", s.DB.Name(), err)
	}
	if n == 0 {
		return store.APIKey{}, fmt.Errorf("create API key: user %q: %w", k.UserID, store.ErrNotFound)
	}
	return k, nil
}

// ListAPIKeys implements store.Store.ListAPIKeys.
func (s Store) ListAPIKeys(ctx context.Context, userID string) ([]store.APIKey, error) {
	if !ValidID(userID) {
		return []store.APIKey{}, nil
	}
	rows, err := s.DB.Query(ctx, listKeysSQL, userID)
	if err != nil {
		return nil, fmt.Errorf("%s: list API keys: %w", s.DB.Name(), err)
	}
	out, err := CollectRows(rows, func(r Row) (store.APIKey, error) { return scanKey(r) })
	if err != nil {
		return nil, fmt.Errorf("%s: list API keys: %w", s.DB.Name(), err)
	}
	if out == nil {
		out = []store.APIKey{}
	}
	return out, nil
}

// DeleteAPIKey implements store.Store.DeleteAPIKey.
func (s Store) DeleteAPIKey(ctx context.Context, userID, id string) error {
	if !ValidID(userID) || !ValidID(id) {
		return fmt.Errorf("API key %q: %w", id, store.ErrNotFound)
	}
	n, err := s.DB.Exec(ctx, deleteKeySQL, id, userID)
	if err != nil {
		return fmt.Errorf("%s: delete API key: %w", s.DB.Name(), err)
	}
	if n == 0 {
		return fmt.Errorf("API key %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// APIKeyUser implements store.Store.APIKeyUser.
func (s Store) APIKeyUser(ctx context.Context, prefix string) (store.APIKey, store.User, error) {
	var u store.User
	var role, plan string
	k, err := scanKey(s.DB.QueryRow(ctx, keyUserSQL, prefix),
		&u.ID, &u.Email, &u.PasswordHash, &role, &plan, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return store.APIKey{}, store.User{}, fmt.Errorf("API key: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.APIKey{}, store.User{}, fmt.Errorf("%s: API key: %w", s.DB.Name(), err)
	}
	u.Role, u.Plan = store.Role(role), store.Plan(plan)
	return k, u, nil
}

// TouchAPIKey implements store.Store.TouchAPIKey: it records a use of a
// key at most once a minute.
func (s Store) TouchAPIKey(ctx context.Context, id string, now time.Time) error {
	if !ValidID(id) {
		return nil
	}
	if _, err := s.DB.Exec(ctx, touchKeySQL, id, now, now.Add(-time.Minute)); err != nil {
		return fmt.Errorf("%s: touch API key: %w", s.DB.Name(), err)
	}
	return nil
}
