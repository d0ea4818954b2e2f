package recommend

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/marquee-org/marquee/internal/linalg"
)

// tune fits the candidate scoring on the validation viewers.
func (h *Hybrid) tune(ctx context.Context, sub, val [][]Event) error {
	var users []int
	for u := range val {
		if len(val[u]) > 0 && len(sub[u]) > 0 {
			users = append(users, u)
		}
	}
	limit := h.TuneUsers
	if limit <= 0 {
		limit = 3000
	}
	if len(users) > limit {
		rng := rand.New(rand.NewPCG(h.Seed, 0x74756e65))
		rng.Shuffle(len(users), func(a, b int) { users[a], users[b] = users[b], users[a] })
		users = users[:limit]
		slices.Sort(users)
	}
	nf := len(h.featureNames())
	h.mean, h.scale = make([]float64, nf), make([]float64, nf)
	for f := range h.scale {
		h.scale[f] = 1
	}
	h.userMu = [2]float64{}
	if len(users) > 0 {
		for _, u := range users {
			l, m := h.userFeatures(sub[u])
			h.userMu[0] += l
			h.userMu[1] += m
		}
		h.userMu[0] /= float64(len(users))
		h.userMu[1] /= float64(len(users))
	}

	n := len(h.known)
	if err := h.pickRank(ctx, sub, val, users); err != nil {
		return err
	}
	cases := make([]rankCase, len(users))
	work := make([]*scratch, runtime.GOMAXPROCS(0))
	err := Parallel(ctx, len(users), func(w, k int) {
		if work[w] == nil {
			work[w] = h.newScratch(n)
		}
		u := users[k]
		v := h.view(sub[u], work[w])
		relevant := map[int]bool{}
		for _, e := range val[u] {
			relevant[int(e.Item)] = true
		}
		c := rankCase{x: v.x, nrel: len(relevant)}
		for j, i := range v.cand {
			if relevant[i] {
				c.pos = append(c.pos, j)
			}
		}
		cases[k] = c
		if k%64 == 0 {
			h.progress("hybrid tune", 0.5*float64(k)/float64(len(users)))
		}
	})
	if err != nil {
		return err
	}
	// Too few validation viewers to learn weights from: one of a few fixed blends, the
	// first unless another ranks the validation viewers' held-out items better.
	useful := 0
	for _, c := range cases {
		if len(c.pos) > 0 {
			useful++
		}
	}
	if useful < 20 {
		best := -1.0
		for _, blend := range fallbackBlends {
			w := make([]float64, nf)
			for f, name := range h.featureNames() {
				w[f] = blend[name]
			}
			if v := rankNDCG(cases, w, nf); v > best+1e-12 {
				best, h.coef = v, w
			}
		}
		return nil
	}
	standardise(cases, nf, h.mean, h.scale)

	// The penalty: two-fold cross-validation over the viewers, by NDCG@10.
	var folds [2][]rankCase
	for k, c := range cases {
		folds[k%2] = append(folds[k%2], c)
	}
	// From the strongest penalty down, each fold's fit starting from its last.
	penalties := []float64{1e-2, 1e-3, 1e-4}
	bestPen, bestScore := penalties[0], -1.0
	var warm [2][]float64
	var bestW []float64
	for p, pen := range penalties {
		h.progress("hybrid tune", 0.5+0.4*float64(p)/float64(len(penalties)))
		var score float64
		var sum []float64
		for f := range folds {
			w, err := fitSoftmax(ctx, folds[f], nf, pen, warm[f])
			if err != nil {
				return err
			}
			warm[f] = w
			score += rankNDCG(folds[1-f], w, nf)
			if sum == nil {
				sum = make([]float64, nf)
			}
			linalg.Axpy(sum, w, 0.5)
		}
		if score > bestScore+1e-12 {
			bestPen, bestScore, bestW = pen, score, sum
		}
	}
	h.progress("hybrid tune", 0.9)
	h.coef, err = fitSoftmax(ctx, cases, nf, bestPen, bestW)
	return err
}

// fallbackBlends weigh the signals, each divided by its best score, when validation is
// too small to fit weights: mostly EASE; what trends and has been popular lately (a next
// visit after a long time away); and a mix of the two.
var fallbackBlends = []map[string]float64{
	{"ease": 1, "itemknn": 0.5, "content": 0.2, "content-new": 0.2, "popularity": 0.1},
	{"popularity": 1, "trending": 0.5},
	{"popularity": 1, "trending": 0.5, "ease": 0.5, "itemknn": 0.25},
}

// lowRanks are the numbers of leading eigenvectors LowRank is tried with.
var lowRanks = []int{8, 12, 16, 24, 32, 48}

// pickRank sets how many eigenvectors LowRank uses: the number among lowRanks whose
// recommendations alone score the best NDCG@10 on the validation viewers.
func (h *Hybrid) pickRank(ctx context.Context, sub, val [][]Event, users []int) error {
	low := h.signals[sigLowRank].model.(*LowRank)
	best, bestScore := 0, -1.0
	ndcg := make([]float64, len(users))
	work := make([][]float64, runtime.GOMAXPROCS(0))
	for _, r := range lowRanks {
		if r > low.Rank && low.Rank > 0 || r > len(h.known) {
			break
		}
		low.Use = r
		err := Parallel(ctx, len(users), func(w, k int) {
			if work[w] == nil {
				work[w] = make([]float64, len(h.known))
			}
			u := users[k]
			relevant := map[int]bool{}
			for _, e := range val[u] {
				relevant[int(e.Item)] = true
			}
			ndcg[k] = NDCG(Recommend(low, sub[u], 10, work[w]), relevant, 10)
		})
		if err != nil {
			return err
		}
		if v := linalg.Mean(ndcg); v > bestScore+1e-12 {
			best, bestScore = r, v
		}
	}
	low.Use, h.lowUse = best, best
	return nil
}

// NDCG is the normalised discounted cumulative gain of a ranking at k with binary
// relevance: hits at rank r (from 1) gain 1/log2(r+1), over the gain of a perfect list.
// The hybrid picks LowRank's rank by it, and offline evaluation reports it.
func NDCG(rec []int, relevant map[int]bool, k int) float64 {
	var dcg, idcg float64
	for r := 0; r < k && r < len(rec); r++ {
		if relevant[rec[r]] {
			dcg += 1 / math.Log2(float64(r)+2)
		}
	}
	for r := 0; r < k && r < len(relevant); r++ {
		idcg += 1 / math.Log2(float64(r)+2)
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}
