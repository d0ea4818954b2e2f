package auth

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/apperr"
)

// requireInputError checks that err is BAD_USER_INPUT on field.
func requireInputError(t *testing.T, err error, field string) {
	t.Helper()
	ae, ok := apperr.As(err)
	require.True(t, ok, "untyped error %v", err)
	require.Equal(t, apperr.BadUserInput, ae.Code)
	require.Equal(t, field, ae.Field)
	require.NotEmpty(t, ae.Message)
}

// FuzzEmail normalises arbitrary addresses. An accepted address is its input trimmed and
// lower-cased, a bare addr-spec of at most 254 bytes with one dotted domain after its last
// '@', free of spaces, control characters and angle brackets, and accepting it again
// gives itself.
func FuzzEmail(f *testing.F) {
	for _, s := range []string{
		"ada@example.com", "  Ada@Example.COM ", "first.last+tag@mail.io", "Ada <ada@example.com>",
		"ada@example.com (comment)", `"quoted local"@example.com`, `"a@b"@example.com`, "a@b@example.com",
		"ada@[127.0.0.1]", "ada@localhost", "ada@example.", "ada@.com", "ada@ex ample.com", "ünï@cödé.org",
		"a\x00@example.com", "=?utf-8?q?ada?= <ada@example.com>", strings.Repeat("a", 250) + "@example.com", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Email(s)
		if err != nil {
			require.Empty(t, e)
			requireInputError(t, err, "email")
			return
		}
		require.Equal(t, strings.ToLower(strings.TrimSpace(s)), e)
		require.LessOrEqual(t, len(e), 254)
		require.True(t, utf8.ValidString(e))
		require.False(t, strings.ContainsFunc(e, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), "%q", e)
		require.False(t, strings.ContainsAny(e, "<>"), "%q", e)
		at := strings.LastIndexByte(e, '@')
		require.Positive(t, at)
		domain := e[at+1:]
		require.Contains(t, domain, ".")
		require.False(t, strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, "."), "%q", e)
		again, err := Email(e)
		require.NoError(t, err)
		require.Equal(t, e, again)
	})
}

// FuzzPassword checks the password policy on arbitrary text: accepted exactly when it is
// valid UTF-8 of 8 to 128 characters and not on the common list (in any case). A refusal
// is one of four fixed messages, so it never echoes the password.
func FuzzPassword(f *testing.F) {
	p := NewPolicy()
	var refusals []string
	for _, pw := range []string{"short", strings.Repeat("x", MaxPasswordLen+1), "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "password123"} {
		refusals = append(refusals, p.Password(pw).Error())
	}
	for _, s := range []string{"correct horse battery", "password123", "PASSWORD123", "short", "1234567", "xxxxxxxé",
		strings.Repeat("q", 128), strings.Repeat("q", 129), "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "        "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		err := p.Password(pw)
		n := utf8.RuneCountInString(pw)
		_, common := p.common[strings.ToLower(pw)]
		want := utf8.ValidString(pw) && n >= MinPasswordLen && n <= MaxPasswordLen && !common
		if want {
			require.NoError(t, err)
			return
		}
		requireInputError(t, err, "password")
		require.Contains(t, refusals, err.Error())
	})
}

// FuzzName normalises arbitrary display names: accepted names are trimmed, non-empty, valid
// UTF-8 and at most 100 characters, and accepting one again gives itself.
func FuzzName(f *testing.F) {
	for _, s := range []string{"Ada Lovelace", "  Ada  ", "", "   ", "李小龍", strings.Repeat("n", 100), strings.Repeat("n", 101), "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Name(s)
		if err != nil {
			requireInputError(t, err, "name")
			return
		}
		require.Equal(t, strings.TrimSpace(s), n)
		require.NotEmpty(t, n)
		require.True(t, utf8.ValidString(n))
		require.LessOrEqual(t, utf8.RuneCountInString(n), 100)
		again, err := Name(n)
		require.NoError(t, err)
		require.Equal(t, n, again)
	})
}
