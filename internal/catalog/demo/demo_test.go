package demo

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/geo"
	"github.com/marquee-org/marquee/internal/jobs"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/video"
	"github.com/marquee-org/marquee/transcoder"
)

// tiny keeps the tests' ffmpeg work small.
var tiny = Options{Seconds: 1, Width: 160, Height: 90}

func TestCatalogData(t *testing.T) {
	t.Parallel()
	titles, err := Catalog()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(titles), 60)

	ratings := map[string]bool{"G": true, "PG": true, "PG-13": true, "R": true, "TV-Y7": true, "TV-G": true, "TV-PG": true, "TV-14": true, "TV-MA": true}
	slugs, names, genres, plans := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]int{}
	series, regional, thisYear := 0, 0, 0
	now := time.Now()
	for _, ti := range titles {
		require.Equal(t, catalog.Slug(ti.Slug), ti.Slug, "slug %q is URL-safe", ti.Slug)
		require.False(t, slugs[ti.Slug], "slug %q is unique", ti.Slug)
		slugs[ti.Slug] = true
		require.False(t, names[ti.Name], "name %q is unique", ti.Name)
		names[ti.Name] = true
		require.NotEmpty(t, strings.TrimSpace(ti.Synopsis), ti.Slug)
		require.LessOrEqual(t, strings.Count(ti.Synopsis, ". "), 2, "%s: 1 to 3 sentences", ti.Slug)
		require.True(t, ratings[ti.Rating], "%s: rating %q", ti.Slug, ti.Rating)
		require.NotEmpty(t, ti.Genres, ti.Slug)
		for _, g := range ti.Genres {
			genres[g] = true
		}
		released, err := ti.ReleaseDate()
		require.NoError(t, err)
		require.True(t, released.Year() >= 1950 && released.Before(now), "%s: released %s", ti.Slug, ti.Released)
		if released.Year() == 2026 {
			thisYear++
		}
		require.Positive(t, ti.Runtime, ti.Slug)
		if ti.Plan != "" {
			require.True(t, plancode.Code(ti.Plan).Valid(), "%s: plan %q", ti.Slug, ti.Plan)
		}
		plans[ti.Plan]++
		for _, r := range ti.Regions {
			_, ok := geo.NormalizeCountry(r)
			require.True(t, ok, "%s: region %q", ti.Slug, r)
		}
		if len(ti.Regions) > 0 {
			regional++
		}
		require.NotEmpty(t, append(append(ti.Directors, ti.Creators...), ti.Writers...), "%s has crew", ti.Slug)

		switch ti.Kind {
		case "MOVIE":
			require.Empty(t, ti.Seasons, ti.Slug)
		case "SERIES":
			series++
			require.GreaterOrEqual(t, len(ti.Seasons), 2, ti.Slug)
			for i, s := range ti.Seasons {
				require.Equal(t, i+1, s.Number, "%s: seasons numbered in order", ti.Slug)
				require.True(t, len(s.Episodes) >= 2 && len(s.Episodes) <= 4, "%s season %d: 2 to 4 episodes", ti.Slug, s.Number)
				for _, e := range s.Episodes {
					require.NotEmpty(t, e.Name, ti.Slug)
					require.NotEmpty(t, e.Synopsis, ti.Slug)
					require.Positive(t, e.Runtime, ti.Slug)
				}
			}
		default:
			t.Fatalf("%s: kind %q", ti.Slug, ti.Kind)
		}
	}
	require.GreaterOrEqual(t, series, 5)
	require.GreaterOrEqual(t, len(genres), 10)
	require.GreaterOrEqual(t, plans["PREMIUM"], 3)
	require.GreaterOrEqual(t, plans["STANDARD"], 3)
	require.GreaterOrEqual(t, regional, 3)
	require.GreaterOrEqual(t, thisYear, 3, "New Releases has titles from this year")
}

func TestClipProbesAsVideoWithAudio(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o := Options{Seconds: 2, Width: 320, Height: 180}
	g, err := newGenerator(ctx, o)
	require.NoError(t, err)
	defer g.close()
	// Quotes, colons and commas would break the filter syntax if they reached it.
	path, err := g.make(ctx, clip{look: 3, lines: []string{"The Cartographer's Daughter: 1, 2", episodeLine(1, 2, "Dead Air")}})
	require.NoError(t, err)
	src, err := transcoder.Probe(ctx, transcoder.Options{}, path)
	require.NoError(t, err)
	require.Equal(t, 320, src.Width)
	require.Equal(t, 180, src.Height)
	require.True(t, src.HasAudio)
	require.InDelta(t, 2.0, src.Duration, 0.15)

	require.NoError(t, os.Remove(path))
	entries, err := os.ReadDir(g.dir)
	require.NoError(t, err)
	require.Empty(t, entries, "text files are removed with the clip")
}

