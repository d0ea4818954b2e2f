package recommend

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/marquee-org/marquee/internal/linalg"
)

// RP3Beta scores items by three-step random walks from a viewer's items
// (item → viewer who has it → that viewer's items), each step choosing uniformly, with
// the arrival probability divided by the item's popularity to the power Beta so the walk
// does not simply end on hits. Only each item's K strongest links are kept
// (Paudel et al., "Updatable, accurate, diverse, and scalable recommendations for
// interactive applications", 2016).
type RP3Beta struct {
	Alpha float64 // sharpens or flattens the transition probabilities; default 1
	Beta  float64 // popularity penalty; default 0.5
	K     int     // links kept per item; default 100

	nbrs [][]neighbour
}

// Name implements Model.
func (m *RP3Beta) Name() string { return "rp3beta" }

// Fit implements Model.
func (m *RP3Beta) Fit(ctx context.Context, d *Data) error {
	alpha := m.Alpha
	if alpha <= 0 {
		alpha = 1
	}
	beta := m.Beta
	if beta == 0 {
		beta = 0.5
	}
	k := m.K
	if k <= 0 {
		k = 100
	}
	n := len(d.Items)
	cols := columns(d, false)
	pen := make([]float64, n)
	for i, c := range cols {
		if len(c) > 0 {
			pen[i] = math.Pow(float64(len(c)), -beta)
		}
	}
	userStep := make([]float64, len(d.Hist))
	for u, h := range d.Hist {
		if len(h) > 0 {
			userStep[u] = math.Pow(1/float64(len(h)), alpha)
		}
	}
	var err error
	m.nbrs, err = neighbourLists(ctx, n, k, func(i int, a *accumulator) {
		if len(cols[i]) == 0 {
			return
		}
		first := math.Pow(1/float64(len(cols[i])), alpha)
		for _, x := range cols[i] {
			step := first * userStep[x.u]
			for _, e := range d.Hist[x.u] {
				if int(e.Item) != i {
					a.add(e.Item, step)
				}
			}
		}
	}, func(_ int, j int32, total float64) float64 { return total * pen[j] })
	return err
}

// Score implements Model.
func (m *RP3Beta) Score(hist []Event, dst []float64) {
	clear(dst)
	for _, e := range hist {
		for _, nb := range m.nbrs[e.Item] {
			dst[nb.item] += float64(nb.sim)
		}
	}
}

// LowRank projects a viewer's items onto the leading eigenvectors of the item
// co-occurrence matrix XᵀX, which are PureSVD's item factors (Cremonesi et al. 2010):
// taste reduced to a few directions, which smooths over what one viewer happened to
// pick. The eigenvectors come from subspace iteration from a seeded start, then a
// Rayleigh–Ritz step orders them, so any leading share of them can be used without a
// refit and the fit is deterministic.
type LowRank struct {
	Rank  int // eigenvectors computed; default 48
	Use   int // leading eigenvectors scored with; 0 means all
	Iters int // subspace iterations; default 30
	Seed  uint64

	q    []float64 // item → Rank factor values, row-major
	rank int
}

// Name implements Model.
func (m *LowRank) Name() string { return "lowrank" }

// Fit implements Model.
func (m *LowRank) Fit(ctx context.Context, d *Data) error {
	n := len(d.Items)
	k := m.Rank
	if k <= 0 {
		k = 48
	}
	k = min(k, n)
	iters := m.Iters
	if iters <= 0 {
		iters = 30
	}
	// G = XᵀX (X: who interacted with what) is never formed: G·Q is Xᵀ(X·Q), which costs
	// the log's size times k and needs k values per viewer, not n² per catalog.
	cols := columns(d, false)
	rng := rand.New(rand.NewPCG(m.Seed, 0x6c6f7772616e6b))
	q := make([]float64, n*k) // column-major: factor f is q[f*n:(f+1)*n]
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	linalg.Orthonormalise(q, n, k)
	z := make([]float64, n*k)
	y := make([]float64, len(d.Hist)*k) // viewer → X·Q, row-major
	mul := func() error {
		err := Parallel(ctx, len(d.Hist), func(_, u int) {
			row := y[u*k : (u+1)*k]
			clear(row)
			for _, e := range d.Hist[u] {
				for f := range row {
					row[f] += q[f*n+int(e.Item)]
				}
			}
		})
		if err != nil {
			return err
		}
		return Parallel(ctx, n, func(_, a int) {
			for f := range k {
				var v float64
				for _, x := range cols[a] {
					v += y[int(x.u)*k+f]
				}
				z[f*n+a] = v
			}
		})
	}
	for range iters {
		if err := mul(); err != nil {
			return err
		}
		q, z = z, q
		linalg.Orthonormalise(q, n, k)
	}
	// Rayleigh–Ritz: eigenvectors of QᵀGQ rotate Q into eigenvector order.
	if err := mul(); err != nil {
		return err
	}
	t := make([]float64, k*k)
	for a := range k {
		for b := range k {
			t[a*k+b] = linalg.Dot(q[a*n:(a+1)*n], z[b*n:(b+1)*n])
		}
	}
	vals, vecs := linalg.JacobiEigen(t, k)
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(vals[b], vals[a]) })
	m.rank = k
	m.q = make([]float64, n*k)
	for f, src := range order {
		for i := range n {
			var v float64
			for c := range k {
				v += q[c*n+i] * vecs[c*k+src]
			}
			m.q[i*k+f] = v
		}
	}
	return nil
}

// Score implements Model.
func (m *LowRank) Score(hist []Event, dst []float64) {
	k := m.rank
	use := k
	if m.Use > 0 {
		use = min(m.Use, k)
	}
	p := make([]float64, use)
	for _, e := range hist {
		linalg.Axpy(p, m.q[int(e.Item)*k:int(e.Item)*k+use], 1)
	}
	for i := range dst {
		dst[i] = linalg.Dot(m.q[i*k:i*k+use], p)
	}
}
