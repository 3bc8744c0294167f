package storeutil

import (
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
