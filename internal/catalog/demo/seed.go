package demo

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/predicate"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/video"
)

// Summary is what one Seed run did.
type Summary struct {
	Titles        int // created by this run
	TitlesPresent int // found by slug and left alone
	Queued        int // videos generated and queued for transcoding by this run
	VideosPresent int // movies and episodes that already had a video (any status but FAILED)
}

func (s Summary) String() string {
	return fmt.Sprintf("seeded %d titles (%d already present), %d videos queued (%d already present)",
		s.Titles, s.TitlesPresent, s.Queued, s.VideosPresent)
}

// Deps are what seeding works through.
type Deps struct {
	Store  *store.Store
	Videos *video.Service
	// Catalog creates the titles (and tells the search indexes).
	Catalog *catalog.Service
	Log     *slog.Logger
}

// Seed loads the demo catalog into st and is idempotent. First every title missing by
// slug is created, with its genres, credits, seasons and episodes, each title in one
// transaction; the catalog is then complete for browsing and search. Then every movie and
// episode without a video (or with only FAILED ones) gets a generated clip, handed to
// videos.Intake in catalog order, so workers transcode the newest titles first. A run
// stopped half-way is finished by the next one.
func Seed(ctx context.Context, d Deps, o Options) (Summary, error) {
	var sum Summary
	st, log := d.Store, d.Log
	titles, err := Catalog()
	if err != nil {
		return sum, err
	}
	ids := make([]int, len(titles))
	var created []int
	for i, t := range titles {
		id, isNew, err := ensureTitle(ctx, st, d.Catalog, t)
		if err != nil {
			return sum, err
		}
		ids[i] = id
		if isNew {
			created = append(created, id)
		}
	}
	sum.Titles, sum.TitlesPresent = len(created), len(titles)-len(created)

	// Made on first use: a complete catalog needs no ffmpeg at all.
	var gen *generator
	defer func() {
		if gen != nil {
			gen.close()
		}
	}()
	for i, t := range titles {
		targets, err := videoTargets(ctx, st.Client, ids[i], t)
		if err != nil {
			return sum, err
		}
		for _, tg := range targets {
			has, err := st.Client.Video.Query().
				Where(entvideo.TitleID(ids[i]), tg.episode(), entvideo.StatusNEQ(entvideo.StatusFAILED)).
				Exist(ctx)
			if err != nil {
				return sum, fmt.Errorf("find video of %s: %w", t.Slug, err)
			}
			if has {
				sum.VideosPresent++
				continue
			}
			if gen == nil {
				if gen, err = newGenerator(ctx, o); err != nil {
					return sum, err
				}
				if !gen.hasText() {
					log.WarnContext(ctx, "demo clips will carry no titles: no font found, or ffmpeg lacks drawtext")
				}
			}
			v, err := queueClip(ctx, gen, d.Videos, ids[i], tg, clip{look: i, lines: tg.lines})
			if err != nil {
				return sum, fmt.Errorf("demo video for %s: %w", t.Slug, err)
			}
			sum.Queued++
			log.DebugContext(ctx, "demo video queued", slog.String("title", t.Slug), slog.Int("video_id", v.ID))
		}
	}
	return sum, nil
}

// queueClip generates c and hands it to intake, which copies it into the media store.
func queueClip(ctx context.Context, gen *generator, videos *video.Service, titleID int, tg target, c clip) (*ent.Video, error) {
	path, err := gen.make(ctx, c)
	if err != nil {
		return nil, err
	}
	defer os.Remove(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return videos.Intake(ctx, titleID, tg.episodeID, "demo.mp4", f)
}

// target is a movie or an episode that needs a video.
type target struct {
	episodeID *int
	lines     []string
}

func (tg target) episode() predicate.Video {
	if tg.episodeID == nil {
		return entvideo.EpisodeIDIsNil()
	}
	return entvideo.EpisodeID(*tg.episodeID)
}

// videoTargets lists what of title id plays: the movie itself, or its episodes in order.
func videoTargets(ctx context.Context, client *ent.Client, id int, t Title) ([]target, error) {
	if t.Kind == string(title.KindMOVIE) {
		return []target{{lines: []string{t.Name}}}, nil
	}
	seasons, err := client.Season.Query().Where(season.TitleID(id)).Order(season.ByNumber()).
		WithEpisodes(func(q *ent.EpisodeQuery) { q.Order(episode.ByNumber()) }).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("episodes of %s: %w", t.Slug, err)
	}
	var out []target
	for _, s := range seasons {
		for _, e := range s.Edges.Episodes {
			out = append(out, target{episodeID: &e.ID, lines: []string{t.Name, episodeLine(s.Number, e.Number, e.Name)}})
		}
	}
	return out, nil
}

