package maturity

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Rating{
		"PG-13":    {"PG-13", "MPA", 13},
		" pg-13 ":  {"PG-13", "MPA", 13},
		"R":        {"R", "MPA", 17},
		"TV-MA":    {"TV-MA", "TV", 17},
		"TVMA":     {"TV-MA", "TV", 17},
		"tv-y7":    {"TV-Y7", "TV", 7},
		"12A":      {"12A", "BBFC", 12},
		"U":        {"U", "BBFC", 0},
		"FSK 16":   {"FSK 16", "FSK", 16},
		"FSK16":    {"FSK 16", "FSK", 16},
		"fsk 12":   {"12", "BBFC/FSK", 12},
		"FSK ab 6": {"FSK 6", "FSK", 6},
		"16":       {"FSK 16", "FSK", 16},
		"0":        {"FSK 0", "FSK", 0},
		"18":       {"18", "BBFC/FSK", 18},
	} {
		got, err := Parse(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "PG13x", "M", "X", "TV", "FSK", "21", "<b>R</b>", "Unrated"} {
		_, err := Parse(bad)
		require.Error(t, err, bad)
	}
}

func TestAllows(t *testing.T) {
	t.Parallel()
	require.True(t, Allows(Kids, "PG"))
	require.True(t, Allows(Kids, "12A"))
	require.False(t, Allows(Kids, "PG-13"))
	require.False(t, Allows(Kids, ""), "unrated counts as adult")
	require.False(t, Allows(Kids, "Banned in Boston"), "unknown counts as adult")
	require.False(t, Allows(17, ""))
	require.True(t, Allows(17, "R"))
	require.True(t, Allows(Adult, ""), "an adult ceiling sees everything")
	require.Equal(t, Adult, Age("nonsense"))
}
