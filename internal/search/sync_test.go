package search_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

func TestSyncRebuildsOnlyWhatIsMissingOrStale(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := seed(t, s, fixture{name: "Moon"}, fixture{name: "Midnight Harbor"}, fixture{name: "Orchestra"})
		moon, harbor, orchestra := ids[0], ids[1], ids[2]
		dir := filepath.Join(t.TempDir(), "search")

		ix, err := search.Open(dir)
		require.NoError(t, err)
		r, err := ix.Sync(ctx, s.Client)
		require.NoError(t, err)
		require.Equal(t, search.SyncResult{Rebuilt: true, Indexed: 3}, r, "a missing index is built")
		r, err = ix.Sync(ctx, s.Client)
		require.NoError(t, err)
		require.Equal(t, search.SyncResult{}, r, "a fresh index is left alone")
		require.NoError(t, ix.Close())

		ix, err = search.Open(dir)
		require.NoError(t, err)
		r, err = ix.Sync(ctx, s.Client)
		require.NoError(t, err)
		require.Equal(t, search.SyncResult{}, r, "a reopened fresh index is left alone")
		require.Equal(t, []int{moon}, find(t, ix, search.Query{Text: "moon"}))
		require.NoError(t, ix.Close())

		// Edits while no replica was running: one renamed, one deleted, one added.
		s.Client.Title.UpdateOneID(harbor).SetName("Midnight Lighthouse").ExecX(ctx)
		s.Client.Title.DeleteOneID(orchestra).ExecX(ctx)
		added := seed(t, s, fixture{name: "Moonrise"})[0]

		ix, err = search.Open(dir)
		require.NoError(t, err)
		defer func() { require.NoError(t, ix.Close()) }()
		r, err = ix.Sync(ctx, s.Client)
		require.NoError(t, err)
		require.False(t, r.Rebuilt, "a stale index is brought up to date, not rebuilt")
		require.Equal(t, 1, r.Deleted)
		require.Contains(t, []int{2, 3}, r.Indexed, "the added and the edited title, and any edited within the grace period")
		require.Equal(t, []int{harbor}, find(t, ix, search.Query{Text: "lighthouse"}))
		require.Empty(t, find(t, ix, search.Query{Text: "harbor"}))
		require.Empty(t, find(t, ix, search.Query{Text: "orchestra"}))
		require.ElementsMatch(t, []int{moon, added}, find(t, ix, search.Query{Text: "moon"}))
	})
}

func TestSyncEmptyCatalog(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	ctx := context.Background()
	ix, err := search.Open(filepath.Join(t.TempDir(), "search"))
	require.NoError(t, err)
	defer func() { require.NoError(t, ix.Close()) }()
	r, err := ix.Sync(ctx, s.Client)
	require.NoError(t, err)
	require.Equal(t, search.SyncResult{Rebuilt: true}, r)
	r, err = ix.Sync(ctx, s.Client)
	require.NoError(t, err)
	require.Equal(t, search.SyncResult{}, r)

	id := seed(t, s, fixture{name: "Moon"})[0]
	r, err = ix.Sync(ctx, s.Client)
	require.NoError(t, err)
	require.Equal(t, search.SyncResult{Indexed: 1}, r, "the first title after an empty catalog")
	require.Equal(t, []int{id}, find(t, ix, search.Query{Text: "moon"}))
}

func TestOpenRecreatesAnOutdatedIndex(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	ctx := context.Background()
	seed(t, s, fixture{name: "Moon"})
	dir := filepath.Join(t.TempDir(), "search")
	ix, err := search.Open(dir)
	require.NoError(t, err)
	_, err = ix.Sync(ctx, s.Client)
	require.NoError(t, err)
	require.NoError(t, search.SetMappingVersion(ix, "0"))
	require.NoError(t, ix.Close())

	ix, err = search.Open(dir)
	require.NoError(t, err)
	defer func() { require.NoError(t, ix.Close()) }()
	require.Empty(t, find(t, ix, search.Query{Text: "moon"}), "an index of another mapping version starts empty")
	r, err := ix.Sync(ctx, s.Client)
	require.NoError(t, err)
	require.Equal(t, search.SyncResult{Rebuilt: true, Indexed: 1}, r)
	require.Len(t, find(t, ix, search.Query{Text: "moon"}), 1)
}

func TestFollowAppliesTitleChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		ids := seed(t, s, fixture{name: "Moon"}, fixture{name: "Midnight Harbor"})
		moon, harbor := ids[0], ids[1]
		ix, err := search.Open(filepath.Join(t.TempDir(), "search"))
		require.NoError(t, err)
		search.SetPoll(ix, time.Hour) // events alone, below
		broker := pubsub.NewLocal()
		done := make(chan struct{})
		go func() {
			defer close(done)
			ix.Follow(ctx, broker, s.Client, slog.New(slog.NewTextHandler(io.Discard, nil)))
		}()
		// The wiring order: stop the follower, then close the index.
		defer func() {
			cancel()
			<-done
			require.NoError(t, ix.Close())
		}()

		eventually := func(q string, want []int) {
			t.Helper()
			require.Eventually(t, func() bool {
				r, err := ix.Search(context.Background(), search.Query{Text: q})
				return err == nil && len(r.IDs) == len(want) && (len(want) == 0 || r.IDs[0] == want[0])
			}, 10*time.Second, 10*time.Millisecond, q)
		}
		eventually("moon", []int{moon}) // the follower's first sync filled the index

		// From here on only events update the index: the follower's next poll is an hour
		// away. Events published before the follower subscribed are lost, so publish until
		// the change shows.
		bg := context.Background()
		s.Client.Title.UpdateOneID(harbor).SetName("Midnight Lighthouse").ExecX(bg)
		s.Client.Title.DeleteOneID(moon).ExecX(bg)
		added := seed(t, s, fixture{name: "Moonrise"})[0]
		require.Eventually(t, func() bool {
			if search.Notify(bg, broker, harbor, moon, added) != nil {
				return false
			}
			a, _ := ix.Search(bg, search.Query{Text: "lighthouse"})
			b, _ := ix.Search(bg, search.Query{Text: "moon"})
			return len(a.IDs) == 1 && a.IDs[0] == harbor && len(b.IDs) == 1 && b.IDs[0] == added
		}, 10*time.Second, 20*time.Millisecond)

		// One title alone goes through the single-document path.
		s.Client.Title.UpdateOneID(added).SetName("Sunset").ExecX(bg)
		require.NoError(t, search.Notify(bg, broker, added))
		eventually("sunset", []int{added})
		eventually("moon", nil)
	})
}

// TestFollowSeesOtherProcesses: titles another process adds (marquee seed or ingest beside a
// running server, whose events never reach it) become searchable by the next poll.
func TestFollowSeesOtherProcesses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		ix, err := search.Open(filepath.Join(t.TempDir(), "search"))
		require.NoError(t, err)
		done := make(chan struct{})
		go func() {
			defer close(done)
			ix.Follow(ctx, pubsub.NewLocal(), s.Client, slog.New(slog.NewTextHandler(io.Discard, nil)))
		}()
		defer func() {
			cancel()
			<-done
			require.NoError(t, ix.Close())
		}()
		found := func(q string, id int) func() bool {
			return func() bool {
				r, err := ix.Search(context.Background(), search.Query{Text: q})
				return err == nil && len(r.IDs) == 1 && r.IDs[0] == id
			}
		}
		// seed announces on a broker of its own, as another process would.
		first := seed(t, s, fixture{name: "Harbor"})[0]
		require.Eventually(t, found("harbor", first), 10*time.Second, 20*time.Millisecond)
		added := seed(t, s, fixture{name: "Lighthouse Keeper"})[0]
		require.Eventually(t, found("lighthouse", added), 10*time.Second, 20*time.Millisecond)
	})
}

func TestNotifySplitsLargeChanges(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	broker := pubsub.NewLocal()
	events := broker.Subscribe(ctx, search.TopicTitlesChanged)
	ids := make([]int, 1200)
	for i := range ids {
		ids[i] = 1_000_000_000 + i
	}
	require.NoError(t, search.Notify(ctx, broker, ids...))
	var got []int
	for range 3 {
		p := <-events
		require.Less(t, len(p), 7000, "within the PostgreSQL broker's payload limit")
		var part []int
		require.NoError(t, json.Unmarshal(p, &part))
		got = append(got, part...)
	}
	require.Equal(t, ids, got)
	require.NoError(t, search.Notify(ctx, broker))
	select {
	case p := <-events:
		t.Fatalf("unexpected event %s", p)
	default:
	}
}
