package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// Credential prefixes tell a session token from an API key at a glance
// (and let secret scanners find leaked ones).
const (
	SessionPrefix = "fss_"
	KeyPrefix     = "fsk_"
	// keyLookupLen is the length of an API key's stored public prefix:
	// "fsk_" and 8 random characters (48 bits).
	keyLookupLen = len(KeyPrefix) + 8
	// secretLen is the number of random bytes of a token or key (256 bits).
	secretLen = 32
)

// HashSecret returns the SHA-256 of a token or key, the only form in which
// the store keeps it.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func randomSecret(prefix string) (string, error) {
	var b [secretLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("auth: random secret: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// NewSessionToken returns a new opaque session token ("fss_" and 32 random
// bytes in unpadded base64url) and its hash.
func NewSessionToken() (token string, hash []byte, err error) {
	token, err = randomSecret(SessionPrefix)
	if err != nil {
		return "", nil, err
	}
	return token, HashSecret(token), nil
}

// NewAPIKey returns a new API key ("fsk_" and 32 random bytes in unpadded
// base64url), its public lookup prefix and its hash.
func NewAPIKey() (key, prefix string, hash []byte, err error) {
	key, err = randomSecret(KeyPrefix)
	if err != nil {
		return "", "", nil, err
	}
	return key, key[:keyLookupLen], HashSecret(key), nil
}

// wellFormed reports whether s looks like a credential of the prefix:
// the prefix then 43 base64url characters.
func wellFormed(s, prefix string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(secretLen) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// BearerCredential extracts the credential of an Authorization header
// ("Bearer <token or key>", scheme case-insensitive). It returns false for
// a missing or malformed header.
func BearerCredential(header string) (string, bool) {
	scheme, cred, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	if wellFormed(cred, SessionPrefix) || wellFormed(cred, KeyPrefix) {
		return cred, true
	}
	return "", false
}
