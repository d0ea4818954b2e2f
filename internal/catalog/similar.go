package catalog

import (
	"context"
	"fmt"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/recommendation"
)

// Suggestion is a title offered with why.
type Suggestion struct {
	Title  *ent.Title
	Reason string
}

// similarReach bounds how many genre mates, per title asked for, Similar looks at before it
// gives up: in a catalog where few titles are playable it answers with fewer.
const similarReach = 32

// Similar suggests up to n playable titles like titleID that the viewer may watch: the
// recommender's precomputed neighbours first, then titles sharing a genre, most popular
// first. Titles in exclude (and titleID itself) are left out. Its cost follows n, not the
// catalog: candidates come from the shelf, which knows where each may be watched and
// whether it has a ready video, and at most similarReach × n of them are looked at.
func (s *Service) Similar(ctx context.Context, v Viewer, titleID int, exclude []int, n int) ([]Suggestion, error) {
	sh, err := s.shelf(ctx)
	if err != nil {
		return nil, err
	}
	skip := make(map[int]bool, len(exclude)+1)
	for _, id := range exclude {
		skip[id] = true
	}
	skip[titleID] = true
	var ids []int
	var reasons []string
	// take adds t when it may be suggested.
	take := func(t *shelved, reason string) {
		if t != nil && !skip[t.id] && t.ready && t.listedFor(v.audience()) {
			ids, reasons = append(ids, t.id), append(reasons, reason)
			skip[t.id] = true
		}
	}

	recIDs, err := s.st.Client.Recommendation.Query().
		Where(recommendation.SourceTitleID(titleID), recommendation.KindEQ(recommendation.KindSIMILAR)).
		Order(recommendation.ByRank()).Limit(4 * n).Select(recommendation.FieldTitleID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("find similar: %w", err)
	}
	for _, id := range recIDs {
		if len(ids) < n {
			take(sh.titles[id], "More like this")
		}
	}
	next := sh.mates(titleID)
	for range similarReach * n {
		if len(ids) >= n {
			break
		}
		t, ok := next()
		if !ok {
			break
		}
		take(t, "Because it shares a genre")
	}
	rows, err := s.titleRows(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Suggestion, 0, len(ids))
	for i, id := range ids {
		if t := rows[id]; t != nil {
			out = append(out, Suggestion{Title: t, Reason: reasons[i]})
		}
	}
	return out, nil
}
