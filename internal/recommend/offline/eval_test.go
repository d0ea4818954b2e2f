package offline

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/recommend"
)

func TestMetricsMatchHandComputedValues(t *testing.T) {
	t.Parallel()
	set := func(ids ...int) map[int]bool {
		m := map[int]bool{}
		for _, i := range ids {
			m[i] = true
		}
		return m
	}
	for _, tc := range []struct {
		name         string
		rec          []int
		relevant     map[int]bool
		k            int
		ndcg, recall float64
	}{
		{"hit at rank 2", []int{1, 2, 3}, set(2), 10, 1 / math.Log2(3), 1},
		{"hits at 1 and 3 of two", []int{1, 2, 3}, set(1, 3), 10, (1 + 0.5) / (1 + 1/math.Log2(3)), 1},
		{"one of two found", []int{1, 2, 3}, set(2, 9), 10, (1 / math.Log2(3)) / (1 + 1/math.Log2(3)), 0.5},
		{"miss", []int{1, 2, 3}, set(9), 10, 0, 0},
		{"cut at k", []int{5, 1, 2}, set(2), 2, 0, 0},
		{"more relevant than slots", []int{1, 2}, set(1, 2, 3), 2, 1, 1},
		{"nothing relevant", []int{1}, set(), 10, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.InDelta(t, tc.ndcg, recommend.NDCG(tc.rec, tc.relevant, tc.k), 1e-12)
			require.InDelta(t, tc.recall, Recall(tc.rec, tc.relevant, tc.k), 1e-12)
		})
	}
}

// models is every model the recommender has, set up for small logs.
func models() []recommend.Model {
	return []recommend.Model{&recommend.Popularity{}, &recommend.Trending{}, &recommend.ItemKNN{}, &recommend.Sequence{},
		&recommend.Content{}, &recommend.EASE{Lambda: 1}, &recommend.RP3Beta{}, &recommend.LowRank{Rank: 3},
		&recommend.Franchise{}, &recommend.Newness{}, &recommend.Hybrid{}}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	o := GenOptions{Users: 120, Items: 90, Ratings: 20, Seed: 7}
	items1, ratings1 := Generate(o)
	items2, ratings2 := Generate(o)
	require.Equal(t, items1, items2)
	require.Equal(t, ratings1, ratings2)
	o.Seed = 8
	_, ratings3 := Generate(o)
	require.NotEqual(t, ratings1, ratings3)

	run := func() []Result {
		var log []recommend.Interaction
		for _, r := range ratings1 {
			log = append(log, recommend.Interaction{User: r.User, Item: r.Item, Weight: recommend.StarsWeight(r.Stars), Time: r.Time})
		}
		res, err := Evaluate(context.Background(), recommend.NewData(items1, log), models(), nil)
		require.NoError(t, err)
		return res
	}
	require.Equal(t, run(), run())
}
