package recommend

import (
	"math"
	"slices"
)

// rankDepth is how deep each component's ranking is read for the rank feature.
const rankDepth = 100

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
