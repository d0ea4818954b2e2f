package recommend

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
)

// Hybrid blends its components' scores, each divided by its best score for the viewer
// so that they share a scale. The blend weights are tuned on a validation split carved
// from the training log the same way the evaluation carves its test split (each
// viewer's latest share), by coordinate ascent over a fixed grid, which is
// deterministic. Besides whole models it blends two views that models alone miss: the
// neighbours of a viewer's most recent items (tastes drift), and content scores of items
// nobody has interacted with yet (new titles).
type Hybrid struct {
	Popularity Popularity
	Trending   Trending
	ItemKNN    ItemKNN
	Sequence   Sequence
	EASE       EASE
	Content    Content
	// Recent is how many of the latest interactions the recency signals read; default 5.
	Recent int
	// TuneUsers caps the viewers sampled for tuning; default 3000.
	TuneUsers int
	Seed      uint64
	Progress  Progress

	signals []signal
	weights []float64
	pop     *Popularity
	knn     *ItemKNN
	content *Content
	known   []bool // items with any interaction in the fitted log
}

// signal is one blended input: a model read over all or only the recent history.
type signal struct {
	name   string
	model  Model
	recent bool
	cold   bool // only items without interactions
}

// Name implements Model.
func (h *Hybrid) Name() string { return "hybrid" }

// Weights returns the tuned blend weights by signal name.
func (h *Hybrid) Weights() map[string]float64 {
	out := map[string]float64{}
	for k, s := range h.signals {
		out[s.name] = h.weights[k]
	}
	return out
}

func (h *Hybrid) build(ctx context.Context, d *Data, stage string) error {
	pop, trend, knn, seq, ease, content := h.Popularity, h.Trending, h.ItemKNN, h.Sequence, h.EASE, h.Content
	h.pop, h.knn, h.content = &pop, &knn, &content

	h.signals = []signal{
		{name: "popularity", model: &pop},
		{name: "trending", model: &trend},
		{name: "itemknn", model: &knn},
		{name: "itemknn-recent", model: &knn, recent: true},
		{name: "sequence", model: &seq},
		{name: "ease", model: &ease},
		{name: "ease-recent", model: &ease, recent: true},

		{name: "content", model: &content},
		{name: "content-new", model: &content, cold: true},
	}
	models := []Model{&pop, &trend, &knn, &seq, &ease, &content}
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
	if err := h.build(ctx, d.withHist(sub), "hybrid fit validation models"); err != nil {
		return err
	}
	if err := h.tune(ctx, d, sub, val); err != nil {
		return err
	}
	return h.build(ctx, d, "hybrid fit")
}

// tuneCase is one validation viewer: candidate items, each signal's normalised score
// for them, and which are relevant.
type tuneCase struct {
	sig      [][]float32 // signal → candidate → score
	relevant []bool
	nrel     int
}

func (h *Hybrid) tune(ctx context.Context, d *Data, sub, val [][]Event) error {
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
	if len(users) == 0 {
		// Too little activity to tune on: a blend that holds up on most logs.
		h.weights = make([]float64, len(h.signals))
		for s, sg := range h.signals {
			h.weights[s] = map[string]float64{"ease": 1, "itemknn": 0.5, "content": 0.2, "popularity": 0.1, "content-new": 0.2}[sg.name]
		}
		return nil
	}
	cases := make([]tuneCase, len(users))
	n := len(d.Items)
	scratch := make([][][]float64, runtime.GOMAXPROCS(0))
	err := parallel(ctx, len(users), func(w, k int) {
		if scratch[w] == nil {
			scratch[w] = make([][]float64, len(h.signals))
			for s := range scratch[w] {
				scratch[w][s] = make([]float64, n)
			}
		}
		u := users[k]
		scores := scratch[w]
		h.signalScores(sub[u], scores)
		// Candidates: every signal's top 100; anything else would not reach a top 10.
		inCand := map[int]bool{}
		var cand []int
		for _, s := range scores {
			for _, i := range topN(s, 100) {
				if !inCand[i] {
					inCand[i] = true
					cand = append(cand, i)
				}
			}
		}
		slices.Sort(cand)
		relevant := map[int]bool{}
		for _, e := range val[u] {
			relevant[int(e.Item)] = true
		}
		c := tuneCase{sig: make([][]float32, len(scores)), relevant: make([]bool, len(cand)), nrel: len(relevant)}
		for s := range scores {
			c.sig[s] = make([]float32, len(cand))
			for j, i := range cand {
				c.sig[s][j] = float32(scores[s][i])
			}
		}
		for j, i := range cand {
			c.relevant[j] = relevant[i]
		}
		cases[k] = c
		if k%64 == 0 {
			h.progress("hybrid tune", float64(k)/float64(len(users))/2)
		}
	})
	if err != nil {
		return err
	}

	grid := []float64{0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1}
	weights := make([]float64, len(h.signals))
	// Start from the best single signal.
	best, bestScore := 0, -1.0
	for s := range weights {
		one := make([]float64, len(weights))
		one[s] = 1
		if v := objective(cases, one); v > bestScore {
			best, bestScore = s, v
		}
	}
	weights[best] = 1
	const passes = 3
	for pass := range passes {
		changed := false
		for s := range weights {
			h.progress("hybrid tune", 0.5+0.5*float64(pass*len(weights)+s)/float64(passes*len(weights)))
			if ctx.Err() != nil {
				return ctx.Err()
			}
			keep := weights[s]
			for _, g := range grid {
				if g == keep {
					continue
				}
				weights[s] = g
				if v := objective(cases, weights); v > bestScore+1e-9 {
					bestScore, keep, changed = v, g, true
				}
			}
			weights[s] = keep
		}
		if !changed {
			break
		}
	}
	h.weights = weights
	return nil
}

// objective is the mean NDCG@10 of the blend over the tuning cases.
func objective(cases []tuneCase, weights []float64) float64 {
	var total float64
	blend := []float64{}
	for _, c := range cases {
		blend = blend[:0]
		for j := range c.relevant {
			var v float64
			for s, w := range weights {
				if w != 0 {
					v += w * float64(c.sig[s][j])
				}
			}
			blend = append(blend, v)
		}
		var dcg, idcg float64
		for r, j := range topN(blend, 10) {
			if c.relevant[j] {
				dcg += 1 / math.Log2(float64(r)+2)
			}
		}
		for r := 0; r < 10 && r < c.nrel; r++ {
			idcg += 1 / math.Log2(float64(r)+2)
		}
		total += dcg / idcg
	}
	return total / float64(max(len(cases), 1))
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

// Score implements Model. A viewer with no history gets popularity.
func (h *Hybrid) Score(hist []Event, dst []float64) {
	if len(hist) == 0 {
		h.pop.Score(nil, dst)
		return
	}
	out := make([][]float64, len(h.signals))
	for s := range out {
		if h.weights[s] != 0 {
			out[s] = make([]float64, len(dst))
		}
	}
	clear(dst)
	for s := range h.signals {
		if out[s] == nil {
			continue
		}
		h.signalScore(s, hist, out[s])
		for i, v := range out[s] {
			dst[i] += h.weights[s] * v
		}
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
