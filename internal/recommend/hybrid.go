package recommend

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
)

// Hybrid reranks what its components put forward. The components are popularity,
// trending and newness at the viewer's time, item-kNN, what-comes-next, EASE^R,
// content, RP3beta, a low-rank projection (read at two ranks) and the next parts of
// series the viewer watched; some are also read over only the latest part of a history,
// or only what the viewer liked. Each nominates its best items for a viewer; every candidate then gets
// features from all components (its score divided by the component's best, its rank
// there, popularity and trending on a log scale, and those crossed with how long and
// how mainstream the viewer's history is), and a linear scoring of the features orders
// them. The scoring is fitted on a validation split carved from the training log the
// way the evaluation carves its test split (each viewer's latest share): components
// are fitted on the rest, the low-rank model's rank is picked by its own NDCG there,
// and the weights maximise the likelihood of the held-out items under a softmax over
// each viewer's candidates, which rewards putting them first, as NDCG does. The L2
// penalty is picked by two-fold cross-validation over the validation viewers, by
// NDCG@10. Everything is deterministic.
type Hybrid struct {
	Popularity Popularity
	Trending   Trending
	ItemKNN    ItemKNN
	Sequence   Sequence
	EASE       EASE
	Content    Content
	RP3Beta    RP3Beta
	LowRank    LowRank
	// Recent is how many of the latest interactions the recency signals read; default 5.
	Recent int
	// Candidates is how many of each component's best items are reranked; default 50.
	Candidates int
	// TuneUsers caps the viewers sampled for tuning; default 3000.
	TuneUsers int
	Seed      uint64
	Progress  Progress

	signals []signal
	lowUse  int       // leading eigenvectors LowRank uses, picked on validation
	coef    []float64 // per feature, on standardised features
	mean    []float64 // feature → mean over the tuning rows
	scale   []float64 // feature → 1/standard deviation
	userMu  [2]float64
	pop     *Popularity
	knn     *ItemKNN
	content *Content
	known   []bool // items with any interaction in the fitted log
}

// signal is one component: a model read over all or only the recent history.
type signal struct {
	name   string
	model  Model
	recent bool
	liked  bool // only the items the viewer rated high or completed
	cold   bool // only items without interactions
	nom    int  // how many of its best it nominates, as a share of Candidates in 1/4s
	user   bool // crossed with the viewer features
	log    bool // also read on a log scale
}

// Signal positions, in the order build lays them out.
const (
	sigPopularity = iota
	sigTrending
	sigKNN
	sigKNNRecent
	sigSequence
	sigEASE
	sigEASERecent
	sigContent
	sigContentNew
	sigRP3
	sigLowRank
	sigLowRankWide
	sigLowRankRecent
	sigFranchise
	sigNewness
	sigEASELiked
	sigKNNLiked
	numSignals
)

// rankDepth is how deep each component's ranking is read for the rank feature.
const rankDepth = 100

// Name implements Model.
func (h *Hybrid) Name() string { return "hybrid" }

// Weights returns the fitted weight of each feature, on standardised features.
func (h *Hybrid) Weights() map[string]float64 {
	out := map[string]float64{}
	for f, name := range h.featureNames() {
		if f < len(h.coef) {
			out[name] = h.coef[f]
		}
	}
	return out
}

