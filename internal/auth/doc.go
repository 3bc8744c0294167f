// Package auth holds the identity rules of the FastSim service: argon2id
// password hashing (PHC-encoded, parameters from the OWASP Password Storage
// Cheat Sheet), the password policy, opaque session tokens and API keys
// (stored only as SHA-256 hashes), and the Authenticator that registers,
// logs in and authenticates users over a store.UserStore.
//
// A request's principal travels in its context:
//
//	p, err := authn.Authenticate(ctx, r.Header.Get("Authorization"))
//	if err != nil { ... 401 ... }
//	ctx = auth.WithPrincipal(ctx, p)
//	...
//	u, ok := auth.UserFrom(ctx)
//	runs, err := st.ListRuns(ctx, store.ActorOf(u), store.ListRunsParams{})
//
// Secrets never leave this package except as return values meant for the
// client once (a new session token, a new API key): errors and log lines
// never contain them.
package auth
