package transcoder

import (
	"context"
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

	noise := makeClip(t, dir, "noise.mp4", clip{width: 640, height: 360, filters: "noise=alls=30:allf=t+u"})
	for _, r := range encode(noise, LadderPerTitle).Ladder.Rungs {
		require.LessOrEqual(t, float64(r.AverageBandwidth), 1.05*float64(r.MaxRate), "rung %s wants more than the cap", r.Name)
	}
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
