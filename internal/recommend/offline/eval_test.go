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
		res, _, err := Evaluate(context.Background(), recommend.NewData(items1, log), models(), Options{})
		require.NoError(t, err)
		return res
	}
	require.Equal(t, run(), run())
}

// TestGlobalTimeSplit checks the next-visit protocol on a hand-made log: nothing before the
// cut is tested, viewers without a before or an after are left out and counted, and a
// title first seen after the cut (not in the catalog file) is neither tested nor
// recommended.
func TestGlobalTimeSplit(t *testing.T) {
	t.Parallel()
	items := []recommend.Item{{ID: 1}, {ID: 2}, {ID: 3}, {ID: 4}}
	var log []recommend.Interaction
	add := func(user, item int, at int64) {
		log = append(log, recommend.Interaction{User: user, Item: item, Weight: 1, Time: at})
	}
	// Viewers 10 and 11 watch before and after the cut; 12 only before; 13 only after.
	for _, u := range []int{10, 11} {
		add(u, 1, 100)
		add(u, 2, 200)
		add(u, 3, 300)
		add(u, 4, 400)
	}
	add(12, 1, 110)
	add(12, 2, 120)
	add(13, 3, 900)
	add(10, 99, 950) // a title that exists only because it was watched after the cut
	add(11, 99, 960)
	for u := 21; u <= 28; u++ { // older activity, so that the cut falls at 400
		add(u, 1, int64(u-20))
	}
	d := recommend.NewData(items, log)
	s, p, err := split(d, Options{Split: SplitGlobalTime, Listed: len(items)})
	require.NoError(t, err)
	train, test, candidate := s.train.Hist, s.test, s.candidate
	require.EqualValues(t, 400, p.Cut, "the 80th percentile of times")
	for u := range d.Hist {
		for _, e := range train[u] {
			require.Less(t, e.Time, p.Cut)
		}
		for _, e := range test[u] {
			require.GreaterOrEqual(t, e.Time, p.Cut, "no test interaction before the cut")
		}
	}
	require.Equal(t, 9, p.NoTest, "viewers 12 and 21–28 did nothing after the cut")
	require.Equal(t, 1, p.New, "viewer 13 did nothing before it")
	require.Equal(t, 2, p.Unknown, "two ratings of title 99")
	unknown, _ := d.ItemIndex(99)
	require.False(t, candidate[unknown])
	// A MovieLens catalog lists what was ever rated: with nothing listed, title 4, first
	// watched at the cut, did not exist before it either.
	s0, p0, err := split(d, Options{Split: SplitGlobalTime})
	require.NoError(t, err)
	candidate0 := s0.candidate
	four, _ := d.ItemIndex(4)
	require.False(t, candidate0[four])
	require.True(t, candidate[four], "a listed title is a candidate before anyone watched it")
	require.Equal(t, 4, p0.Unknown, "title 99 twice and title 4 twice")
	for _, h := range test {
		for _, e := range h {
			require.NotEqual(t, int32(unknown), e.Item, "title 99 is not tested")
		}
	}

	res, proto, err := Evaluate(context.Background(), d, []recommend.Model{&recommend.Popularity{Count: true}, &recommend.Content{}}, Options{Split: SplitGlobalTime, Listed: len(items)})
	require.NoError(t, err)
	require.Equal(t, 2, proto.Users, "viewers 10 and 11")
	require.Len(t, res, 2)
	require.Equal(t, "popcount", res[0].Model)
	// Both evaluated viewers held out title 4 only, which plain counts rank first among
	// what they have not seen (titles 1–3 are seen; 99 is no candidate).
	require.InDelta(t, 1, res[0].NDCG10, 1e-12)

	_, _, err = Evaluate(context.Background(), d, nil, Options{Split: "random"})
	require.ErrorContains(t, err, "unknown split")
}

// TestSameSecondTiesDoNotFollowCatalogOrder renumbers the catalog and checks that the
// per-user split holds out the same titles: ties in time are broken by (viewer, title).
func TestSameSecondTiesDoNotFollowCatalogOrder(t *testing.T) {
	t.Parallel()
	var log []recommend.Interaction
	for u := 1; u <= 40; u++ {
		for i := 1; i <= 10; i++ {
			log = append(log, recommend.Interaction{User: u, Item: i, Weight: 1, Time: 1000}) // all in one second
		}
	}
	heldOut := func(items []recommend.Item) map[[2]int]bool {
		d := recommend.NewData(items, log)
		_, test := recommend.Split(d.Hist, recommend.HoldOut)
		out := map[[2]int]bool{}
		for u, h := range test {
			for _, e := range h {
				out[[2]int{d.UserIDs[u], d.Items[e.Item].ID}] = true
			}
		}
		return out
	}
	var forward, backward []recommend.Item
	for i := 1; i <= 10; i++ {
		forward = append(forward, recommend.Item{ID: i})
		backward = append([]recommend.Item{{ID: i}}, backward...)
	}
	a := heldOut(forward)
	require.Len(t, a, 40*2)
	require.Equal(t, a, heldOut(backward))
	last := map[int]int{}
	for k := range a {
		last[k[1]]++
	}
	require.Greater(t, len(last), 3, "which titles are held out varies by viewer, not one fixed pair for all: %v", last)
}

