package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/store"
)

// singleUserEmail is the account single-user mode creates.
const singleUserEmail = "admin@localhost"

// adminKeyPath is where single-user mode keeps the admin's API key.
func adminKeyPath(cfg config.Config) string { return filepath.Join(cfg.DataDir, "admin.key") }

// bootstrapAccounts prepares authentication at start. On the embedded
// defaults (SQLite in --data-dir, no --database-url) it runs single-user
// mode: when the database has no user yet, it creates the admin
// admin@localhost (with a random password nobody knows; reset it with
// `fastsim users reset-password` to log in) and an API key, prints the key
// once to stderr and writes it to <data dir>/admin.key (mode 0600). Later
// starts find users and leave everything as it is. With any other database
// nothing is created: a deployment never runs without authentication, and
// its first admin comes from `fastsim users create --admin`.
func (a *app) bootstrapAccounts(ctx context.Context, cfg config.Config, st store.Store, authn *auth.Authenticator, logger *slog.Logger) error {
	page, err := st.ListUsers(ctx, store.System(), store.ListUsersParams{Limit: 1})
	if err != nil {
		return fmt.Errorf("single-user mode: %w", err)
	}
	if len(page.Items) > 0 {
		return nil
	}
	if cfg.DatabaseURL != "" {
		logger.Warn("no user exists yet: every /api/v1 request will get 401; create the first admin with " +
			"`fastsim users create --admin --email you@example.com --key admin` against the same database")
		return nil
	}
	password, _, err := auth.NewSessionToken() // 256 random bits, never shown
	if err != nil {
		return err
	}
	u, err := authn.CreateUser(ctx, singleUserEmail, password, store.RoleAdmin, store.PlanEnterprise)
	if err != nil {
		return fmt.Errorf("single-user mode: create admin: %w", err)
	}
	key, _, err := authn.CreateAPIKey(ctx, u, "single-user")
	if err != nil {
		return fmt.Errorf("single-user mode: create API key: %w", err)
	}
	path := adminKeyPath(cfg)
	if err := writeSecretFile(path, key+"\n"); err != nil {
		return fmt.Errorf("single-user mode: %w", err)
	}
	// The key goes to stderr once, as a plain line, never through the
	// structured logger.
	fmt.Fprintf(a.stderr, "fastsim: single-user mode: created the admin %s and its API key (saved in %s):\n\n    %s\n\n"+
		"Send it as \"Authorization: Bearer <key>\". It is not shown again.\n", singleUserEmail, path, key)
	logger.Info("single-user mode: admin and API key created", "email", singleUserEmail, "key_file", path)
	return nil
}

// localSessionEmail returns the user whose browser session single-user
// mode opens without a password for a browser on this machine (POST
// /api/v1/auth/local-session): admin@localhost, when the server runs in
// single-user mode and that user exists (bootstrapAccounts creates it on
// an empty database). A SQLite server whose accounts came from `fastsim
// users create` instead, and every PostgreSQL server, get "": sign-in
// with a password only.
func localSessionEmail(ctx context.Context, cfg config.Config, st store.Store) (string, error) {
	if !cfg.SingleUser() {
		return "", nil
	}
	_, err := st.GetUserByEmail(ctx, singleUserEmail)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("single-user mode: %w", err)
	}
	return singleUserEmail, nil
}

// writeSecretFile writes data to path readable by the owner only,
// replacing an older file.
func writeSecretFile(path, data string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// readKeyFile returns the key in a file written by writeSecretFile.
func readKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}