func (h *Hybrid) build(ctx context.Context, d *Data, stage string) error {
	pop, trend, knn, seq, ease, content := h.Popularity, h.Trending, h.ItemKNN, h.Sequence, h.EASE, h.Content
	rp3, low := h.RP3Beta, h.LowRank
	var franchise Franchise
	var newness Newness
	if h.lowUse > 0 {
		low.Use = h.lowUse
	}
	h.pop, h.knn, h.content = &pop, &knn, &content

	h.signals = []signal{
		sigPopularity:    {name: "popularity", model: &pop, log: true},
		sigTrending:      {name: "trending", model: &trend, nom: 4, log: true},
		sigKNN:           {name: "itemknn", model: &knn, nom: 4, user: true},
		sigKNNRecent:     {name: "itemknn-recent", model: &knn, recent: true, nom: 4, user: true},
		sigSequence:      {name: "sequence", model: &seq, nom: 4, user: true},
		sigEASE:          {name: "ease", model: &ease, nom: 4, user: true},
		sigEASERecent:    {name: "ease-recent", model: &ease, recent: true, nom: 4, user: true},
		sigContent:       {name: "content", model: &content, user: true},
		sigContentNew:    {name: "content-new", model: &content, cold: true, nom: 1},
		sigRP3:           {name: "rp3beta", model: &rp3, nom: 4, user: true},
		sigLowRank:       {name: "lowrank", model: &low, nom: 4, user: true},
		sigLowRankWide:   {name: "lowrank-wide", model: &wideRank{&low, 2}, nom: 2, user: true},
		sigLowRankRecent: {name: "lowrank-recent", model: &low, recent: true, nom: 2, user: true},
		sigFranchise:     {name: "franchise", model: &franchise, nom: 1},
		sigNewness:       {name: "newness", model: &newness, log: true},
		sigEASELiked:     {name: "ease-liked", model: &ease, liked: true, nom: 2, user: true},
		sigKNNLiked:      {name: "itemknn-liked", model: &knn, liked: true, user: true},
	}
	models := []Model{&pop, &trend, &knn, &seq, &ease, &content, &rp3, &low, &franchise, &newness}
	for k, m := range models {
		h.progress(stage, float64(k)/float64(len(models)))
		if err := m.Fit(ctx, d); err != nil {
			return err
		}
	}
	h.known = make([]bool, len(d.Items))
	for _, hist := range d.Hist {
		for _, e := range hist {
			h.known[e.Item] = true
		}
	}
	return nil
}

func (h *Hybrid) progress(stage string, frac float64) {
	if h.Progress != nil {
		h.Progress(stage, frac)
	}
}

// Fit implements Model: tune on the validation split, then refit on the whole log.
func (h *Hybrid) Fit(ctx context.Context, d *Data) error {
	sub, val := split(d.Hist, HoldOut)
	h.lowUse = 0
	if err := h.build(ctx, d.withHist(sub), "hybrid fit validation models"); err != nil {
		return err
	}
	if err := h.tune(ctx, sub, val); err != nil {
		return err
	}
	return h.build(ctx, d, "hybrid fit")
}

// featureNames lists the features in the order features writes them.
func (h *Hybrid) featureNames() []string {
	var names []string
	for _, sg := range h.signals {
		names = append(names, sg.name, sg.name+":rank")
		if sg.log {
			names = append(names, sg.name+":log", sg.name+":log×mainstream")
		}
		if sg.user {
			names = append(names, sg.name+"×history", sg.name+"×mainstream")
		}
	}
	return names
}

// view is one viewer's candidates and their raw features, row-major.
type view struct {
	cand []int
	x    []float64
}

// scratch holds a viewer's per-signal scores and ranks while features are built.
type scratch struct {
	scores [][]float64
	rank   []int32
}

func (h *Hybrid) newScratch(n int) *scratch {
	s := &scratch{scores: make([][]float64, len(h.signals)), rank: make([]int32, n)}
	for k := range s.scores {
		s.scores[k] = make([]float64, n)
	}
	for i := range s.rank {
		s.rank[i] = -1
	}
	return s
}

// userFeatures are how long a history is (log of its length) and how mainstream (the
// mean log popularity of its items), both centred on the tuning viewers.
func (h *Hybrid) userFeatures(hist []Event) (length, mainstream float64) {
	top := 0.0
	for _, v := range h.pop.score {
		top = max(top, v)
	}
	for _, e := range hist {
		mainstream += logScore(h.pop.score[e.Item], top)
	}
	if len(hist) > 0 {
		mainstream /= float64(len(hist))
	}
	return math.Log(1+float64(len(hist))) - h.userMu[0], mainstream - h.userMu[1]
}

func logScore(v, top float64) float64 {
	if top <= 0 {
		return math.Log(1e-4)
	}
	return math.Log(max(v/top, 1e-4))
}

