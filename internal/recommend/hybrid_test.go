package recommend

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestJacobiEigen(t *testing.T) {
	t.Parallel()
	// Eigenvalues 3, 1 (vectors (1,1)/√2 and (1,−1)/√2) and 5 (the third axis).
	a := []float64{2, 1, 0, 1, 2, 0, 0, 0, 5}
	vals, vecs := jacobiEigen(a, 3)
	m := []float64{2, 1, 0, 1, 2, 0, 0, 0, 5}
	for c := range 3 {
		// Each column is an eigenvector of its value.
		for i := range 3 {
			var mv float64
			for j := range 3 {
				mv += m[i*3+j] * vecs[j*3+c]
			}
			require.InDelta(t, vals[c]*vecs[i*3+c], mv, 1e-9)
		}
	}
	require.ElementsMatch(t, []float64{1, 3, 5}, []float64{math.Round(vals[0]), math.Round(vals[1]), math.Round(vals[2])})
}

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
		require.InDelta(t, 1, dot(v, v), 1e-9, "unit length")
		gv := make([]float64, n)
		for i := range n {
			gv[i] = dot(g[i*n:(i+1)*n], v)
		}
		lambda := dot(v, gv)
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

func TestSolveSPD(t *testing.T) {
	t.Parallel()
	a := []float64{4, 2, 0, 2, 5, 1, 0, 1, 3}
	b := []float64{2, 1, 4}
	x, ok := solveSPD(a, b, 3)
	require.True(t, ok)
	for i := range 3 {
		require.InDelta(t, b[i], dot(a[i*3:(i+1)*3], x), 1e-12)
	}
	_, ok = solveSPD([]float64{1, 2, 2, 1}, []float64{1, 1}, 2)
	require.False(t, ok, "not positive definite")
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

func TestHybridTunesOnValidation(t *testing.T) {
	t.Parallel()
	items, ratings := Generate(GenOptions{Users: 200, Items: 120, Ratings: 25, Seed: 5})
	var log []Interaction
	for _, r := range ratings {
		log = append(log, Interaction{User: r.User, Item: r.Item, Weight: StarsWeight(r.Stars), Time: r.Time})
	}
	d := NewData(items, log)
	fit := func() *Hybrid {
		h := &Hybrid{Seed: 1}
		require.NoError(t, h.Fit(context.Background(), d))
		return h
	}
	h := fit()
	require.Contains(t, lowRanks, h.lowUse, "a rank picked on validation")
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
		rec := Recommend(h, hist, 30, scores)
		require.Len(t, rec, 30, "viewer %d", u)
		for _, e := range hist {
			require.NotContains(t, rec, int(e.Item), "viewer %d", u)
		}
	}
}
