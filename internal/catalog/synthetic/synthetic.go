// Package synthetic fills a database with a generated catalog and audience of any size,
// for measuring the platform at scale: titles with genres, seasons, episodes and videos,
// and viewers with memberships and a history of plays, progress, ratings and My List
// entries shaped like MovieLens (Zipf popularity, heavy-tailed activity per viewer).
//
// Everything is drawn from one seed: the same seed and sizes give the same catalog and the
// same viewers, only dated relative to the moment of the run. Rows are written in bulk:
// multi-row INSERTs of up to a thousand rows, fifty to a transaction, or on PostgreSQL
// COPY for the tables whose ids nothing refers to.
package synthetic

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/profile"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/user"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/ent/watchprogress"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
)

// Options size and seed a run.
type Options struct {
	Titles  int
	Viewers int
	Seed    uint64
	// Now dates the activity: every play, rating and saved title lies before it. Zero
	// means the time of the run.
	Now time.Time
	// Broker, when set, is told of the new titles, so that search indexes add them at
	// once. Without one they find them through their poll, within seconds.
	Broker pubsub.Broker
	// Progress, when set, hears how far each phase got after each transaction.
	Progress func(phase string, done, total int)
}

// Limits of one run.
const (
	MaxTitles  = 10_000_000
	MaxViewers = 10_000_000
)

// ErrAlreadySeeded is returned, with nothing written, when the database holds a viewer of
// the reserved domain: viewers are written first, so even a run that was interrupted
// part-way is recognized.
var ErrAlreadySeeded = errors.New("the database already holds synthetic data (viewers @" + ReservedDomain +
	"); generate into a fresh database")

// Summary counts what a run wrote.
type Summary struct {
	Genres, Titles, Series, Seasons, Episodes, Videos int
	Viewers, Memberships                              int
	Progress, Ratings, ListItems, Events              int
	Took                                              time.Duration
}

// Rows is the number of rows written, genres and the title–genre links aside.
func (s Summary) Rows() int {
	return s.Titles + s.Seasons + s.Episodes + s.Videos + s.Viewers + s.Memberships +
		s.Progress + s.Ratings + s.ListItems + s.Events
}

func (s Summary) String() string {
	return fmt.Sprintf("synthetic catalog: %d titles (%d series, %d seasons, %d episodes), %d genres, %d videos; "+
		"%d viewers with memberships; %d progress, %d ratings, %d my list, %d view events; %d rows in %s (%.0f rows/s)",
		s.Titles, s.Series, s.Seasons, s.Episodes, s.Genres, s.Videos, s.Viewers,
		s.Progress, s.Ratings, s.ListItems, s.Events, s.Rows(), s.Took.Round(time.Millisecond),
		float64(s.Rows())/max(s.Took.Seconds(), 1e-9))
}

// Generate writes a synthetic catalog of o.Titles titles and o.Viewers viewers into st.
// It refuses (ErrAlreadySeeded) a database that already holds synthetic viewers, and an
// interrupted run leaves what it wrote, which a later run refuses too: generate into a
// fresh database. The catalog is generated in memory and every viewer's history played
// out once, only counted, so that each title is written once with its final counters
// (views, ratings, trending); the histories are then played out again, viewer by viewer,
// and written as they come.
func Generate(ctx context.Context, st *store.Store, o Options) (Summary, error) {
	start := time.Now()
	var sum Summary
	if o.Titles < 1 || o.Titles > MaxTitles {
		return sum, fmt.Errorf("titles: must be from 1 to %d", MaxTitles)
	}
	if o.Viewers < 1 || o.Viewers > MaxViewers {
		return sum, fmt.Errorf("viewers: must be from 1 to %d", MaxViewers)
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	seeded, err := st.Client.User.Query().Where(user.EmailHasSuffix("@" + ReservedDomain)).Exist(ctx)
	if err != nil {
		return sum, fmt.Errorf("look for synthetic viewers: %w", err)
	}
	if seeded {
		return sum, ErrAlreadySeeded
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}

	m := newModel(o.Seed, o.Titles, now)
	m.activityCap = clamp(m.released()/2, 1, maxActivity)
	counts := newTally(m)
	for i := range o.Viewers {
		if err := m.simulate(m.viewer(o.Seed, i), counts); err != nil {
			return sum, err
		}
		if i%1000 == 999 || i == o.Viewers-1 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
			progress("planning activity", i+1, o.Viewers)
		}
	}

	w := &writer{st: st, m: m, seed: o.Seed, count: o.Viewers, progress: progress}
	steps := []func(context.Context) error{
		w.viewers, // first: they mark the database as seeded
		w.profiles,
		w.memberships,
		w.genres,
		func(ctx context.Context) error { return w.titles(ctx, counts) },
		w.titleGenres,
		w.seasons,
		w.episodes,
		w.videos,
		func(ctx context.Context) error { return w.activity(ctx, counts) },
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return sum, err
		}
	}
	if o.Broker != nil {
		// A lost announcement costs nothing: the indexes' poll sees the new title count.
		_ = search.Notify(ctx, o.Broker, w.titleIDs...)
	}

	sum = Summary{
		Genres: len(w.genreIDs), Titles: len(w.titleIDs), Seasons: len(w.seasonIDs), Episodes: len(w.episodeIDs),
		Videos: len(w.videoIDs), Viewers: len(w.userIDs), Memberships: len(w.userIDs),
		Progress: counts.progresses, Ratings: counts.ratingRows, ListItems: counts.listItems, Events: counts.events,
		Took: time.Since(start),
	}
	for i := range m.shows {
		if m.shows[i].kind == title.KindSERIES {
			sum.Series++
		}
	}
	return sum, nil
}

