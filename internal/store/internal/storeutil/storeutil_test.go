package storeutil

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/store"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	c := Cursor{CreatedAt: time.Date(2026, 11, 27, 5, 0, 0, 123456000, time.UTC), ID: "0190a5b2-0000-7000-8000-000000000001"}
	got, ok, err := DecodeCursor(EncodeCursor(c))
	if err != nil || !ok {
		t.Fatalf("DecodeCursor: ok %v err %v", ok, err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, ok, err := DecodeCursor(""); ok || err != nil {
		t.Errorf("empty cursor: ok %v err %v, want false, nil", ok, err)
	}
	for _, bad := range []string{"!!", "bm9waXBl", "MTIzfGFiYw", "eHx4"} {
		if _, _, err := DecodeCursor(bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("DecodeCursor(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestCompress(t *testing.T) {
	t.Parallel()
	for _, in := range [][]byte{nil, {}, []byte(`{"a":1}`), bytes.Repeat([]byte("0123456789"), 10_000)} {
		z, err := Compress(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Decompress(z)
		if err != nil {
			t.Fatal(err)
		}
		if (in == nil) != (out == nil) || !bytes.Equal(in, out) {
			t.Errorf("round trip of %d bytes gave %d bytes (nil in %v, nil out %v)", len(in), len(out), in == nil, out == nil)
		}
	}
	if _, err := Decompress([]byte("not gzip")); err == nil {
		t.Error("Decompress of garbage: no error")
	}
}

func TestLimitAndClamp(t *testing.T) {
	t.Parallel()
	limits := []struct {
		in, want int
		err      bool
	}{{0, DefaultLimit, false}, {1, 1, false}, {MaxLimit, MaxLimit, false}, {-1, 0, true}, {MaxLimit + 1, 0, true}}
	for _, l := range limits {
		got, err := Limit(l.in)
		if got != l.want || (err != nil) != l.err {
			t.Errorf("Limit(%d) = %d, %v; want %d, error %v", l.in, got, err, l.want, l.err)
		}
	}
	clamps := []struct{ in, want float64 }{{-0.5, 0}, {0.25, 0.25}, {1.5, 1}, {math.NaN(), 0}}
	for _, c := range clamps {
		if got := Clamp(c.in); got != c.want {
			t.Errorf("Clamp(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
