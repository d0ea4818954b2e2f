package catalog_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// TestKeptRowsFollowChanges: title rows are kept between requests, yet a viewer sees their
// own rating at once, and an edit made behind the Service's back (another process, another
// replica) within seconds.
func TestKeptRowsFollowChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		sh := stock(t, s)
		go sh.cat.Follow(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
		viewer := catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, Country: "US", MaxAge: maturity.Adult}
		id := sh.ids["Alpha"]
		read := func() *catalog.Title {
			ts, err := sh.cat.NewLoader(ctx, viewer).Titles(ctx, []int{id})
			require.NoError(t, err)
			require.Len(t, ts, 1)
			return ts[0]
		}
		require.Nil(t, read().AverageRating(), "kept before anyone rated it")

		_, err := sh.cat.Rate(ctx, viewer, id, 4)
		require.NoError(t, err)
		require.Equal(t, 4.0, *read().AverageRating(), "the rater sees their stars on the next read")
		require.Equal(t, 1, read().RatingCount)

		// Renamed straight in the database, as another process would.
		require.NoError(t, s.Client.Title.UpdateOneID(id).SetName("Alpha Prime").Exec(ctx))
		require.Eventually(t, func() bool { return read().Name == "Alpha Prime" }, 15*time.Second, 50*time.Millisecond)
	})
}

// TestSimilarSuggestsWhatCanBePlayed: similar titles come from the shelf, which knows which
// titles have a ready video; a video made ready here shows at once, one made ready by
// another process within seconds.
func TestSimilarSuggestsWhatCanBePlayed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		sh := stock(t, s)
		go sh.cat.Follow(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
		viewer := catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, Country: "US", MaxAge: maturity.Adult}
		similar := func() []string {
			got, err := sh.cat.Similar(ctx, viewer, sh.ids["Alpha"], nil, 5)
			require.NoError(t, err)
			var names []string
			for _, g := range got {
				names = append(names, g.Title.Name)
			}
			return names
		}
		ready := func(name string) {
			s.Client.Video.Create().SetTitleID(sh.ids[name]).SetStatus(video.StatusREADY).ExecX(ctx)
		}
		require.Empty(t, similar(), "nothing can be played yet")

		ready("Bravo")
		sh.cat.VideoReady(ctx, sh.ids["Bravo"])
		require.Equal(t, []string{"Bravo"}, similar(), "made ready here: at once")

		ready("Gulf") // shares Drama, but only in France
		ready("Echo") // as another process would: nobody tells this Service
		require.Eventually(t, func() bool { return len(similar()) == 2 }, 15*time.Second, 50*time.Millisecond)
		require.ElementsMatch(t, []string{"Bravo", "Echo"}, similar())
	})
}

// TestFeedTeachesTheLoader: the feed hands the loader the viewer's whole progress and My
// List; what they answer matches the database, and a change forgotten after a mutation is
// read again.
func TestFeedTeachesTheLoader(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sh := stock(t, s)
		v := catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, Country: "US", MaxAge: maturity.Adult}
		s.Client.WatchProgress.Create().SetUserID(sh.user).SetProfileID(sh.profile).SetTitleID(sh.ids["Alpha"]).SetVideoID(0).
			SetPositionSeconds(30).SetDurationSeconds(120).ExecX(ctx)
		_, err := sh.cat.AddToMyList(ctx, v, sh.ids["Bravo"])
		require.NoError(t, err)

		l := sh.cat.NewLoader(ctx, v)
		_, err = sh.cat.Feed(ctx, v, catalog.FeedOptions{PerRow: 20, Loader: l})
		require.NoError(t, err)
		p, err := l.Progress(ctx, sh.ids["Alpha"])
		require.NoError(t, err)
		require.NotNil(t, p)
		require.Equal(t, 30.0, p.PositionSeconds)
		for name, want := range map[string]bool{"Bravo": true, "Charlie": false} {
			in, err := l.InMyList(ctx, sh.ids[name])
			require.NoError(t, err)
			require.Equal(t, want, in, name)
			p, err := l.Progress(ctx, sh.ids[name])
			require.NoError(t, err)
			require.Nil(t, p, name)
		}

		_, err = sh.cat.AddToMyList(ctx, v, sh.ids["Charlie"])
		require.NoError(t, err)
		l.Forget(sh.ids["Charlie"])
		in, err := l.InMyList(ctx, sh.ids["Charlie"])
		require.NoError(t, err)
		require.True(t, in, "read again after the mutation")
		in, err = l.InMyList(ctx, sh.ids["Bravo"])
		require.NoError(t, err)
		require.True(t, in)
	})
}