// ensureTitle returns the id of the title with t's slug, creating it (and everything it
// holds) in one transaction when it is missing, and whether it did.
func ensureTitle(ctx context.Context, st *store.Store, cat *catalog.Service, t Title) (int, bool, error) {
	id, err := st.Client.Title.Query().Where(title.Slug(t.Slug)).OnlyID(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return id, false, wrap(err, "find title "+t.Slug)
	}
	in, err := t.newTitle()
	if err != nil {
		return 0, false, err
	}
	created, err := cat.CreateTitle(ctx, in, func(ctx context.Context, client *ent.Client, id int) error {
		if err := addCredits(ctx, client, id, t); err != nil {
			return err
		}
		return addSeasons(ctx, client, id, t.Seasons)
	})
	if err == nil {
		id = created.ID
	}
	if ent.IsConstraintError(err) {
		// Another seeder (a second replica starting at the same time) created it first.
		id, err = st.Client.Title.Query().Where(title.Slug(t.Slug)).OnlyID(ctx)
		return id, false, wrap(err, "find title "+t.Slug)
	}
	return id, err == nil, wrap(err, "create title "+t.Slug)
}

func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// newTitle is t as the catalog's input.
func (t Title) newTitle() (catalog.NewTitle, error) {
	released, err := t.ReleaseDate()
	if err != nil {
		return catalog.NewTitle{}, err
	}
	year, runtime := released.Year(), t.Runtime
	in := catalog.NewTitle{
		Kind: title.Kind(t.Kind), Name: t.Name, Synopsis: t.Synopsis, Slug: t.Slug,
		Year: &year, ReleaseDate: &released, Genres: t.Genres, MaturityRating: t.Rating,
		Regions: t.Regions, RuntimeMinutes: &runtime,
	}
	if t.Plan != "" {
		p := plancode.Code(t.Plan)
		in.MinPlan = &p
	}
	return in, nil
}

// addCredits credits t's people on title id in billing order: creators and directors,
// writers, then the cast. People are shared across titles by name.
func addCredits(ctx context.Context, client *ent.Client, id int, t Title) error {
	var credits []catalog.Credit
	for _, n := range t.Creators {
		credits = append(credits, catalog.Credit{Name: n, Role: credit.RoleCREATOR})
	}
	for _, n := range t.Directors {
		credits = append(credits, catalog.Credit{Name: n, Role: credit.RoleDIRECTOR})
	}
	for _, n := range t.Writers {
		credits = append(credits, catalog.Credit{Name: n, Role: credit.RoleWRITER})
	}
	for _, r := range t.Cast {
		credits = append(credits, catalog.Credit{Name: r.Name, Character: r.As, Role: credit.RoleCAST})
	}
	return catalog.SetCredits(ctx, client, id, credits)
}

func addSeasons(ctx context.Context, client *ent.Client, id int, seasons []Season) error {
	for _, s := range seasons {
		created, err := client.Season.Create().SetTitleID(id).SetNumber(s.Number).SetName(s.Name).Save(ctx)
		if err != nil {
			return fmt.Errorf("season %d: %w", s.Number, err)
		}
		for i, e := range s.Episodes {
			err := client.Episode.Create().SetSeasonID(created.ID).SetNumber(i + 1).
				SetName(e.Name).SetSynopsis(e.Synopsis).SetRuntimeMinutes(e.Runtime).
				Exec(ctx)
			if err != nil {
				return fmt.Errorf("season %d episode %d: %w", s.Number, i+1, err)
			}
		}
	}
	return nil
}

// Slugs are the demo titles' slugs.
func Slugs() ([]string, error) {
	ts, err := Catalog()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Slug
	}
	return out, nil
}

// OnlyDemo reports whether the catalog holds nothing but demo titles (or nothing at all),
// which is when a server loads the demo on start: on a fresh install, and again after a
// first start that stopped before the demo was complete. Seed is cheap once complete.
func OnlyDemo(ctx context.Context, client *ent.Client) (bool, error) {
	slugs, err := Slugs()
	if err != nil {
		return false, err
	}
	other, err := client.Title.Query().Where(title.Or(title.SlugIsNil(), title.SlugNotIn(slugs...))).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("look for titles outside the demo: %w", err)
	}
	return !other, nil
}
