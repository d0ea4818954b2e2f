package recommend

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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
			require.InDelta(t, tc.ndcg, NDCG(tc.rec, tc.relevant, tc.k), 1e-12)
			require.InDelta(t, tc.recall, Recall(tc.rec, tc.relevant, tc.k), 1e-12)
		})
	}
}

func TestSplitHoldsOutEachViewersLatest(t *testing.T) {
	t.Parallel()
	h := make([]Event, 10)
	for i := range h {
		h[i] = Event{Item: int32(i), Time: int64(i)}
	}
	train, test := split([][]Event{h, h[:1], h[:3]}, 0.2)
	require.Equal(t, h[:8], train[0])
	require.Equal(t, h[8:], test[0])
	require.Len(t, test[1], 0, "a single interaction stays in training")
	require.Len(t, test[2], 1, "at least one is held out")
}

func TestInvertSPD(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 3, 70, 200} {
		g := make([]float64, n*n)
		for i := range n {
			for j := range n {
				g[i*n+j] = 1 / float64(1+i+j) // a Hilbert-like Gram matrix
			}
			g[i*n+i] += 1
		}
		a := slices.Clone(g)
		require.NoError(t, invertSPD(context.Background(), a, n))
		for i := range n {
			for j := range n {
				var s float64
				for k := range n {
					s += g[i*n+k] * a[k*n+j]
				}
				want := 0.0
				if i == j {
					want = 1
				}
				require.InDelta(t, want, s, 1e-9, "n=%d (%d,%d)", n, i, j)
			}
		}
	}
	require.Error(t, invertSPD(context.Background(), []float64{0}, 1))
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
		var log []Interaction
		for _, r := range ratings1 {
			log = append(log, Interaction{User: r.User, Item: r.Item, Weight: StarsWeight(r.Stars), Time: r.Time})
		}
		res, err := Evaluate(context.Background(), NewData(items1, log), models(), nil)
		require.NoError(t, err)
		return res
	}
	require.Equal(t, run(), run())
}

func TestReadMovieLens(t *testing.T) {
	t.Parallel()
	items, err := ReadItems(strings.NewReader("movieId,title,genres\n" +
		"1,Toy Story (1995),Adventure|Animation|Children\n" +
		"2,\"American President, The (1995)\",Comedy|Drama|Romance\n" +
		"3,Untitled,(no genres listed)\n"))
	require.NoError(t, err)
	require.Equal(t, []Item{
		{ID: 1, Title: "Toy Story (1995)", Year: 1995, Genres: []string{"Adventure", "Animation", "Children"}},
		{ID: 2, Title: "American President, The (1995)", Year: 1995, Genres: []string{"Comedy", "Drama", "Romance"}},
		{ID: 3, Title: "Untitled"},
	}, items)

	for _, tc := range []struct{ name, in string }{
		{"header", "userId,movieId,rating,timestamp\n1,10,4.5,964982703\n"},
		{"columns reordered", "timestamp,rating,movieId,userId\n964982703,4.5,10,1\n"},
		{"no header", "1,10,4.5,964982703\n"},
	} {
		log, err := ReadRatings(strings.NewReader(tc.in))
		require.NoError(t, err, tc.name)
		require.Equal(t, []Interaction{{User: 1, Item: 10, Weight: 3.5, Time: 964982703}}, log, tc.name)
	}

	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"missing column", "userId,movieId,timestamp\n1,2,3\n", "no rating column"},
		{"short row", "1,10,4\n", "3 fields"},
		{"user not a number", "userId,movieId,rating,timestamp\nx,10,4,5\n", `line 2: userId "x" is not an integer`},
		{"rating not a number", "1,10,four,5\n", `line 1: rating "four" is not a star rating`},
		{"timestamp not a number", "1,10,4,yesterday\n", `timestamp "yesterday"`},
		{"bad quoting", "1,\"10,4,5\n", "ratings:"},
	} {
		_, err := ReadRatings(strings.NewReader(tc.in))
		require.ErrorContains(t, err, tc.want, tc.name)
	}
	_, err = ReadItems(strings.NewReader("movieId,name\n1,x\n"))
	require.ErrorContains(t, err, "no title column")
	_, err = ReadItems(strings.NewReader("one,Toy Story,Comedy\n"))
	require.ErrorContains(t, err, `movieId "one" is not an integer`)
}

func TestWriteMovieLensRoundTrips(t *testing.T) {
	t.Parallel()
	items, ratings := Generate(GenOptions{Users: 30, Items: 40, Ratings: 10, Seed: 3})
	var rb, mb bytes.Buffer
	require.NoError(t, WriteMovieLens(&rb, &mb, items, ratings))
	back, err := ReadItems(&mb)
	require.NoError(t, err)
	for i := range items {
		require.Equal(t, items[i].ID, back[i].ID)
		require.Equal(t, items[i].Title, back[i].Title)
		require.Equal(t, items[i].Genres, back[i].Genres)
		require.Equal(t, items[i].Year, back[i].Year)
	}
	log, err := ReadRatings(&rb)
	require.NoError(t, err)
	require.Len(t, log, len(ratings))
	require.Equal(t, StarsWeight(ratings[0].Stars), log[0].Weight)
}
