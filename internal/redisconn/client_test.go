package redisconn

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNewClient(t *testing.T) {
	t.Parallel()
	c, err := NewClient("redis://127.0.0.1:1/0", 250*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	o := c.Options()
	got := []any{o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.MaxRetries, o.DialerRetries, o.Protocol, o.DisableIdentity}
	// go-redis stores MaxRetries -1 (no retry) as 0.
	want := []any{250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond, 0, 1, 2, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if _, err := NewClient("http://nope", time.Second); err == nil {
		t.Error("NewClient of a non-Redis URL: no error")
	}
}
