package recommend

import (
	"cmp"
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
)

// EASE is Steck's shallow autoencoder: an item-to-item weight matrix B with a zero
// diagonal that reconstructs each viewer's row, in closed form
// B = I − P·diagMat(1/diag(P)) with P = (XᵀX + λI)⁻¹. The inverse is dense, so only the
// MaxItems most-interacted items take part; the rest score zero.
type EASE struct {
	Lambda   float64 // L2 penalty; default 200
	MaxItems int     // default 2500: the inverse costs MaxItems³/2 and 8·MaxItems² bytes
	Weighted bool    // use interaction weights instead of 0/1

	items []int32   // EASE position → item
	pos   []int32   // item → EASE position, −1 when left out
	b     []float32 // m×m, row-major
}

// Name implements Model.
func (m *EASE) Name() string { return "ease" }

// Fit implements Model.
func (m *EASE) Fit(ctx context.Context, d *Data) error {
	lambda := m.Lambda
	if lambda <= 0 {
		lambda = 200
	}
	limit := m.MaxItems
	if limit <= 0 {
		limit = 2500
	}
	cols := columns(d, m.Weighted)
	m.items = m.items[:0]
	for i, c := range cols {
		if len(c) > 0 {
			m.items = append(m.items, int32(i))
		}
	}
	slices.SortStableFunc(m.items, func(a, b int32) int { return cmp.Compare(len(cols[b]), len(cols[a])) })
	if len(m.items) > limit {
		m.items = m.items[:limit]
	}
	slices.Sort(m.items)
	m.pos = make([]int32, len(d.Items))
	for i := range m.pos {
		m.pos[i] = -1
	}
	for p, i := range m.items {
		m.pos[i] = int32(p)
	}
	n := len(m.items)
	g := make([]float64, n*n)
	err := parallel(ctx, n, func(_, a int) {
		row := g[a*n : (a+1)*n]
		for _, x := range cols[m.items[a]] {
			for _, e := range d.Hist[x.u] {
				if p := m.pos[e.Item]; p >= 0 {
					row[p] += float64(x.w) * value(e, m.Weighted)
				}
			}
		}
		row[a] += lambda
	})
	if err != nil {
		return err
	}
	if err := invertSPD(ctx, g, n); err != nil {
		return err
	}
	m.b = make([]float32, n*n)
	for i := range n {
		for j := range n {
			if i != j {
				m.b[i*n+j] = float32(-g[i*n+j] / g[j*n+j])
			}
		}
	}
	return nil
}

// Score implements Model.
func (m *EASE) Score(hist []Event, dst []float64) {
	clear(dst)
	n := len(m.items)
	acc := make([]float64, n)
	for _, e := range hist {
		p := m.pos[e.Item]
		if p < 0 {
			continue
		}
		v := value(e, m.Weighted)
		row := m.b[int(p)*n : (int(p)+1)*n]
		for j, b := range row {
			acc[j] += v * float64(b)
		}
	}
	for j, s := range acc {
		dst[m.items[j]] = s
	}
}

// invertSPD inverts a symmetric positive definite n×n matrix in place with the sweep
// operator, which keeps the matrix symmetric at every step, so only the upper
// triangle is updated: half the work of Gauss-Jordan. No pivoting is needed for such a
// matrix. Each step spreads its rows over the CPUs. The whole matrix holds the
// inverse on return.
func invertSPD(ctx context.Context, a []float64, n int) error {
	workers := min(runtime.GOMAXPROCS(0), max(n/64, 1))
	col := make([]float64, n)
	var wg sync.WaitGroup
	for k := range n {
		if k%64 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		// Column k of the symmetric matrix, read from the upper triangle.
		for j := range k {
			col[j] = a[j*n+k]
		}
		copy(col[k:], a[k*n+k:(k+1)*n])
		d := col[k]
		if d <= 0 {
			return errors.New("ease: matrix is not positive definite")
		}
		inv := 1 / d
		sweep := func(w int) {
			// Rows interleaved, because the triangle makes early rows longer.
			for i := w; i < n; i += workers {
				if i == k || col[i] == 0 {
					continue
				}
				axpy(a[i*n+i:(i+1)*n], col[i:], -col[i]*inv)
			}
		}
		for w := 1; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sweep(w)
			}()
		}
		sweep(0)
		wg.Wait()
		for i := range k {
			a[i*n+k] = col[i] * inv
		}
		for j := k + 1; j < n; j++ {
			a[k*n+j] = col[j] * inv
		}
		a[k*n+k] = -inv
	}
	// The sweeps leave −A⁻¹ in the upper triangle.
	for i := range n {
		for j := i; j < n; j++ {
			v := -a[i*n+j]
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	return nil
}

// axpy adds f·x to y, unrolled because it is the whole cost of the inverse.
func axpy(y, x []float64, f float64) {
	x = x[:len(y)]
	j := 0
	for ; j+4 <= len(y); j += 4 {
		y0, y1, y2, y3 := y[j], y[j+1], y[j+2], y[j+3]
		x0, x1, x2, x3 := x[j], x[j+1], x[j+2], x[j+3]
		y[j], y[j+1], y[j+2], y[j+3] = y0+f*x0, y1+f*x1, y2+f*x2, y3+f*x3
	}
	for ; j < len(y); j++ {
		y[j] += f * x[j]
	}
}
