package media

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKeysStayInsideTheRoot(t *testing.T) {
	t.Parallel()
	l, err := NewLocal(t.TempDir())
	require.NoError(t, err)
	for _, bad := range []string{
		"", "/etc/passwd", "../secret.key", "videos/../../etc/passwd", "videos/./x", "videos//x",
		".tmp/x", "videos/.hidden", `videos\..\x`, "videos/%2e%2e/x", "videos/x/", "a/../b",
	} {
		_, err := l.Path(bad)
		require.Error(t, err, bad)
	}
	p, err := l.Path("videos/42/720p/index.m3u8")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(p, l.Root()+string(filepath.Separator)))
}

func TestPutIsAtomicAndBounded(t *testing.T) {
	t.Parallel()
	l, err := NewLocal(t.TempDir())
	require.NoError(t, err)

	n, err := l.Put("sources/1/clip.mp4", strings.NewReader("0123456789"), 10)
	require.NoError(t, err)
	require.EqualValues(t, 10, n)
	p, _ := l.Path("sources/1/clip.mp4")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, "0123456789", string(b))

	_, err = l.Put("sources/2/big.mp4", strings.NewReader("01234567890"), 10)
	require.ErrorIs(t, err, ErrTooLarge)
	p, _ = l.Path("sources/2/big.mp4")
	_, err = os.Stat(p)
	require.True(t, os.IsNotExist(err), "an oversize put leaves nothing behind")
	entries, err := os.ReadDir(filepath.Join(l.Root(), scratch))
	require.NoError(t, err)
	require.Empty(t, entries, "nor any temp file")
}

func TestPublishReplacesAndCleanTempRemovesLeftovers(t *testing.T) {
	t.Parallel()
	l, err := NewLocal(t.TempDir())
	require.NoError(t, err)

	for _, content := range []string{"first", "second"} {
		dir, err := l.TempDir("transcode-7-")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "master.m3u8"), []byte(content), 0o640))
		require.NoError(t, l.Publish(dir, "videos/7"))
	}
	p, _ := l.Path("videos/7/master.m3u8")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, "second", string(b))

	_, err = l.TempDir("transcode-7-")
	require.NoError(t, err)
	keep, err := l.TempDir("transcode-8-")
	require.NoError(t, err)
	require.NoError(t, l.CleanTemp("transcode-7-"))
	entries, _ := os.ReadDir(filepath.Join(l.Root(), scratch))
	require.Len(t, entries, 1)
	require.Equal(t, filepath.Base(keep), entries[0].Name())

	require.Error(t, l.Publish(t.TempDir(), "videos/9"), "only scratch directories are published")
}