// writer writes the model, each step keeping the ids the next ones refer to.
type writer struct {
	st       *store.Store
	m        *model
	seed     uint64
	count    int // viewers
	progress func(phase string, done, total int)

	userIDs, profileIDs, genreIDs, titleIDs, seasonIDs, episodeIDs, videoIDs []int
}

// table starts a bulk insert whose progress is reported as phase out of total rows.
func (w *writer) table(phase string, total int, name string, returning bool, cols ...string) *bulk {
	b := newBulk(w.st, name, returning, cols...)
	b.flushed = func(n int) { w.progress(phase, n, total) }
	return b
}

// local dates t in the zone of now, as every other timestamp the application writes:
// SQLite compares them as text.
func (w *writer) local(t time.Time) time.Time { return t.In(w.m.now.Location()) }

func (w *writer) viewers(ctx context.Context) error {
	b := w.table("viewers", w.count, user.Table, true,
		user.FieldCreatedAt, user.FieldUpdatedAt, user.FieldEmail, user.FieldName, user.FieldCountry,
		user.FieldRole, user.FieldPasswordHash, user.FieldCheckoutHolder)
	for i := range w.count {
		v := w.m.viewer(w.seed, i)
		at := w.local(v.joined)
		if err := b.add(ctx, at, at, v.email, v.name, v.country, string(user.RoleVIEWER), PasswordHash, ""); err != nil {
			return err
		}
	}
	return b.flushInto(ctx, &w.userIDs)
}

// profiles gives every viewer the first profile every account has; their activity is its.
func (w *writer) profiles(ctx context.Context) error {
	b := w.table("profiles", w.count, profile.Table, true,
		profile.FieldUserID, profile.FieldName, profile.FieldKids, profile.FieldMaturityCeiling,
		profile.FieldLanguage, profile.FieldPinHash, profile.FieldCreatedAt)
	for i := range w.count {
		v := w.m.viewer(w.seed, i)
		err := b.add(ctx, w.userIDs[i], auth.FirstProfileName(v.name, v.email), false, maturity.Adult, "en", "", w.local(v.joined))
		if err != nil {
			return err
		}
	}
	return b.flushInto(ctx, &w.profileIDs)
}

// memberships gives every viewer an active plan the way an operator grants one (marquee
// user create --plan): no payment method, and a period that runs for years, so that
// renewals never pick them up.
func (w *writer) memberships(ctx context.Context) error {
	if err := billing.EnsurePlans(ctx, w.st.Client); err != nil {
		return err
	}
	plans, err := w.st.Client.Plan.Query().All(ctx)
	if err != nil {
		return fmt.Errorf("read plans: %w", err)
	}
	planID := map[plancode.Code]int{}
	for _, p := range plans {
		planID[p.Code] = p.ID
	}
	b := w.table("memberships", w.count, membership.Table, false,
		membership.FieldCreatedAt, membership.FieldUpdatedAt, membership.FieldStatus,
		membership.FieldCurrentPeriodStart, membership.FieldCurrentPeriodEnd, membership.FieldPaymentProvider,
		membership.FieldPaymentToken, membership.FieldCardBrand, membership.FieldCardLast4,
		membership.FieldPlanID, membership.FieldUserID)
	end := w.m.now.Add(billing.OperatorGrantPeriod)
	for i := range w.count {
		v := w.m.viewer(w.seed, i)
		at := w.local(v.joined)
		err := b.add(ctx, at, at, string(membership.StatusACTIVE), at, end, "", "", "", "", planID[v.plan], w.userIDs[i])
		if err != nil {
			return err
		}
	}
	return b.flush(ctx)
}

