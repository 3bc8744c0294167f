package storetest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fastsim/fastsim/internal/store"
)

var userSeq atomic.Int64

// owner creates a user with a unique email and returns its actor.
func owner(t *testing.T, st store.Store) store.Actor {
	t.Helper()
	return store.ActorOf(newUser(t, st, store.RoleUser))
}

// newUser creates a user of the role with a unique email.
func newUser(t *testing.T, st store.Store, role store.Role) store.User {
	t.Helper()
	email := fmt.Sprintf("user%d@example.com", userSeq.Add(1))
	u, err := st.CreateUser(ctx(t), store.NewUser{Email: email, PasswordHash: "$argon2id$test", Role: role})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", email, err)
	}
	return u
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func testUsers(t *testing.T, st store.Store) {
	c := ctx(t)
	u := must(st.CreateUser(c, store.NewUser{Email: "Alice@Example.com", PasswordHash: "h1"}))(t)
	if u.ID == "" || u.Role != store.RoleUser || u.Plan != store.PlanFree || u.Email != "Alice@Example.com" || u.CreatedAt.IsZero() {
		t.Errorf("CreateUser defaults = %+v, want id, role user, plan free, email as given", u)
	}
	for _, email := range []string{"alice@example.com", "ALICE@EXAMPLE.COM", " alice@example.com"} {
		if diff := cmp.Diff(u, must(st.GetUserByEmail(c, email))(t)); diff != "" {
			t.Errorf("GetUserByEmail(%q) (-want +got):\n%s", email, diff)
		}
	}
	if diff := cmp.Diff(u, must(st.GetUser(c, u.ID))(t)); diff != "" {
		t.Errorf("GetUser (-want +got):\n%s", diff)
	}
	_, err := st.CreateUser(c, store.NewUser{Email: "ALICE@example.COM", PasswordHash: "h2"})
	wantErr(t, "CreateUser duplicate email (other case)", err, store.ErrConflict)
	_, err = st.CreateUser(c, store.NewUser{Email: "", PasswordHash: "h"})
	wantErr(t, "CreateUser empty email", err, store.ErrInvalid)
	_, err = st.CreateUser(c, store.NewUser{Email: "x@example.com", PasswordHash: "h", Plan: "gold"})
	wantErr(t, "CreateUser unknown plan", err, store.ErrInvalid)
	_, err = st.CreateUser(c, store.NewUser{Email: "x@example.com", PasswordHash: "h", Role: "root"})
	wantErr(t, "CreateUser unknown role", err, store.ErrInvalid)
	_, err = st.GetUserByEmail(c, "bob@example.com")
	wantErr(t, "GetUserByEmail unknown", err, store.ErrNotFound)
	_, err = st.GetUser(c, "not-a-uuid")
	wantErr(t, "GetUser malformed id", err, store.ErrNotFound)

	admin, pro := store.RoleAdmin, store.PlanPro
	up := must(st.UpdateUser(c, u.ID, store.UserUpdate{Role: &admin, Plan: &pro}))(t)
	if up.Role != store.RoleAdmin || up.Plan != store.PlanPro || up.PasswordHash != "h1" {
		t.Errorf("UpdateUser role+plan = %+v, want admin, pro, hash unchanged", up)
	}
	gold := store.Plan("gold")
	_, err = st.UpdateUser(c, u.ID, store.UserUpdate{Plan: &gold})
	wantErr(t, "UpdateUser unknown plan", err, store.ErrInvalid)
	_, err = st.UpdateUser(c, "0190b8a0-0000-7000-8000-000000000000", store.UserUpdate{Plan: &pro})
	wantErr(t, "UpdateUser unknown user", err, store.ErrNotFound)

	bob := must(st.CreateUser(c, store.NewUser{Email: "bob@example.com", PasswordHash: "h"}))(t)
	all := must(st.ListUsers(c, store.ActorOf(up), store.ListUsersParams{}))(t)
	if len(all.Items) != 2 || all.Items[0].ID != bob.ID || all.Items[1].ID != u.ID {
		t.Errorf("ListUsers as admin = %+v, want bob then alice", all.Items)
	}
	self := must(st.ListUsers(c, store.ActorOf(bob), store.ListUsersParams{}))(t)
	if len(self.Items) != 1 || self.Items[0].ID != bob.ID {
		t.Errorf("ListUsers as a user = %+v, want only themselves", self.Items)
	}
	filtered := must(st.ListUsers(c, store.ActorOf(up), store.ListUsersParams{EmailContains: "ALICE"}))(t)
	if len(filtered.Items) != 1 || filtered.Items[0].ID != u.ID {
		t.Errorf("ListUsers email filter = %+v, want alice", filtered.Items)
	}
	page := must(st.ListUsers(c, store.ActorOf(up), store.ListUsersParams{Limit: 1}))(t)
	next := must(st.ListUsers(c, store.ActorOf(up), store.ListUsersParams{Limit: 1, Cursor: page.NextCursor}))(t)
	if len(page.Items) != 1 || len(next.Items) != 1 || next.Items[0].ID != u.ID || next.NextCursor != "" {
		t.Errorf("ListUsers pages = %+v then %+v", page, next)
	}
}

