package storeutil

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/fastsim/fastsim/internal/store"
)

// DefaultLimit and MaxLimit bound page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// NewID returns a new time-ordered UUID (version 7).
func NewID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return id.String(), nil
}

// ValidID reports whether id is a UUID, so malformed ids are reported as
// not found instead of as database errors.
func ValidID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil && len(id) == 36
}

// Now returns now() in UTC truncated to microseconds, the precision both
// databases keep, so stored times round-trip exactly.
func Now(now func() time.Time) time.Time {
	return now().UTC().Truncate(time.Microsecond)
}

// Limit returns the page size for limit, or an ErrInvalid error.
func Limit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultLimit, nil
	case limit < 0 || limit > MaxLimit:
		return 0, fmt.Errorf("limit %d: must be between 1 and %d: %w", limit, MaxLimit, store.ErrInvalid)
	}
	return limit, nil
}

// Cursor is a keyset position: the creation time and id of the last item
// of a page (lists are ordered by created_at DESC, id DESC).
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// EncodeCursor returns the opaque form of c.
func EncodeCursor(c Cursor) string {
	raw := strconv.FormatInt(c.CreatedAt.UnixMicro(), 10) + "|" + c.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// DecodeCursor parses an opaque cursor; ok is false for the empty cursor.
// A malformed cursor is an ErrInvalid error.
func DecodeCursor(s string) (c Cursor, ok bool, err error) {
	if s == "" {
		return Cursor{}, false, nil
	}
	bad := fmt.Errorf("cursor %q: not a cursor returned by a previous page: %w", s, store.ErrInvalid)
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, false, bad
	}
	ts, id, found := strings.Cut(string(raw), "|")
	micros, err := strconv.ParseInt(ts, 10, 64)
	if !found || err != nil || !ValidID(id) {
		return Cursor{}, false, bad
	}
	return Cursor{CreatedAt: time.UnixMicro(micros).UTC(), ID: id}, true, nil
}

// Compress gzips b; nil stays nil.
func Compress(b []byte) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// Decompress gunzips b; nil stays nil.
func Decompress(b []byte) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	return out, nil
}

// CheckNewRun validates the caller-set fields of a run to create.
func CheckNewRun(actor store.Actor, run store.Run) error {
	switch {
	case actor.UserID == "":
		return fmt.Errorf("create run: actor: must be a user: %w", store.ErrInvalid)
	case len(run.Scenario) == 0:
		return fmt.Errorf("create run: scenario: must not be empty: %w", store.ErrInvalid)
	case run.Replications < 1:
		return fmt.Errorf("create run: replications %d: must be at least 1: %w", run.Replications, store.ErrInvalid)
	case run.ScenarioVersion != nil && run.ScenarioID == nil:
		return fmt.Errorf("create run: scenario version without scenario id: %w", store.ErrInvalid)
	case run.ScenarioID != nil && !ValidID(*run.ScenarioID):
		return fmt.Errorf("create run: scenario %q: %w", *run.ScenarioID, store.ErrNotFound)
	}
	return nil
}

// CheckFinish validates a Finish.
func CheckFinish(f store.Finish) error {
	if !f.Status.Final() {
		return fmt.Errorf("finish run: status %q: must be succeeded, failed or cancelled: %w", f.Status, store.ErrInvalid)
	}
	if f.Status == store.StatusSucceeded && (f.Result == nil || len(f.Result.Result) == 0) {
		return fmt.Errorf("finish run: a succeeded run needs a result: %w", store.ErrInvalid)
	}
	return nil
}

// Clamp limits p to 0..1.
func Clamp(p float64) float64 {
	switch {
	case p < 0 || p != p:
		return 0
	case p > 1:
		return 1
	}
	return p
}

// CancelMessage is the error message of a run cancelled on request.
const CancelMessage = "run cancelled on request"

// GooseStatus converts goose's migration status.
func GooseStatus(in []*goose.MigrationStatus) []store.Migration {
	out := make([]store.Migration, 0, len(in))
	for _, m := range in {
		name := path.Base(m.Source.Path)
		out = append(out, store.Migration{
			Version: m.Source.Version,
			Name:    strings.TrimSuffix(name, path.Ext(name)),
			Applied: m.State == goose.StateApplied,
		})
	}
	return out
}

// RiverMigrator returns a River migrator for driver that logs nothing.
func RiverMigrator[TTx any](driver riverdriver.Driver[TTx]) (*rivermigrate.Migrator[TTx], error) {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("river migrator: %w", err)
	}
	return m, nil
}

// RiverStatus lists River's migrations and whether each is applied.
func RiverStatus[TTx any](ctx context.Context, m *rivermigrate.Migrator[TTx]) ([]store.Migration, error) {
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return nil, err
	}
	applied := make(map[int]bool, len(existing))
	for _, e := range existing {
		applied[e.Version] = true
	}
	all := m.AllVersions()
	out := make([]store.Migration, 0, len(all))
	for _, v := range all {
		out = append(out, store.Migration{Version: int64(v.Version), Name: v.Name, Applied: applied[v.Version]})
	}
	return out, nil
}

// OwnerArg is the owner parameter of a visibility condition
// "(admin OR owner_id = owner)": the actor's user id, or nil (SQL NULL,
// which matches no row) for an actor without one.
func OwnerArg(a store.Actor) any {
	if a.UserID == "" {
		return nil
	}
	return a.UserID
}
