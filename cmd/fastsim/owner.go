package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// processName names this process in job leases and logs: host/pid/nonce.
// The nonce tells this process from an earlier one with the same pid (a
// restarted container whose process is pid 1 again). It is computed once,
// so that every job client of the process (in-process tests run several
// services) has the same name and none presumes another dead.
var processName = sync.OnceValue(func() string {
	return fmt.Sprintf("%s/%d/%s", hostname(), os.Getpid(), rand.Text()[:8])
})

func hostname() string {
	host, err := os.Hostname()
	if err != nil {
		return "unknown-host"
	}
	return host
}

// ownerDead reports whether the process that processName named owner is
// known to be dead: it ran on this host and its pid is now another
// incarnation (ours) or no process at all. A process of another host, a
// pid that exists (maybe reused) or an unparsable owner is not known dead:
// its lease then simply expires.
func ownerDead(owner string) bool {
	host, rest, ok := strings.Cut(owner, "/")
	if !ok || host != hostname() {
		return false
	}
	pidText, _, ok := strings.Cut(rest, "/")
	pid, err := strconv.Atoi(pidText)
	if !ok || err != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		// Our pid but not our name (job.Reap never asks about its own):
		// an earlier process that had the same pid.
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return true // Windows: no such process
	}
	defer func() { _ = p.Release() }()
	err = p.Signal(syscall.Signal(0))
	return errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH)
}
