package auth

import (
	_ "embed" // common_passwords.txt
	"fmt"
	"net/mail"
	"slices"
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
	// MinPasswordDistinct is the fewest different characters a password
	// may have: "aaaaaaaaaaaa" and "abababababab" are refused.
	MinPasswordDistinct = 5
)

// keyboardRuns are the letter and digit rows of a QWERTY keyboard, end to
// end, and the digits; a password that is a run of one of them, forwards
// or backwards ("qwertyuiopas", "0987654321"), is refused.
var keyboardRuns = []string{"qwertyuiopasdfghjklzxcvbnm", "1234567890"}

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

// CheckPassword applies the password policy: 12 to 128 characters, not
// only whitespace, at least MinPasswordDistinct different characters, not
// a sequence of consecutive characters ("abcdefghijkl", "987654321098")
// or a run of a keyboard row, not the email, not containing the email's
// local part (when it has 4 characters or more), and not in the built-in
// list of common passwords. Comparisons ignore case.
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
	if err := checkEntropy(lower); err != nil {
		return err
	}
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

// checkEntropy refuses the low-entropy shapes that pass the length rule:
// only whitespace, too few different characters, a sequence of
// consecutive characters, or a run along a keyboard row. lower is the
// lower-cased password.
func checkEntropy(lower string) error {
	if strings.TrimSpace(lower) == "" {
		return &PolicyError{Field: "password", Message: "must not be only spaces or other whitespace"}
	}
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < MinPasswordDistinct {
		return &PolicyError{Field: "password", Message: fmt.Sprintf("must have at least %d different characters (got %d); a few unrelated words make a good one", MinPasswordDistinct, len(distinct))}
	}
	if isSequence(lower) {
		return &PolicyError{Field: "password", Message: "must not be a sequence of consecutive characters like abcdef or 123456"}
	}
	for _, row := range keyboardRuns {
		if strings.Contains(row+row, lower) || strings.Contains(reverse(row+row), lower) {
			return &PolicyError{Field: "password", Message: "must not be a run of keys along a keyboard row like qwerty or 0987"}
		}
	}
	return nil
}

// isSequence reports whether every character of s is the previous one
// plus 1, or every one the previous minus 1 (digits wrap: 8901, 1098).
func isSequence(s string) bool {
	rs := []rune(s)
	if len(rs) < 2 {
		return false
	}
	step := func(a, b rune) rune {
		d := b - a
		if a >= '0' && a <= '9' && b >= '0' && b <= '9' && (d == 9 || d == -9) {
			d = -d / 9 // 9→0 is +1, 0→9 is -1
		}
		return d
	}
	first := step(rs[0], rs[1])
	if first != 1 && first != -1 {
		return false
	}
	for i := 2; i < len(rs); i++ {
		if step(rs[i-1], rs[i]) != first {
			return false
		}
	}
	return true
}

func reverse(s string) string {
	rs := []rune(s)
	slices.Reverse(rs)
	return string(rs)
}
