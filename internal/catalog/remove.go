package catalog

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/libraryfile"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/predicate"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/rendition"
	"github.com/marquee-org/marquee/ent/schema/hookevent"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/subtitletrack"
	"github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/ent/watchprogress"
)

// Removed is what a deletion took away, told to the services that keep things of their own
// about it once the deletion committed: the videos, whose media and open streams must go.
type Removed struct {
	TitleID int
	// Title is set when the title itself is gone (not only some of its episodes).
	Title  bool
	Videos []*ent.Video
}

// OnRemove makes f run after every deletion commits (the playback service revokes the
// streams, the video service removes the media). Register before serving.
func (s *Service) OnRemove(f func(ctx context.Context, r Removed)) {
	s.onRemove = append(s.onRemove, f)
}

// DeleteTitle removes a title with everything that is the title's: its seasons, episodes
// and videos, credits, genres, and the viewers' progress, ratings, My List entries, activity
// and recommendations about it, in one transaction. Payments and memberships are untouched.
// Every replica's lists and search indexes drop it; then the OnRemove hooks run.
func (s *Service) DeleteTitle(ctx context.Context, id int) error {
	var gone []*ent.Video
	err := s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		t, err := findTitle(ctx, client, id)
		if err != nil {
			return err
		}
		if gone, err = removeVideos(ctx, client, video.TitleID(id)); err != nil {
			return err
		}
		sids, err := client.Season.Query().Where(season.TitleID(id)).IDs(ctx)
		if err != nil {
			return fmt.Errorf("find seasons: %w", err)
		}
		steps := []struct {
			what string
			run  func(context.Context) (int, error)
		}{
			{"episodes", client.Episode.Delete().Where(episode.SeasonIDIn(sids...)).Exec},
			{"seasons", client.Season.Delete().Where(season.TitleID(id)).Exec},
			{"recommendations", client.Recommendation.Delete().Where(recommendation.Or(
				recommendation.TitleID(id), recommendation.SourceTitleID(id))).Exec},
			{"activity", client.ViewEvent.Delete().Where(viewevent.TitleID(id)).Exec},
			{"progress", client.WatchProgress.Delete().Where(watchprogress.TitleID(id)).Exec},
			{"ratings", client.Rating.Delete().Where(rating.TitleID(id)).Exec},
			{"my list", client.MyListItem.Delete().Where(mylistitem.TitleID(id)).Exec},
			{"credits", client.Credit.Delete().Where(credit.TitleID(id)).Exec},
			// A file a library scan brought in is brought in again by the next scan.
			{"library files", client.LibraryFile.Delete().Where(libraryfile.TitleID(id)).Exec},
		}
		for _, st := range steps {
			if _, err := st.run(ctx); err != nil {
				return fmt.Errorf("delete %s: %w", st.what, err)
			}
		}
		if err := client.Title.UpdateOneID(id).ClearGenres().Exec(ctx); err != nil {
			return fmt.Errorf("delete genres: %w", err)
		}
		if err := client.Title.DeleteOneID(id).Exec(ctx); err != nil {
			return fmt.Errorf("delete title: %w", err)
		}
		return s.titleEvent(ctx, tx, client, hookevent.TitleDeleted, t)
	})
	if err != nil {
		return err
	}
	s.announced(ctx, id)
	s.removedNow(ctx, Removed{TitleID: id, Title: true, Videos: gone})
	return nil
}

// DeleteSeason removes a season with its episodes (see DeleteEpisode).
func (s *Service) DeleteSeason(ctx context.Context, id int) error {
	se, err := findSeason(ctx, s.st.Client, id, "id")
	if err != nil {
		return err
	}
	return s.removeEpisodes(ctx, se.TitleID, episode.SeasonID(id), func(client *ent.Client) error {
		return client.Season.DeleteOneID(id).Exec(ctx)
	})
}

// DeleteEpisode removes an episode with its videos and the viewers' progress in it, in one
// transaction; then the OnRemove hooks run.
func (s *Service) DeleteEpisode(ctx context.Context, id int) error {
	ep, err := findEpisode(ctx, s.st.Client, id)
	if err != nil {
		return err
	}
	return s.removeEpisodes(ctx, ep.Edges.Season.TitleID, episode.ID(id), nil)
}

