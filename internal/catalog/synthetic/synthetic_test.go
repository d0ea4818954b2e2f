package synthetic_test

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/user"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/catalog/synthetic"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// now dates every run of these tests, so that two runs are identical to the row.
var now = time.Date(2026, time.December, 1, 12, 0, 0, 0, time.Local)

func small(seed uint64) synthetic.Options {
	return synthetic.Options{Titles: 300, Viewers: 200, Seed: seed, Now: now}
}

// TestGenerate checks a small run's shape and its consistency: the promised shares,
// counters equal to the rows they sum up, and every reference pointing where it should.
func TestGenerate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sum, err := synthetic.Generate(ctx, st, small(7))
		require.NoError(t, err)
		t.Log(sum)
		c := st.Client

		titles, err := c.Title.Query().WithGenres().WithSeasons(func(q *ent.SeasonQuery) { q.WithEpisodes() }).All(ctx)
		require.NoError(t, err)
		require.Len(t, titles, 300)
		require.Equal(t, 300, sum.Titles)
		series, limited := 0, 0
		plans := map[plancode.Code]int{}
		genreSize := map[int]int{}
		episodes := 0
		for _, ti := range titles {
			require.GreaterOrEqual(t, *ti.Year, 1950)
			require.LessOrEqual(t, *ti.Year, 2026)
			require.Equal(t, *ti.Year, ti.ReleaseDate.Year())
			require.NotEmpty(t, ti.MaturityRating)
			require.NotEmpty(t, ti.Name)
			require.True(t, len(ti.Edges.Genres) >= 1 && len(ti.Edges.Genres) <= 3, "%s has %d genres", ti.Name, len(ti.Edges.Genres))
			for _, g := range ti.Edges.Genres {
				require.Equal(t, catalog.Slug(g.Name), g.Slug)
				genreSize[g.ID]++
			}
			if ti.MinPlan == nil {
				plans[""]++
			} else {
				plans[*ti.MinPlan]++
			}
			if len(ti.Regions) > 0 {
				limited++
				require.LessOrEqual(t, len(ti.Regions), 10)
			}
			if ti.Kind == title.KindSERIES {
				series++
				require.True(t, len(ti.Edges.Seasons) >= 1 && len(ti.Edges.Seasons) <= 5)
				for _, se := range ti.Edges.Seasons {
					require.True(t, len(se.Edges.Episodes) >= 4 && len(se.Edges.Episodes) <= 12)
					episodes += len(se.Edges.Episodes)
				}
			} else {
				require.Empty(t, ti.Edges.Seasons)
			}
		}
		require.InDelta(t, 0.10, float64(series)/300, 0.05, "series share")
		require.InDelta(t, 0.30, float64(limited)/300, 0.08, "limited-region share")
		for _, p := range []plancode.Code{"", plancode.Basic, plancode.Standard, plancode.Premium} {
			require.Positive(t, plans[p], "titles for plan %q", p)
		}
		require.Equal(t, series, sum.Series)
		require.Equal(t, episodes, sum.Episodes)

		// 20 to 30 genres, Zipf-sized: the largest well ahead of the median.
		require.True(t, len(genreSize) >= 15 && sum.Genres >= 20 && sum.Genres <= 30, "%d genres", sum.Genres)
		sizes := make([]int, 0, len(genreSize))
		for _, n := range genreSize {
			sizes = append(sizes, n)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(sizes)))
		require.Greater(t, sizes[0], 3*sizes[len(sizes)/2], "genre sizes %v", sizes)

		// The stored "everywhere" reads as the catalog's queries expect.
		everywhere, err := c.Title.Query().Where(func(s *entsql.Selector) {
			s.Where(entsql.Or(entsql.IsNull(s.C(title.FieldRegions)), sqljson.LenEQ(s.C(title.FieldRegions), 0)))
		}).Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 300-limited, everywhere)
		inUS := 0
		for _, ti := range titles {
			if len(ti.Regions) == 0 || slices.Contains(ti.Regions, "US") {
				inUS++
			}
		}
		n, err := c.Title.Query().Where(func(s *entsql.Selector) {
			s.Where(entsql.Or(sqljson.LenEQ(s.C(title.FieldRegions), 0), sqljson.ValueContains(s.C(title.FieldRegions), "US")))
		}).Count(ctx)
		require.NoError(t, err)
		require.Equal(t, inUS, n)

		// One READY video per movie and per episode.
		videos, err := c.Video.Query().Where(entvideo.StatusEQ(entvideo.StatusREADY)).Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 300-series+episodes, videos)
		require.Equal(t, videos, sum.Videos)

		// Viewers: reserved domain, a hash no password matches, the US most common, a
		// membership each.
		users, err := c.User.Query().WithMembership(func(q *ent.MembershipQuery) { q.WithPlan() }).All(ctx)
		require.NoError(t, err)
		require.Len(t, users, 200)
		byCountry := map[string]int{}
		userCountry, userPlan := map[int]string{}, map[int]plancode.Code{}
		for _, u := range users {
			require.Regexp(t, `^viewer\d+@synthetic\.invalid$`, u.Email)
			require.Equal(t, synthetic.PasswordHash, u.PasswordHash)
			require.NotNil(t, u.Edges.Membership)
			byCountry[u.Country]++
			userCountry[u.ID], userPlan[u.ID] = u.Country, u.Edges.Membership.Edges.Plan.Code
		}
		for cc, k := range byCountry {
			require.LessOrEqual(t, k, byCountry["US"], "%s outnumbers US", cc)
		}

		// Counters equal the rows: ratings sum up to rating_count and rating_sum, plays
		// to view_count.
		type agg struct {
			TitleID int `json:"title_id"`
			Count   int `json:"count"`
			Sum     int `json:"sum"`
		}
		var rated []agg
		require.NoError(t, c.Rating.Query().GroupBy("title_id").
			Aggregate(ent.Count(), ent.As(ent.Sum("stars"), "sum")).Scan(ctx, &rated))
		var played []agg
		require.NoError(t, c.ViewEvent.Query().Where(viewevent.KindEQ(viewevent.KindPLAY)).GroupBy("title_id").
			Aggregate(ent.Count()).Scan(ctx, &played))
		ratings, plays := map[int]agg{}, map[int]int{}
		for _, a := range rated {
			ratings[a.TitleID] = a
		}
		for _, a := range played {
			plays[a.TitleID] = a.Count
		}
		totalRatings := 0
		for _, ti := range titles {
			require.Equal(t, ratings[ti.ID].Count, ti.RatingCount, "rating_count of %d", ti.ID)
			require.Equal(t, ratings[ti.ID].Sum, ti.RatingSum, "rating_sum of %d", ti.ID)
			require.Equal(t, plays[ti.ID], ti.ViewCount, "view_count of %d", ti.ID)
			totalRatings += ti.RatingCount
		}
		require.Equal(t, sum.Ratings, totalRatings)
		require.Positive(t, totalRatings)

		// Trending is what the trending refresh computes from the same plays.
		trending := map[int]float64{}
		for _, ti := range titles {
			trending[ti.ID] = ti.TrendingScore
		}
		require.NoError(t, catalog.NewService(st, nil).RefreshTrending(ctx, now))
		refreshed, err := c.Title.Query().All(ctx)
		require.NoError(t, err)
		hot := 0
		for _, ti := range refreshed {
			require.InDelta(t, trending[ti.ID], ti.TrendingScore, 0.0011, "trending of %d", ti.ID)
			if ti.TrendingScore > 0 {
				hot++
			}
		}
		require.Positive(t, hot)

		// Progress points at the title's own video (and episode), one the viewer could
		// watch: released, in their country, on their plan.
		byID := map[int]*ent.Title{}
		for _, ti := range titles {
			byID[ti.ID] = ti
		}
		videoOf := map[int]*ent.Video{}
		for _, v := range c.Video.Query().AllX(ctx) {
			videoOf[v.ID] = v
		}
		progress, err := c.WatchProgress.Query().All(ctx)
		require.NoError(t, err)
		require.Len(t, progress, sum.Progress)
		perViewer := map[int]int{}
		for _, p := range progress {
			v := videoOf[p.VideoID]
			require.NotNil(t, v)
			require.Equal(t, p.TitleID, v.TitleID)
			require.Equal(t, p.EpisodeID, v.EpisodeID)
			ti := byID[p.TitleID]
			require.False(t, ti.ReleaseDate.After(now))
			require.True(t, len(ti.Regions) == 0 || slices.Contains(ti.Regions, userCountry[p.UserID]), "title %d not in %s", ti.ID, userCountry[p.UserID])
			require.True(t, ti.MinPlan == nil || ti.MinPlan.Rank() <= userPlan[p.UserID].Rank())
			require.True(t, p.UpdatedAt.Before(now))
			perViewer[p.UserID]++
		}
		// Heavy-tailed: the busiest viewer played many times what the median one did.
		counts := make([]int, 0, len(perViewer))
		for _, k := range perViewer {
			counts = append(counts, k)
		}
		slices.Sort(counts)
		require.Greater(t, counts[len(counts)-1], 5*counts[len(counts)/2], "progress rows per viewer %v", counts)

		listed, err := c.MyListItem.Query().Count(ctx)
		require.NoError(t, err)
		require.Equal(t, sum.ListItems, listed)
		require.Positive(t, listed)
		events, err := c.ViewEvent.Query().Count(ctx)
		require.NoError(t, err)
		require.Equal(t, sum.Events, events)
		for _, k := range []viewevent.Kind{viewevent.KindPLAY, viewevent.KindCOMPLETE, viewevent.KindLIST, viewevent.KindRATE} {
			n, err := c.ViewEvent.Query().Where(viewevent.KindEQ(k)).Count(ctx)
			require.NoError(t, err)
			require.Positive(t, n, "%s events", k)
		}

		// A second run is refused and writes nothing.
		before := tableCounts(ctx, t, c)
		_, err = synthetic.Generate(ctx, st, small(8))
		require.ErrorIs(t, err, synthetic.ErrAlreadySeeded)
		require.Equal(t, before, tableCounts(ctx, t, c))
	})
}

