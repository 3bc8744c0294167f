package store

import (
	"context"
	"fmt"
	"time"
)

// Role is what a user may do: a user sees only their own rows, an admin
// sees everyone's and manages users.
type Role string

// The roles.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// ParseRole returns the role named s, or an ErrInvalid error.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case RoleUser, RoleAdmin:
		return Role(s), nil
	}
	return "", fmt.Errorf("role %q: must be user or admin: %w", s, ErrInvalid)
}

// Plan is a user's subscription level; quotas are configured per plan.
type Plan string

// The plans, from the smallest.
const (
	PlanFree       Plan = "free"
	PlanExpert     Plan = "expert"
	PlanPro        Plan = "pro"
	PlanEnterprise Plan = "enterprise"
)

// Plans lists every plan, from the smallest.
var Plans = []Plan{PlanFree, PlanExpert, PlanPro, PlanEnterprise}

// ParsePlan returns the plan named s, or an ErrInvalid error.
func ParsePlan(s string) (Plan, error) {
	for _, p := range Plans {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("plan %q: must be one of free, expert, pro, enterprise: %w", s, ErrInvalid)
}

// Actor is on whose behalf a store method reads or writes owned rows
// (scenarios, their versions, runs and their results). A user actor sees
// only the rows it owns; anything else is ErrNotFound, exactly as if the
// row did not exist. An admin actor sees every row.
type Actor struct {
	// UserID is the acting user's id; rows it creates belong to it.
	UserID string
	// Admin lets the actor read and change every user's rows.
	Admin bool
}

// System returns the actor of the service itself: job workers and the
// result cache, which read any run by id. It sees every row like an admin
// but owns nothing, so it cannot create scenarios or runs.
func System() Actor { return Actor{Admin: true} }

// ActorOf returns the actor of an authenticated user.
func ActorOf(u User) Actor { return Actor{UserID: u.ID, Admin: u.Role == RoleAdmin} }

// User is an account.
type User struct {
	// ID is a UUID (version 7) assigned on creation.
	ID string
	// Email is the address as given at registration; it is unique
	// case-insensitively.
	Email string
	// PasswordHash is the PHC-encoded argon2id hash of the password (see
	// package auth). It is never returned by the API.
	PasswordHash string
	// Role is user or admin.
	Role Role
	// Plan is the subscription level.
	Plan Plan
	// CreatedAt is when the user was created.
	CreatedAt time.Time
	// UpdatedAt is when the user was last changed.
	UpdatedAt time.Time
}

// NewUser are the fields of a user to create.
type NewUser struct {
	// Email is required; it must be unique (case-insensitive).
	Email string
	// PasswordHash is required (auth.HashPassword).
	PasswordHash string
	// Role defaults to RoleUser.
	Role Role
	// Plan defaults to PlanFree.
	Plan Plan
}

// UserUpdate changes a user; nil fields stay as they are.
type UserUpdate struct {
	// Role is the new role.
	Role *Role
	// Plan is the new plan.
	Plan *Plan
	// PasswordHash is the new password hash; setting it revokes every
	// session of the user.
	PasswordHash *string
}

// ListUsersParams select a page of users.
type ListUsersParams struct {
	// EmailContains keeps users whose email contains it (case-insensitive).
	// Defaults to no filter.
	EmailContains string
	// Limit is the page size, 1..1000. Defaults to 50 when 0.
	Limit int
	// Cursor is NextCursor of the previous page. Defaults to the first page.
	Cursor string
}

// Session is a login session. The token itself is never stored: only its
// SHA-256 hash, which is also the session's key.
type Session struct {
	// TokenHash is the SHA-256 of the session token.
	TokenHash []byte
	// UserID is the user the session authenticates.
	UserID string
	// CreatedAt is when the session was created.
	CreatedAt time.Time
	// ExpiresAt is when the session stops authenticating.
	ExpiresAt time.Time
}

// APIKey is a long-lived credential of a user for scripts and CI. Only the
// SHA-256 hash of the secret is stored, with a short public prefix to find
// it.
type APIKey struct {
	// ID is a UUID (version 7) assigned on creation.
	ID string
	// UserID is the owner of the key.
	UserID string
	// Name is the user-given label.
	Name string
	// Prefix is the first characters of the secret (unique), shown in
	// lists so that users can tell their keys apart.
	Prefix string
	// Hash is the SHA-256 of the whole secret.
	Hash []byte
	// CreatedAt is when the key was created.
	CreatedAt time.Time
	// LastUsedAt is when the key last authenticated a request (updated at
	// most once a minute), nil if never.
	LastUsedAt *time.Time
}

// UserStore persists users, their sessions and their API keys. Lookups of
// credentials take hashes only; no method sees a plain secret.
type UserStore interface {
	// CreateUser stores a new user. It returns ErrInvalid (empty email or
	// hash, unknown role or plan) or ErrConflict when a user with the same
	// email (case-insensitive) exists.
	CreateUser(ctx context.Context, u NewUser) (User, error)
	// GetUser returns one user, or ErrNotFound.
	GetUser(ctx context.Context, id string) (User, error)
	// GetUserByEmail returns the user with this email (case-insensitive),
	// or ErrNotFound.
	GetUserByEmail(ctx context.Context, email string) (User, error)
	// ListUsers returns a page of users, newest first: every user for an
	// admin actor, only the actor itself otherwise. It returns ErrInvalid
	// for a bad limit or cursor.
	ListUsers(ctx context.Context, actor Actor, p ListUsersParams) (Page[User], error)
	// UpdateUser changes a user's role, plan or password hash (a new hash
	// revokes the user's sessions) and returns it. It returns ErrNotFound,
	// ErrInvalid for an unknown role or plan or an empty hash, or
	// ErrLastAdmin for demoting the only admin (checked in the update's
	// transaction, so two concurrent demotions cannot both succeed).
	UpdateUser(ctx context.Context, id string, u UserUpdate) (User, error)
	// DeleteUser deletes a user with their sessions, API keys, scenarios
	// and runs. It returns ErrNotFound, ErrConflict while one of the
	// user's runs is queued or running, or ErrLastAdmin for the only admin
	// (checked in the deletion's transaction).
	DeleteUser(ctx context.Context, id string) error

	// CreateSession stores a session. It returns ErrNotFound when the
	// user does not exist, or ErrInvalid for a hash that is not 32 bytes.
	CreateSession(ctx context.Context, s Session) error
	// SessionUser returns the session with this token hash and its user,
	// or ErrNotFound when there is none or it expired at now.
	SessionUser(ctx context.Context, tokenHash []byte, now time.Time) (Session, User, error)
	// DeleteSession revokes a session. It returns ErrNotFound.
	DeleteSession(ctx context.Context, tokenHash []byte) error

	// CreateAPIKey stores a key (the store assigns ID and CreatedAt) and
	// returns it. It returns ErrNotFound when the user does not exist,
	// ErrInvalid (empty name or prefix, hash not 32 bytes) or ErrConflict
	// (prefix taken).
	CreateAPIKey(ctx context.Context, k APIKey) (APIKey, error)
	// ListAPIKeys returns the keys of a user, newest first.
	ListAPIKeys(ctx context.Context, userID string) ([]APIKey, error)
	// DeleteAPIKey revokes key id of user userID. It returns ErrNotFound
	// when no such key belongs to that user.
	DeleteAPIKey(ctx context.Context, userID, id string) error
	// APIKeyUser returns the key with this prefix and its user, or
	// ErrNotFound. The caller compares the hash in constant time.
	APIKeyUser(ctx context.Context, prefix string) (APIKey, User, error)
	// TouchAPIKey sets the key's LastUsedAt to now unless it was set less
	// than a minute before. A missing key is not an error.
	TouchAPIKey(ctx context.Context, id string, now time.Time) error
}
