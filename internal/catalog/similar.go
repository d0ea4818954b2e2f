package catalog

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/genre"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
)

// Suggestion is a title offered with why.
type Suggestion struct {
	Title  *ent.Title
	Reason string
}

// Similar suggests up to n playable titles like titleID that the viewer may watch: the
// recommender's precomputed neighbours first, then titles sharing a genre, most popular
// first. Titles in exclude (and titleID itself) are left out.
func (s *Service) Similar(ctx context.Context, v Viewer, titleID int, exclude []int, n int) ([]Suggestion, error) {
	client := s.st.Client
	exclude = append(slices.Clone(exclude), titleID)
	playable := title.HasVideosWith(entvideo.StatusEQ(entvideo.StatusREADY))
	recIDs, err := client.Recommendation.Query().
		Where(recommendation.SourceTitleID(titleID), recommendation.KindEQ(recommendation.KindSIMILAR)).
		Order(recommendation.ByRank()).Limit(4 * n).Select(recommendation.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("find similar: %w", err)
	}
	var out []Suggestion
	if len(recIDs) > 0 {
		ts, err := client.Title.Query().Where(title.IDIn(recIDs...), title.IDNotIn(exclude...), playable, Available(v)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load similar: %w", err)
		}
		for _, id := range recIDs {
			if i := slices.IndexFunc(ts, func(t *ent.Title) bool { return t.ID == id }); i >= 0 && len(out) < n {
				out = append(out, Suggestion{Title: ts[i], Reason: "More like this"})
				exclude = append(exclude, id)
			}
		}
	}
	if len(out) < n {
		more, err := client.Title.Query().
			Where(title.IDNotIn(exclude...), playable, Available(v),
				title.HasGenresWith(genre.HasTitlesWith(title.ID(titleID)))).
			Order(title.ByTrendingScore(sql.OrderDesc()), title.ByViewCount(sql.OrderDesc()), title.ByID()).
			Limit(n - len(out)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("find titles like it: %w", err)
		}
		for _, t := range more {
			out = append(out, Suggestion{Title: t, Reason: "Because it shares a genre"})
		}
	}
	return out, nil
}
