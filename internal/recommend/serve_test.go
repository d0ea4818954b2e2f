package recommend

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/predicate"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
)

func TestRefreshWritesRecommendations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := s.Client
		require.NoError(t, billing.EnsurePlans(ctx, c))
		scifi := c.Genre.Create().SetSlug("sci-fi").SetName("Sci-Fi").SaveX(ctx)
		western := c.Genre.Create().SetSlug("western").SetName("Western").SaveX(ctx)
		mk := func(name string, g *ent.Genre, set func(*ent.TitleCreate)) int {
			q := c.Title.Create().SetKind(title.KindMOVIE).SetName(name).SetYear(1990).
				SetSynopsis("A story of " + g.Name).AddGenres(g).SetMaturityRating("PG")
			if set != nil {
				set(q)
			}
			return q.SaveX(ctx).ID
		}
		space1 := mk("Space Dock", scifi, nil)
		space2 := mk("Space Run", scifi, nil)
		orbit := mk("Orbit", scifi, func(q *ent.TitleCreate) { q.SetMaturityRating("R") })
		moon := mk("Moon Base", scifi, func(q *ent.TitleCreate) { q.SetRegions([]string{"DE"}) })
		vault := mk("Star Vault", scifi, func(q *ent.TitleCreate) { q.SetMinPlan(plancode.Premium) })
		sequel := mk("Space Run Again", scifi, nil) // nobody has watched it yet
		var westerns []int
		for i := range 4 {
			westerns = append(westerns, mk(fmt.Sprintf("Dust Trail %d", i+1), western, nil))
		}

		at := time.Now().Add(-time.Hour)
		for i := range 6 {
			u, p := testkit.Account(t, c, fmt.Sprintf("fan%d@example.com", i), "US")
			for k, id := range []int{space1, space2, orbit, moon, vault} {
				c.ViewEvent.Create().SetUserID(u).SetProfileID(p).SetTitleID(id).SetKind(viewevent.KindCOMPLETE).
					SetWeight(WeightCompleted).SetCreatedAt(at.Add(time.Duration(k) * time.Minute)).ExecX(ctx)
			}
			w, wp := testkit.Account(t, c, fmt.Sprintf("cowboy%d@example.com", i), "US")
			for _, id := range westerns {
				c.Rating.Create().SetUserID(w).SetProfileID(wp).SetTitleID(id).SetStars(5).ExecX(ctx)
			}
		}
		account, me := testkit.Account(t, c, "me@example.com", "US")
		_, err := billing.Grant(ctx, c, account, plancode.Basic, time.Now())
		require.NoError(t, err)
		c.WatchProgress.Create().SetUserID(account).SetProfileID(me).SetTitleID(space1).SetVideoID(0).SetCompleted(true).ExecX(ctx)
		c.Rating.Create().SetUserID(account).SetProfileID(me).SetTitleID(space2).SetStars(5).ExecX(ctx)
		c.MyListItem.Create().SetUserID(account).SetProfileID(me).SetTitleID(westerns[0]).ExecX(ctx)
		// A Kids profile of the same account, with a history of its own.
		kid := c.Profile.Create().SetUserID(account).SetName("Kid").SetKids(true).SetMaturityCeiling(12).SaveX(ctx).ID
		c.ViewEvent.Create().SetUserID(account).SetProfileID(kid).SetTitleID(space1).SetKind(viewevent.KindCOMPLETE).
			SetWeight(WeightCompleted).SetCreatedAt(at).ExecX(ctx)

		svc := NewService(s, slog.New(slog.DiscardHandler), ServeOptions{})
		require.NoError(t, svc.Refresh(ctx))
		count := c.Recommendation.Query().CountX(ctx)
		require.NoError(t, svc.Refit(ctx))
		require.Equal(t, count, c.Recommendation.Query().CountX(ctx), "a refit replaces the rows")

		recs := c.Recommendation.Query().Where(recommendation.ProfileID(me), recommendation.KindEQ(recommendation.KindRECOMMENDED)).
			Order(recommendation.ByRank()).AllX(ctx)
		var ids []int
		for _, r := range recs {
			ids = append(ids, r.TitleID)
			require.NotEmpty(t, r.Reason)
			require.Equal(t, "hybrid", r.Model)
		}
		require.NotEmpty(t, ids)
		for _, watched := range []int{space1, space2, westerns[0]} {
			require.NotContains(t, ids, watched, "watched, rated and listed titles are left out")
		}
		require.NotContains(t, ids, moon, "not offered in the viewer's country")
		require.Contains(t, ids, orbit)
		require.Contains(t, ids, vault, "above the viewer's plan, but kept")
		require.Equal(t, vault, ids[len(ids)-1], "and ranked last")
		orbitRec := recs[slices.Index(ids, orbit)]
		require.Contains(t, []string{"Because you watched Space Dock", "Because you watched Space Run"}, orbitRec.Reason)

		because := c.Recommendation.Query().Where(recommendation.ProfileID(me), recommendation.KindEQ(recommendation.KindBECAUSE_YOU_WATCHED)).
			Order(recommendation.ByCreatedAt(), recommendation.ByRank()).AllX(ctx)
		require.NotEmpty(t, because)
		for _, r := range because {
			require.NotNil(t, r.SourceTitleID)
			require.Contains(t, []int{space1, space2}, *r.SourceTitleID)
			name := map[int]string{space1: "Space Dock", space2: "Space Run"}[*r.SourceTitleID]
			require.Equal(t, "Because you watched "+name, r.Reason)
			require.NotContains(t, []int{space1, space2, moon, westerns[0]}, r.TitleID)
		}

		similar := c.Recommendation.Query().Where(recommendation.SourceTitleID(sequel), recommendation.KindEQ(recommendation.KindSIMILAR)).
			Order(recommendation.ByRank()).AllX(ctx)
		require.NotEmpty(t, similar, "a title nobody watched still gets neighbours by content")
		require.Equal(t, space2, similar[0].TitleID, "the closest description")
		require.Nil(t, similar[0].UserID)
		require.Nil(t, similar[0].ProfileID)

		// Each profile gets its own suggestions, within its own ceiling.
		var kids []int
		for _, r := range c.Recommendation.Query().Where(recommendation.ProfileID(kid)).AllX(ctx) {
			kids = append(kids, r.TitleID)
			require.Equal(t, account, *r.UserID)
		}
		require.NotEmpty(t, kids)
		require.NotContains(t, kids, orbit, "rated R: not for a Kids profile")
		require.NotContains(t, kids, space1, "what the kid watched")
		require.Contains(t, kids, space2, "what the owner rated is still new to the kid")
	})
}

