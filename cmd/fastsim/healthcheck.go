package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// newHealthcheckCmd builds `fastsim healthcheck`, the container probe: the
// image has no shell and no curl.
func newHealthcheckCmd(a *app) *cobra.Command {
	var url string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 when the local API answers /health (for container HEALTHCHECKs)",
		Long: "healthcheck GETs --url (default http://127.0.0.1:<port of FASTSIM_ADDR>/health) and exits 0 on\n" +
			"200, 1 otherwise.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				url = healthURL(a.getenv("FASTSIM_ADDR"))
			}
			return probe(cmd.Context(), url, timeout)
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "URL to probe (default from FASTSIM_ADDR, else http://127.0.0.1:8000/health)")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "probe timeout")
	return cmd
}

// healthURL returns the /health URL of a server listening on addr.
func healthURL(addr string) string {
	port := "8000"
	if _, p, err := net.SplitHostPort(addr); err == nil && p != "" && p != "0" {
		port = p
	}
	return "http://127.0.0.1:" + port + "/health"
}

func probe(ctx context.Context, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck --url %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: status %d", url, resp.StatusCode)
	}
	return nil
}
