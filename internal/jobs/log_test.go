package jobs

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestJobCountsAreLoggedOnChange(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(newQuietCounts(slog.NewTextHandler(&buf, nil))).With(slog.String("component", "jobs"))
	counts := func(queue string, running int) {
		log.Info(riverJobCounts, slog.Int("num_jobs_running", running), slog.String("queue", queue))
	}
	counts("default", 0)
	counts("default", 0)
	counts("maintenance", 0)
	counts("default", 0)
	counts("default", 2)
	counts("default", 2)
	log.Info("River client started")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 4, buf.String())
	require.Contains(t, lines[0], "queue=default")
	require.Contains(t, lines[1], "queue=maintenance")
	require.Contains(t, lines[2], "num_jobs_running=2")
	require.Contains(t, lines[3], "River client started")

	// At debug, the repeats are there, marked as such.
	buf.Reset()
	debug := slog.New(newQuietCounts(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	debug.Info(riverJobCounts, slog.String("queue", "default"))
	debug.Info(riverJobCounts, slog.String("queue", "default"))
	require.Equal(t, 1, strings.Count(buf.String(), "level=INFO"))
	require.Equal(t, 1, strings.Count(buf.String(), "level=DEBUG"))
	require.True(t, debug.Handler().Enabled(context.Background(), slog.LevelDebug))
}
