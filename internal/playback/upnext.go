package playback

import (
	"context"
	"fmt"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/genre"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/ent/watchprogress"
	"github.com/marquee-org/marquee/internal/auth"
)

// UpNext suggests what to watch after sess: the next episode of a series first, then
// titles like this one (precomputed recommendations, else shared genres, most popular
// first) that the viewer has not finished and may watch in their country.
func (s *Service) UpNext(ctx context.Context, sess *ent.PlaybackSession, limit int) ([]*UpNextItem, error) {
	v, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
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
	watched, err := client.WatchProgress.Query().
		Where(watchprogress.UserID(v.User.ID), watchprogress.Completed(true)).
		Select(watchprogress.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("find watched: %w", err)
	}
	exclude := append(watched, sess.TitleID)
	recIDs, err := client.Recommendation.Query().
		Where(recommendation.SourceTitleID(sess.TitleID), recommendation.KindEQ(recommendation.KindSIMILAR)).
		Order(ent.Asc(recommendation.FieldRank)).Select(recommendation.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("find similar: %w", err)
	}
	candidates, err := client.Title.Query().
		Where(title.IDIn(recIDs...), title.IDNotIn(exclude...), title.HasVideosWith(entvideo.StatusEQ(entvideo.StatusREADY))).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load similar: %w", err)
	}
	byID := map[int]*ent.Title{}
	for _, t := range candidates {
		byID[t.ID] = t
	}
	for _, id := range recIDs {
		if t := byID[id]; t != nil && AvailableIn(t, v.User.Country) && len(items) < limit {
			items = append(items, &UpNextItem{Title: t, Reason: "More like this"})
			exclude = append(exclude, id)
		}
	}
	if len(items) < limit {
		genres, err := client.Title.Query().Where(title.ID(sess.TitleID)).QueryGenres().IDs(ctx)
		if err != nil {
			return nil, fmt.Errorf("find genres: %w", err)
		}
		more, err := client.Title.Query().
			Where(title.IDNotIn(exclude...), title.HasGenresWith(genre.IDIn(genres...)),
				title.HasVideosWith(entvideo.StatusEQ(entvideo.StatusREADY))).
			Order(ent.Desc(title.FieldTrendingScore), ent.Desc(title.FieldViewCount), ent.Asc(title.FieldID)).
			Limit(limit * 3).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("find titles like it: %w", err)
		}
		for _, t := range more {
			if len(items) >= limit {
				break
			}
			if AvailableIn(t, v.User.Country) {
				items = append(items, &UpNextItem{Title: t, Reason: "Because it shares a genre"})
			}
		}
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
