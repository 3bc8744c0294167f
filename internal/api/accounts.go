package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fastsim/fastsim/internal/auth"
	"github.com/fastsim/fastsim/internal/store"
	"github.com/fastsim/fastsim/version"
)

// errForbidden marks a request of an authenticated user who lacks the
// right (an admin route, registration turned off).
var errForbidden = errors.New("forbidden")

// User is an account as the API shows it (never with its password hash).
type User struct {
	ID        string    `json:"id" format:"uuid"`
	Email     string    `json:"email"`
	Role      string    `json:"role" enum:"user,admin"`
	Plan      string    `json:"plan" enum:"free,expert,pro,enterprise"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toUser(u store.User) User {
	return User{ID: u.ID, Email: u.Email, Role: string(u.Role), Plan: string(u.Plan), CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// Credentials are an email and a password. The password field carries no
// schema constraints on purpose: a validation error would echo its value.
type Credentials struct {
	Email    string `json:"email" maxLength:"254" doc:"The account's email address (case-insensitive)."`
	Password string `json:"password" doc:"12 to 128 characters, not the email, not a common password."`
}

type credentialsInput struct {
	Body Credentials
}

type userOutput struct {
	Body User
}

func (s *server) register(ctx context.Context, in *credentialsInput) (*userOutput, error) {
	if !s.AllowRegister {
		return nil, fmt.Errorf("registration is turned off on this server; ask an admin to create your account: %w", errForbidden)
	}
	u, err := s.Auth.CreateUser(ctx, in.Body.Email, in.Body.Password, store.RoleUser, store.PlanFree)
	if errors.Is(err, store.ErrConflict) {
		return nil, newFieldError(store.ErrConflict, "body.email", "an account with this email exists; log in instead")
	}
	if err != nil {
		return nil, err
	}
	return &userOutput{Body: toUser(u)}, nil
}

// Session is a new login session.
type Session struct {
	Token     string    `json:"token" doc:"The session token; send it as Authorization: Bearer <token>. Shown once."`
	TokenType string    `json:"token_type" enum:"Bearer"`
	ExpiresAt time.Time `json:"expires_at"`
	User      User      `json:"user"`
	CSRFToken string    `json:"csrf_token" doc:"The session's CSRF token, also in the fastsim_csrf cookie: a browser using the fastsim_session cookie sends it as X-CSRF-Token on every POST, PUT, PATCH and DELETE."`
}

type sessionOutput struct {
	CacheControl string        `header:"Cache-Control"`
	SetCookie    []http.Cookie `header:"Set-Cookie" doc:"fastsim_session (HttpOnly, SameSite=Strict) and fastsim_csrf (SameSite=Strict), expiring with the session."`
	Body         Session
}

func (s *server) login(ctx context.Context, in *credentialsInput) (*sessionOutput, error) {
	token, u, expires, err := s.Auth.Login(ctx, in.Body.Email, in.Body.Password)
	if err != nil {
		return nil, err
	}
	return &sessionOutput{
		CacheControl: "no-store",
		SetCookie:    sessionCookies(token, expires, metaFrom(ctx).tls),
		Body:         Session{Token: token, TokenType: "Bearer", ExpiresAt: expires, User: toUser(u), CSRFToken: auth.CSRFToken(token)},
	}, nil
}

type logoutOutput struct {
	SetCookie []http.Cookie `header:"Set-Cookie" doc:"Deletes the fastsim_session and fastsim_csrf cookies."`
}

func (s *server) logout(ctx context.Context, _ *struct{}) (*logoutOutput, error) {
	p, _ := auth.PrincipalFrom(ctx)
	if err := s.Auth.Logout(ctx, p); err != nil {
		if errors.Is(err, auth.ErrUnauthenticated) {
			return nil, newFieldError(errBadRequest, "header.Authorization", "logout ends a session; this request used an API key (revoke keys with DELETE /api/v1/keys/{id})")
		}
		return nil, err
	}
	return &logoutOutput{SetCookie: clearedCookies(metaFrom(ctx).tls)}, nil
}

// BrowserSession is a session opened for a browser: its secret is only in
// the HttpOnly cookie, never in the body.
type BrowserSession struct {
	ExpiresAt time.Time `json:"expires_at"`
	User      User      `json:"user"`
	CSRFToken string    `json:"csrf_token" doc:"The session's CSRF token, also in the fastsim_csrf cookie: send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE."`
}

type browserSessionOutput struct {
	CacheControl string        `header:"Cache-Control"`
	SetCookie    []http.Cookie `header:"Set-Cookie" doc:"fastsim_session (HttpOnly, SameSite=Strict) and fastsim_csrf (SameSite=Strict), expiring with the session."`
	Body         BrowserSession
}

// localSession opens a browser session of the single-user admin for a
// browser on this machine, without a password: the admin's API key never
// leaves the server, and the session's secret stays in the HttpOnly
// cookie. Refused (404) outside single-user mode, and (403) unless the
// request comes straight from a loopback peer (no proxy header), to a
// loopback Host, from a page of that same origin (DNS rebinding and pages
// of other local servers are refused).
func (s *server) localSession(ctx context.Context, _ *struct{}) (*browserSessionOutput, error) {
	if s.LocalSessionEmail == "" {
		return nil, fmt.Errorf("local sessions exist only in single-user mode (fastsim serve on its embedded SQLite database, without --database-url); "+
			"log in with POST /api/v1/auth/login: %w", store.ErrNotFound)
	}
	if err := checkLocal(metaFrom(ctx)); err != nil {
		return nil, err
	}
	u, err := s.Store.GetUserByEmail(ctx, s.LocalSessionEmail)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("the single-user admin %s no longer exists; log in with POST /api/v1/auth/login: %w", s.LocalSessionEmail, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("local session: %w", err)
	}
	token, expires, err := s.Auth.OpenSession(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("local session: %w", err)
	}
	return &browserSessionOutput{
		CacheControl: "no-store",
		SetCookie:    sessionCookies(token, expires, metaFrom(ctx).tls),
		Body:         BrowserSession{ExpiresAt: expires, User: toUser(u), CSRFToken: auth.CSRFToken(token)},
	}, nil
}

// checkLocal returns errForbidden (wrapped, with the reason and the way
// out) unless m is a request from a browser on this machine to this
// loopback server: no proxy header, a loopback peer, a loopback Host, and
// an Origin equal to the Host's origin.
func checkLocal(m requestMeta) error {
	if err := checkLocalPeer(m); err != nil {
		return err
	}
	scheme := "http://"
	if m.tls {
		scheme = "https://"
	}
	if !strings.EqualFold(m.origin, scheme+m.host) {
		origin := m.origin
		if origin == "" {
			origin = "(none)"
		}
		return fmt.Errorf("a local session is only opened for a page of this server (Origin %s), and the request's Origin is %s"+signIn+": %w",
			scheme+m.host, origin, errForbidden)
	}
	return nil
}

// signIn ends the refusals of local sessions: the way out.
const signIn = "; sign in with email and password instead (POST /api/v1/auth/login)"

// checkLocalPeer is checkLocal without the Origin check (a same-origin GET
// carries no Origin): no proxy header, a loopback peer, a loopback Host.
func checkLocalPeer(m requestMeta) error {
	switch {
	case m.forwarded:
		return fmt.Errorf("a local session is not opened through a proxy (the request has a Forwarded or X-Forwarded-* header)"+signIn+": %w", errForbidden)
	case !m.peer.IsValid() || !m.peer.IsLoopback():
		return fmt.Errorf("a local session is only for a browser on the server's machine, and this request came from %s"+signIn+": %w", peerText(m.peer), errForbidden)
	case !loopbackHost(m.host):
		return fmt.Errorf("a local session is only opened for a page of this server at a loopback address (localhost, 127.0.0.1 or [::1]), not at Host %q"+signIn+": %w", m.host, errForbidden)
	}
	return nil
}

// loopbackHost reports whether a Host header names this machine:
// localhost or a loopback address, with or without a port.
func loopbackHost(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	if strings.EqualFold(h, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(strings.Trim(h, "[]"))
	return err == nil && a.Unmap().IsLoopback()
}

func peerText(a netip.Addr) string {
	if !a.IsValid() {
		return "an unknown address"
	}
	return a.String()
}

// UIConfig is what the web UI needs to know before anyone signs in.
type UIConfig struct {
	SingleUser   bool   `json:"single_user" doc:"Single-user mode, and this request comes from the server's machine: open a session with POST /api/v1/auth/local-session, without a password. False from another machine (sign in with a password)."`
	Registration bool   `json:"registration" doc:"POST /api/v1/auth/register is open."`
	Version      string `json:"version" doc:"The server's version."`
}

type uiConfigOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         UIConfig
}

// uiConfig answers single_user only when a local session is possible for
// this browser (single-user mode, and the request passes checkLocalPeer),
// so that a browser on another machine of a single-user server (--addr
// :8000) shows the sign-in form instead of a refused local session.
func (s *server) uiConfig(ctx context.Context, _ *struct{}) (*uiConfigOutput, error) {
	local := s.LocalSessionEmail != "" && checkLocalPeer(metaFrom(ctx)) == nil
	return &uiConfigOutput{CacheControl: "no-cache", Body: UIConfig{SingleUser: local, Registration: s.AllowRegister, Version: version.Version}}, nil
}

func (s *server) me(ctx context.Context, _ *struct{}) (*userOutput, error) {
	u, _ := auth.UserFrom(ctx)
	return &userOutput{Body: toUser(u)}, nil
}

// APIKey is an API key as listed (without its secret).
type APIKey struct {
	ID         string     `json:"id" format:"uuid"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix" doc:"The first characters of the key, to tell keys apart."`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty" doc:"Last use (updated at most once a minute); absent if never used."`
}

// NewAPIKey is a created key with its secret, shown only in this response.
type NewAPIKey struct {
	APIKey
	Key string `json:"key" doc:"The secret; send it as Authorization: Bearer <key>. Shown once: store it now."`
}

func toKey(k store.APIKey) APIKey {
	return APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt}
}

type createKeyInput struct {
	Body struct {
		Name string `json:"name" minLength:"1" maxLength:"200" doc:"A label, e.g. ci or laptop."`
	}
}

type createKeyOutput struct {
	Location     string `header:"Location"`
	CacheControl string `header:"Cache-Control"`
	Body         NewAPIKey
}

func (s *server) createKey(ctx context.Context, in *createKeyInput) (*createKeyOutput, error) {
	u, _ := auth.UserFrom(ctx)
	key, k, err := s.Auth.CreateAPIKey(ctx, u, in.Body.Name)
	if err != nil {
		return nil, fmt.Errorf("create API key: %w", err)
	}
	return &createKeyOutput{Location: "/api/v1/keys/" + k.ID, CacheControl: "no-store", Body: NewAPIKey{APIKey: toKey(k), Key: key}}, nil
}

// APIKeyList is the list of the caller's API keys, newest first.
type APIKeyList struct {
	Items []APIKey `json:"items"`
}

type listKeysOutput struct {
	Body APIKeyList
}

func (s *server) listKeys(ctx context.Context, _ *struct{}) (*listKeysOutput, error) {
	u, _ := auth.UserFrom(ctx)
	keys, err := s.Store.ListAPIKeys(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	out := &listKeysOutput{Body: APIKeyList{Items: make([]APIKey, len(keys))}}
	for i, k := range keys {
		out.Body.Items[i] = toKey(k)
	}
	return out, nil
}

func (s *server) deleteKey(ctx context.Context, in *idInput) (*struct{}, error) {
	u, _ := auth.UserFrom(ctx)
	if err := s.Store.DeleteAPIKey(ctx, u.ID, in.ID); err != nil {
		return nil, fmt.Errorf("revoke API key: %w", err)
	}
	return nil, nil
}

// requireAdmin returns the caller's actor, or errForbidden for a
// non-admin.
func requireAdmin(ctx context.Context) (store.Actor, error) {
	a := actor(ctx)
	if !a.Admin {
		return store.Actor{}, fmt.Errorf("this route is for admins: %w", errForbidden)
	}
	return a, nil
}

type listUsersInput struct {
	Email  string `query:"email" maxLength:"254" doc:"Keep users whose email contains this (case-insensitive)."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Page size."`
	Cursor string `query:"cursor" maxLength:"500" doc:"next_cursor of the previous page."`
}

