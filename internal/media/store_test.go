package media

import (
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
