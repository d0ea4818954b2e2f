package recommend

import (
	"cmp"
	"context"
	"math"
	"runtime"
	"slices"
)

// ItemKNN scores an item by its cosine similarity to the items a viewer interacted
// with, over who interacted with what. Shrink damps similarities resting on few shared
// viewers; only each item's K nearest neighbours are kept.
type ItemKNN struct {
	K        int     // neighbours kept per item; default 100
	Shrink   float64 // added to the cosine denominator; default 10
	Weighted bool    // use interaction weights instead of 0/1

	nbrs [][]neighbour
}

type neighbour struct {
	item int32
	sim  float32
}

// Name implements Model.
func (m *ItemKNN) Name() string { return "itemknn" }

// Fit implements Model.
func (m *ItemKNN) Fit(ctx context.Context, d *Data) error {
	k := m.K
	if k <= 0 {
		k = 100
	}
	shrink := m.Shrink
	if shrink == 0 {
		shrink = 10
	}
	n := len(d.Items)
	cols := columns(d, m.Weighted)
	norm := make([]float64, n)
	for i, c := range cols {
		for _, x := range c {
			norm[i] += float64(x.w) * float64(x.w)
		}
		norm[i] = math.Sqrt(norm[i])
	}
	m.nbrs = make([][]neighbour, n)
	type scratch struct {
		acc     []float64
		touched []int32
	}
	work := make([]scratch, runtime.GOMAXPROCS(0))
	return parallel(ctx, n, func(w, i int) {
		s := &work[w]
		if s.acc == nil {
			s.acc = make([]float64, n)
		}
		s.touched = s.touched[:0]
		for _, x := range cols[i] {
			for _, e := range d.Hist[x.u] {
				j := e.Item
				if int(j) == i {
					continue
				}
				if s.acc[j] == 0 {
					s.touched = append(s.touched, j)
				}
				s.acc[j] += float64(x.w) * value(e, m.Weighted)
			}
		}
		list := make([]neighbour, 0, len(s.touched))
		for _, j := range s.touched {
			sim := s.acc[j] / (norm[i]*norm[j] + shrink)
			s.acc[j] = 0
			list = append(list, neighbour{j, float32(sim)})
		}
		m.nbrs[i] = topNeighbours(list, k)
	})
}

// Score implements Model.
func (m *ItemKNN) Score(hist []Event, dst []float64) {
	clear(dst)
	for _, e := range hist {
		v := value(e, m.Weighted)
		for _, nb := range m.nbrs[e.Item] {
			dst[nb.item] += v * float64(nb.sim)
		}
	}
}

// neighbours returns an item's nearest neighbours, most similar first.
func (m *ItemKNN) neighbours(item int) []neighbour { return m.nbrs[item] }

// entry is one cell of an item's column: a user and their value for the item.
type entry struct {
	u int32
	w float32
}

// columns transposes the log into per-item lists of users.
func columns(d *Data, weighted bool) [][]entry {
	cols := make([][]entry, len(d.Items))
	for u, h := range d.Hist {
		for _, e := range h {
			cols[e.Item] = append(cols[e.Item], entry{int32(u), float32(value(e, weighted))})
		}
	}
	return cols
}

func value(e Event, weighted bool) float64 {
	if weighted {
		return float64(e.Weight)
	}
	return 1
}

// Sequence scores what viewers watch next: item j is a neighbour of item i when it
// tends to come within Window interactions after i in a viewer's history, counted
// closer ones more. A viewer's latest items then point at their likely next ones,
// which full-history models blur: taste runs in streaks (a genre binge, a franchise).
type Sequence struct {
	Window int     // default 5
	Recent int     // latest items read when scoring; default 5
	K      int     // neighbours kept per item; default 100
	Shrink float64 // default 10

	nbrs [][]neighbour
}

// Name implements Model.
func (m *Sequence) Name() string { return "sequence" }

// Fit implements Model.
func (m *Sequence) Fit(ctx context.Context, d *Data) error {
	window := cmp.Or(max(m.Window, 0), 5)
	k := cmp.Or(max(m.K, 0), 100)
	shrink := m.Shrink
	if shrink == 0 {
		shrink = 10
	}
	n := len(d.Items)
	// Where each item occurs: user and position in their history.
	type at struct{ u, p int32 }
	occ := make([][]at, n)
	count := make([]float64, n)
	for u, h := range d.Hist {
		for p, e := range h {
			occ[e.Item] = append(occ[e.Item], at{int32(u), int32(p)})
			count[e.Item]++
		}
	}
	m.nbrs = make([][]neighbour, n)
	type scratch struct {
		acc     []float64
		touched []int32
	}
	work := make([]scratch, runtime.GOMAXPROCS(0))
	return parallel(ctx, n, func(w, i int) {
		s := &work[w]
		if s.acc == nil {
			s.acc = make([]float64, n)
		}
		s.touched = s.touched[:0]
		for _, o := range occ[i] {
			h := d.Hist[o.u]
			for step := 1; step <= window && int(o.p)+step < len(h); step++ {
				j := h[int(o.p)+step].Item
				if s.acc[j] == 0 {
					s.touched = append(s.touched, j)
				}
				s.acc[j] += 1 / float64(step)
			}
		}
		list := make([]neighbour, 0, len(s.touched))
		for _, j := range s.touched {
			sim := s.acc[j] / (math.Sqrt(count[i]*count[j]) + shrink)
			s.acc[j] = 0
			list = append(list, neighbour{j, float32(sim)})
		}
		m.nbrs[i] = topNeighbours(list, k)
	})
}

// Score implements Model.
func (m *Sequence) Score(hist []Event, dst []float64) {
	clear(dst)
	recent := cmp.Or(max(m.Recent, 0), 5)
	for back := 1; back <= recent && back <= len(hist); back++ {
		w := 1 / float64(back)
		for _, nb := range m.nbrs[hist[len(hist)-back].Item] {
			dst[nb.item] += w * float64(nb.sim)
		}
	}
}

// topNeighbours keeps the k most similar, ties to the lower index.
func topNeighbours(list []neighbour, k int) []neighbour {
	slices.SortFunc(list, func(a, b neighbour) int {
		if c := cmp.Compare(b.sim, a.sim); c != 0 {
			return c
		}
		return cmp.Compare(a.item, b.item)
	})
	if len(list) > k {
		list = slices.Clip(list[:k])
	}
	return list
}
