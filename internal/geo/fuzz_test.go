package geo

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzNormalizeCountry checks arbitrary country input: an accepted code is two upper-case
// ASCII letters on the ISO list, and normalising it again changes nothing.
func FuzzNormalizeCountry(f *testing.F) {
	for _, s := range []string{"US", "us", " fr ", "ZZ", "", "U", "USA", "u\u0073", "ıt", "ſe", "\u212aR", "GB\x00", "uk", "XK"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := NormalizeCountry(s)
		if !ok {
			return
		}
		require.Len(t, c, 2)
		for _, b := range []byte(c) {
			require.True(t, b >= 'A' && b <= 'Z', "accepted %q as %q", s, c)
		}
		require.Contains(t, strings.Fields(isoCountries), c)
		again, ok := NormalizeCountry(c)
		require.True(t, ok)
		require.Equal(t, c, again)
	})
}
