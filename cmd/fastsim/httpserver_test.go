package main

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastsim/fastsim/internal/config"
	"github.com/fastsim/fastsim/internal/testenv"
)

// TestHTTPServerTimeouts checks that the servers built by newHTTPServer
// (the worker's probe server here, serve's API alike) close a connection
// whose client stalls: in its headers, in its body, or idle between
// requests. Each connection must be closed by the server (EOF) well
// before the client's own 30 s hang guard.
func TestHTTPServerTimeouts(t *testing.T) {
	t.Parallel()
	serving := config.DefaultServing()
	serving.ReadHeaderTimeout, serving.ReadTimeout, serving.IdleTimeout = time.Second, 2*time.Second, time.Second
	addr := testenv.FreeAddr(t)
	p, err := startProbeServer(addr, serving, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.srv.Close() })
	tests := []struct {
		name string
		send string
		// answered is whether a response comes before the close.
		answered bool
	}{
		{"StalledHeaders", "GET /health HTTP/1.1\r\nHost: x\r\n", false},
		{"StalledBody", "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", false},
		{"IdleKeepAlive", "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tt.send); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second)) // a hang guard
			r := bufio.NewReader(conn)
			if tt.answered {
				resp, err := http.ReadResponse(r, nil)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d, want 200", resp.StatusCode)
				}
			}
			rest, err := io.ReadAll(r)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server kept the connection open for 30 s")
			}
			// A stalled request may get a 408 or 400 before the close, never a 200.
			if strings.Contains(string(rest), " 200 ") {
				t.Errorf("got a 200 for a stalled request:\n%s", rest)
			}
		})
	}
}
