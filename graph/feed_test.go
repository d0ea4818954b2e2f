package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/client"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/graph"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
)

// counted is a GraphQL client over a store whose every SQL statement is counted.
type counted struct {
	c          *client.Client
	statements *atomic.Int64
}

func countingClient(t testing.TB, s *store.Store, viewer *auth.Viewer) counted {
	t.Helper()
	var n atomic.Int64
	drv := dialect.DebugWithContext(entsql.OpenDB(s.Dialect, s.DB), func(context.Context, ...any) { n.Add(1) })
	c := ent.NewClient(ent.Driver(drv))
	st := &store.Store{Client: c, DB: s.DB, Dialect: s.Dialect}
	h := graph.NewHandler(&graph.Resolver{Services: app.OverStore(st, slog.New(slog.NewTextHandler(io.Discard, nil)))},
		graph.HandlerOptions{ComplexityLimit: 1 << 20})
	withViewer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithViewer(r.Context(), viewer)))
	})
	return counted{c: client.New(withViewer), statements: &n}
}

// library fills a catalog of genres × perGenre titles and gives the viewer progress,
// My List entries, ratings and recommendations on `personal` titles each.
func library(t testing.TB, s *store.Store, genres, perGenre, personal int) *auth.Viewer {
	t.Helper()
	ctx := context.Background()
	uid, pid := testkit.Account(t, s.Client, "n1@example.com", "US")
	u := s.Client.User.GetX(ctx, uid)
	v := &auth.Viewer{User: u, Profile: s.Client.Profile.GetX(ctx, pid)}
	cat := catalog.NewService(s, pubsub.NewLocal())
	var ids []int
	for g := range genres {
		for i := range perGenre {
			tt, err := cat.CreateTitle(ctx, catalog.NewTitle{
				Kind: title.KindMOVIE, Name: fmt.Sprintf("Title %d-%d", g, i), Year: ptr(2000 + i%25),
				Genres: []string{fmt.Sprintf("Genre %d", g), fmt.Sprintf("Genre %d", (g+1)%genres)},
			})
			require.NoError(t, err)
			ids = append(ids, tt.ID)
		}
	}
	for i, id := range ids[:personal] {
		require.NoError(t, s.Client.WatchProgress.Create().SetUserID(u.ID).SetProfileID(pid).SetTitleID(id).SetVideoID(id).
			SetPositionSeconds(30).SetDurationSeconds(100).Exec(ctx))
		require.NoError(t, s.Client.MyListItem.Create().SetUserID(u.ID).SetProfileID(pid).SetTitleID(ids[len(ids)-1-i]).Exec(ctx))
		_, err := cat.Rate(ctx, catalog.Viewer{UserID: u.ID, ProfileID: pid, MaxAge: maturity.Adult}, ids[i+personal], 4)
		require.NoError(t, err)
		require.NoError(t, s.Client.Recommendation.Create().SetKind(recommendation.KindRECOMMENDED).
			SetUserID(u.ID).SetProfileID(pid).SetTitleID(ids[len(ids)/2+i]).SetRank(i).SetScore(1).Exec(ctx))
		require.NoError(t, s.Client.Recommendation.Create().SetKind(recommendation.KindBECAUSE_YOU_WATCHED).
			SetUserID(u.ID).SetProfileID(pid).SetSourceTitleID(ids[0]).SetTitleID(ids[len(ids)/3+i]).SetRank(i).SetScore(1).Exec(ctx))
	}
	return v
}

func ptr[T any](v T) *T { return &v }

const feedQuery = `{ feed { rows { slug name kind basedOn { id name }
	titles(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
		id name year genres averageRating myRating inMyList availableInMyRegion posterUrl
		progress { fraction positionSeconds } } } } } } }`

type feedResponse struct {
	Feed struct {
		Rows []struct {
			Kind   string
			Titles struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID       string
						Genres   []string
						InMyList bool
						MyRating *int
						Progress *struct{ Fraction float64 }
					}
				}
			}
		}
	}
}

// TestFeedStatementCount: the feed costs the same number of SQL statements for a small
// catalog as for 10+ rows of 20 titles each with genres, progress, ratings and My List.
func TestFeedStatementCount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, _ *store.Store) {
		measure := func(genres, perGenre, personal int) (int64, feedResponse) {
			s := storetest.SQLite(t)
			if t.Name() == "TestFeedStatementCount/postgres" {
				s = storetest.Postgres(t)
			}
			u := library(t, s, genres, perGenre, personal)
			c := countingClient(t, s, u)
			var raw map[string]any
			c.c.MustPost(feedQuery, &raw) // warm: the shelf is built and the title rows kept, as for every later visit
			c.statements.Store(0)
			c.c.MustPost(feedQuery, &raw)
			n := c.statements.Load()
			b, err := json.Marshal(raw)
			require.NoError(t, err)
			var resp feedResponse
			require.NoError(t, json.Unmarshal(b, &resp))
			return n, resp
		}
		small, smallFeed := measure(2, 3, 1)
		big, bigFeed := measure(8, 30, 25)

		full := 0
		withProgress, listed, rated := 0, 0, 0
		for _, r := range bigFeed.Feed.Rows {
			if len(r.Titles.Edges) == 20 {
				full++
			}
			for _, e := range r.Titles.Edges {
				require.NotEmpty(t, e.Node.Genres)
				if e.Node.Progress != nil {
					withProgress++
				}
				if e.Node.InMyList {
					listed++
				}
				if e.Node.MyRating != nil {
					rated++
				}
			}
		}
		require.GreaterOrEqual(t, full, 10, "ten or more full rows of 20")
		require.Positive(t, withProgress)
		require.Positive(t, listed)
		require.Positive(t, rated)
		require.Less(t, len(smallFeed.Feed.Rows), len(bigFeed.Feed.Rows))
		require.Equal(t, small, big, "statements: %d for the small feed, %d for the big one", small, big)
		// Continue Watching, My List, Recommended, Because You Watched, liked ratings, and the
		// viewer's ratings of the titles shown: progress and My List come whole with their rows.
		require.LessOrEqual(t, big, int64(6))
		t.Logf("feed: %d SQL statements for %d rows", big, len(bigFeed.Feed.Rows))
	})
}
