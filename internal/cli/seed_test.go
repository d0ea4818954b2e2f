package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSeedWithoutDemoPrintsUsage(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	for _, args := range [][]string{
		{"seed", "--data-dir", dir},
		{"seed", "--demo", "--data-dir", dir, "--clip-size", "big"},
		{"seed", "--demo", "--data-dir", dir, "--clip-size", "641x360"},
		{"seed", "--demo", "--data-dir", dir, "--clip-seconds", "0"},
	} {
		r := run(t, nil, args...)
		require.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
		require.NotEmpty(t, r.stderr, args)
		_, err := os.Stat(dir)
		require.True(t, os.IsNotExist(err), "%v: nothing written", args)
	}
	require.Contains(t, run(t, nil, "seed").stderr, "marquee seed --demo")
}

func TestSeedDemoTwice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"seed", "--demo", "--data-dir", dir, "--clip-seconds", "1", "--clip-size", "160x90"}
	r := run(t, nil, args...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "seeded 64 titles (0 already present), 88 videos queued (0 already present)\n", r.stdout)

	r = run(t, nil, args...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "seeded 0 titles (64 already present), 0 videos queued (88 already present)\n", r.stdout)
}