func TestFilterValueEscapesBothLevels(t *testing.T) {
	t.Parallel()
	require.Equal(t, `/usr/share/fonts/a b.ttf`, filterValue(`/usr/share/fonts/a b.ttf`))
	require.Equal(t, `C\\:\\\\fonts\\\\x.ttf`, filterValue(`C:\fonts\x.ttf`))
	require.Equal(t, `a\,b\;c\[d\]`, filterValue(`a,b;c[d]`))
}

// counts are the rows seeding writes.
func counts(t *testing.T, s *store.Store) map[string]int {
	ctx := context.Background()
	c := s.Client
	jobs := 0
	require.NoError(t, s.DB.QueryRowContext(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs))
	return map[string]int{
		"titles": c.Title.Query().CountX(ctx), "genres": c.Genre.Query().CountX(ctx),
		"people": c.Person.Query().CountX(ctx), "credits": c.Credit.Query().CountX(ctx),
		"seasons": c.Season.Query().CountX(ctx), "episodes": c.Episode.Query().CountX(ctx),
		"videos": c.Video.Query().CountX(ctx), "jobs": jobs,
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		m, err := media.NewLocal(t.TempDir())
		require.NoError(t, err)
		q := jobs.New(s, jobs.Options{}, log) // insert only: nothing is transcoded here
		broker := pubsub.NewLocal()
		cat := catalog.NewService(s, broker)
		videos := video.NewService(s, m, broker, q, log, 1<<30, cat)
		river.AddWorker(q.Workers(), video.NewWorker(videos, transcoder.Options{}))
		require.NoError(t, q.Open())
		d := Deps{Store: s, Videos: videos, Catalog: cat, Log: log}
		titles, err := Catalog()
		require.NoError(t, err)
		episodes := 0
		for _, ti := range titles {
			for _, se := range ti.Seasons {
				episodes += len(se.Episodes)
			}
		}
		movies := len(titles) - 6

		only, err := OnlyDemo(ctx, s.Client)
		require.NoError(t, err)
		require.True(t, only, "an empty catalog gets the demo")

		subCtx, unsubscribe := context.WithCancel(ctx)
		defer unsubscribe()
		changed := broker.Subscribe(subCtx, search.TopicTitlesChanged)
		var mu sync.Mutex
		heard := map[int]bool{}
		go func() {
			for payload := range changed {
				var ids []int
				if json.Unmarshal(payload, &ids) == nil {
					mu.Lock()
					for _, id := range ids {
						heard[id] = true
					}
					mu.Unlock()
				}
			}
		}()
		sum, err := Seed(ctx, d, tiny)
		require.NoError(t, err)
		require.Equal(t, Summary{Titles: len(titles), Queued: movies + episodes}, sum)
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(heard) == len(titles)
		}, 10*time.Second, 10*time.Millisecond, "the search index hears of every new title")
		first := counts(t, s)
		require.Equal(t, len(titles), first["titles"])
		require.Equal(t, movies+episodes, first["videos"])
		require.Equal(t, movies+episodes, first["jobs"])

		sum, err = Seed(ctx, d, tiny)
		require.NoError(t, err)
		require.Equal(t, Summary{TitlesPresent: len(titles), VideosPresent: movies + episodes}, sum)
		require.Equal(t, first, counts(t, s), "a second run changes nothing")
		require.Equal(t, "seeded 0 titles (64 already present), 0 videos queued (88 already present)", sum.String())

		// Every movie has its video and every episode its own.
		lantern := s.Client.Title.Query().Where(title.Slug("the-lantern-keeper")).OnlyX(ctx)
		require.Equal(t, 2026, *lantern.Year)
		require.Equal(t, "PG-13", lantern.MaturityRating)
		require.Equal(t, plancode.Premium, *lantern.MinPlan)
		require.Len(t, lantern.QueryVideos().AllX(ctx), 1)
		require.Equal(t, 4, lantern.QueryCredits().CountX(ctx), "director, writer and two cast")
		hollow := s.Client.Title.Query().Where(title.Slug("hollow-creek")).OnlyX(ctx)
		require.Equal(t, 6, hollow.QueryVideos().CountX(ctx))
		require.Equal(t, 2, hollow.QuerySeasons().CountX(ctx))

		// A FAILED video is replaced; nothing else is touched.
		v := lantern.QueryVideos().OnlyX(ctx)
		require.NoError(t, v.Update().SetStatus(entvideo.StatusFAILED).Exec(ctx))
		sum, err = Seed(ctx, d, tiny)
		require.NoError(t, err)
		require.Equal(t, 1, sum.Queued)
		require.Equal(t, 2, lantern.QueryVideos().CountX(ctx))

		// A title of the operator's own ends the demo-only state.
		_, err = catalog.NewService(s, pubsub.NewLocal()).CreateTitle(ctx, catalog.NewTitle{Kind: "MOVIE", Name: "Home Movie"})
		require.NoError(t, err)
		only, err = OnlyDemo(ctx, s.Client)
		require.NoError(t, err)
		require.False(t, only)
	})
}
