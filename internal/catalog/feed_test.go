package catalog_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
)

// shelf is a small catalog with known popularity, years and regions.
type shelf struct {
	cat           *catalog.Service
	ids           map[string]int
	user, profile int
}

func stock(t *testing.T, s *store.Store) *shelf {
	t.Helper()
	ctx := context.Background()
	sh := &shelf{cat: catalog.NewService(s, pubsub.NewLocal()), ids: map[string]int{}}
	add := func(name string, year int, genres []string, regions ...string) {
		tt, err := sh.cat.CreateTitle(ctx, catalog.NewTitle{
			Kind: title.KindMOVIE, Name: name, Year: ptr(year), Genres: genres, Regions: regions,
		})
		require.NoError(t, err)
		sh.ids[name] = tt.ID
	}
	add("Alpha", 2020, []string{"Drama"})
	add("Bravo", 2021, []string{"Drama", "Comedy"})
	add("Charlie", 2022, []string{"Comedy"})
	add("Delta", 2023, []string{"Sci-Fi"})
	add("Echo", 2024, []string{"Sci-Fi", "Drama"})
	add("Foxtrot", 2025, []string{"Comedy"})
	add("Gulf", 2026, []string{"Drama"}, "FR") // only in France
	sh.user, sh.profile = testkit.Account(t, s.Client, "feed@example.com", "US")

	// Plays: Alpha most today, Charlie a lot but a week ago (decayed), Delta a little today.
	now := time.Now()
	plays := func(name string, n int, at time.Time) {
		for range n {
			require.NoError(t, s.Client.ViewEvent.Create().SetTitleID(sh.ids[name]).
				SetKind(viewevent.KindPLAY).SetCreatedAt(at).Exec(ctx))
		}
	}
	plays("Alpha", 6, now.Add(-time.Hour))
	plays("Charlie", 10, now.Add(-6*24*time.Hour-time.Hour))
	plays("Delta", 3, now.Add(-2*time.Hour))
	plays("Gulf", 50, now.Add(-time.Hour)) // popular, but not where the viewer lives
	plays("Echo", 9, now.Add(-8*24*time.Hour))
	require.NoError(t, sh.cat.RefreshTrending(ctx, now))
	return sh
}

func (sh *shelf) names(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		for n, x := range sh.ids {
			if x == id {
				out[i] = n
			}
		}
	}
	return out
}

func rowsByKind(t *testing.T, sh *shelf, rows []*catalog.Row, ctx context.Context, v catalog.Viewer) map[catalog.RowKind][]string {
	t.Helper()
	out := map[catalog.RowKind][]string{}
	for _, r := range rows {
		ids, _, err := sh.cat.Page(ctx, v, r, 0, 100)
		require.NoError(t, err)
		key := r.Kind
		if r.Kind == catalog.Genre {
			key = catalog.RowKind("GENRE:" + r.Slug)
		}
		out[key] = sh.names(ids)
	}
	return out
}

func TestTrendingDecaysAndRegionsFilter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sh := stock(t, s)
		us := catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, Country: "US", MaxAge: maturity.Adult}
		rows, err := sh.cat.Feed(ctx, us, catalog.FeedOptions{PerRow: 20})
		require.NoError(t, err)
		got := rowsByKind(t, sh, rows, ctx, us)
		// Alpha (6 today) > Delta (3 today) > Charlie (10, six days ago) > the rest; Echo's
		// plays fall outside the window; Gulf is French-only.
		require.Equal(t, []string{"Alpha", "Delta", "Charlie"}, got[catalog.Trending][:3])
		for kind, names := range got {
			require.NotContains(t, names, "Gulf", kind)
		}

		fr := catalog.Viewer{Country: "FR", MaxAge: maturity.Adult}
		rows, err = sh.cat.Feed(ctx, fr, catalog.FeedOptions{PerRow: 20})
		require.NoError(t, err)
		require.Equal(t, "Gulf", rowsByKind(t, sh, rows, ctx, fr)[catalog.Trending][0])
	})
}

