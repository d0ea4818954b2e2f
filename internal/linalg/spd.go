package linalg

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Cholesky factorises a symmetric positive definite n×n matrix A as L·Lᵀ and returns
// the lower triangular L, row-major with zeros above the diagonal. Only the lower
// triangle of A is read and A is left as it was. ok is false when a pivot is not
// positive, which is how a matrix that is not positive definite shows itself.
func Cholesky(a []float64, n int) (l []float64, ok bool) {
	l = make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			for k := range j {
				s -= l[i*n+k] * l[j*n+k]
			}
			if i == j {
				if s <= 0 {
					return nil, false
				}
				l[i*n+i] = math.Sqrt(s)
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	return l, true
}

// SolveCholesky solves L·Lᵀ·x = b for the factor L that Cholesky returns, by forward
// then back substitution, leaving b as it was.
func SolveCholesky(l, b []float64, n int) []float64 {
	x := slices.Clone(b)
	for i := range n {
		for k := range i {
			x[i] -= l[i*n+k] * x[k]
		}
		x[i] /= l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		for k := i + 1; k < n; k++ {
			x[i] -= l[k*n+i] * x[k]
		}
		x[i] /= l[i*n+i]
	}
	return x
}

// SolveSPD solves A·x = b for a symmetric positive definite n×n A by Cholesky,
// leaving A and b as they were; ok is false when A is not positive definite, so the
// caller can fall back to a cheaper step instead of using a meaningless solution.
func SolveSPD(a, b []float64, n int) (x []float64, ok bool) {
	l, ok := Cholesky(a, n)
	if !ok {
		return nil, false
	}
	return SolveCholesky(l, b, n), true
}

// InvertSPD inverts a symmetric positive definite n×n matrix in place with the sweep
// operator, which keeps the matrix symmetric at every step, so only the upper
// triangle is updated: half the work of Gauss-Jordan. No pivoting is needed for such a
// matrix. Each step spreads its rows over the CPUs. The whole matrix holds the
// inverse on return. It fails with ErrNotPositiveDefinite at the first pivot that is
// not positive, leaving the matrix part-swept, and with ctx's error when ctx ends
// first.
func InvertSPD(ctx context.Context, a []float64, n int) error {
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
			return ErrNotPositiveDefinite
		}
		inv := 1 / d
		sweep := func(w int) {
			// Rows interleaved, because the triangle makes early rows longer.
			for i := w; i < n; i += workers {
				if i == k || col[i] == 0 {
					continue
				}
				Axpy(a[i*n+i:(i+1)*n], col[i:], -col[i]*inv)
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
