package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// csrfLabel is the message the CSRF token of a session authenticates; it
// separates the token from any other use of the session secret.
const csrfLabel = "fastsim csrf token v1"

// CSRFToken returns the CSRF token of a browser session: HMAC-SHA256 keyed
// by the session token, in unpadded base64url (43 characters). It is
// readable by the page (a cookie without HttpOnly, and the login answer)
// and sent back in a header on every state-changing request made with the
// session cookie. Being derived from the session secret, it cannot be
// forged without it, so a cookie planted by a sibling subdomain or another
// port of localhost does not pass CheckCSRF; and it reveals nothing of the
// session token, nor of the SHA-256 the store keeps.
func CSRFToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte(csrfLabel))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF reports, in constant time, whether got is the CSRF token of
// the session token.
func CheckCSRF(sessionToken, got string) bool {
	if got == "" {
		return false
	}
	return hmac.Equal([]byte(CSRFToken(sessionToken)), []byte(got))
}
