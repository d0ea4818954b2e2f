package recommend

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/marquee-org/marquee/internal/linalg"
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
	err := Parallel(ctx, n, func(_, a int) {
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
	if err := linalg.InvertSPD(ctx, g, n); err != nil {
		// Name the model whose matrix failed; a cancellation passes through as it is.
		if errors.Is(err, linalg.ErrNotPositiveDefinite) {
			return fmt.Errorf("ease: %w", err)
		}
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
