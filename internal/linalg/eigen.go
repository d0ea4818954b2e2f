package linalg

import "math"

// JacobiEigen diagonalises a symmetric k×k matrix by cyclic Jacobi rotations, which
// are accurate and simple for the small matrices a Rayleigh–Ritz step produces. The
// matrix is destroyed. Column c of vecs (row-major k×k) is the unit eigenvector of
// vals[c]; the eigenvalues come in no particular order.
func JacobiEigen(a []float64, k int) (vals, vecs []float64) {
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

// Orthonormalise makes the k columns of an n×k column-major matrix (column f is
// q[f*n:(f+1)*n]) orthonormal in place by modified Gram–Schmidt, run twice because
// one pass loses orthogonality when columns are nearly parallel. A column that
// vanishes is left zero.
func Orthonormalise(q []float64, n, k int) {
	for range 2 {
		for f := range k {
			col := q[f*n : (f+1)*n]
			for g := range f {
				prev := q[g*n : (g+1)*n]
				Axpy(col, prev, -Dot(col, prev))
			}
			norm := math.Sqrt(Dot(col, col))
			if norm > 0 {
				for i := range col {
					col[i] /= norm
				}
			}
		}
	}
}
