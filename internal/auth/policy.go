package auth

import (
	_ "embed" // common_passwords.txt
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password length bounds, in characters. The upper bound keeps one hash
// cheap enough that long passwords cannot be used to exhaust the CPU.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
	// MaxEmailLen is the longest accepted email address (RFC 5321 path
	// limit).
	MaxEmailLen = 254
)

//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
})

// PolicyError is a refused email or password: Field names the request
// field ("email" or "password") and Message says what to change. It never
// contains the password.
type PolicyError struct {
	// Field is "email" or "password".
	Field string
	// Message explains the rule that failed.
	Message string
}

// Error returns "field: message".
func (e *PolicyError) Error() string { return e.Field + ": " + e.Message }

// CheckEmail validates an email address: one plain address (as
// net/mail parses it, without a display name), at most 254 characters.
func CheckEmail(email string) error {
	if email == "" {
		return &PolicyError{Field: "email", Message: "must not be empty"}
	}
	if len(email) > MaxEmailLen {
		return &PolicyError{Field: "email", Message: fmt.Sprintf("must be at most %d characters", MaxEmailLen)}
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return &PolicyError{Field: "email", Message: "must be a plain address like name@example.com"}
	}
	return nil
}

// CheckPassword applies the password policy: 12 to 128 characters, not the
// email, not containing the email's local part (when it has 4 characters
// or more), and not in the built-in list of common passwords. Comparisons
// ignore case.
func CheckPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return &PolicyError{Field: "password", Message: "must be valid UTF-8"}
	case n < MinPasswordLen:
		return &PolicyError{Field: "password", Message: fmt.Sprintf("must be at least %d characters (got %d); a few unrelated words make a good one", MinPasswordLen, n)}
	case n > MaxPasswordLen:
		return &PolicyError{Field: "password", Message: fmt.Sprintf("must be at most %d characters (got %d)", MaxPasswordLen, n)}
	}
	lower := strings.ToLower(password)
	email = strings.ToLower(strings.TrimSpace(email))
	if email != "" && lower == email {
		return &PolicyError{Field: "password", Message: "must not be the email address"}
	}
	if local, _, ok := strings.Cut(email, "@"); ok && len(local) >= 4 && strings.Contains(lower, local) {
		return &PolicyError{Field: "password", Message: "must not contain the name part of the email address"}
	}
	if commonPasswords()[lower] {
		return &PolicyError{Field: "password", Message: "is in the list of commonly used passwords; choose another"}
	}
	return nil
}