func testSessions(t *testing.T, st store.Store) {
	c := ctx(t)
	u := newUser(t, st, store.RoleUser)
	now := time.Now().UTC().Truncate(time.Microsecond)
	tok := hash("token-1")
	if err := st.CreateSession(c, store.Session{TokenHash: tok, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	se, su, err := st.SessionUser(c, tok, now)
	if err != nil || su.ID != u.ID || se.UserID != u.ID || !se.ExpiresAt.Equal(now.Add(time.Hour)) || !bytes.Equal(se.TokenHash, tok) {
		t.Fatalf("SessionUser = %+v, %+v, %v", se, su, err)
	}
	_, _, err = st.SessionUser(c, tok, now.Add(time.Hour))
	wantErr(t, "SessionUser at expiry", err, store.ErrNotFound)
	_, _, err = st.SessionUser(c, hash("other"), now)
	wantErr(t, "SessionUser unknown token", err, store.ErrNotFound)
	wantErr(t, "CreateSession short hash", st.CreateSession(c, store.Session{TokenHash: []byte("x"), UserID: u.ID, ExpiresAt: now}), store.ErrInvalid)
	wantErr(t, "CreateSession unknown user", st.CreateSession(c, store.Session{TokenHash: hash("t2"),
		UserID: "0190b8a0-0000-7000-8000-000000000000", ExpiresAt: now.Add(time.Hour)}), store.ErrNotFound)

	if err := st.DeleteSession(c, tok); err != nil {
		t.Fatal(err)
	}
	_, _, err = st.SessionUser(c, tok, now)
	wantErr(t, "SessionUser after DeleteSession", err, store.ErrNotFound)
	wantErr(t, "DeleteSession twice", st.DeleteSession(c, tok), store.ErrNotFound)

	// A new password hash revokes every session of the user.
	for _, name := range []string{"a", "b"} {
		if err := st.CreateSession(c, store.Session{TokenHash: hash(name), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	h := "new-hash"
	must(st.UpdateUser(c, u.ID, store.UserUpdate{PasswordHash: &h}))(t)
	for _, name := range []string{"a", "b"} {
		_, _, err := st.SessionUser(c, hash(name), now)
		wantErr(t, "SessionUser after password change", err, store.ErrNotFound)
	}
}

func testAPIKeys(t *testing.T, st store.Store) {
	c := ctx(t)
	u := newUser(t, st, store.RoleUser)
	other := newUser(t, st, store.RoleUser)
	k1 := must(st.CreateAPIKey(c, store.APIKey{UserID: u.ID, Name: "ci", Prefix: "fsk_aaaa", Hash: hash("k1")}))(t)
	k2 := must(st.CreateAPIKey(c, store.APIKey{UserID: u.ID, Name: "laptop", Prefix: "fsk_bbbb", Hash: hash("k2")}))(t)
	if k1.ID == "" || k1.CreatedAt.IsZero() || k1.LastUsedAt != nil {
		t.Errorf("CreateAPIKey = %+v, want id, created, never used", k1)
	}
	_, err := st.CreateAPIKey(c, store.APIKey{UserID: other.ID, Name: "x", Prefix: "fsk_aaaa", Hash: hash("k3")})
	wantErr(t, "CreateAPIKey taken prefix", err, store.ErrConflict)
	_, err = st.CreateAPIKey(c, store.APIKey{UserID: u.ID, Name: " ", Prefix: "fsk_cccc", Hash: hash("k3")})
	wantErr(t, "CreateAPIKey empty name", err, store.ErrInvalid)
	_, err = st.CreateAPIKey(c, store.APIKey{UserID: "0190b8a0-0000-7000-8000-000000000000", Name: "x", Prefix: "fsk_dddd", Hash: hash("k4")})
	wantErr(t, "CreateAPIKey unknown user", err, store.ErrNotFound)

	keys := must(st.ListAPIKeys(c, u.ID))(t)
	if len(keys) != 2 || keys[0].ID != k2.ID || keys[1].ID != k1.ID {
		t.Errorf("ListAPIKeys = %+v, want k2 then k1", keys)
	}
	if n := len(must(st.ListAPIKeys(c, other.ID))(t)); n != 0 {
		t.Errorf("ListAPIKeys of another user = %d keys, want 0", n)
	}
	k, ku, err := st.APIKeyUser(c, "fsk_aaaa")
	if err != nil || k.ID != k1.ID || ku.ID != u.ID || !bytes.Equal(k.Hash, hash("k1")) {
		t.Errorf("APIKeyUser = %+v, %+v, %v", k, ku, err)
	}
	_, _, err = st.APIKeyUser(c, "fsk_zzzz")
	wantErr(t, "APIKeyUser unknown prefix", err, store.ErrNotFound)

	now := time.Now().UTC().Truncate(time.Microsecond)
	if err := st.TouchAPIKey(c, k1.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := st.TouchAPIKey(c, k1.ID, now.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	k, _ = must2(st.APIKeyUser(c, "fsk_aaaa"))(t)
	if k.LastUsedAt == nil || !k.LastUsedAt.Equal(now) {
		t.Errorf("LastUsedAt after two touches 30 s apart = %v, want %v (updated at most once a minute)", k.LastUsedAt, now)
	}

	wantErr(t, "DeleteAPIKey of another user", st.DeleteAPIKey(c, other.ID, k1.ID), store.ErrNotFound)
	if err := st.DeleteAPIKey(c, u.ID, k1.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = st.APIKeyUser(c, "fsk_aaaa")
	wantErr(t, "APIKeyUser after revoke", err, store.ErrNotFound)
	wantErr(t, "DeleteAPIKey twice", st.DeleteAPIKey(c, u.ID, k1.ID), store.ErrNotFound)
}

func testDeleteUser(t *testing.T, st store.Store) {
	c := ctx(t)
	u := newUser(t, st, store.RoleUser)
	a := store.ActorOf(u)
	sc, _ := must2(st.CreateScenario(c, a, "s", []byte(`{}`)))(t)
	id := sc.ID
	run := must(st.CreateRun(c, a, store.Run{ScenarioID: &id, Scenario: []byte(`{}`), Seed: 1, Replications: 1}, nil))(t)
	must(st.CreateAPIKey(c, store.APIKey{UserID: u.ID, Name: "k", Prefix: "fsk_del1", Hash: hash("k")}))(t)
	if err := st.CreateSession(c, store.Session{TokenHash: hash("s"), UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteUser with a queued run", st.DeleteUser(c, u.ID), store.ErrConflict)
	must(st.FinishRun(c, run.ID, store.Finish{Status: store.StatusFailed, Error: "x"}))(t)
	if err := st.DeleteUser(c, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err := st.GetUser(c, u.ID)
	wantErr(t, "GetUser after delete", err, store.ErrNotFound)
	_, _, err = st.APIKeyUser(c, "fsk_del1")
	wantErr(t, "APIKeyUser of a deleted user", err, store.ErrNotFound)
	_, _, err = st.SessionUser(c, hash("s"), time.Now())
	wantErr(t, "SessionUser of a deleted user", err, store.ErrNotFound)
	_, err = st.GetRun(c, store.System(), run.ID)
	wantErr(t, "GetRun of a deleted user", err, store.ErrNotFound)
	_, err = st.GetScenario(c, store.System(), sc.ID)
	wantErr(t, "GetScenario of a deleted user", err, store.ErrNotFound)
	wantErr(t, "DeleteUser twice", st.DeleteUser(c, u.ID), store.ErrNotFound)
}

// tenancyFixture is user A's rows: a scenario with two versions, a
// succeeded run of it with result and series, a queued run and a running
// run.
type tenancyFixture struct {
	a, b                  store.Actor
	scenario              store.Scenario
	done, queued, running store.Run
}

func newTenancyFixture(t *testing.T, st store.Store) tenancyFixture {
	t.Helper()
	c := ctx(t)
	f := tenancyFixture{a: owner(t, st), b: owner(t, st)}
	sc, _ := must2(st.CreateScenario(c, f.a, "a-scenario", []byte(`{"v":1}`)))(t)
	f.scenario, _ = must2(st.UpdateScenario(c, f.a, sc.ID, "", []byte(`{"v":2}`)))(t)
	id := sc.ID
	f.done = must(st.CreateRun(c, f.a, store.Run{ScenarioID: &id, Scenario: []byte(`{"v":2}`), Seed: 1, Replications: 1, CacheKey: "ka"}, nil))(t)
	must(st.MarkRunning(c, f.done.ID))(t)
	must(st.FinishRun(c, f.done.ID, store.Finish{Status: store.StatusSucceeded,
		Result: &store.RunResult{Result: []byte(`{"r":1}`), Series: []byte(`{"s":1}`)}}))(t)
	f.queued = must(st.CreateRun(c, f.a, store.Run{Scenario: []byte(`{}`), Seed: 2, Replications: 1}, nil))(t)
	f.running = must(st.CreateRun(c, f.a, store.Run{Scenario: []byte(`{}`), Seed: 3, Replications: 1}, nil))(t)
	f.running = must(st.MarkRunning(c, f.running.ID))(t)
	return f
}

// testTenancy proves that user B gets ErrNotFound on every method for
// user A's rows, and that B's attempts change nothing.
func testTenancy(t *testing.T, st store.Store) {
	c := ctx(t)
	f := newTenancyFixture(t, st)
	b, scID := f.b, f.scenario.ID
	v1 := 1
	notFound := []struct {
		name string
		err  error
	}{
		{"GetScenario", errOf(st.GetScenario(c, b, scID))},
		{"GetScenarioVersion", errOf(st.GetScenarioVersion(c, b, scID, 1))},
		{"GetScenarioVersionLatest", errOf(st.GetScenarioVersion(c, b, scID, 0))},
		{"ListScenarioVersions", errOf(st.ListScenarioVersions(c, b, scID))},
		{"UpdateScenario", second(st.UpdateScenario(c, b, scID, "stolen", []byte(`{"v":3}`)))},
		{"DeleteScenario", st.DeleteScenario(c, b, scID)},
		{"CreateRunOfScenario", errOf(st.CreateRun(c, b, store.Run{ScenarioID: &scID, Scenario: []byte(`{}`), Seed: 1, Replications: 1}, nil))},
		{"CreateRunOfScenarioVersion", errOf(st.CreateRun(c, b, store.Run{ScenarioID: &scID, ScenarioVersion: &v1, Scenario: []byte(`{}`), Seed: 1, Replications: 1}, nil))},
		{"CreateCachedRunOfScenario", errOf(st.CreateCachedRun(c, b, store.Run{ScenarioID: &scID, Scenario: []byte(`{}`), Seed: 1, Replications: 1},
			store.RunResult{Result: []byte(`{}`)}))},
		{"GetRun", errOf(st.GetRun(c, b, f.done.ID))},
		{"GetResult", errOf(st.GetResult(c, b, f.done.ID))},
		{"GetSeries", errOf(st.GetSeries(c, b, f.done.ID))},
		{"RequestCancelFinished", errOf(st.RequestCancel(c, b, f.done.ID))},
		{"RequestCancelQueued", errOf(st.RequestCancel(c, b, f.queued.ID))},
		{"RequestCancelRunning", errOf(st.RequestCancel(c, b, f.running.ID))},
	}
	for _, tc := range notFound {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.name, tc.err, store.ErrNotFound) })
	}
	t.Run("ListScenarios", func(t *testing.T) {
		if got := must(st.ListScenarios(c, b, store.ListScenariosParams{}))(t); len(got.Items) != 0 {
			t.Errorf("B lists %d scenarios, want 0", len(got.Items))
		}
	})
	t.Run("ListRuns", func(t *testing.T) {
		for _, p := range []store.ListRunsParams{{}, {ScenarioID: scID}, {Status: []store.RunStatus{store.StatusSucceeded}}} {
			if got := must(st.ListRuns(c, b, p))(t); len(got.Items) != 0 {
				t.Errorf("B lists %d runs with %+v, want 0", len(got.Items), p)
			}
		}
	})
	t.Run("AUnchanged", func(t *testing.T) {
		sc := must(st.GetScenario(c, f.a, scID))(t)
		if sc.Name != "a-scenario" || sc.LatestVersion != 2 || sc.OwnerID != f.a.UserID {
			t.Errorf("A's scenario after B's attempts = %+v", sc)
		}
		for _, r := range []store.Run{f.queued, f.running} {
			got := must(st.GetRun(c, f.a, r.ID))(t)
			if got.CancelRequested || got.Status != r.Status || got.OwnerID != f.a.UserID {
				t.Errorf("A's run after B's cancel = %+v, want untouched %s", got, r.Status)
			}
		}
		if got := must(st.ListRuns(c, f.a, store.ListRunsParams{}))(t); len(got.Items) != 3 {
			t.Errorf("A lists %d runs, want 3", len(got.Items))
		}
		if got := must(st.ListScenarios(c, f.a, store.ListScenariosParams{}))(t); len(got.Items) != 1 {
			t.Errorf("A lists %d scenarios, want 1", len(got.Items))
		}
	})
	t.Run("SystemCannotCreate", func(t *testing.T) {
		_, _, err := st.CreateScenario(c, store.System(), "s", []byte(`{}`))
		wantErr(t, "CreateScenario as System", err, store.ErrInvalid)
		_, err = st.CreateRun(c, store.System(), store.Run{Scenario: []byte(`{}`), Seed: 1, Replications: 1}, nil)
		wantErr(t, "CreateRun as System", err, store.ErrInvalid)
	})
	t.Run("CacheHitBelongsToRequester", func(t *testing.T) {
		// The cache key is shared across tenants; the copy is B's own run.
		found := must(st.FindSucceededRunByCacheKey(c, "ka"))(t)
		res := must(st.GetResult(c, store.System(), found.ID))(t)
		hit := must(st.CreateCachedRun(c, b, store.Run{Scenario: []byte(`{"v":2}`), Seed: 1, Replications: 1, CacheKey: "ka"}, res))(t)
		if hit.OwnerID != b.UserID || hit.ID == f.done.ID {
			t.Errorf("cached run = %+v, want a new run owned by B", hit)
		}
		if got := must(st.GetResult(c, b, hit.ID))(t); !bytes.Equal(got.Result, []byte(`{"r":1}`)) {
			t.Errorf("B's cached result = %s", got.Result)
		}
		_, err := st.GetRun(c, f.a, hit.ID)
		wantErr(t, "A reads B's cached run", err, store.ErrNotFound)
	})
}

func testAdminSeesAll(t *testing.T, st store.Store) {
	c := ctx(t)
	f := newTenancyFixture(t, st)
	admin := store.ActorOf(newUser(t, st, store.RoleAdmin))
	if got := must(st.GetScenario(c, admin, f.scenario.ID))(t); got.OwnerID != f.a.UserID {
		t.Errorf("admin GetScenario owner = %q, want A", got.OwnerID)
	}
	must(st.GetScenarioVersion(c, admin, f.scenario.ID, 1))(t)
	must(st.GetResult(c, admin, f.done.ID))(t)
	must(st.GetSeries(c, admin, f.done.ID))(t)
	if got := must(st.ListRuns(c, admin, store.ListRunsParams{}))(t); len(got.Items) != 3 {
		t.Errorf("admin lists %d runs, want 3", len(got.Items))
	}
	if got := must(st.ListScenarios(c, admin, store.ListScenariosParams{}))(t); len(got.Items) != 1 {
		t.Errorf("admin lists %d scenarios, want 1", len(got.Items))
	}
	if got := must(st.RequestCancel(c, admin, f.queued.ID))(t); got.Status != store.StatusCancelled {
		t.Errorf("admin cancel of A's queued run: status %s, want cancelled", got.Status)
	}
	// The admin's own run belongs to the admin.
	r := must(st.CreateRun(c, admin, store.Run{Scenario: []byte(`{}`), Seed: 1, Replications: 1}, nil))(t)
	if r.OwnerID != admin.UserID {
		t.Errorf("admin's run owner = %q, want the admin", r.OwnerID)
	}
	if got := must(st.ListRuns(c, f.a, store.ListRunsParams{}))(t); len(got.Items) != 3 {
		t.Errorf("A lists %d runs after the admin created one, want 3", len(got.Items))
	}
}

// testInjection stores names and filters made of SQL metacharacters and
// long strings, and reads them back verbatim.
func testInjection(t *testing.T, st store.Store) {
	c := ctx(t)
	a := owner(t, st)
	names := []string{
		`'; DROP TABLE scenarios; --`,
		`" OR 1=1 --`,
		`%_\`,
		`Robert'); DELETE FROM runs WHERE ('1'='1`,
		"tab\tnew\nline",
		"ünïcødé 名前",
		strings.Repeat("x'", 5000),
	}
	for _, name := range names {
		sc, _ := must2(st.CreateScenario(c, a, name, []byte(`{}`)))(t)
		if got := must(st.GetScenario(c, a, sc.ID))(t); got.Name != name {
			t.Errorf("name %.40q read back as %.40q", name, got.Name)
		}
		got := must(st.ListScenarios(c, a, store.ListScenariosParams{NameContains: name}))(t)
		if len(got.Items) != 1 || got.Items[0].Name != name {
			t.Errorf("filter %.40q matched %d scenarios, want exactly 1", name, len(got.Items))
		}
	}
	for _, filter := range []string{`%`, `_`, `' OR '1'='1`} {
		got := must(st.ListScenarios(c, a, store.ListScenariosParams{NameContains: filter}))(t)
		for _, sc := range got.Items {
			if !strings.Contains(strings.ToLower(sc.Name), strings.ToLower(filter)) {
				t.Errorf("filter %q matched %q, which does not contain it", filter, sc.Name)
			}
		}
	}
	if got := must(st.ListScenarios(c, a, store.ListScenariosParams{}))(t); len(got.Items) != len(names) {
		t.Errorf("%d scenarios after the injection attempts, want %d", len(got.Items), len(names))
	}
	for _, email := range []string{`x'--@example.com`, `"a"@example.com`} {
		u := must(st.CreateUser(c, store.NewUser{Email: email, PasswordHash: "h"}))(t)
		if got := must(st.GetUserByEmail(c, email))(t); got.ID != u.ID {
			t.Errorf("GetUserByEmail(%q) = %s, want %s", email, got.ID, u.ID)
		}
	}
	_, _, err := st.APIKeyUser(c, `' OR '1'='1`)
	wantErr(t, "APIKeyUser injection", err, store.ErrNotFound)
}
