package catalog

import (
	"context"
	"fmt"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
)

// Suggestion is a title offered with why.
type Suggestion struct {
	Title  *ent.Title
	Reason string
}

// similarBatches bounds how many batches of genre mates Similar checks for a ready video.
const similarBatches = 8

// Similar suggests up to n playable titles like titleID that the viewer may watch: the
// recommender's precomputed neighbours first, then titles sharing a genre, most popular
// first. Titles in exclude (and titleID itself) are left out. Its cost follows n, not the
// catalog: candidates come from the shelf in batches, and only they are checked for a
// ready video.
func (s *Service) Similar(ctx context.Context, v Viewer, titleID int, exclude []int, n int) ([]Suggestion, error) {
	client := s.st.Client
	sh, err := s.shelf(ctx)
	if err != nil {
		return nil, err
	}
	skip := make(map[int]bool, len(exclude)+1)
	for _, id := range exclude {
		skip[id] = true
	}
	skip[titleID] = true
	var out []Suggestion
	// take adds the playable titles among ids, in their order, until there are n.
	take := func(ids []int, reason string) error {
		ids = sh.available(ids, v.Country)
		if len(ids) == 0 {
			return nil
		}
		ts, err := client.Title.Query().
			Where(title.IDIn(ids...), title.HasVideosWith(entvideo.StatusEQ(entvideo.StatusREADY))).All(ctx)
		if err != nil {
			return fmt.Errorf("load similar: %w", err)
		}
		byID := make(map[int]*ent.Title, len(ts))
		for _, t := range ts {
			byID[t.ID] = t
		}
		for _, id := range ids {
			if t := byID[id]; t != nil && len(out) < n && !skip[id] {
				out = append(out, Suggestion{Title: t, Reason: reason})
				skip[id] = true
			}
		}
		return nil
	}

	recIDs, err := client.Recommendation.Query().
		Where(recommendation.SourceTitleID(titleID), recommendation.KindEQ(recommendation.KindSIMILAR)).
		Order(recommendation.ByRank()).Limit(4 * n).Select(recommendation.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("find similar: %w", err)
	}
	if err := take(unskipped(recIDs, skip), "More like this"); err != nil {
		return nil, err
	}
	next := sh.mates(titleID)
	for range similarBatches {
		if len(out) >= n {
			break
		}
		var batch []int
		for len(batch) < 4*(n-len(out)) {
			t, ok := next()
			if !ok {
				break
			}
			if !skip[t.id] && t.availableIn(v.Country) {
				batch = append(batch, t.id)
			}
		}
		if len(batch) == 0 {
			break
		}
		if err := take(batch, "Because it shares a genre"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func unskipped(ids []int, skip map[int]bool) []int {
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		if !skip[id] {
			out = append(out, id)
		}
	}
	return out
}