func TestFeedRowsForAViewer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sh := stock(t, s)
		v := catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, Country: "US", MaxAge: maturity.Adult}

		anon, err := sh.cat.Feed(ctx, catalog.Viewer{MaxAge: maturity.Adult}, catalog.FeedOptions{PerRow: 2})
		require.NoError(t, err)
		var kinds []catalog.RowKind
		for _, r := range anon {
			kinds = append(kinds, r.Kind)
		}
		require.Equal(t, []catalog.RowKind{catalog.Trending, catalog.NewReleases}, kinds[:2], "anonymous visitors get the non-personal rows")
		for _, k := range kinds[2:] {
			require.Equal(t, catalog.Genre, k)
		}

		// Progress: Bravo half watched (latest), Echo finished; My List: Foxtrot then Charlie.
		progress := func(name string, pos float64, done bool, at time.Time) {
			require.NoError(t, s.Client.WatchProgress.Create().SetUserID(sh.user).SetProfileID(sh.profile).SetTitleID(sh.ids[name]).
				SetVideoID(sh.ids[name]).SetPositionSeconds(pos).SetDurationSeconds(100).SetCompleted(done).
				SetUpdatedAt(at).Exec(ctx))
		}
		progress("Echo", 100, true, time.Now().Add(-time.Hour))
		progress("Bravo", 50, false, time.Now())
		progress("Gulf", 10, false, time.Now()) // watched in France, now out of region
		_, err = sh.cat.AddToMyList(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, sh.ids["Charlie"])
		require.NoError(t, err)
		_, err = sh.cat.AddToMyList(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, sh.ids["Foxtrot"])
		require.NoError(t, err)
		_, err = sh.cat.AddToMyList(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, sh.ids["Foxtrot"])
		require.NoError(t, err, "adding twice keeps one entry")

		_, err = sh.cat.Rate(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, sh.ids["Alpha"], 5) // Drama now leads Comedy
		require.NoError(t, err)

		rows, err := sh.cat.Feed(ctx, v, catalog.FeedOptions{PerRow: 2})
		require.NoError(t, err)
		got := rowsByKind(t, sh, rows, ctx, v)
		require.Equal(t, catalog.ContinueWatching, rows[0].Kind)
		require.Equal(t, []string{"Bravo"}, got[catalog.ContinueWatching])
		require.Equal(t, catalog.MyList, rows[1].Kind)
		require.Equal(t, []string{"Foxtrot", "Charlie"}, got[catalog.MyList])
		require.Equal(t, []string{"Alpha", "Delta"}, got[catalog.Trending])
		// New releases, newest first, skip what Trending already shows.
		require.Equal(t, []string{"Foxtrot", "Echo"}, got[catalog.NewReleases])
		// Until the recommender runs, Recommended is popularity minus what was watched and shown.
		require.Equal(t, []string{"Charlie"}, got[catalog.Recommended][:1])
		require.NotContains(t, got[catalog.Recommended], "Bravo")
		require.NotContains(t, got[catalog.Recommended], "Echo")
		// Drama is the viewer's favourite genre (Bravo, Echo watched, Alpha rated 5): its row comes first.
		var genreRows []string
		for _, r := range rows {
			if r.Kind == catalog.Genre {
				genreRows = append(genreRows, r.Slug)
			}
		}
		require.Equal(t, "drama", genreRows[0])

		// Precomputed recommendations replace the fallback; Because You Watched names its source.
		require.NoError(t, s.Client.Recommendation.Create().SetKind(recommendation.KindRECOMMENDED).
			SetUserID(sh.user).SetProfileID(sh.profile).SetTitleID(sh.ids["Delta"]).SetRank(1).SetScore(1).Exec(ctx))
		require.NoError(t, s.Client.Recommendation.Create().SetKind(recommendation.KindBECAUSE_YOU_WATCHED).
			SetUserID(sh.user).SetProfileID(sh.profile).SetSourceTitleID(sh.ids["Echo"]).SetTitleID(sh.ids["Foxtrot"]).SetRank(1).SetScore(1).Exec(ctx))
		rows, err = sh.cat.Feed(ctx, v, catalog.FeedOptions{PerRow: 20})
		require.NoError(t, err)
		got = rowsByKind(t, sh, rows, ctx, v)
		require.Equal(t, []string{"Delta"}, got[catalog.Recommended])
		require.Equal(t, []string{"Foxtrot"}, got[catalog.BecauseYouWatched])
		for _, r := range rows {
			if r.Kind == catalog.BecauseYouWatched {
				require.Equal(t, sh.ids["Echo"], *r.BasedOn)
			}
		}
	})
}

