package recommend

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
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
	cols := columns(d, false)
	g := make([]float64, n*n)
	err := parallel(ctx, n, func(_, a int) {
		row := g[a*n : (a+1)*n]
		for _, x := range cols[a] {
			for _, e := range d.Hist[x.u] {
				row[e.Item]++
			}
		}
	})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(m.Seed, 0x6c6f7772616e6b))
	q := make([]float64, n*k) // column-major: factor f is q[f*n:(f+1)*n]
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	orthonormalise(q, n, k)
	z := make([]float64, n*k)
	mul := func() error {
		return parallel(ctx, k, func(_, f int) {
			src, dst := q[f*n:(f+1)*n], z[f*n:(f+1)*n]
			for a := range n {
				dst[a] = dot(g[a*n:(a+1)*n], src)
			}
		})
	}
	for range iters {
		if err := mul(); err != nil {
			return err
		}
		q, z = z, q
		orthonormalise(q, n, k)
	}
	// Rayleigh–Ritz: eigenvectors of QᵀGQ rotate Q into eigenvector order.
	if err := mul(); err != nil {
		return err
	}
	t := make([]float64, k*k)
	for a := range k {
		for b := range k {
			t[a*k+b] = dot(q[a*n:(a+1)*n], z[b*n:(b+1)*n])
		}
	}
	vals, vecs := jacobiEigen(t, k)
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

// jacobiEigen diagonalises a symmetric k×k matrix (destroyed) by cyclic Jacobi
// rotations; column c of vecs is the eigenvector of vals[c].
func jacobiEigen(a []float64, k int) (vals, vecs []float64) {
	vecs = make([]float64, k*k)
	for i := range k {
		vecs[i*k+i] = 1
	}
	for range 100 {
		var off float64
		for p := range k {
			for r := p + 1; r < k; r++ {
				off += a[p*k+r] * a[p*k+r]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := range k {
			for r := p + 1; r < k; r++ {
				apr := a[p*k+r]
				if math.Abs(apr) < 1e-300 {
					continue
				}
				theta := (a[r*k+r] - a[p*k+p]) / (2 * apr)
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for i := range k {
					aip, air := a[i*k+p], a[i*k+r]
					a[i*k+p], a[i*k+r] = c*aip-s*air, s*aip+c*air
				}
				for i := range k {
					api, ari := a[p*k+i], a[r*k+i]
					a[p*k+i], a[r*k+i] = c*api-s*ari, s*api+c*ari
				}
				for i := range k {
					vip, vir := vecs[i*k+p], vecs[i*k+r]
					vecs[i*k+p], vecs[i*k+r] = c*vip-s*vir, s*vip+c*vir
				}
			}
		}
	}
	vals = make([]float64, k)
	for i := range k {
		vals[i] = a[i*k+i]
	}
	return vals, vecs
}

// orthonormalise makes the k columns of an n×k column-major matrix orthonormal by
// modified Gram–Schmidt, twice over for accuracy.
func orthonormalise(q []float64, n, k int) {
	for range 2 {
		for f := range k {
			col := q[f*n : (f+1)*n]
			for g := range f {
				prev := q[g*n : (g+1)*n]
				axpy(col, prev, -dot(col, prev))
			}
			norm := math.Sqrt(dot(col, col))
			if norm > 0 {
				for i := range col {
					col[i] /= norm
				}
			}
		}
	}
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
		axpy(p, m.q[int(e.Item)*k:int(e.Item)*k+use], 1)
	}
	for i := range dst {
		dst[i] = dot(m.q[i*k:i*k+use], p)
	}
}
