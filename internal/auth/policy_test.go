package auth

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/apperr"
)

func TestEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"  Ada@Example.COM ":     "ada@example.com",
		"first.last+tag@mail.io": "first.last+tag@mail.io",
	} {
		got, err := Email(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got)
	}
	for _, in := range []string{
		"", "   ", "plainaddress", "@example.com", "ada@", "ada@example", "ada@.com", "ada@example.",
		"Ada <ada@example.com>", "ada@example.com (comment)", "a b@example.com",
		strings.Repeat("a", 250) + "@example.com",
	} {
		_, err := Email(in)
		e, ok := apperr.As(err)
		require.True(t, ok, "%q must be rejected", in)
		require.Equal(t, apperr.BadUserInput, e.Code)
		require.Equal(t, "email", e.Field)
	}
}

func TestPassword(t *testing.T) {
	t.Parallel()
	p := NewPolicy()
	for _, ok := range []string{
		"correct horse battery",
		strings.Repeat("x", 7) + "é", // 8 characters, 9 bytes
		strings.Repeat("z", MaxPasswordLen),
		"Tr0ub4dor&3",
	} {
		require.NoError(t, p.Password(ok), ok)
	}
	for _, bad := range []string{
		"",
		"short",
		strings.Repeat("z", MaxPasswordLen+1),
		"password",  // in the common list
		"PASSWORD1", // case does not help
		"iloveyou",
		"12345678",
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8",
	} {
		err := p.Password(bad)
		e, ok := apperr.As(err)
		require.True(t, ok, "%q must be rejected", bad)
		require.Equal(t, apperr.BadUserInput, e.Code)
		require.Equal(t, "password", e.Field)
	}
	require.Greater(t, len(p.common), 500, "the common-password list is loaded")
}

func TestCountryAndName(t *testing.T) {
	t.Parallel()
	c, err := Country(" fr ")
	require.NoError(t, err)
	require.Equal(t, "FR", c)
	for _, bad := range []string{"", "F", "FRA", "XX", "12"} {
		_, err := Country(bad)
		require.True(t, apperr.Is(err, apperr.BadUserInput), bad)
	}
	n, err := Name("  Ada Lovelace ")
	require.NoError(t, err)
	require.Equal(t, "Ada Lovelace", n)
	for _, bad := range []string{"", "   ", strings.Repeat("n", 101)} {
		_, err := Name(bad)
		require.True(t, apperr.Is(err, apperr.BadUserInput), bad)
	}
}