// UserPage is one page of users, newest first.
type UserPage struct {
	Items      []User `json:"items"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
}

type listUsersOutput struct {
	Link string `header:"Link" doc:"rel=next link when there is a next page."`
	Body UserPage
}

func (s *server) listUsers(ctx context.Context, in *listUsersInput) (*listUsersOutput, error) {
	a, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.Store.ListUsers(ctx, a, store.ListUsersParams{EmailContains: in.Email, Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out := &listUsersOutput{Body: UserPage{Items: make([]User, len(page.Items)), NextCursor: page.NextCursor}}
	for i, u := range page.Items {
		out.Body.Items[i] = toUser(u)
	}
	out.Link = nextLink("/api/v1/admin/users", in.Limit, page.NextCursor, "email", in.Email)
	return out, nil
}

type updateUserInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body struct {
		Role string `json:"role,omitempty" enum:"user,admin" doc:"The new role; absent keeps it."`
		Plan string `json:"plan,omitempty" enum:"free,expert,pro,enterprise" doc:"The new plan; absent keeps it."`
	}
}

func (s *server) updateUser(ctx context.Context, in *updateUserInput) (*userOutput, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	var up store.UserUpdate
	if in.Body.Role != "" {
		r := store.Role(in.Body.Role)
		up.Role = &r
	}
	if in.Body.Plan != "" {
		p := store.Plan(in.Body.Plan)
		up.Plan = &p
	}
	u, err := s.Store.UpdateUser(ctx, in.ID, up)
	if err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	return &userOutput{Body: toUser(u)}, nil
}

func (s *server) deleteUser(ctx context.Context, in *idInput) (*struct{}, error) {
	a, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	if in.ID == a.UserID {
		return nil, newFieldError(errUnprocessable, "path.id", "an admin cannot delete their own account; ask another admin")
	}
	if err := s.Store.DeleteUser(ctx, in.ID); err != nil {
		return nil, fmt.Errorf("delete user: %w", err)
	}
	return nil, nil
}

// authRoutes registers the account operations.
func (s *server) authRoutes(api huma.API) {
	log := s.Logger
	// Credentials are small; never above the server-wide bound either (a
	// larger per-operation limit would let the outer bound cut the read
	// and turn a 413 into a 500).
	credBody := min(16<<10, s.Limits.MaxBodyBytes)
	register := created(op("register", http.MethodPost, "/api/v1/auth/register", "Create an account (when registration is on)", "Accounts",
		http.StatusConflict, http.StatusForbidden, http.StatusUnprocessableEntity))
	register.MaxBodyBytes = credBody
	handle(api, log, register, s.register)
	login := op("login", http.MethodPost, "/api/v1/auth/login", "Log in: get a session token (and the browser's session cookies)", "Accounts",
		http.StatusUnauthorized, http.StatusUnprocessableEntity)
	login.MaxBodyBytes = credBody
	handle(api, log, login, s.login)
	handle(api, log, op("local-session", http.MethodPost, "/api/v1/auth/local-session",
		"Single-user mode: open a browser session of the admin from this machine (no password)", "Accounts",
		http.StatusForbidden, http.StatusNotFound), s.localSession)
	handle(api, log, op("get-ui-config", http.MethodGet, "/api/v1/ui-config", "What the web UI needs before sign-in", "Accounts"), s.uiConfig)
	handle(api, log, noContent(op("logout", http.MethodPost, "/api/v1/auth/logout", "End the current session", "Accounts", http.StatusBadRequest)), s.logout)
	handle(api, log, op("get-me", http.MethodGet, "/api/v1/me", "Get the authenticated user", "Accounts"), s.me)

	createKey := created(op("create-api-key", http.MethodPost, "/api/v1/keys", "Create an API key (its secret is shown once)", "Accounts",
		http.StatusUnprocessableEntity))
	createKey.MaxBodyBytes = credBody
	handle(api, log, createKey, s.createKey)
	handle(api, log, op("list-api-keys", http.MethodGet, "/api/v1/keys", "List your API keys", "Accounts"), s.listKeys)
	handle(api, log, noContent(op("delete-api-key", http.MethodDelete, "/api/v1/keys/{id}", "Revoke an API key", "Accounts", http.StatusNotFound)), s.deleteKey)

	handle(api, log, op("list-users", http.MethodGet, "/api/v1/admin/users", "List users (admins)", "Admin", http.StatusBadRequest, http.StatusForbidden), s.listUsers)
	updateUser := op("update-user", http.MethodPatch, "/api/v1/admin/users/{id}", "Change a user's role or plan (admins)", "Admin",
		http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity)
	updateUser.MaxBodyBytes = credBody
	handle(api, log, updateUser, s.updateUser)
	handle(api, log, noContent(op("delete-user", http.MethodDelete, "/api/v1/admin/users/{id}", "Delete a user and everything they own (admins)", "Admin",
		http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity)), s.deleteUser)
}
