// Package linalg holds the small dense linear algebra the recommender fits its models
// with: vector helpers, the Cholesky factorisation and the solves built on it, the
// in-place inverse of a symmetric positive definite matrix, and the symmetric
// eigenproblem by Jacobi rotations. Matrices are flat []float64 slices, row-major
// unless a function says otherwise, with their size passed alongside, because the
// callers build them that way and a matrix type would only add copies. Nothing here
// allocates more than its result needs or keeps state between calls.
package linalg

import "errors"

// ErrNotPositiveDefinite is returned by InvertSPD for a matrix with a pivot that is
// not positive, which a symmetric positive definite matrix never has.
var ErrNotPositiveDefinite = errors.New("matrix is not positive definite")

// Dot is the inner product of a and b; b must be at least as long as a.
func Dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// Axpy adds f·x to y; x must be at least as long as y. It is unrolled because it is
// the whole cost of InvertSPD and much of fitting a model.
func Axpy(y, x []float64, f float64) {
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

// Mean is the arithmetic mean of xs, and 0 for none, so an empty set of viewers
// scores nothing rather than NaN.
func Mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	if len(xs) == 0 {
		return 0
	}
	return s / float64(len(xs))
}
