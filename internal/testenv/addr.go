package testenv

import (
	"net"
	"testing"
)

// FreeAddr returns a loopback "host:port" that was free a moment ago: a
// server to start in the test can listen on it, and until one does, a
// client dialling it is refused at once.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: find a free port: %v", err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}