// view scores a viewer with every signal, gathers the candidates and builds their
// features.
func (h *Hybrid) view(hist []Event, s *scratch) view {
	nom := max(h.Candidates, 0)
	if nom == 0 {
		nom = 50
	}
	h.signalScores(hist, s.scores)
	var cand []int
	for k, sg := range h.signals {
		if sg.nom == 0 {
			continue
		}
		for _, i := range topN(s.scores[k], nom*sg.nom/4) {
			// A zero score is a component with nothing to say, and its order by index.
			if s.rank[i] < 0 && s.scores[k][i] != 0 {
				s.rank[i] = 0
				cand = append(cand, i)
			}
		}
	}
	for _, i := range cand {
		s.rank[i] = -1
	}
	slices.Sort(cand)
	length, mainstream := h.userFeatures(hist)
	nf := len(h.featureNames())
	v := view{cand: cand, x: make([]float64, len(cand)*nf)}
	col := 0
	for k, sg := range h.signals {
		sc := s.scores[k]
		top := topN(sc, rankDepth)
		for r, i := range top {
			s.rank[i] = int32(r)
		}
		for j, i := range cand {
			row := v.x[j*nf : (j+1)*nf]
			c := col
			val := sc[i]
			row[c] = val
			if r := s.rank[i]; r >= 0 {
				row[c+1] = 1 / math.Log2(float64(r)+2)
			}
			c += 2
			if sg.log {
				l := math.Log(max(val, 1e-4))
				row[c], row[c+1] = l, l*mainstream
				c += 2
			}
			if sg.user {
				row[c], row[c+1] = val*length, val*mainstream
			}
		}
		for _, i := range top {
			s.rank[i] = -1
		}
		col += 2
		if sg.log {
			col += 2
		}
		if sg.user {
			col += 2
		}
	}
	return v
}

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
	err := parallel(ctx, len(users), func(w, k int) {
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
	// A log too small to learn from: EASE, with a little item-kNN and content.
	useful := 0
	for _, c := range cases {
		if len(c.pos) > 0 {
			useful++
		}
	}
	if useful < 20 {
		h.coef = make([]float64, nf)
		names := h.featureNames()
		for f, name := range names {
			h.coef[f] = map[string]float64{"ease": 1, "itemknn": 0.5, "content": 0.2, "content-new": 0.2, "popularity": 0.1}[name]
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
			axpy(sum, w, 0.5)
		}
		if score > bestScore+1e-12 {
			bestPen, bestScore, bestW = pen, score, sum
		}
	}
	h.progress("hybrid tune", 0.9)
	h.coef, err = fitSoftmax(ctx, cases, nf, bestPen, bestW)
	return err
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
		err := parallel(ctx, len(users), func(w, k int) {
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
		if v := mean(ndcg); v > bestScore+1e-12 {
			best, bestScore = r, v
		}
	}
	low.Use, h.lowUse = best, best
	return nil
}

// rankCase is one validation viewer: standardised candidate features, row-major, and
// which candidates are held-out items.
type rankCase struct {
	x    []float64
	pos  []int
	nrel int // held-out items, candidates or not
}

// standardise centres and scales every feature over all rows, in place, and records
// the transform.
func standardise(cases []rankCase, nf int, mean, scale []float64) {
	sum, sq := make([]float64, nf), make([]float64, nf)
	rows := 0
	for _, c := range cases {
		for j := 0; j < len(c.x); j += nf {
			for f, v := range c.x[j : j+nf] {
				sum[f] += v
				sq[f] += v * v
			}
			rows++
		}
	}
	for f := range nf {
		mean[f] = sum[f] / float64(max(rows, 1))
		sd := math.Sqrt(max(sq[f]/float64(max(rows, 1))-mean[f]*mean[f], 0))
		scale[f] = 1
		if sd > 1e-9 {
			scale[f] = 1 / sd
		}
	}
	for _, c := range cases {
		for j := 0; j < len(c.x); j += nf {
			for f := range nf {
				c.x[j+f] = (c.x[j+f] - mean[f]) * scale[f]
			}
		}
	}
}

// rankNDCG is the mean NDCG@10 of ranking each case's candidates by w.
func rankNDCG(cases []rankCase, w []float64, nf int) float64 {
	var total float64
	var s []float64
	for _, c := range cases {
		s = s[:0]
		for j := 0; j < len(c.x); j += nf {
			s = append(s, dot(c.x[j:j+nf], w))
		}
		isPos := map[int]bool{}
		for _, j := range c.pos {
			isPos[j] = true
		}
		var dcg, idcg float64
		for r, j := range topN(s, 10) {
			if isPos[j] {
				dcg += 1 / math.Log2(float64(r)+2)
			}
		}
		for r := 0; r < 10 && r < c.nrel; r++ {
			idcg += 1 / math.Log2(float64(r)+2)
		}
		if idcg > 0 {
			total += dcg / idcg
		}
	}
	return total / float64(max(len(cases), 1))
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// fitSoftmax finds the weights minimising, averaged over the cases that have a
// held-out candidate, the mean over those candidates of −log of their softmax
// probability among the case's candidates, plus pen/2·‖w‖², by Newton's method with
// backtracking. Sums run over fixed blocks of cases, added in order, so the result
// does not depend on scheduling.
func fitSoftmax(ctx context.Context, cases []rankCase, nf int, pen float64, start []float64) ([]float64, error) {
	var use []rankCase
	for _, c := range cases {
		if len(c.pos) > 0 {
			use = append(use, c)
		}
	}
	w := make([]float64, nf)
	copy(w, start)
	if len(use) == 0 {
		return w, nil
	}
	const blocks = 32
	type acc struct {
		loss float64
		grad []float64
		hess []float64
	}
	parts := make([]acc, blocks)
	pass := func(w []float64, withHess bool) (float64, []float64, []float64, error) {
		err := parallel(ctx, blocks, func(_, b int) {
			a := acc{grad: make([]float64, nf)}
			if withHess {
				a.hess = make([]float64, nf*nf)
			}
			ex := make([]float64, nf)
			var s []float64
			for k := b; k < len(use); k += blocks {
				c := use[k]
				m := len(c.x) / nf
				s = s[:0]
				top := math.Inf(-1)
				for j := range m {
					v := dot(c.x[j*nf:(j+1)*nf], w)
					s = append(s, v)
					top = max(top, v)
				}
				var z float64
				for j := range s {
					s[j] = math.Exp(s[j] - top)
					z += s[j]
				}
				inv := 1 / float64(len(c.pos))
				for _, j := range c.pos {
					a.loss -= inv * (math.Log(s[j] / z))
					axpy(a.grad, c.x[j*nf:(j+1)*nf], -inv)
				}
				clear(ex)
				for j := range m {
					p := s[j] / z
					row := c.x[j*nf : (j+1)*nf]
					axpy(ex, row, p)
					if withHess && p > 1e-12 {
						// The upper triangle only; pass mirrors it.
						for f, v := range row {
							if v != 0 {
								axpy(a.hess[f*nf+f:(f+1)*nf], row[f:], p*v)
							}
						}
					}
				}
				axpy(a.grad, ex, 1)
				if withHess {
					for f, v := range ex {
						axpy(a.hess[f*nf+f:(f+1)*nf], ex[f:], -v)
					}
				}
			}
			parts[b] = a
		})
		if err != nil {
			return 0, nil, nil, err
		}
		g := make([]float64, nf)
		var hs []float64
		if withHess {
			hs = make([]float64, nf*nf)
		}
		var loss float64
		for _, a := range parts {
			loss += a.loss
			axpy(g, a.grad, 1)
			if withHess {
				axpy(hs, a.hess, 1)
			}
		}
		inv := 1 / float64(len(use))
		loss = loss*inv + pen/2*dot(w, w)
		for f := range g {
			g[f] = g[f]*inv + pen*w[f]
		}
		for f := 0; withHess && f < nf; f++ {
			for e := f; e < nf; e++ {
				v := hs[f*nf+e] * inv
				hs[f*nf+e], hs[e*nf+f] = v, v
			}
		}
		for f := 0; withHess && f < nf; f++ {
			hs[f*nf+f] += pen
		}
		return loss, g, hs, nil
	}
	next := make([]float64, nf)
	for range 25 {
		loss, g, hs, err := pass(w, true)
		if err != nil {
			return nil, err
		}
		step, ok := solveSPD(hs, g, nf)
		if !ok {
			step = g
		}
		decrease := dot(g, step)
		if decrease < 1e-10 {
			break
		}
		t := 1.0
		for range 30 {
			for f := range w {
				next[f] = w[f] - t*step[f]
			}
			l, _, _, err := pass(next, false)
			if err != nil {
				return nil, err
			}
			if l <= loss-1e-4*t*decrease {
				break
			}
			t /= 2
		}
		copy(w, next)
	}
	return w, nil
}

// solveSPD solves A·x = b for a symmetric positive definite n×n A by Cholesky,
// leaving A and b as they were; ok is false when A is not positive definite.
func solveSPD(a, b []float64, n int) (x []float64, ok bool) {
	l := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			for k := range j {
				s -= l[i*n+k] * l[j*n+k]
			}
			if i == j {
				if s <= 0 {
					return nil, false
				}
				l[i*n+i] = math.Sqrt(s)
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	x = slices.Clone(b)
	for i := range n {
		for k := range i {
			x[i] -= l[i*n+k] * x[k]
		}
		x[i] /= l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		for k := i + 1; k < n; k++ {
			x[i] -= l[k*n+i] * x[k]
		}
		x[i] /= l[i*n+i]
	}
	return x, true
}

// signalScores fills one normalised score vector per signal.
func (h *Hybrid) signalScores(hist []Event, out [][]float64) {
	for s := range h.signals {
		h.signalScore(s, hist, out[s])
	}
}

// signalScore scores one signal, divided by its best score; items in the history
// score −Inf so they neither set the scale nor get recommended.
func (h *Hybrid) signalScore(s int, hist []Event, dst []float64) {
	sg := h.signals[s]
	if sg.recent {
		r := h.Recent
		if r <= 0 {
			r = 5
		}
		sg.model.Score(hist[max(len(hist)-r, 0):], dst)
	} else if sg.liked {
		sg.model.Score(liked(hist), dst)
	} else {
		sg.model.Score(hist, dst)
	}
	if sg.cold {
		for i, ok := range h.known {
			if ok {
				dst[i] = 0
			}
		}
	}
	for _, e := range hist {
		dst[e.Item] = math.Inf(-1)
	}
	top := 0.0
	for _, v := range dst {
		top = max(top, v)
	}
	if top > 0 {
		inv := 1 / top
		for i, v := range dst {
			if !math.IsInf(v, -1) {
				dst[i] = v * inv
			}
		}
	}
}

// Score implements Model: candidates get their learned score; every other item ranks
// below them all, in EASE's order. A viewer with no history gets popularity.
func (h *Hybrid) Score(hist []Event, dst []float64) {
	if len(hist) == 0 {
		h.pop.Score(nil, dst)
		return
	}
	s := h.newScratch(len(dst))
	v := h.view(hist, s)
	nf := len(h.coef)
	lo := math.Inf(1)
	learned := make([]float64, len(v.cand))
	for j := range v.cand {
		row := v.x[j*nf : (j+1)*nf]
		var t float64
		for f, x := range row {
			t += h.coef[f] * (x - h.mean[f]) * h.scale[f]
		}
		learned[j] = t
		lo = min(lo, t)
	}
	if math.IsInf(lo, 1) {
		lo = 0
	}
	// Below every candidate: EASE's normalised score, squeezed into (lo−2, lo−1).
	ease := s.scores[sigEASE]
	for i, x := range ease {
		dst[i] = lo - 1.5 + math.Atan(x)/math.Pi
	}
	for j, i := range v.cand {
		dst[i] = learned[j]
	}
}

// Similar ranks items like one item: its item-kNN neighbours, plus content similarity,
// which alone speaks for items nobody has interacted with yet. The item itself is
// left out.
func (h *Hybrid) Similar(item, n int) []int {
	scores := make([]float64, len(h.known))
	h.content.Score([]Event{{Item: int32(item), Weight: 1}}, scores)
	nb := h.knn.neighbours(item)
	if len(nb) > 0 && nb[0].sim > 0 {
		top := float64(nb[0].sim)
		for i := range scores {
			scores[i] *= 0.3
		}
		for _, x := range nb {
			scores[x.item] += float64(x.sim) / top
		}
	}
	scores[item] = math.Inf(-1)
	for i, s := range scores {
		if s <= 0 {
			scores[i] = math.Inf(-1)
		}
	}
	return topN(scores, n)
}

// Because names the item of a history that most explains a recommended item: its
// nearest neighbour there by item-kNN, else by content. ok is false when nothing in
// the history resembles it.
func (h *Hybrid) Because(hist []Event, item int) (source int, ok bool) {
	best := 0.0
	for _, e := range hist {
		for _, x := range h.knn.neighbours(int(e.Item)) {
			if int(x.item) == item && float64(x.sim) > best {
				best, source, ok = float64(x.sim), int(e.Item), true
			}
		}
	}
	if ok {
		return source, true
	}
	for _, e := range hist {
		if s := h.content.Similarity(int(e.Item), item); s > best {
			best, source, ok = s, int(e.Item), true
		}
	}
	return source, ok
}

// liked keeps the interactions that say the viewer liked the item: rated high or
// completed, not merely started or listed.
func liked(hist []Event) []Event {
	var out []Event
	for _, e := range hist {
		if e.Weight >= WeightRatedHigh {
			out = append(out, e)
		}
	}
	return out
}

// wideRank reads a LowRank with a multiple of the eigenvectors it uses.
type wideRank struct {
	m      *LowRank
	factor int
}

func (w *wideRank) Name() string                           { return "lowrank-wide" }
func (w *wideRank) Fit(ctx context.Context, d *Data) error { return nil }
func (w *wideRank) Score(hist []Event, dst []float64) {
	m := *w.m
	if m.Use > 0 {
		m.Use *= w.factor
	}
	m.Score(hist, dst)
}