// spy is a popularity model that remembers the latest event time and the number of
// events of every log it was fitted on.
type spy struct {
	recommend.Popularity
	fits []struct {
		latest int64
		events int
	}
}

func (s *spy) Fit(ctx context.Context, d *recommend.Data) error {
	var latest int64
	n := 0
	for _, h := range d.Hist {
		for _, e := range h {
			latest = max(latest, e.Time)
			n++
		}
	}
	s.fits = append(s.fits, struct {
		latest int64
		events int
	}{latest, n})
	return s.Popularity.Fit(ctx, d)
}

// TestTuningNeverSeesTheTestSplit tunes a grid of spies: while settings are being chosen
// they see only a part of the training side (before the validation cut), and only the
// chosen one is then fitted on the whole training side; nothing at or after the test cut
// is ever fitted on.
func TestTuningNeverSeesTheTestSplit(t *testing.T) {
	t.Parallel()
	items, ratings := Generate(GenOptions{Users: 120, Items: 90, Ratings: 20, Seed: 3})
	var log []recommend.Interaction
	for _, r := range ratings {
		log = append(log, recommend.Interaction{User: r.User, Item: r.Item, Weight: recommend.StarsWeight(r.Stars), Time: r.Time})
	}
	d := recommend.NewData(items, log)
	a, b := &spy{}, &spy{Popularity: recommend.Popularity{Count: true}}
	o := Options{Split: SplitGlobalTime, Listed: len(items), Tune: []Grid{{
		{Label: "decayed", New: func() recommend.Model { return a }},
		{Label: "count", New: func() recommend.Model { return b }},
	}}}
	_, p, err := Evaluate(context.Background(), d, nil, o)
	require.NoError(t, err)
	require.Len(t, p.Tuning, 2)
	trainEvents := 0
	train, _ := recommend.SplitAt(d.Hist, p.Cut)
	for _, h := range train {
		trainEvents += len(h)
	}
	for _, s := range []*spy{a, b} {
		require.NotEmpty(t, s.fits)
		require.Less(t, s.fits[0].latest, p.Cut, "validation fits see only the training side")
		require.Less(t, s.fits[0].events, trainEvents, "and only part of it")
		for _, f := range s.fits {
			require.Less(t, f.latest, p.Cut, "nothing after the test cut is fitted on")
		}
	}
	chosen := a
	if p.Tuning[1].Chosen {
		chosen = b
	}
	require.Len(t, chosen.fits, 2, "the chosen setting is fitted again on the whole training side")
	require.Equal(t, trainEvents, chosen.fits[1].events)
}

// TestNewReleaseKnob checks the generator's new-release effect: with it, a title released
// during the log gets more of its ratings in the two months after its first one.
func TestNewReleaseKnob(t *testing.T) {
	t.Parallel()
	early := func(boost float64) float64 {
		_, ratings := Generate(GenOptions{Users: 400, Items: 200, Ratings: 30, Seed: 5, NewRelease: boost})
		first := map[int]int64{}
		for _, r := range ratings {
			if f, ok := first[r.Item]; !ok || r.Time < f {
				first[r.Item] = r.Time
			}
		}
		n := 0
		for _, r := range ratings {
			if r.Time-first[r.Item] < 60*86400 {
				n++
			}
		}
		return float64(n) / float64(len(ratings))
	}
	with, without := early(0), early(-1)
	t.Logf("ratings within two months of a title's first: %.3f with the effect, %.3f without", with, without)
	require.Greater(t, with, without*1.2, "ratings soon after a title's first: %.3f with the effect, %.3f without", with, without)
	a, _ := Generate(GenOptions{Users: 50, Items: 60, Seed: 9})
	b, _ := Generate(GenOptions{Users: 50, Items: 60, Seed: 9, NewRelease: 4})
	require.Equal(t, a, b, "the default is the effect as it was")
}
