package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestOwnerDead(t *testing.T) {
	t.Parallel()
	// A process that has exited: its pid is free (reuse within the test is
	// improbable, and would only make the answer "alive", the safe side).
	exited := exec.Command("true")
	if err := exited.Run(); err != nil {
		t.Skipf("no `true` command: %v", err)
	}
	me := processName()
	host := hostname()
	tests := []struct {
		owner string
		want  bool
	}{
		{fmt.Sprintf("%s/%d/abcdefgh", host, exited.Process.Pid), true},
		{fmt.Sprintf("%s/%d/abcdefgh", host, os.Getpid()), true},                 // an earlier process with our pid
		{fmt.Sprintf("%s/%d/abcdefgh", host, os.Getppid()), false},               // alive
		{fmt.Sprintf("another-%s/%d/abcdefgh", host, exited.Process.Pid), false}, // another host: wait for expiry
		{host + "/not-a-pid/x", false},
		{host, false},
		{"worker-ABCDEFGH", false},
	}
	for _, tc := range tests {
		if got := ownerDead(tc.owner); got != tc.want {
			t.Errorf("ownerDead(%q) = %v, want %v", tc.owner, got, tc.want)
		}
	}
	if parts := strings.Split(me, "/"); len(parts) != 3 || parts[0] != host || parts[1] != fmt.Sprint(os.Getpid()) || len(parts[2]) != 8 {
		t.Errorf("processName() = %q, want host/pid/8-character nonce", me)
	}
}