func TestMyListAndRatings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sh := stock(t, s)
		other, otherProfile := testkit.Account(t, s.Client, "other@example.com", "")
		id := sh.ids["Alpha"]

		tt, err := sh.cat.Rate(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, id, 5)
		require.NoError(t, err)
		require.Equal(t, 5.0, *catalog.AverageRating(tt))
		tt, err = sh.cat.Rate(ctx, catalog.Viewer{UserID: other, ProfileID: otherProfile, MaxAge: maturity.Adult}, id, 2)
		require.NoError(t, err)
		require.Equal(t, 3.5, *catalog.AverageRating(tt))
		tt, err = sh.cat.Rate(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, id, 4) // a change replaces the earlier stars
		require.NoError(t, err)
		require.Equal(t, 3.0, *catalog.AverageRating(tt))
		require.Equal(t, 2, tt.RatingCount)
		before := s.Client.Title.GetX(ctx, sh.ids["Bravo"]).UpdatedAt
		_, err = sh.cat.Rate(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, sh.ids["Bravo"], 3)
		require.NoError(t, err)
		require.True(t, before.Equal(s.Client.Title.GetX(ctx, sh.ids["Bravo"]).UpdatedAt),
			"a rating is activity, not an edit: the title's listing stays as it was")

		for _, stars := range []int{0, 6, -1} {
			_, err = sh.cat.Rate(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, id, stars)
			e, ok := apperr.As(err)
			require.True(t, ok)
			require.Equal(t, apperr.BadUserInput, e.Code)
			require.Equal(t, "stars", e.Field)
		}
		_, err = sh.cat.Rate(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, 987654, 3)
		require.True(t, apperr.Is(err, apperr.NotFound))
		_, err = sh.cat.AddToMyList(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, 987654)
		require.True(t, apperr.Is(err, apperr.NotFound))

		_, err = sh.cat.AddToMyList(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, id)
		require.NoError(t, err)
		l := sh.cat.NewLoader(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, Country: "US", MaxAge: maturity.Adult})
		in, err := l.InMyList(ctx, id)
		require.NoError(t, err)
		require.True(t, in)
		stars, err := l.MyRating(ctx, id)
		require.NoError(t, err)
		require.Equal(t, 4, stars)
		_, err = sh.cat.RemoveFromMyList(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, MaxAge: maturity.Adult}, id)
		require.NoError(t, err)
		l.Forget(id)
		in, err = l.InMyList(ctx, id)
		require.NoError(t, err)
		require.False(t, in)
	})
}

// A profile's maturity ceiling holds for every list and every title load: titles rated
// above it, and unrated ones, are not there.
func TestMaturityCeiling(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sh := stock(t, s)
		require.NoError(t, s.Client.Title.UpdateOneID(sh.ids["Alpha"]).SetMaturityRating("R").Exec(ctx))
		require.NoError(t, s.Client.Title.UpdateOneID(sh.ids["Bravo"]).SetMaturityRating("PG").Exec(ctx))
		kid := catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, Country: "US", MaxAge: maturity.Kids}
		adult := catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, Country: "US", MaxAge: maturity.Adult}

		rows, err := sh.cat.Feed(ctx, kid, catalog.FeedOptions{PerRow: 20})
		require.NoError(t, err)
		for kind, names := range rowsByKind(t, sh, rows, ctx, kid) {
			for _, n := range names {
				require.Equal(t, "Bravo", n, "row %s shows a title above the ceiling", kind)
			}
		}
		rows, err = sh.cat.Feed(ctx, adult, catalog.FeedOptions{PerRow: 20})
		require.NoError(t, err)
		require.Contains(t, rowsByKind(t, sh, rows, ctx, adult)[catalog.Trending], "Alpha")

		var all []int
		for _, id := range sh.ids {
			all = append(all, id)
		}
		ts, err := sh.cat.NewLoader(ctx, kid).Titles(ctx, all)
		require.NoError(t, err)
		require.Len(t, ts, 1)
		require.Equal(t, "Bravo", ts[0].Name)
		require.Nil(t, sh.cat.NewLoader(ctx, kid).View(s.Client.Title.GetX(ctx, sh.ids["Alpha"])))
		ts, err = sh.cat.NewLoader(ctx, catalog.Viewer{UserID: sh.user, ProfileID: sh.profile, Country: "US"}).Titles(ctx, all)
		require.NoError(t, err)
		require.Empty(t, ts, "a viewer built without a ceiling sees only titles for all ages")
	})
}
