package main

import (
	"math"
	"testing"
)

func TestBDRate(t *testing.T) {
	a := []point{{400e3, 0.93}, {800e3, 0.95}, {2.8e6, 0.98}, {5.6e6, 0.99}}
	scaled := func(f float64) []point {
		var b []point
		for _, p := range a {
			b = append(b, point{p.rate * f, p.q})
		}
		return b
	}
	for _, f := range []float64{0.5, 0.8, 1, 1.3} {
		got, ok := bdRate(a, scaled(f))
		if !ok || math.Abs(got-(f-1)) > 1e-9 {
			t.Fatalf("same curve at %g× the rate: BD-rate %v (ok %v), want %v", f, got, ok, f-1)
		}
	}
	// A point that costs more for no better quality is not on the curve a player follows.
	worse := append(scaled(0.8), point{6e6, 0.94})
	if got, _ := bdRate(a, worse); math.Abs(got+0.2) > 1e-9 {
		t.Fatalf("dominated point changed the BD-rate: %v", got)
	}
	if _, ok := bdRate(a, []point{{1e6, 0.995}, {2e6, 0.999}}); ok {
		t.Fatal("curves without common quality have no BD-rate")
	}
}
