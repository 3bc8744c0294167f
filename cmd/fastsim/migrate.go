package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/internal/store/dial"
)

// storeFlags are the flags that matter to commands that only open the
// database; the others of the shared configuration are hidden.
var storeFlags = map[string]bool{"database-url": true, "data-dir": true, "log-level": true, "log-format": true}

// hideFlagsExcept hides every flag of cmd not in keep.
func hideFlagsExcept(cmd *cobra.Command, keep map[string]bool) {
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !keep[f.Name] {
			f.Hidden = true
		}
	})
}

// newMigrateCmd builds `fastsim migrate up|status`.
func newMigrateCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply or list database migrations (application schema and River's)",
		Long: "migrate manages the schema of the database that serve and worker use: PostgreSQL for a\n" +
			"--database-url postgres://…, otherwise the SQLite file fastsim.db in --data-dir. Both the\n" +
			"application tables and River's job tables are migrated.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return errors.New("migrate needs a subcommand: `fastsim migrate up` or `fastsim migrate status`")
		},
	}
	cmd.AddCommand(newMigrateSubCmd(a, "up", "Apply every pending migration", func(ctx context.Context, w io.Writer, st store.Store) error {
		if err := st.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		s, err := st.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s database at head: %d application and %d River migrations applied\n",
			st.Dialect(), len(s.App), len(s.River))
		return nil
	}))
	cmd.AddCommand(newMigrateSubCmd(a, "status", "List applied and pending migrations", func(ctx context.Context, w io.Writer, st store.Store) error {
		s, err := st.MigrationStatus(ctx)
		if err != nil {
			return fmt.Errorf("migrate status: %w", err)
		}
		return printMigrationStatus(w, st.Dialect(), s)
	}))
	return cmd
}

// newMigrateSubCmd builds one migrate subcommand that opens the store and
// calls fn.
func newMigrateSubCmd(a *app, use, short string, fn func(ctx context.Context, w io.Writer, st store.Store) error) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs}
	flags := config.BindFlags(cmd.Flags(), runtime.NumCPU())
	hideFlagsExcept(cmd, storeFlags)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := flags.Load(a.getenv)
		if err != nil {
			return err
		}
		st, err := openStore(cmd.Context(), cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		return fn(cmd.Context(), a.stdout, st)
	}
	return cmd
}

// openStore opens the database of cfg (sqlite.Open creates a missing data
// directory 0700 and database file 0600).
func openStore(ctx context.Context, cfg config.Config) (store.Backend, error) {
	st, err := dial.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return st, nil
}

// printMigrationStatus prints one line per migration and a summary.
func printMigrationStatus(w io.Writer, dialect string, s store.MigrationStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "SCHEMA\tVERSION\tNAME\tSTATE\n")
	for _, part := range []struct {
		name string
		ms   []store.Migration
	}{{"app", s.App}, {"river", s.River}} {
		for _, m := range part.ms {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", part.name, m.Version, m.Name, state)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	head := "no: run `fastsim migrate up`"
	if s.AtHead() {
		head = "yes"
	}
	_, err := fmt.Fprintf(w, "%s database at head: %s\n", dialect, head)
	return err
}