// TestRefreshBetweenFitsReranksActiveViewers: a refresh between two fits keeps the model and
// rewrites only the rows of viewers with new activity; once the model is old, a refresh
// fits again and rewrites everything.
func TestRefreshBetweenFitsReranksActiveViewers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := s.Client
		drama := c.Genre.Create().SetSlug("drama").SetName("Drama").SaveX(ctx)
		var ids []int
		for i := range 8 {
			ids = append(ids, c.Title.Create().SetKind(title.KindMOVIE).SetName(fmt.Sprintf("Drama %d", i)).
				SetSynopsis("A family story").AddGenres(drama).SaveX(ctx).ID)
		}
		viewers := watchers(t, c, ids, 4)
		rowIDs := func(where ...predicate.Recommendation) []int {
			return c.Recommendation.Query().Where(where...).Order(recommendation.ByID()).IDsX(ctx)
		}
		svc := NewService(s, slog.New(slog.DiscardHandler), ServeOptions{RefitEvery: time.Hour})
		require.NoError(t, svc.Refresh(ctx))
		me, other := viewers[0], viewers[1]
		mine, others, similar := rowIDs(recommendation.ProfileID(me)), rowIDs(recommendation.ProfileID(other)),
			rowIDs(recommendation.KindEQ(recommendation.KindSIMILAR))
		require.NotEmpty(t, mine)
		require.NotEmpty(t, others)
		require.NotEmpty(t, similar)
		suggested := c.Recommendation.Query().Where(recommendation.ProfileID(me),
			recommendation.KindEQ(recommendation.KindRECOMMENDED)).Order(recommendation.ByRank()).FirstX(ctx).TitleID

		// The viewer finishes their top suggestion.
		c.WatchProgress.Create().SetUserID(c.Profile.GetX(ctx, me).UserID).SetProfileID(me).SetTitleID(suggested).SetVideoID(0).SetCompleted(true).ExecX(ctx)
		require.NoError(t, svc.Refresh(ctx))
		require.Equal(t, others, rowIDs(recommendation.ProfileID(other)), "no new activity: rows untouched")
		require.Equal(t, similar, rowIDs(recommendation.KindEQ(recommendation.KindSIMILAR)), "same model: same neighbours")
		require.NotEqual(t, mine, rowIDs(recommendation.ProfileID(me)), "new activity: rows rewritten")
		require.NotContains(t, c.Recommendation.Query().Where(recommendation.ProfileID(me),
			recommendation.KindEQ(recommendation.KindRECOMMENDED)).Select(recommendation.FieldTitleID).IntsX(ctx),
			suggested, "what they just watched is no longer suggested")

		require.NoError(t, svc.Refresh(ctx))
		require.Equal(t, others, rowIDs(recommendation.ProfileID(other)), "nothing new since: nothing rewritten")

		svc.opts.RefitEvery = time.Nanosecond // the model is now old
		require.NoError(t, svc.Refresh(ctx))
		require.NotEqual(t, others, rowIDs(recommendation.ProfileID(other)), "a refit rewrites every row")
		require.NotEqual(t, similar, rowIDs(recommendation.KindEQ(recommendation.KindSIMILAR)))
	})
}

