package video

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// A transcode that ends after its video was deleted (an object store keeps a copy of the
// source for it) removes what it published; a video that exists keeps its media.
func TestOrphanedOutputsAreRemoved(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	m, err := media.Open(ctx, "file://"+t.TempDir(), t.TempDir())
	require.NoError(t, err)
	s := NewService(st, m, pubsub.NewLocal(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)), 1<<20, nil)
	local := m.(*media.Local)

	publish := func(v *ent.Video) {
		t.Helper()
		tmp, err := m.TempDir("test-")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(tmp, "master.m3u8"), []byte("#EXTM3U\n"), 0o644))
		require.NoError(t, m.Publish(ctx, tmp, OutputKey(v.ID)))
		_, err = m.Put(ctx, v.SourcePath, bytes.NewReader([]byte("source")), 1<<20)
		require.NoError(t, err)
	}
	exists := func(key string) bool {
		p, err := local.Path(key)
		require.NoError(t, err)
		_, err = os.Stat(p)
		return err == nil
	}

	tt := st.Client.Title.Create().SetKind(title.KindMOVIE).SetName("Kept").SaveX(ctx)
	kept := st.Client.Video.Create().SetTitleID(tt.ID).SetSourcePath("sources/kept/source.mp4").SaveX(ctx)
	gone := &ent.Video{ID: kept.ID + 1000, SourcePath: "sources/gone/source.mp4"}
	publish(kept)
	publish(gone)

	s.orphaned(ctx, gone)
	require.False(t, exists(OutputKey(gone.ID)))
	require.False(t, exists(gone.SourcePath))
	s.orphaned(ctx, kept)
	require.True(t, exists(OutputKey(kept.ID)))
	require.True(t, exists(kept.SourcePath))
}
