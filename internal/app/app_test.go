package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/config"
)

func open(t *testing.T, workers int) *app.Services {
	t.Helper()
	c := config.Default()
	c.DataDir = t.TempDir()
	c.MediaURL = "file://" + filepath.Join(c.DataDir, "media")
	c.Secret = "a-signing-secret-of-at-least-32-chars"
	s, err := app.Open(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil)), workers)
	require.NoError(t, err)
	return s
}

// TestCloseWaitsForLoopsWhenAStepFails: background loops started before a later start step
// fails are stopped and waited for by Close, and what they use (the store) closes only
// after they have returned.
func TestCloseWaitsForLoopsWhenAStepFails(t *testing.T) {
	t.Parallel()
	s := open(t, 1)
	require.NotNil(t, s.Playback, "a signing secret gives playback")
	var returned atomic.Bool
	var lastQuery atomic.Value
	s.Go(func(ctx context.Context) {
		<-ctx.Done()
		// A loop finishing its work on the way out still has its store.
		_, err := s.Store.Client.User.Query().Count(context.Background())
		lastQuery.Store(errString(err))
		returned.Store(true)
	})
	s.Go(s.Auth.Run)

	// The search index cannot open under a file.
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	require.Error(t, s.OpenSearch(filepath.Join(file, "search")))

	s.Close()
	require.True(t, returned.Load(), "Close returned before the loop did")
	require.Equal(t, "", lastQuery.Load(), "the store closed under a running loop")
	require.Error(t, s.Store.Ping(context.Background()), "the store is closed at the end")
}

// TestCloseStopsStartedWorkers: Close after Start stops the queue's workers before the
// store closes, and a second Close does nothing.
func TestCloseStopsStartedWorkers(t *testing.T) {
	t.Parallel()
	s := open(t, 1)
	require.NoError(t, s.OpenSearch(filepath.Join(t.TempDir(), "search")))
	require.NoError(t, s.Start())
	s.Close()
	require.Error(t, s.Store.Ping(context.Background()))
	s.Close()
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