func (w *writer) genres(ctx context.Context) error {
	return w.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		ids, err := catalog.EnsureGenres(ctx, client, w.m.genres)
		w.genreIDs = ids
		return err
	})
}

func (w *writer) titles(ctx context.Context, c *tally) error {
	m := w.m
	b := w.table("titles", len(m.shows), title.Table, true,
		title.FieldCreatedAt, title.FieldUpdatedAt, title.FieldKind, title.FieldName, title.FieldSynopsis,
		title.FieldYear, title.FieldReleaseDate, title.FieldMaturityRating, title.FieldRuntimeMinutes,
		title.FieldRegions, title.FieldMinPlan, title.FieldPosterPath, title.FieldViewCount,
		title.FieldRatingCount, title.FieldRatingSum, title.FieldTrendingScore)
	for i := range m.shows {
		s := &m.shows[i]
		regions := s.regions
		if regions == nil {
			regions = []string{} // stored as [], as the catalog stores "everywhere"
		}
		// As ent writes a JSON field: marshalled, passed as raw bytes.
		js, err := json.Marshal(regions)
		if err != nil {
			return err
		}
		var minPlan any
		if s.minPlan != "" {
			minPlan = string(s.minPlan)
		}
		err = b.add(ctx, w.local(s.added), m.now, string(s.kind), s.name, s.synopsis,
			s.year, s.released, s.rating, s.runtime,
			json.RawMessage(js), minPlan, "", c.views[i],
			c.ratings[i], c.ratingSum[i], math.Round(c.trending[i]*1000)/1000)
		if err != nil {
			return err
		}
	}
	return b.flushInto(ctx, &w.titleIDs)
}

func (w *writer) titleGenres(ctx context.Context) error {
	m := w.m
	total := 0
	for i := range m.shows {
		total += len(m.shows[i].genres)
	}
	b := w.table("title genres", total, title.GenresTable, false, title.GenresPrimaryKey...)
	for i := range m.shows {
		for _, g := range m.shows[i].genres {
			if err := b.add(ctx, w.titleIDs[i], w.genreIDs[g]); err != nil {
				return err
			}
		}
	}
	return b.flush(ctx)
}

func (w *writer) seasons(ctx context.Context) error {
	m := w.m
	b := w.table("seasons", m.seasons, season.Table, true, season.FieldTitleID, season.FieldNumber, season.FieldName)
	for i := range m.shows {
		for n := range m.shows[i].seasons {
			if err := b.add(ctx, w.titleIDs[i], n+1, fmt.Sprintf("Season %d", n+1)); err != nil {
				return err
			}
		}
	}
	return b.flushInto(ctx, &w.seasonIDs)
}

func (w *writer) episodes(ctx context.Context) error {
	m := w.m
	b := w.table("episodes", len(m.episodes), episode.Table, true,
		episode.FieldSeasonID, episode.FieldNumber, episode.FieldName, episode.FieldSynopsis, episode.FieldRuntimeMinutes)
	seasonAt := 0 // the seasons were written in the order episodes are walked here
	for i := range m.shows {
		s := &m.shows[i]
		k := s.firstEpisode
		for _, count := range s.seasons {
			for range count {
				e := &m.episodes[k]
				if err := b.add(ctx, w.seasonIDs[seasonAt], e.number, e.name, e.synopsis, s.runtime); err != nil {
					return err
				}
				k++
			}
			seasonAt++
		}
	}
	return b.flushInto(ctx, &w.episodeIDs)
}

