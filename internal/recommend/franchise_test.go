package recommend

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTitlePart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		title string
		stem  string
		part  int
	}{
		{"Toy Story (1995)", "toy story", 1},
		{"Toy Story 2 (1999)", "toy story", 2},
		{"Godfather: Part II, The (1974)", "godfather", 2},
		{"Godfather, The (1972)", "godfather", 1},
		{"Rocky V (1990)", "rocky", 5},
		{"Die Hard: With a Vengeance (1995)", "die hard: with a vengeance", 1},
		{"Star Wars: Episode IV - A New Hope (1977)", "star wars: episode iv - a new hope", 1},
		{"Sekim Mafaz 3", "sekim mafaz", 3},
	} {
		stem, part := titlePart(tc.title)
		require.Equal(t, tc.stem, stem, tc.title)
		require.Equal(t, tc.part, part, tc.title)
	}
}

func TestFranchiseScoresLaterParts(t *testing.T) {
	t.Parallel()
	items := []Item{
		{ID: 1, Title: "Toy Story (1995)"},
		{ID: 2, Title: "Toy Story 2 (1999)"},
		{ID: 3, Title: "Toy Story 3 (2010)"},
		{ID: 4, Title: "Heat (1995)"},
		{ID: 5, Title: "Heat 2 (2026)"},
	}
	d := NewData(items, nil)
	m := &Franchise{}
	require.NoError(t, m.Fit(context.Background(), d))
	scores := make([]float64, len(items))
	m.Score([]Event{{Item: 0, Weight: 1}}, scores)
	require.Equal(t, []float64{0, 1, 1, 0, 0}, scores)
	m.Score([]Event{{Item: 2, Weight: 1}, {Item: 3, Weight: 1}}, scores)
	require.Equal(t, []float64{0, 0, 0, 0, 1}, scores, "no earlier parts, and Heat's sequel")
}

func TestNewnessNeverLooksPastTheViewer(t *testing.T) {
	t.Parallel()
	log := []Interaction{
		{User: 1, Item: 10, Weight: 1, Time: 100},
		{User: 2, Item: 10, Weight: 1, Time: 130},
		{User: 2, Item: 11, Weight: 1, Time: 110},
		{User: 3, Item: 12, Weight: 1, Time: 130},
	}
	d := NewData(nil, log)
	m := &Newness{HalfLife: 10}
	require.NoError(t, m.Fit(context.Background(), d))
	scores := make([]float64, len(d.Items))
	// At time 120: item 10 first watched 20 s before, item 11 10 s before, item 12 not yet.
	m.Score([]Event{{Item: 1, Weight: 1, Time: 120}}, scores)
	require.InDeltaSlice(t, []float64{0.25, 0.5, 0}, scores, 1e-12)

	// For a next visit, as of the log's end (130) whoever asks.
	m.AtEnd = true
	require.NoError(t, m.Fit(context.Background(), d))
	m.Score([]Event{{Item: 1, Weight: 1, Time: 120}}, scores)
	require.InDeltaSlice(t, []float64{0.125, 0.25, 1}, scores, 1e-12)
}

func TestTrendingAtTheViewersTimeOrAtTheEnd(t *testing.T) {
	t.Parallel()
	// Item 10 drew viewers early, item 11 late.
	var log []Interaction
	for u := range 5 {
		log = append(log, Interaction{User: u, Item: 10, Weight: 1, Time: int64(10 + u)})
		log = append(log, Interaction{User: 10 + u, Item: 11, Weight: 1, Time: int64(990 + u)})
	}
	d := NewData(nil, log)
	early := []Event{{Item: 0, Weight: 1, Time: 100}}
	scores := make([]float64, len(d.Items))
	m := &Trending{}
	require.NoError(t, m.Fit(context.Background(), d))
	m.Score(early, scores)
	require.Greater(t, scores[0], scores[1], "at time 100 item 10 trends and 11 is not out")
	m.AtEnd = true
	m.Score(early, scores)
	require.Greater(t, scores[1], scores[0], "at the end item 11 trends")
}

func TestLikedKeepsHighWeights(t *testing.T) {
	t.Parallel()
	hist := []Event{{Item: 0, Weight: WeightStarted}, {Item: 1, Weight: WeightRatedHigh}, {Item: 2, Weight: WeightListed}, {Item: 3, Weight: WeightCompleted}}
	require.Equal(t, []Event{hist[1], hist[3]}, liked(hist))
}
