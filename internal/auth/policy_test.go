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

func TestNamesRefuseControlCharacters(t *testing.T) {
	for _, n := range []string{"Ana\r\nBcc: x@example.com", "Ana\nBo", "Ana\x00", "Ana\tBo"} {
		_, err := Name(n)
		require.Error(t, err, "%q", n)
	}
	got, err := Name("  Ana Núñez  ")
	require.NoError(t, err)
	require.Equal(t, "Ana Núñez", got)
}

func TestDeviceName(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0": "Edge on Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15":         "Safari on macOS",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36":         "Chrome on Android",
		"Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1": "Chrome on iPad",
		"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0":                                                "Firefox on Linux",
		"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                "Chrome on ChromeOS",
		"curl/8.5.0":        "curl",
		"":                  "Unknown browser",
		"Something (weird)": "Unknown browser",
	} {
		require.Equal(t, want, DeviceName(ua), ua)
	}
}