// removeEpisodes deletes the episodes of title titleID that which selects, with their
// videos and the viewers' progress in them, then whatever also deletes, in one transaction;
// then it tells the lists and search indexes, and runs the OnRemove hooks.
func (s *Service) removeEpisodes(ctx context.Context, titleID int, which predicate.Episode, also func(*ent.Client) error) error {
	var gone []*ent.Video
	err := s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		ids, err := client.Episode.Query().Where(which).IDs(ctx)
		if err != nil {
			return fmt.Errorf("find episodes: %w", err)
		}
		if gone, err = removeVideos(ctx, client, video.EpisodeIDIn(ids...)); err != nil {
			return err
		}
		if _, err := client.WatchProgress.Delete().Where(watchprogress.EpisodeIDIn(ids...)).Exec(ctx); err != nil {
			return fmt.Errorf("delete progress: %w", err)
		}
		if _, err := client.LibraryFile.Delete().Where(libraryfile.EpisodeIDIn(ids...)).Exec(ctx); err != nil {
			return fmt.Errorf("delete library files: %w", err)
		}
		if _, err := client.Episode.Delete().Where(episode.IDIn(ids...)).Exec(ctx); err != nil {
			return fmt.Errorf("delete episodes: %w", err)
		}
		if also != nil {
			return also(client)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.edited(ctx, titleID)
	s.removedNow(ctx, Removed{TitleID: titleID, Videos: gone})
	return nil
}

// removeVideos deletes the videos which selects, with their renditions, and returns them.
func removeVideos(ctx context.Context, client *ent.Client, which predicate.Video) ([]*ent.Video, error) {
	vs, err := client.Video.Query().Where(which).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find videos: %w", err)
	}
	ids := make([]int, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	if _, err := client.Rendition.Delete().Where(rendition.VideoIDIn(ids...)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("delete renditions: %w", err)
	}
	if _, err := client.SubtitleTrack.Delete().Where(subtitletrack.VideoIDIn(ids...)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("delete subtitle tracks: %w", err)
	}
	if _, err := client.Video.Delete().Where(video.IDIn(ids...)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("delete videos: %w", err)
	}
	return vs, nil
}

// removedNow runs the OnRemove hooks for what a committed deletion took away.
func (s *Service) removedNow(ctx context.Context, r Removed) {
	for _, f := range s.onRemove {
		f(ctx, r)
	}
}

// ReplaceVideo removes video oldID, which video newID replaces (a library file transcoded
// again): the viewers' positions in the old one move to the new one, the old one's rows go
// in one transaction, then the OnRemove hooks end its streams and remove its media. An old
// video already gone is no error.
func (s *Service) ReplaceVideo(ctx context.Context, oldID, newID int) error {
	var gone []*ent.Video
	err := s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		started, err := client.WatchProgress.Query().Where(watchprogress.VideoID(newID)).
			Select(watchprogress.FieldProfileID).Ints(ctx)
		if err != nil {
			return fmt.Errorf("find progress: %w", err)
		}
		_, err = client.WatchProgress.Update().Where(watchprogress.VideoID(oldID), watchprogress.ProfileIDNotIn(started...)).
			SetVideoID(newID).Save(ctx)
		if err != nil {
			return fmt.Errorf("move progress: %w", err)
		}
		if _, err := client.WatchProgress.Delete().Where(watchprogress.VideoID(oldID)).Exec(ctx); err != nil {
			return fmt.Errorf("delete progress: %w", err)
		}
		// Subtitle tracks the new version has no track of the same language and kind for
		// move to it (uploaded ones, for a start); the others go.
		has, err := client.SubtitleTrack.Query().Where(subtitletrack.VideoID(newID)).All(ctx)
		if err != nil {
			return fmt.Errorf("find subtitle tracks: %w", err)
		}
		for _, t := range has {
			_, err := client.SubtitleTrack.Delete().Where(subtitletrack.VideoID(oldID), subtitletrack.Language(t.Language),
				subtitletrack.KindEQ(t.Kind)).Exec(ctx)
			if err != nil {
				return fmt.Errorf("drop replaced subtitle tracks: %w", err)
			}
		}
		if _, err := client.SubtitleTrack.Update().Where(subtitletrack.VideoID(oldID)).SetVideoID(newID).Save(ctx); err != nil {
			return fmt.Errorf("move subtitle tracks: %w", err)
		}
		gone, err = removeVideos(ctx, client, video.ID(oldID))
		return err
	})
	if err != nil || len(gone) == 0 {
		return err
	}
	s.edited(ctx, gone[0].TitleID)
	s.removedNow(ctx, Removed{TitleID: gone[0].TitleID, Videos: gone})
	return nil
}
