package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/store"
)

// newUsersCmd builds `fastsim users create|reset-password`.
func newUsersCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Create users and reset passwords in the configured database",
		Long: "users manages accounts directly in the database that serve uses (PostgreSQL for a\n" +
			"--database-url postgres://…, otherwise the SQLite file fastsim.db in --data-dir): create\n" +
			"the first admin of a deployment, or recover an account. Passwords are read from stdin\n" +
			"(one line), or asked twice on a terminal; they never appear in arguments or logs.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return errors.New("users needs a subcommand: `fastsim users create` or `fastsim users reset-password`")
		},
	}
	cmd.AddCommand(newUsersCreateCmd(a), newUsersResetCmd(a))
	return cmd
}

// usersFlags are the flags users subcommands show besides their own.
var usersFlags = map[string]bool{"database-url": true, "data-dir": true, "no-migrate": true}

func newUsersCreateCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create --email EMAIL [--admin] [--plan PLAN] [--key NAME]",
		Short: "Create a user; prints its id (and, with --key, a new API key)",
		Example: "  printf '%s\\n' \"$ADMIN_PASSWORD\" | fastsim users create --email admin@example.com --admin --password-stdin\n" +
			"  fastsim users create --email ci@example.com --key ci < password.txt",
		Args: cobra.NoArgs,
	}
	flags := config.BindFlags(cmd.Flags(), runtime.NumCPU())
	hideFlagsExcept(cmd, usersFlags)
	email := cmd.Flags().String("email", "", "email address of the user (required)")
	admin := cmd.Flags().Bool("admin", false, "make the user an admin")
	plan := cmd.Flags().String("plan", string(store.PlanFree), "plan: free, expert, pro or enterprise")
	keyName := cmd.Flags().String("key", "", "also create an API key with this name and print it (shown once)")
	cmd.Flags().Bool("password-stdin", false, "read the password from stdin even on a terminal")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *email == "" {
			return errors.New("--email: required; e.g. --email admin@example.com")
		}
		p, err := store.ParsePlan(*plan)
		if err != nil {
			return fmt.Errorf("--plan: %w", err)
		}
		role := store.RoleUser
		if *admin {
			role = store.RoleAdmin
		}
		cfg, err := flags.Load(a.getenv)
		if err != nil {
			return err
		}
		stdinOnly, _ := cmd.Flags().GetBool("password-stdin")
		password, err := a.readPassword(stdinOnly, true)
		if err != nil {
			return err
		}
		return a.withUserStore(cmd.Context(), cfg, func(ctx context.Context, st store.Store, authn *auth.Authenticator) error {
			u, err := authn.CreateUser(ctx, *email, password, role, p)
			if err != nil {
				return fmt.Errorf("create user: %w", err)
			}
			fmt.Fprintln(a.stdout, u.ID)
			if *keyName == "" {
				return nil
			}
			key, _, err := authn.CreateAPIKey(ctx, u, *keyName)
			if err != nil {
				return fmt.Errorf("create API key of user %s: %w", u.ID, err)
			}
			fmt.Fprintln(a.stdout, key)
			return nil
		})
	}
	return cmd
}

func newUsersResetCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reset-password --email EMAIL",
		Short: "Set a new password for a user and end their sessions",
		Args:  cobra.NoArgs,
	}
	flags := config.BindFlags(cmd.Flags(), runtime.NumCPU())
	hideFlagsExcept(cmd, usersFlags)
	email := cmd.Flags().String("email", "", "email address of the user (required)")
	cmd.Flags().Bool("password-stdin", false, "read the password from stdin even on a terminal")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *email == "" {
			return errors.New("--email: required; e.g. --email admin@example.com")
		}
		cfg, err := flags.Load(a.getenv)
		if err != nil {
			return err
		}
		stdinOnly, _ := cmd.Flags().GetBool("password-stdin")
		password, err := a.readPassword(stdinOnly, true)
		if err != nil {
			return err
		}
		return a.withUserStore(cmd.Context(), cfg, func(ctx context.Context, st store.Store, authn *auth.Authenticator) error {
			u, err := st.GetUserByEmail(ctx, *email)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("--email %s: no such user", *email)
			}
			if err != nil {
				return err
			}
			if err := authn.SetPassword(ctx, u, password); err != nil {
				return fmt.Errorf("reset password: %w", err)
			}
			fmt.Fprintf(a.stdout, "password of %s changed; their sessions are ended (API keys stay valid)\n", u.Email)
			return nil
		})
	}
	return cmd
}

// withUserStore opens (and migrates, unless --no-migrate) the configured
// store and calls fn with it and an authenticator over it.
func (a *app) withUserStore(ctx context.Context, cfg config.Config, fn func(context.Context, store.Store, *auth.Authenticator) error) error {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.AutoMigrate {
		if err := st.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate database (or run `fastsim migrate up` and pass --no-migrate): %w", err)
		}
	}
	return fn(ctx, st, auth.New(st, auth.Options{SessionTTL: cfg.SessionTTL}))
}

// readPassword reads a password: asked twice without echo when stdin is a
// terminal (unless stdinOnly), otherwise the first line of stdin.
func (a *app) readPassword(stdinOnly, confirm bool) (string, error) {
	if f, ok := a.stdin.(*os.File); ok && !stdinOnly && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if confirm {
			fmt.Fprint(a.stderr, "Repeat password: ")
			p2, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(a.stderr)
			if err != nil {
				return "", fmt.Errorf("read password: %w", err)
			}
			if string(p1) != string(p2) {
				return "", errors.New("the two passwords differ")
			}
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(io.LimitReader(a.stdin, 4*auth.MaxPasswordLen+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("password: stdin is empty; pipe the password in, as in: printf '%s\\n' \"$PASSWORD\" | fastsim users create --email EMAIL")
	}
	return line, nil
}
