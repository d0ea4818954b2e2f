package recommend_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/recommend"
	"github.com/marquee-org/marquee/internal/recommend/offline"
)

func TestHybridTunesOnValidation(t *testing.T) {
	t.Parallel()
	items, ratings := offline.Generate(offline.GenOptions{Users: 200, Items: 120, Ratings: 25, Seed: 5})
	var log []recommend.Interaction
	for _, r := range ratings {
		log = append(log, recommend.Interaction{User: r.User, Item: r.Item, Weight: recommend.StarsWeight(r.Stars), Time: r.Time})
	}
	d := recommend.NewData(items, log)
	fit := func() *recommend.Hybrid {
		h := &recommend.Hybrid{Seed: 1}
		require.NoError(t, h.Fit(context.Background(), d))
		return h
	}
	h := fit()
	require.Contains(t, recommend.LowRanks, h.LowUse(), "a rank picked on validation")
	require.Equal(t, h.Weights(), fit().Weights(), "deterministic")
	nonzero := 0
	for _, w := range h.Weights() {
		if w != 0 {
			nonzero++
		}
	}
	require.Greater(t, nonzero, 10, "weights learned, not the fallback")
	scores := make([]float64, len(d.Items))
	for u, hist := range d.Hist[:20] {
		rec := recommend.Recommend(h, hist, 30, scores)
		require.Len(t, rec, 30, "viewer %d", u)
		for _, e := range hist {
			require.NotContains(t, rec, int(e.Item), "viewer %d", u)
		}
	}
}