// TestCatalogPastOneStatementsLimit: the refresh reads the catalog a page at a time, so a
// catalog past SQLite's 32 766 values per statement loads, genres and credits included.
func TestCatalogPastOneStatementsLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := s.Client
		drama := c.Genre.Create().SetSlug("drama").SetName("Drama").SaveX(ctx)
		const n = 33000
		for start := 0; start < n; start += 1000 {
			batch := make([]*ent.TitleCreate, 0, 1000)
			for i := start; i < start+1000; i++ {
				batch = append(batch, c.Title.Create().SetKind(title.KindMOVIE).SetName(fmt.Sprintf("T%d", i)))
			}
			c.Title.CreateBulk(batch...).ExecX(ctx)
		}
		last := c.Title.Query().Order(ent.Desc(title.FieldID)).FirstX(ctx)
		c.Title.UpdateOne(last).AddGenres(drama).ExecX(ctx)
		titles, items, err := loadCatalog(ctx, c)
		require.NoError(t, err)
		require.Len(t, titles, n)
		require.Len(t, items, n)
		require.Equal(t, last.ID, items[n-1].ID, "in id order, to the last page")
		require.Equal(t, []string{"Drama"}, items[n-1].Genres)
	})
}

// watchers makes n viewers, the vth of whom finished three of ids in a row from the vth,
// an hour ago, and returns their profiles.
func watchers(t *testing.T, c *ent.Client, ids []int, n int) []int {
	t.Helper()
	ctx := context.Background()
	at := time.Now().Add(-time.Hour)
	var profiles []int
	for v := range n {
		u, p := testkit.Account(t, c, fmt.Sprintf("v%d@example.com", v), "US")
		profiles = append(profiles, p)
		for k := range 3 {
			c.ViewEvent.Create().SetUserID(u).SetProfileID(p).SetTitleID(ids[(v+k)%len(ids)]).SetKind(viewevent.KindCOMPLETE).
				SetWeight(WeightCompleted).SetCreatedAt(at.Add(time.Duration(k) * time.Minute)).ExecX(ctx)
		}
	}
	return profiles
}