// videos gives every movie and episode one READY video, so that the catalog reads as
// playable everywhere it is listed (similar titles, up next, detail pages). They have no
// renditions and their output directory holds nothing: starting playback works, the
// player then finds no media.
func (w *writer) videos(ctx context.Context) error {
	m := w.m
	b := w.table("videos", m.videos, entvideo.Table, true,
		entvideo.FieldCreatedAt, entvideo.FieldUpdatedAt, entvideo.FieldStatus, entvideo.FieldFailureReason,
		entvideo.FieldProgressPercent, entvideo.FieldDurationSeconds, entvideo.FieldSourcePath,
		entvideo.FieldOutputDir, entvideo.FieldReadyAt, entvideo.FieldEpisodeID, entvideo.FieldTitleID)
	for i := range m.shows {
		s := &m.shows[i]
		at := w.local(s.added)
		for k := range s.videos() {
			var ep any
			if s.seasons != nil {
				ep = w.episodeIDs[s.firstEpisode+k]
			}
			err := b.add(ctx, at, at, string(entvideo.StatusREADY), "", 100, float64(s.runtime*60), "",
				"synthetic", at, ep, w.titleIDs[i])
			if err != nil {
				return err
			}
		}
	}
	return b.flushInto(ctx, &w.videoIDs)
}

// activity generates each viewer's history again, as the tally saw it, and writes it.
func (w *writer) activity(ctx context.Context, c *tally) error {
	total := c.events + c.progresses + c.ratingRows + c.listItems
	d := &rows{ctx: ctx, w: w}
	tables := []*bulk{
		newBulk(w.st, watchprogress.Table, false,
			watchprogress.FieldUserID, watchprogress.FieldProfileID, watchprogress.FieldTitleID, watchprogress.FieldEpisodeID,
			watchprogress.FieldVideoID, watchprogress.FieldPositionSeconds, watchprogress.FieldDurationSeconds,
			watchprogress.FieldCompleted, watchprogress.FieldUpdatedAt),
		newBulk(w.st, viewevent.Table, false,
			viewevent.FieldUserID, viewevent.FieldProfileID, viewevent.FieldTitleID, viewevent.FieldVideoID, viewevent.FieldKind,
			viewevent.FieldWeight, viewevent.FieldCreatedAt),
		newBulk(w.st, rating.Table, false,
			rating.FieldCreatedAt, rating.FieldUpdatedAt, rating.FieldStars, rating.FieldTitleID, rating.FieldUserID, rating.FieldProfileID),
		newBulk(w.st, mylistitem.Table, false,
			mylistitem.FieldCreatedAt, mylistitem.FieldTitleID, mylistitem.FieldUserID, mylistitem.FieldProfileID),
	}
	d.progresses, d.events, d.ratings, d.listItems = tables[0], tables[1], tables[2], tables[3]
	for _, b := range tables {
		b.flushed = func(int) {
			done := 0
			for _, t := range tables {
				done += t.written
			}
			w.progress("activity", done, total)
		}
	}
	for i := range w.count {
		if err := w.m.simulate(w.m.viewer(w.seed, i), d); err != nil {
			return err
		}
	}
	for _, b := range tables {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

// rows is the second pass: each viewer's activity as rows, through the ids written
// before it.
type rows struct {
	ctx                                    context.Context
	w                                      *writer
	progresses, events, ratings, listItems *bulk
}

func (d *rows) event(v *viewer, show, video int, kind viewevent.Kind, weight float64, at time.Time) error {
	var vid any
	if video >= 0 {
		vid = d.w.videoIDs[video]
	}
	return d.events.add(d.ctx, d.w.userIDs[v.index], d.w.profileIDs[v.index], d.w.titleIDs[show], vid, string(kind), weight, d.w.local(at))
}

func (d *rows) progress(v *viewer, show, video, ep int, pos, dur float64, done bool, at time.Time) error {
	var epID any
	if ep >= 0 {
		epID = d.w.episodeIDs[ep]
	}
	return d.progresses.add(d.ctx, d.w.userIDs[v.index], d.w.profileIDs[v.index], d.w.titleIDs[show], epID, d.w.videoIDs[video],
		pos, dur, done, d.w.local(at))
}

func (d *rows) rate(v *viewer, show, stars int, at time.Time) error {
	at = d.w.local(at)
	return d.ratings.add(d.ctx, at, at, stars, d.w.titleIDs[show], d.w.userIDs[v.index], d.w.profileIDs[v.index])
}

func (d *rows) list(v *viewer, show int, at time.Time) error {
	return d.listItems.add(d.ctx, d.w.local(at), d.w.titleIDs[show], d.w.userIDs[v.index], d.w.profileIDs[v.index])
}
