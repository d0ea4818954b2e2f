package main

import (
	"math"
	"slices"
)

// A point of a rate–quality curve: bits per second and SSIM.
type point struct{ rate, q float64 }

// ssimDB is SSIM on a decibel scale, -10·log10(1-SSIM), on which equal steps are closer to equal visible
// steps than on SSIM itself near 1.
func ssimDB(s float64) float64 { return -10 * math.Log10(math.Max(1-s, 1e-10)) }

// bdRate is the Bjøntegaard delta rate of curve b against curve a: the mean of log(rate_b/rate_a) at equal
// quality, over the qualities both curves reach, as a fraction (-0.2: b spends 20 % fewer bits). Each curve
// is first reduced to the points a player would choose (none costing more for no better quality) and then
// interpolated piecewise linearly in log rate over SSIM in dB, which unlike the classic cubic fit cannot
// overshoot between the four or five rungs of a ladder. ok is false when the curves do not overlap.
func bdRate(a, b []point) (float64, bool) {
	ca, cb := hull(a), hull(b)
	if len(ca) < 2 || len(cb) < 2 {
		return 0, false
	}
	lo := math.Max(ca[0].q, cb[0].q)
	hi := math.Min(ca[len(ca)-1].q, cb[len(cb)-1].q)
	if hi <= lo {
		return 0, false
	}
	const steps = 1000
	var sum float64
	for i := range steps {
		q := lo + (hi-lo)*(float64(i)+0.5)/steps
		sum += logRateAt(cb, q) - logRateAt(ca, q)
	}
	return math.Exp(sum/steps) - 1, true
}

// hull sorts points by rate and keeps those better than every cheaper one, with quality in dB.
func hull(ps []point) []point {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(x, y point) int { return int(math.Copysign(1, x.rate-y.rate)) })
	var out []point
	for _, p := range ps {
		q := ssimDB(p.q)
		if len(out) == 0 || q > out[len(out)-1].q {
			out = append(out, point{rate: p.rate, q: q})
		}
	}
	return out
}

// logRateAt interpolates the natural log of the rate at quality q (in dB) on a hull that reaches q.
func logRateAt(c []point, q float64) float64 {
	i := max(1, min(len(c)-1, slices.IndexFunc(c, func(p point) bool { return p.q >= q })))
	x0, x1 := c[i-1], c[i]
	t := (q - x0.q) / (x1.q - x0.q)
	return math.Log(x0.rate) + t*(math.Log(x1.rate)-math.Log(x0.rate))
}
