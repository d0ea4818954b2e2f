package linalg

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// spd is a 3×3 symmetric positive definite matrix with the Cholesky factor l3:
// l3·l3ᵀ = spd, worked out by hand.
var (
	spd = []float64{
		4, 2, -2,
		2, 10, 2,
		-2, 2, 6,
	}
	l3 = []float64{
		2, 0, 0,
		1, 3, 0,
		-1, 1, 2,
	}
)

// mul returns the n×n product a·b.
func mul(a, b []float64, n int) []float64 {
	out := make([]float64, n*n)
	for i := range n {
		for j := range n {
			for k := range n {
				out[i*n+j] += a[i*n+k] * b[k*n+j]
			}
		}
	}
	return out
}

func transpose(a []float64, n int) []float64 {
	out := make([]float64, n*n)
	for i := range n {
		for j := range n {
			out[j*n+i] = a[i*n+j]
		}
	}
	return out
}

// hilbertish is a well-conditioned SPD matrix of any size: a Hilbert-like Gram matrix
// plus the identity.
func hilbertish(n int) []float64 {
	g := make([]float64, n*n)
	for i := range n {
		for j := range n {
			g[i*n+j] = 1 / float64(1+i+j)
		}
		g[i*n+i]++
	}
	return g
}

func TestDotAxpyMean(t *testing.T) {
	t.Parallel()
	require.InDelta(t, 32.0, Dot([]float64{1, 2, 3}, []float64{4, 5, 6}), 1e-12)
	require.InDelta(t, 0.0, Dot(nil, nil), 0)
	require.InDelta(t, 5.0, Dot([]float64{1, 2}, []float64{1, 2, 100}), 1e-12, "b may be longer")

	// Seven values: the unrolled body and the tail both run.
	y := []float64{1, 1, 1, 1, 1, 1, 1}
	Axpy(y, []float64{1, 2, 3, 4, 5, 6, 7, 99}, -2)
	require.Equal(t, []float64{-1, -3, -5, -7, -9, -11, -13}, y, "x may be longer")

	require.InDelta(t, 2.5, Mean([]float64{1, 2, 3, 4}), 1e-12)
	require.Zero(t, Mean(nil))
}

func TestCholesky(t *testing.T) {
	t.Parallel()
	a := slices.Clone(spd)
	l, ok := Cholesky(a, 3)
	require.True(t, ok)
	require.Equal(t, spd, a, "A is left as it was")
	require.InDeltaSlice(t, l3, l, 1e-12, "the factor worked out by hand")
	require.InDeltaSlice(t, spd, mul(l, transpose(l, 3), 3), 1e-12, "L·Lᵀ = A")

	for _, n := range []int{1, 5, 40} {
		g := hilbertish(n)
		l, ok := Cholesky(g, n)
		require.True(t, ok, "n=%d", n)
		for i := range n {
			require.Positive(t, l[i*n+i], "n=%d: positive diagonal", n)
			for j := i + 1; j < n; j++ {
				require.Zero(t, l[i*n+j], "n=%d: lower triangular", n)
			}
		}
		require.InDeltaSlice(t, g, mul(l, transpose(l, n), n), 1e-12, "n=%d: L·Lᵀ = A", n)
	}
}

func TestSolveSPD(t *testing.T) {
	t.Parallel()
	// spd·(1, −1, 2) = (−2, −4, 8).
	b := []float64{-2, -4, 8}
	x, ok := SolveSPD(spd, b, 3)
	require.True(t, ok)
	require.InDeltaSlice(t, []float64{1, -1, 2}, x, 1e-12)
	require.Equal(t, []float64{-2, -4, 8}, b, "b is left as it was")
	require.InDeltaSlice(t, x, SolveCholesky(l3, b, 3), 1e-12, "the same as solving with the factor")

	n := 30
	g := hilbertish(n)
	b = make([]float64, n)
	for i := range b {
		b[i] = float64(i%7) - 3
	}
	x, ok = SolveSPD(g, b, n)
	require.True(t, ok)
	for i := range n {
		require.InDelta(t, b[i], Dot(g[i*n:(i+1)*n], x), 1e-10, "row %d of A·x = b", i)
	}
}

func TestNotPositiveDefiniteIsRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		a    []float64
		n    int
	}{
		{"negative eigenvalue", []float64{1, 2, 2, 1}, 2}, // eigenvalues 3 and −1
		{"singular", []float64{1, 1, 1, 1}, 2},
		{"zero", []float64{0}, 1},
		{"negative diagonal", []float64{4, 0, 0, 0, -1, 0, 0, 0, 4}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, ok := Cholesky(tc.a, tc.n)
			require.False(t, ok)
			x, ok := SolveSPD(tc.a, make([]float64, tc.n), tc.n)
			require.False(t, ok)
			require.Nil(t, x)
			require.ErrorIs(t, InvertSPD(context.Background(), slices.Clone(tc.a), tc.n), ErrNotPositiveDefinite)
		})
	}
}

func TestInvertSPD(t *testing.T) {
	t.Parallel()
	// Sizes below and above the 64 rows that bring in more goroutines.
	for _, n := range []int{1, 3, 70, 200} {
		g := hilbertish(n)
		a := slices.Clone(g)
		require.NoError(t, InvertSPD(context.Background(), a, n))
		id := mul(g, a, n)
		for i := range n {
			for j := range n {
				want := 0.0
				if i == j {
					want = 1
				}
				require.InDelta(t, want, id[i*n+j], 1e-9, "n=%d: (A·A⁻¹)[%d,%d]", n, i, j)
			}
		}
		require.Equal(t, a, transpose(a, n), "n=%d: the inverse is symmetric", n)
	}
	a := slices.Clone(spd)
	require.NoError(t, InvertSPD(context.Background(), a, 3))
	// The inverse of spd by hand: adj(spd)/det(spd), det = 144.
	require.InDeltaSlice(t, []float64{56.0 / 144, -16.0 / 144, 24.0 / 144, -16.0 / 144, 20.0 / 144, -12.0 / 144, 24.0 / 144, -12.0 / 144, 36.0 / 144}, a, 1e-12)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, InvertSPD(ctx, hilbertish(10), 10), context.Canceled)
}

func TestJacobiEigen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		a    []float64
		want []float64 // eigenvalues, ascending
	}{
		// Eigenvalues 1 and 3 on (1,−1)/√2 and (1,1)/√2, and 5 on the third axis.
		{"block", []float64{2, 1, 0, 1, 2, 0, 0, 0, 5}, []float64{1, 3, 5}},
		// The factor example has no round eigenvalues: A·v = λ·v, the trace and the
		// determinant (144) check them.
		{"spd", spd, nil},
		{"diagonal", []float64{7, 0, 0, -2}, []float64{-2, 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k := 1
			for k*k < len(tc.a) {
				k++
			}
			vals, vecs := JacobiEigen(slices.Clone(tc.a), k)
			require.Len(t, vals, k)
			sum, product := 0.0, 1.0
			for c := range k {
				v := make([]float64, k)
				for i := range k {
					v[i] = vecs[i*k+c]
				}
				require.InDelta(t, 1, Dot(v, v), 1e-12, "unit eigenvector")
				for i := range k {
					require.InDelta(t, vals[c]*v[i], Dot(tc.a[i*k:(i+1)*k], v), 1e-9, "A·v = λ·v, value %d row %d", c, i)
				}
				sum += vals[c]
				product *= vals[c]
			}
			var trace float64
			for i := range k {
				trace += tc.a[i*k+i]
			}
			require.InDelta(t, trace, sum, 1e-9, "the eigenvalues add up to the trace")
			if tc.name == "spd" {
				require.InDelta(t, 144, product, 1e-9, "and multiply to the determinant")
			}
			if tc.want != nil {
				got := slices.Clone(vals)
				slices.Sort(got)
				require.InDeltaSlice(t, tc.want, got, 1e-9)
			}
		})
	}
}

func TestOrthonormalise(t *testing.T) {
	t.Parallel()
	// Three columns of length 4, column-major, the third nearly the first.
	n, k := 4, 3
	q := []float64{
		1, 1, 0, 0,
		1, 0, 1, 0,
		1, 1e-9, 0, 0,
	}
	Orthonormalise(q, n, k)
	for a := range k {
		for b := range k {
			want := 0.0
			if a == b {
				want = 1
			}
			require.InDelta(t, want, Dot(q[a*n:(a+1)*n], q[b*n:(b+1)*n]), 1e-12, "QᵀQ[%d,%d]", a, b)
		}
	}
	s := 1 / 1.4142135623730951
	require.InDeltaSlice(t, []float64{s, s, 0, 0}, q[:n], 1e-12, "the first column keeps its direction")
}