func tableCounts(ctx context.Context, t *testing.T, c *ent.Client) []int {
	t.Helper()
	var out []int
	for _, count := range []func(context.Context) (int, error){
		c.Title.Query().Count, c.Genre.Query().Count, c.Season.Query().Count, c.Episode.Query().Count,
		c.Video.Query().Count, c.User.Query().Count, c.Membership.Query().Count, c.Plan.Query().Count,
		c.WatchProgress.Query().Count, c.Rating.Query().Count, c.MyListItem.Query().Count, c.ViewEvent.Query().Count,
	} {
		n, err := count(ctx)
		require.NoError(t, err)
		out = append(out, n)
	}
	return out
}

// TestDeterministic: one seed, one catalog; another seed, another.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	run := func(seed uint64) ([]int, []string, []string) {
		st := storetest.SQLite(t)
		_, err := synthetic.Generate(ctx, st, small(seed))
		require.NoError(t, err)
		names, err := st.Client.Title.Query().Order(ent.Asc(title.FieldID)).Limit(20).Select(title.FieldName).Strings(ctx)
		require.NoError(t, err)
		emails, err := st.Client.User.Query().Where(user.Country("US")).Order(ent.Asc(user.FieldID)).Limit(20).
			Select(user.FieldEmail).Strings(ctx)
		require.NoError(t, err)
		return tableCounts(ctx, t, st.Client), names, emails
	}
	counts1, names1, emails1 := run(42)
	counts2, names2, emails2 := run(42)
	require.Equal(t, counts1, counts2)
	require.Equal(t, names1, names2)
	require.Equal(t, emails1, emails2)
	_, names3, _ := run(43)
	require.NotEqual(t, names1, names3)
}

// TestPasswordHashNeverVerifies: the synthetic hash parses as any stored hash does, so a
// login answers a wrong password, and no password matches it.
func TestPasswordHashNeverVerifies(t *testing.T) {
	t.Parallel()
	_, _, _, err := auth.Decode(synthetic.PasswordHash)
	require.NoError(t, err)
	h := auth.NewHasher(auth.DefaultParams, 1)
	for _, pw := range []string{"", "password", "correct horse battery"} {
		ok, rehash, err := h.Verify(context.Background(), pw, synthetic.PasswordHash)
		require.NoError(t, err)
		require.False(t, ok)
		require.False(t, rehash, "the default costs: a login would not rewrite it")
	}
}

func TestOptionsAreChecked(t *testing.T) {
	t.Parallel()
	st := storetest.SQLite(t)
	for _, o := range []synthetic.Options{{Titles: 0, Viewers: 1}, {Titles: 1, Viewers: 0}, {Titles: -1, Viewers: 5}} {
		_, err := synthetic.Generate(context.Background(), st, o)
		require.Error(t, err)
	}
	n, err := st.Client.User.Query().Count(context.Background())
	require.NoError(t, err)
	require.Zero(t, n)
}
