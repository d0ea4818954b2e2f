package playback

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/season"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/ent/watchprogress"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/catalog"
)

// upNextHistory bounds how many finished titles up next reads to leave out.
const upNextHistory = 1000

// UpNext suggests what to watch after sess: the next episode of a series first, then
// titles like this one (precomputed recommendations, else shared genres, most popular
// first) that viewer v has not finished and may watch in their country.
func (s *Service) UpNext(ctx context.Context, v *auth.Viewer, sess *ent.PlaybackSession, limit int) ([]*UpNextItem, error) {
	client := s.st.Client
	var items []*UpNextItem
	if sess.EpisodeID != nil {
		next, err := s.nextEpisode(ctx, *sess.EpisodeID)
		if err != nil {
			return nil, err
		}
		if next != nil {
			t, err := client.Title.Get(ctx, sess.TitleID)
			if err != nil {
				return nil, fmt.Errorf("find title: %w", err)
			}
			items = append(items, &UpNextItem{Title: t, Episode: next, Reason: "Next episode"})
		}
	}
	// What the viewer finished lately is left out; a long history is read no further back
	// than upNextHistory titles.
	watched, err := client.WatchProgress.Query().
		Where(watchprogress.ProfileID(v.ProfileID()), watchprogress.Completed(true)).
		Order(watchprogress.ByUpdatedAt(sql.OrderDesc())).Limit(upNextHistory).
		Select(watchprogress.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("find watched: %w", err)
	}
	like, err := s.catalog.Similar(ctx, catalog.ViewerOf(v),
		sess.TitleID, watched, limit-len(items))
	if err != nil {
		return nil, err
	}
	for _, l := range like {
		items = append(items, &UpNextItem{Title: l.Title, Reason: l.Reason})
	}
	return items, nil
}

// nextEpisode is the following episode in the season, else the first of the next season,
// among episodes with a playable video.
func (s *Service) nextEpisode(ctx context.Context, episodeID int) (*ent.Episode, error) {
	client := s.st.Client
	cur, err := client.Episode.Query().Where(episode.ID(episodeID)).WithSeason().Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("find episode: %w", err)
	}
	ready := episode.HasVideosWith(entvideo.StatusEQ(entvideo.StatusREADY))
	next, err := client.Episode.Query().
		Where(episode.SeasonID(cur.SeasonID), episode.NumberGT(cur.Number), ready).
		Order(ent.Asc(episode.FieldNumber)).First(ctx)
	if err == nil {
		return next, nil
	}
	if !ent.IsNotFound(err) {
		return nil, fmt.Errorf("find next episode: %w", err)
	}
	next, err = client.Episode.Query().
		Where(episode.HasSeasonWith(season.TitleID(cur.Edges.Season.TitleID), season.NumberGT(cur.Edges.Season.Number)), ready).
		WithSeason().
		Order(episode.BySeasonField(season.FieldNumber), ent.Asc(episode.FieldNumber)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find next season: %w", err)
	}
	return next, nil
}
