package catalog

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/genre"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/search"
)

// Seasons returns a series' seasons with their episodes, in order, and the episodes' videos
// (for EpisodeVideo).
func (s *Service) Seasons(ctx context.Context, titleID int) ([]*ent.Season, error) {
	ss, err := s.st.Client.Season.Query().Where(season.TitleID(titleID)).Order(season.ByNumber()).
		WithEpisodes(func(q *ent.EpisodeQuery) {
			q.Order(episode.ByNumber()).WithVideos(func(q *ent.VideoQuery) { q.Order(video.ByID(sql.OrderDesc())) })
		}).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load seasons: %w", err)
	}
	return ss, nil
}

// MovieVideo returns a movie's newest ready video, else its newest video of any status;
// nil for a series or a movie without uploads.
func (s *Service) MovieVideo(ctx context.Context, t *ent.Title) (*ent.Video, error) {
	if t.Kind != title.KindMOVIE {
		return nil, nil
	}
	vs, err := s.st.Client.Video.Query().Where(video.TitleID(t.ID), video.EpisodeIDIsNil()).
		Order(video.ByID(sql.OrderDesc())).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load video: %w", err)
	}
	return pickVideo(vs), nil
}

// EpisodeVideo returns an episode's newest ready video, else its newest video of any
// status; nil before an upload. Episodes from Seasons come with their videos.
func (s *Service) EpisodeVideo(ctx context.Context, ep *ent.Episode) (*ent.Video, error) {
	vs := ep.Edges.Videos
	if vs == nil {
		var err error
		vs, err = s.st.Client.Video.Query().Where(video.EpisodeID(ep.ID)).Order(video.ByID(sql.OrderDesc())).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load video: %w", err)
		}
	}
	return pickVideo(vs), nil
}

// pickVideo returns the first READY video of vs (newest first), else the first.
func pickVideo(vs []*ent.Video) *ent.Video {
	for _, v := range vs {
		if v.Status == video.StatusREADY {
			return v
		}
	}
	if len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// GenreFacet is a genre with a count of matches.
type GenreFacet struct {
	Slug, Name string
	Count      int
}

// GenreNames names search facets (given by slug), keeping their order.
func (s *Service) GenreNames(ctx context.Context, counts []search.GenreCount) ([]GenreFacet, error) {
	client := s.st.Client
	slugs := make([]string, len(counts))
	for i, c := range counts {
		slugs[i] = c.Slug
	}
	gs, err := client.Genre.Query().Where(genre.SlugIn(slugs...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("name genres: %w", err)
	}
	names := map[string]string{}
	for _, g := range gs {
		names[g.Slug] = g.Name
	}
	out := make([]GenreFacet, 0, len(counts))
	for _, c := range counts {
		if n, ok := names[c.Slug]; ok {
			out = append(out, GenreFacet{Slug: c.Slug, Name: n, Count: c.Count})
		}
	}
	return out, nil
}
