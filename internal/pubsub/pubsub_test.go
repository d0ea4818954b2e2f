package pubsub_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

func receive(t *testing.T, ch <-chan []byte) string {
	t.Helper()
	select {
	case b := <-ch:
		return string(b)
	case <-time.After(10 * time.Second):
		t.Fatal("no event arrived")
		return ""
	}
}

func TestLocalDeliversToCurrentSubscribersOnly(t *testing.T) {
	t.Parallel()
	b := pubsub.NewLocal()
	ctx, cancel := context.WithCancel(context.Background())
	a := b.Subscribe(ctx, "t")
	other := b.Subscribe(context.Background(), "other")
	require.NoError(t, b.Publish(ctx, "t", []byte("hello")))
	require.Equal(t, "hello", receive(t, a))
	select {
	case m := <-other:
		t.Fatalf("wrong topic delivered: %s", m)
	default:
	}
	cancel()
	_, open := <-a
	for open {
		_, open = <-a
	}
	require.NoError(t, b.Publish(context.Background(), "t", []byte("late")), "publishing after unsubscribe is fine")
}

func TestLocalPublishNeverBlocks(t *testing.T) {
	t.Parallel()
	b := pubsub.NewLocal()
	_ = b.Subscribe(context.Background(), "t") // never read
	for range 1000 {
		require.NoError(t, b.Publish(context.Background(), "t", []byte("x")))
	}
}

// testURL is the test database's URL; the test is skipped without one.
func testURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv(storetest.EnvURL)
	if url == "" {
		t.Skip(storetest.EnvURL + " is not set")
	}
	return url
}

// openPostgres starts a PostgreSQL broker listening through listenURL and publishing through
// a pool of its own on url, both closed at cleanup; it returns the pool too.
func openPostgres(t *testing.T, url, listenURL string) (*pubsub.Postgres, *sql.DB) {
	t.Helper()
	db, err := sql.Open("postgres", url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	p, err := pubsub.NewPostgres(context.Background(), db, listenURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	return p, db
}

func TestPostgresCrossesReplicas(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	ctx := context.Background()
	open := func() *pubsub.Postgres {
		p, _ := openPostgres(t, url, url)
		return p
	}
	a, b := open(), open()
	topic := "test." + t.Name() + time.Now().Format(time.RFC3339Nano)
	onB := b.Subscribe(ctx, topic)
	onA := a.Subscribe(ctx, topic)
	require.NoError(t, a.Publish(ctx, topic, []byte(`{"percent":42}`)))
	require.Equal(t, `{"percent":42}`, receive(t, onB), "another replica sees it")
	require.Equal(t, `{"percent":42}`, receive(t, onA), "and so does the publisher's own")

	require.Error(t, a.Publish(ctx, topic, make([]byte, 8000)), "oversize events are refused")
}

// TestPostgresAnnouncesMissedEvents cuts the listening connection from the database side and
// requires TopicMissed once it is back, and events to flow again.
func TestPostgresAnnouncesMissedEvents(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	ctx := context.Background()
	// The listener's connection carries a name of its own, so that the test cuts only it.
	name := fmt.Sprintf("marquee_listener_test_%d", time.Now().UnixNano())
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	p, db := openPostgres(t, url, url+sep+"application_name="+name)
	missed := p.Subscribe(ctx, pubsub.TopicMissed)
	topic := "test." + t.Name() + time.Now().Format(time.RFC3339Nano)
	events := p.Subscribe(ctx, topic)

	var cut int
	require.NoError(t, db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, name).Scan(&cut))
	require.Equal(t, 1, cut, "the listening connection was found and cut")
	require.Empty(t, receive(t, missed), "the broker says it may have missed events")
	require.NoError(t, p.Publish(ctx, topic, []byte("after")))
	require.Equal(t, "after", receive(t, events), "and listens again")
}
