package recommend

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/linalg"
)

func TestLowRankFindsTheLeadingEigenvectors(t *testing.T) {
	t.Parallel()
	d := tiny()
	m := &LowRank{Rank: 2, Seed: 3}
	require.NoError(t, m.Fit(context.Background(), d))
	// The co-occurrence matrix, by hand.
	n := len(d.Items)
	g := make([]float64, n*n)
	for _, h := range d.Hist {
		for _, a := range h {
			for _, b := range h {
				g[int(a.Item)*n+int(b.Item)]++
			}
		}
	}
	var prev float64 = math.Inf(1)
	for f := range 2 {
		v := make([]float64, n)
		for i := range n {
			v[i] = m.q[i*m.rank+f]
		}
		require.InDelta(t, 1, linalg.Dot(v, v), 1e-9, "unit length")
		gv := make([]float64, n)
		for i := range n {
			gv[i] = linalg.Dot(g[i*n:(i+1)*n], v)
		}
		lambda := linalg.Dot(v, gv)
		require.LessOrEqual(t, lambda, prev+1e-9, "in decreasing order")
		prev = lambda
		for i := range n {
			require.InDelta(t, lambda*v[i], gv[i], 1e-6, "an eigenvector")
		}
	}
	// The Western fans' items share a direction the Sci-Fi fans' do not: a viewer of
	// two Westerns gets the third.
	scores := make([]float64, n)
	require.Equal(t, 5, Recommend(m, d.Hist[7], 1, scores)[0])
}

func TestRP3BetaPenalisesPopularity(t *testing.T) {
	t.Parallel()
	// Item 0 is with everyone; items 1 and 2 always go together.
	var log []Interaction
	for u := 1; u <= 6; u++ {
		log = append(log, Interaction{User: u, Item: 100, Weight: 1, Time: 1})
		if u <= 3 {
			log = append(log, Interaction{User: u, Item: 101, Weight: 1, Time: 2}, Interaction{User: u, Item: 102, Weight: 1, Time: 3})
		} else {
			log = append(log, Interaction{User: u, Item: 103, Weight: 1, Time: 2})
		}
	}
	d := NewData(nil, log)
	scores := make([]float64, len(d.Items))
	hist := []Event{{Item: 1, Weight: 1}}
	flat := &RP3Beta{Beta: -1e-12}
	require.NoError(t, flat.Fit(context.Background(), d))
	flat.Score(hist, scores)
	require.InDelta(t, scores[0], scores[2], 1e-9, "no penalty: the hit is reached as often as the companion")
	pen := &RP3Beta{Beta: 0.5}
	require.NoError(t, pen.Fit(context.Background(), d))
	pen.Score(hist, scores)
	require.Greater(t, scores[2], scores[0], "with the penalty the companion wins")
	require.Zero(t, scores[3], "never seen together")
}

func TestFitSoftmaxLearnsWhichFeatureRanks(t *testing.T) {
	t.Parallel()
	// Feature 0 marks the held-out candidate, with noise; feature 1 is noise only.
	rng := rand.New(rand.NewPCG(1, 2))
	var cases []rankCase
	for range 200 {
		c := rankCase{nrel: 1}
		for j := range 20 {
			pos := j == 7
			x0 := rng.NormFloat64()
			if pos {
				x0 += 2
			}
			c.x = append(c.x, x0, rng.NormFloat64())
			if pos {
				c.pos = append(c.pos, j)
			}
		}
		cases = append(cases, c)
	}
	w, err := fitSoftmax(context.Background(), cases, 2, 1e-3, nil)
	require.NoError(t, err)
	require.Greater(t, w[0], 1.0)
	require.Less(t, math.Abs(w[1]), 0.5)
	again, err := fitSoftmax(context.Background(), cases, 2, 1e-3, nil)
	require.NoError(t, err)
	require.Equal(t, w, again, "deterministic")
	require.Greater(t, rankNDCG(cases, w, 2), rankNDCG(cases, []float64{0, 1}, 2))
}

// TestNextVisitTunesOnWhatCameAfterACut: a hybrid for the next visit validates on what
// viewers did after one moment. Here viewers come one after another and never return,
// but for a few who come back after the cut and watch what has been popular lately:
// too few to learn weights from, enough to choose the popularity blend over EASE's.
// Tuned on each viewer's latest interactions instead, it learns weights.
func TestNextVisitTunesOnWhatCameAfterACut(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	var log []Interaction
	at := int64(0)
	add := func(u, item int) {
		at += 10
		log = append(log, Interaction{User: u, Item: item, Weight: WeightCompleted, Time: at})
	}
	for u := range 200 {
		if u == 100 {
			for r := range 8 { // the returning viewers' first visit
				for _, item := range rng.Perm(20)[:5] {
					add(1000+r, item)
				}
			}
		}
		base := 0
		if u%2 == 1 {
			base = 20
		}
		for _, item := range rng.Perm(20)[:8] {
			add(u, base+item)
		}
		if u >= 150 { // lately, everyone also watches titles 40–44
			for item := 40; item < 45; item++ {
				add(u, item)
			}
		}
	}
	for r := range 8 { // they come back, for the titles popular lately
		for item := 40; item < 45; item++ {
			add(1000+r, item)
		}
	}
	items := make([]Item, 45)
	for i := range items {
		items[i] = Item{ID: i, Title: fmt.Sprintf("Title %d", i)}
	}
	d := NewData(items, log)

	next := &Hybrid{NextVisit: true, Seed: 1}
	require.NoError(t, next.Fit(context.Background(), d))
	w := next.Weights()
	require.Equal(t, 1.0, w["popularity"], "a popularity blend: %v", w)
	require.Equal(t, 0.5, w["trending"])

	session := &Hybrid{Seed: 1}
	require.NoError(t, session.Fit(context.Background(), d))
	w = session.Weights()
	require.NotEqual(t, 1.0, w["popularity"], "learned weights: %v", w)
	require.NotZero(t, w["itemknn:rank"])
}
