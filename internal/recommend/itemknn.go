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
	var err error
	m.nbrs, err = neighbourLists(ctx, n, k, func(i int, a *accumulator) {
		for _, x := range cols[i] {
			for _, e := range d.Hist[x.u] {
				if int(e.Item) != i {
					a.add(e.Item, float64(x.w)*value(e, m.Weighted))
				}
			}
		}
	}, func(i int, j int32, total float64) float64 { return total / (norm[i]*norm[j] + shrink) })
	return err
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
	var err error
	m.nbrs, err = neighbourLists(ctx, n, k, func(i int, a *accumulator) {
		for _, o := range occ[i] {
			h := d.Hist[o.u]
			for step := 1; step <= window && int(o.p)+step < len(h); step++ {
				a.add(h[int(o.p)+step].Item, 1/float64(step))
			}
		}
	}, func(i int, j int32, total float64) float64 { return total / (math.Sqrt(count[i]*count[j]) + shrink) })
	return err
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

// accumulator sums one item's co-occurrence weights over the items it meets, and
// remembers which it touched so that clearing costs only those.
type accumulator struct {
	acc     []float64
	touched []int32
}

func (a *accumulator) add(j int32, v float64) {
	if a.acc[j] == 0 {
		a.touched = append(a.touched, j)
	}
	a.acc[j] += v
}

// neighbourLists builds every item's k nearest neighbours in parallel, one accumulator
// per worker: fill adds item i's co-occurrences, and sim turns the total for item j
// into the similarity kept.
func neighbourLists(ctx context.Context, n, k int, fill func(i int, a *accumulator),
	sim func(i int, j int32, total float64) float64) ([][]neighbour, error) {
	nbrs := make([][]neighbour, n)
	work := make([]accumulator, runtime.GOMAXPROCS(0))
	err := Parallel(ctx, n, func(w, i int) {
		a := &work[w]
		if a.acc == nil {
			a.acc = make([]float64, n)
		}
		a.touched = a.touched[:0]
		fill(i, a)
		list := make([]neighbour, 0, len(a.touched))
		for _, j := range a.touched {
			list = append(list, neighbour{j, float32(sim(i, j, a.acc[j]))})
			a.acc[j] = 0
		}
		nbrs[i] = topNeighbours(list, k)
	})
	return nbrs, err
}

// topNeighbours keeps the k most similar, ties to the lower index.
func topNeighbours(list []neighbour, k int) []neighbour {
	slices.SortFunc(list, func(a, b neighbour) int {
		if c := cmp.Compare(b.sim, a.sim); c != 0 {
			return c
		}
		return cmp.Compare(a.item, b.item)
	})
	// A copy, so that the whole list, as long as the items met, is not kept alive.
	return slices.Clone(list[:min(k, len(list))])
}
