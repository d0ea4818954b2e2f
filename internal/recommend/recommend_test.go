package recommend

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSplitHoldsOutEachViewersLatest(t *testing.T) {
	t.Parallel()
	h := make([]Event, 10)
	for i := range h {
		h[i] = Event{Item: int32(i), Time: int64(i)}
	}
	train, test := Split([][]Event{h, h[:1], h[:3]}, 0.2)
	require.Equal(t, h[:8], train[0])
	require.Equal(t, h[8:], test[0])
	require.Len(t, test[1], 0, "a single interaction stays in training")
	require.Len(t, test[2], 1, "at least one is held out")
}

// tiny is a log with two clear tastes: viewers 1–4 watch items 1–3, viewers 5–8
// watch items 4–6, and item 7 is new: no one has watched it, but it is a Western like
// items 4–6.
func tiny() *Data {
	items := []Item{
		{ID: 1, Title: "Space Dock (1990)", Genres: []string{"Sci-Fi"}},
		{ID: 2, Title: "Space Run (1991)", Genres: []string{"Sci-Fi"}},
		{ID: 3, Title: "Orbit (1992)", Genres: []string{"Sci-Fi", "Action"}},
		{ID: 4, Title: "Dust Trail (1960)", Genres: []string{"Western"}},
		{ID: 5, Title: "Trail Boss (1961)", Genres: []string{"Western"}},
		{ID: 6, Title: "High Dust (1962)", Genres: []string{"Western", "Drama"}},
		{ID: 7, Title: "Dust Trail Returns (1963)", Genres: []string{"Western"}},
	}
	var log []Interaction
	for u := 1; u <= 8; u++ {
		first := 1
		if u > 4 {
			first = 4
		}
		for k := range 3 {
			if u%4 == 0 && k == 2 {
				continue
			}
			log = append(log, Interaction{User: u, Item: first + k, Weight: WeightCompleted, Time: int64(100*u + k)})
		}
	}
	return NewData(items, log)
}

func models() []Model {
	return []Model{&Popularity{}, &Trending{}, &ItemKNN{}, &Sequence{}, &Content{}, &EASE{Lambda: 1}, &RP3Beta{}, &LowRank{Rank: 3}, &Franchise{}, &Newness{}, &Hybrid{}}
}

func TestRecommendExcludesWatchedItems(t *testing.T) {
	t.Parallel()
	d := tiny()
	for _, m := range models() {
		t.Run(m.Name(), func(t *testing.T) {
			t.Parallel()
			require.NoError(t, m.Fit(context.Background(), d))
			scores := make([]float64, len(d.Items))
			for u, h := range d.Hist {
				rec := Recommend(m, h, len(d.Items), scores)
				require.Len(t, rec, len(d.Items)-len(h), "viewer %d", u)
				for _, e := range h {
					require.NotContains(t, rec, int(e.Item))
				}
			}
		})
	}
}

func TestModelsFindTheTaste(t *testing.T) {
	t.Parallel()
	d := tiny()
	// Viewer 4 watched items 1 and 2; viewer 8 watched 4 and 5.
	for _, m := range []Model{&ItemKNN{}, &EASE{Lambda: 1}, &Content{}} {
		t.Run(m.Name(), func(t *testing.T) {
			t.Parallel()
			require.NoError(t, m.Fit(context.Background(), d))
			scores := make([]float64, len(d.Items))
			require.Equal(t, 2, Recommend(m, d.Hist[3], 1, scores)[0], "item 3 for viewer 4")
			top := Recommend(m, d.Hist[7], 1, scores)[0]
			require.Contains(t, []int{5, 6}, top, "a Western for viewer 8")
		})
	}
}

func TestColdStart(t *testing.T) {
	t.Parallel()
	d := tiny()
	ctx := context.Background()
	scores := make([]float64, len(d.Items))

	h := &Hybrid{}
	require.NoError(t, h.Fit(ctx, d))
	p := &Popularity{}
	require.NoError(t, p.Fit(ctx, d))
	want := Recommend(p, nil, 3, make([]float64, len(d.Items)))
	require.Equal(t, want, Recommend(h, nil, 3, scores), "a new viewer gets popularity")

	flat := &Popularity{HalfLife: -1}
	require.NoError(t, flat.Fit(ctx, d))
	flat.ScoreGenres([]string{"Sci-Fi"}, scores)
	require.Equal(t, []int{0, 1, 2}, topN(scores, 3), "popularity shaped by a picked genre")

	c := &Content{}
	require.NoError(t, c.Fit(ctx, d))
	rec := Recommend(c, d.Hist[7], 2, scores)
	require.Contains(t, rec, 6, "the unwatched Western reaches a Western fan by content")
	require.Greater(t, c.Similarity(6, 3), c.Similarity(6, 0))
}

// TestNeighbourListsKeepOnlyTheirK: the neighbour models keep each item's k links in
// memory of k entries, not the whole list of items it met, so what they hold grows with
// the catalog times k rather than with the catalog squared. Not parallel: it reads the
// heap.
func TestNeighbourListsKeepOnlyTheirK(t *testing.T) {
	const items = 1500
	var log []Interaction
	for u := range 20 {
		for i := range items { // everyone watches everything: every item meets all others
			log = append(log, Interaction{User: u, Item: i, Weight: 1, Time: int64(u*items + (i+u)%items)})
		}
	}
	d := NewData(nil, log)
	for _, m := range []Model{&ItemKNN{K: 4}, &Sequence{K: 4}, &RP3Beta{K: 4}} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		require.NoError(t, m.Fit(context.Background(), d))
		runtime.GC()
		runtime.ReadMemStats(&after)
		held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		// k links of 8 bytes for 1 500 items is 48 KB; the lists of every item met would
		// be 18 MB.
		require.Less(t, held, int64(2<<20), "%s holds %d bytes", m.Name(), held)
		runtime.KeepAlive(m)
	}
}
