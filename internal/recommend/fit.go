package recommend

import (
	"context"
	"math"

	"github.com/marquee-org/marquee/internal/linalg"
)

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
			s = append(s, linalg.Dot(c.x[j:j+nf], w))
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
		err := Parallel(ctx, blocks, func(_, b int) {
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
					v := linalg.Dot(c.x[j*nf:(j+1)*nf], w)
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
					linalg.Axpy(a.grad, c.x[j*nf:(j+1)*nf], -inv)
				}
				clear(ex)
				for j := range m {
					p := s[j] / z
					row := c.x[j*nf : (j+1)*nf]
					linalg.Axpy(ex, row, p)
					if withHess && p > 1e-12 {
						// The upper triangle only; pass mirrors it.
						for f, v := range row {
							if v != 0 {
								linalg.Axpy(a.hess[f*nf+f:(f+1)*nf], row[f:], p*v)
							}
						}
					}
				}
				linalg.Axpy(a.grad, ex, 1)
				if withHess {
					for f, v := range ex {
						linalg.Axpy(a.hess[f*nf+f:(f+1)*nf], ex[f:], -v)
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
			linalg.Axpy(g, a.grad, 1)
			if withHess {
				linalg.Axpy(hs, a.hess, 1)
			}
		}
		inv := 1 / float64(len(use))
		loss = loss*inv + pen/2*linalg.Dot(w, w)
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
		step, ok := linalg.SolveSPD(hs, g, nf)
		if !ok {
			step = g
		}
		decrease := linalg.Dot(g, step)
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
