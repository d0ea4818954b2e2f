package recommend

import (
	"context"
	"math"
	"slices"
	"sync"
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
// way the evaluation carves its test split (each viewer's latest share, or for NextVisit
// what everyone did after one moment): components
// are fitted on the rest, the low-rank model's rank is picked by its own NDCG there,
// and the weights maximise the likelihood of the held-out items under a softmax over
// each viewer's candidates, which rewards putting them first, as NDCG does. The L2
// penalty is picked by two-fold cross-validation over the validation viewers, by
// NDCG@10; with fewer than 20 validation viewers to learn from, one of a few fixed
// blends is picked on them instead. Everything is deterministic.
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
	// NextVisit tunes for a viewer's next visit rather than their current session: the
	// validation split holds out what everyone did after one moment (the 80th percentile
	// of the log's times), as a global-time evaluation does, and trending and newness
	// are read at the log's end rather than at the viewer's latest interaction.
	NextVisit bool
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
	// scratch keeps Score's per-signal score rows (one per signal, as long as the
	// catalog) between calls rather than allocating them for every viewer.
	scratch sync.Pool
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
	trend.AtEnd, newness.AtEnd = h.NextVisit, h.NextVisit

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
	sub, val := Split(d.Hist, HoldOut)
	if h.NextVisit {
		sub, val = SplitAt(d.Hist, TimeQuantile(d.Hist, NextVisitCut))
	}
	h.lowUse = 0
	if err := h.build(ctx, d.WithHist(sub), "hybrid fit validation models"); err != nil {
		return err
	}
	if h.NextVisit {
		// A title nobody had watched by the cut is not judged: a catalog drawn from
		// ratings would not have listed it yet.
		for u, v := range val {
			val[u] = slices.DeleteFunc(slices.Clone(v), func(e Event) bool { return !h.known[e.Item] })
		}
	}
	if err := h.tune(ctx, sub, val); err != nil {
		return err
	}
	return h.build(ctx, d, "hybrid fit")
}

// Score implements Model: candidates get their learned score; every other item ranks
// below them all, in EASE's order. A viewer with no history gets popularity.
func (h *Hybrid) Score(hist []Event, dst []float64) {
	if len(hist) == 0 {
		h.pop.Score(nil, dst)
		return
	}
	s, _ := h.scratch.Get().(*scratch)
	if s == nil || len(s.rank) != len(dst) || len(s.scores) != len(h.signals) {
		s = h.newScratch(len(dst))
	}
	defer h.scratch.Put(s)
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
