package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// TestReplicasShareLimitsAndRevocations runs two servers on one PostgreSQL, each with its
// own LISTEN/NOTIFY broker, as two replicas behind a load balancer would.
func TestReplicasShareLimitsAndRevocations(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	a, b := replica(t, url), replica(t, url)
	a.startWorkers()
	admin := a.admin()
	movie := a.readyTitle(admin, `kind: MOVIE, name: "Everywhere"`)
	tok := a.viewer("two@example.com", "US", plancode.Basic)

	r := a.start(tok, movie)
	require.Empty(t, r.Errors, r.Raw)
	s := r.Data["startPlayback"].(map[string]any)
	require.Equal(t, "STREAM_LIMIT_REACHED", b.start(tok, movie).code(), "the limit counts streams on every replica")

	code, _ := a.status(s["manifestUrl"].(string))
	require.Equal(t, http.StatusOK, code)
	r = b.gql(nil, `mutation($s: ID!) { endPlayback(sessionId: $s) { reason } }`, map[string]any{"s": s["id"]}, bearer(tok))
	require.Empty(t, r.Errors, r.Raw)
	require.Eventually(t, func() bool {
		code, _ := a.status(s["manifestUrl"].(string))
		return code == http.StatusForbidden
	}, 5*time.Second, 50*time.Millisecond, "ending on one replica revokes the URL on the other")

	r = b.start(tok, movie)
	require.Empty(t, r.Errors, r.Raw, "the ended stream no longer counts")
}

// replica opens a server on the PostgreSQL at url with its own LISTEN/NOTIFY broker, as
// one replica behind a load balancer.
func replica(t *testing.T, url string) *env {
	t.Helper()
	ctx := context.Background()
	s, err := store.OpenPostgres(ctx, url, store.Options{MaxOpenConns: 8})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Migrate(ctx))
	b, err := pubsub.NewPostgres(ctx, s.DB, url, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return newEnvWith(t, s, b)
}
