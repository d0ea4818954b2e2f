package transcoder

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The complexity probe of the per-title ladder: before the ladder, a short ffmpeg encodes windows sampled
// across the source at a constant quality, at two of the ladder's sizes, and what that costs in bits per
// second tells each rung how much it needs.
const (
	probeWindow   = 2.0  // seconds per sampled window: one keyframe interval, as in the ladder
	probeShare    = 0.2  // of the source's duration sampled, at most maxProbeWins windows
	maxProbeWins  = 30   // a two-hour film is sampled one minute, thirty times
	wholeProbeMax = 12.0 // sources this short are probed whole
	// The probe sizes: the smallest rung and the largest no taller than this, which cost a fraction of the
	// full-size rung to encode. The rungs above are extrapolated.
	probeTopPixels = 1280 * 720
)

// probeRungs returns the indexes of the rungs the probe encodes: the lowest, and the largest within
// probeTopPixels when it is another one.
func probeRungs(p Plan) []int {
	top := 0
	for i, r := range p.Rungs {
		if r.Width*r.Height <= probeTopPixels {
			top = i
		}
	}
	if top == 0 {
		return []int{0}
	}
	return []int{0, top}
}

// probeWindows spreads the sampled windows evenly over a source of d seconds: start and length of each.
func probeWindows(d float64) [][2]float64 {
	if d <= wholeProbeMax {
		return [][2]float64{{0, d}}
	}
	n := max(3, min(maxProbeWins, int(math.Round(probeShare*d/probeWindow))))
	out := make([][2]float64, n)
	for i := range out {
		out[i] = [2]float64{(float64(i)+0.5)*d/float64(n) - probeWindow/2, probeWindow}
	}
	return out
}

// complexityArgs is the probe's ffmpeg command line: each window read with its own input seek, the windows
// joined, converted to the plan's frame rate, scaled to each probe rung and encoded as that rung's H.264
// at its constant quality into dir/probe<i>.h264.
func complexityArgs(p Plan, input, dir string, wins [][2]float64, rungs []int) []string {
	args := []string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats"}
	if p.Threads > 0 {
		args = append(args, "-filter_complex_threads", strconv.Itoa(p.Threads))
	}
	var b strings.Builder
	for i, w := range wins {
		args = append(args, "-ss", strconv.FormatFloat(w[0], 'f', 3, 64), "-t", strconv.FormatFloat(w[1], 'f', 3, 64))
		args = append(args, inputArgs(p.Source.Container, input)...)
		fmt.Fprintf(&b, "[%d:%d]", i, p.Source.VideoStream)
	}
	fmt.Fprintf(&b, "concat=n=%d:v=1:a=0,", len(wins))
	if p.Source.Interlaced {
		b.WriteString("bwdif=mode=send_frame:deint=interlaced,")
	}
	fmt.Fprintf(&b, "fps=%s,format=yuv420p,split=%d", p.FrameRate, len(rungs))
	for _, i := range rungs {
		fmt.Fprintf(&b, "[s%d]", i)
	}
	for _, i := range rungs {
		r := p.Rungs[i]
		fmt.Fprintf(&b, ";[s%d]scale=%d:%d,setsar=1[p%d]", i, r.Width, r.Height, i)
	}
	args = append(args, "-filter_complex", b.String())
	gop := strconv.Itoa(p.GOPFrames)
	for _, i := range rungs {
		args = append(args, "-map", fmt.Sprintf("[p%d]", i), "-c:v", "libx264", "-preset", p.Preset,
			"-profile:v", "high", "-crf", strconv.FormatFloat(p.Rungs[i].CRF, 'f', -1, 64),
			"-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-f", "h264", filepath.Join(dir, fmt.Sprintf("probe%d.h264", i)))
	}
	return args
}

// probeComplexity runs the probe in a scratch directory inside dir and returns the plan with each rung's
// bitrate chosen (see perTitleRates).
func probeComplexity(ctx context.Context, o Options, p Plan, input, dir string) (Plan, error) {
	scratch, err := os.MkdirTemp(dir, ".probe-")
	if err != nil {
		return p, err
	}
	defer os.RemoveAll(scratch)
	wins := probeWindows(p.Source.Duration)
	rungs := probeRungs(p)
	stderr, err := runFFmpeg(ctx, o.FFmpeg, complexityArgs(p, input, scratch, wins, rungs), nil)
	if err != nil {
		return p, runFailure(ctx, "ffmpeg (complexity probe)", err, stderr, false)
	}
	var sampled float64
	for _, w := range wins {
		sampled += w[1]
	}
	sampled = math.Min(sampled, p.Source.Duration)
	rates := map[int]float64{}
	for _, i := range rungs {
		fi, err := os.Stat(filepath.Join(scratch, fmt.Sprintf("probe%d.h264", i)))
		if err != nil {
			return p, fmt.Errorf("complexity probe: %w", err)
		}
		if fi.Size() == 0 || sampled <= 0 {
			return p, reject("no video frames could be decoded from the file")
		}
		rates[i] = float64(fi.Size()*8) / sampled
	}
	return perTitleRates(p, rates), nil
}

// perTitleRates sets each rung's bitrate to what the probe says its picture needs at the rung's
// constant quality, never more than the fixed ladder's rate (Rung.Curve): the probed rungs take their
// measured rate, the rungs between them a rate on the log–log line of rate against pixels through them,
// and the rungs above that line's slope kept between 0.5 and 1 (with one probed rung, the bits-per-pixel
// curve's own slope). The peak and buffer keep the fixed ladder's proportions.
func perTitleRates(p Plan, rates map[int]float64) Plan {
	p.Rungs = append([]Rung(nil), p.Rungs...)
	px := func(i int) float64 { return float64(p.Rungs[i].Width * p.Rungs[i].Height) }
	lo, hi := 0, 0
	for i := range rates {
		if i > hi {
			hi = i
		}
	}
	// Between the probed rungs the line through them; above, the same slope kept within 0.5 and 1.
	between, above := 0.0, 1-bppExponent
	if hi != lo && px(hi) > px(lo) {
		between = math.Log(rates[hi]/rates[lo]) / math.Log(px(hi)/px(lo))
		above = math.Max(0.5, math.Min(1, between))
	}
	for i := range p.Rungs {
		r := &p.Rungs[i]
		est, ok := rates[i]
		switch {
		case ok:
		case i < hi:
			est = rates[lo] * math.Pow(px(i)/px(lo), between)
		default:
			est = rates[hi] * math.Pow(px(i)/px(hi), above)
		}
		r.Estimate = max(16, int(math.Round(est/1000))) * 1000
		b := min(r.Curve, r.Estimate)
		r.Bitrate, r.MaxRate, r.BufSize = b, b*3/2, b*2
	}
	return p
}
