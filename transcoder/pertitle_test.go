package transcoder

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The per-title ladder spends fewer bits than the fixed one on a soft, flat picture, no more than the fixed
// ladder's rate on noise, and the player is offered rungs whose bitrates still rise.
func TestPerTitleLadderFollowsThePicture(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := Options{Heights: []int{144, 240, 360}, SegmentSeconds: 2, GOPSeconds: 1}
	encode := func(input, method string) *Result {
		out := filepath.Join(dir, filepath.Base(input)+"-"+method)
		require.NoError(t, os.Mkdir(out, 0o755))
		o := o
		o.Ladder = method
		res, err := Transcode(context.Background(), o, input, out, nil)
		require.NoError(t, err)
		require.Equal(t, method, res.Ladder.Method)
		require.Len(t, res.Ladder.Rungs, 3)
		variants := parseMaster(t, filepath.Join(out, masterName))
		require.Len(t, variants, len(res.Renditions))
		require.Equal(t, "360p", res.Renditions[len(res.Renditions)-1].Name, "the top rung always stays")
		for i := 1; i < len(res.Renditions); i++ {
			lo, hi := res.Renditions[i-1], res.Renditions[i]
			require.Greater(t, hi.Height, lo.Height)
			require.Greater(t, hi.AverageBandwidth, lo.AverageBandwidth)
			require.Greater(t, hi.Bandwidth, lo.Bandwidth)
		}
		return res
	}
	total := func(res *Result) (bits int) {
		for _, r := range res.Ladder.Rungs {
			bits += r.AverageBandwidth
		}
		return bits
	}

	// testsrc2's moving pattern, blurred and dimmed into soft flat colours.
	flat := makeClip(t, dir, "flat.mp4", clip{width: 640, height: 360, filters: "gblur=sigma=6,eq=contrast=0.4"})
	fixed, perTitle := encode(flat, LadderFixed), encode(flat, LadderPerTitle)
	for i, f := range fixed.Ladder.Rungs {
		p := perTitle.Ladder.Rungs[i]
		require.Equal(t, f.Name, p.Name)
		require.Zero(t, f.CRF)
		require.Positive(t, p.CRF)
	}
	require.Less(t, float64(total(perTitle)), 0.95*float64(total(fixed)), "the flat picture needs fewer bits than the curve gives it")

	// Noise needs more than the fixed ladder gives: it gets what the fixed ladder gives.
	noise := makeClip(t, dir, "noise.mp4", clip{width: 640, height: 360, filters: "noise=alls=30:allf=t+u"})
	for _, r := range encode(noise, LadderPerTitle).Ladder.Rungs {
		require.Greater(t, r.Estimate, r.Curve, "rung %s", r.Name)
		require.Equal(t, r.Curve, r.Bitrate, "rung %s", r.Name)
	}
}

func TestProbeWindows(t *testing.T) {
	t.Parallel()
	require.Equal(t, [][2]float64{{0, 3}}, probeWindows(3), "short sources are probed whole")
	for _, d := range []float64{13, 60, 600, 7200} {
		wins := probeWindows(d)
		require.GreaterOrEqual(t, len(wins), 3)
		require.LessOrEqual(t, len(wins), maxProbeWins)
		var total float64
		for i, w := range wins {
			require.GreaterOrEqual(t, w[0], 0.0)
			require.LessOrEqual(t, w[0]+w[1], d)
			if i > 0 {
				require.Greater(t, w[0], wins[i-1][0]+wins[i-1][1], "windows do not overlap")
			}
			total += w[1]
		}
		require.LessOrEqual(t, total, math.Max(3*probeWindow, probeShare*d+probeWindow), "%g s sampled of %g s", total, d)
	}
}

func TestPerTitleRates(t *testing.T) {
	t.Parallel()
	p := PlanLadder(Source{Width: 1920, Height: 1080, FrameRate: 30, Duration: 60}, Options{Heights: []int{240, 360, 720, 1080}})
	require.Equal(t, []int{0, 2}, probeRungs(p), "the smallest rung and 720p")
	// 240p needs 100 kb/s, 720p 900 kb/s: bits grow as pixels^1 here (nine times the pixels).
	got := perTitleRates(p, map[int]float64{0: 100_000, 2: 900_000})
	want := []int{100_000, 225_000, 900_000, 2_025_000}
	for i, r := range got.Rungs {
		require.InDelta(t, want[i], r.Estimate, 2_000, r.Name)
		require.Equal(t, min(r.Estimate, r.Curve), r.Bitrate, r.Name)
		require.Equal(t, r.Bitrate*3/2, r.MaxRate)
		require.Equal(t, r.Bitrate*2, r.BufSize)
		require.Equal(t, p.Rungs[i].Curve, r.Curve, "the fixed ladder's rate is kept")
	}
	require.Equal(t, 408_000, p.Rungs[0].Bitrate, "the plan given is not changed")
	// A picture that needs more than the curve everywhere gets the curve.
	for _, r := range perTitleRates(p, map[int]float64{0: 5e6, 2: 50e6}).Rungs {
		require.Equal(t, r.Curve, r.Bitrate)
	}
	// Above the probed rungs, bits grow at least as the square root of the pixels.
	flat := perTitleRates(p, map[int]float64{0: 100_000, 2: 100_000})
	require.InDelta(t, 100_000, flat.Rungs[1].Estimate, 1_000)
	require.InDelta(t, 150_000, flat.Rungs[3].Estimate, 1_000)
}

func TestChosenLadderDropsRungsNoCheaperThanTheOneAbove(t *testing.T) {
	t.Parallel()
	plan := func(method string) Plan {
		p := Plan{Method: method}
		for _, name := range []string{"240p", "360p", "480p", "720p", "1080p"} {
			p.Rungs = append(p.Rungs, Rung{Name: name})
		}
		return p
	}
	measured := func(pairs ...int) []Rendition { // average, peak for each rung
		var rs []Rendition
		for i := 0; i < len(pairs); i += 2 {
			rs = append(rs, Rendition{AverageBandwidth: pairs[i], Bandwidth: pairs[i+1]})
		}
		return rs
	}
	published := func(l Ladder) []string {
		var names []string
		for _, r := range l.Rungs {
			if r.Dropped == "" {
				names = append(names, r.Name)
			}
		}
		return names
	}
	tests := []struct {
		name string
		rs   []Rendition
		want []string
	}{
		{"bits rise: every rung stays", measured(100, 150, 200, 300, 400, 600, 800, 1200, 1600, 2400),
			[]string{"240p", "360p", "480p", "720p", "1080p"}},
		{"a larger rung that costs less", measured(60, 90, 70, 100, 160, 240, 90, 140, 84, 130),
			[]string{"240p", "360p", "1080p"}},
		{"within a tenth", measured(100, 150, 105, 160, 400, 600, 800, 1200, 1600, 2400),
			[]string{"360p", "480p", "720p", "1080p"}},
		{"a peak no higher", measured(100, 300, 200, 300, 400, 600, 800, 1200, 1600, 2400),
			[]string{"360p", "480p", "720p", "1080p"}},
		{"everything costs the same: the top stays", measured(100, 100, 100, 100, 100, 100, 100, 100, 100, 100),
			[]string{"1080p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := chosenLadder(plan(LadderPerTitle), tt.rs)
			require.Equal(t, tt.want, published(l))
			for _, r := range l.Rungs {
				if r.Dropped != "" {
					require.Contains(t, r.Dropped, "costs about as much")
				}
			}
			// The fixed ladder publishes what it planned, as it always has.
			require.Len(t, published(chosenLadder(plan(LadderFixed), tt.rs)), 5)
		})
	}
}
