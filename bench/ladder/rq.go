package main

// The rate–quality comparison (-rq): the per-title ladder against the fixed one on four kinds of generated
// content. For each kind and ladder it runs the whole transcoder.Transcode, then measures every published
// rung's video bitrate (from its segments) and its SSIM twice: at the rung's own size against a Lanczos
// downscale of the source (how good the rung is), and stretched back to the source's size with bicubic
// scaling against the source itself (what a viewer sees full screen). The second puts every rung of both
// ladders on one rate–quality curve, from which the BD-rate comes: how many more or fewer bits the
// per-title ladder spends than the fixed one for the same SSIM, on average over the qualities both reach.

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/marquee-org/marquee/transcoder"
)

// A kind of content, generated at 1080p30 by ffmpeg's lavfi sources.
type kind struct {
	name, what string
	// args are ffmpeg's input and filter arguments; still is a detailed picture and text a file of lines
	// of code, both in the cache directory.
	args func(still, text string, seconds int) []string
}

const monoFont = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

func kindList() []kind {
	d := func(seconds int) string { return fmt.Sprint(seconds) }
	return []kind{
		{"flat", "flat colours: three shapes moving over a plain background, as in simple animation",
			func(_, _ string, s int) []string {
				return []string{
					"-f", "lavfi", "-i", "color=c=0x2a6fb0:s=1920x1080:r=30:d=" + d(s),
					"-f", "lavfi", "-i", "color=c=0xf2c12e:s=420x300:r=30",
					"-f", "lavfi", "-i", "color=c=0xd94a3a:s=260x260:r=30",
					"-f", "lavfi", "-i", "color=c=0x3fae5a:s=1920x220:r=30",
					"-filter_complex", "[0][3]overlay=0:860[b];" +
						"[b][1]overlay=x='800+600*sin(t*0.9)':y='250+120*sin(t*1.7)':shortest=1[c];" +
						"[c][2]overlay=x='mod(t*260,1660)':y='520+80*cos(t*2.1)':shortest=1,format=yuv420p",
				}
			}},
		{"head", "low motion: a detailed still background, slowly drifting, with a small moving picture in the middle, as in a talking head",
			func(still, _ string, s int) []string {
				return []string{
					"-loop", "1", "-framerate", "30", "-t", d(s), "-i", still,
					"-f", "lavfi", "-i", "testsrc2=s=480x600:r=30",
					"-filter_complex", "[0]scale=2112:1188,crop=1920:1080:x='96+40*sin(t*0.3)':y='54+20*cos(t*0.25)'[b];" +
						"[1]gblur=sigma=1.5[h];[b][h]overlay=x='720+12*sin(t*1.3)':y=300:shortest=1,format=yuv420p",
				}
			}},
		{"grain", "high motion with film grain: the detailed still panning fast under strong temporal noise",
			func(still, _ string, s int) []string {
				return []string{
					"-loop", "1", "-framerate", "30", "-t", d(s), "-i", still,
					"-vf", "scroll=h=0.011:v=0.004,noise=alls=16:allf=t+u,format=yuv420p",
				}
			}},
		{"screen", "screen content: a page of code scrolling slowly, with a counter changing in red",
			func(_, text string, s int) []string {
				return []string{
					"-f", "lavfi", "-i", "color=c=white:s=1920x1080:r=30:d=" + d(s),
					"-vf", "drawtext=fontfile=" + monoFont + ":textfile=" + text + ":fontsize=26:fontcolor=0x202020:x=60:y='40-t*45':line_spacing=8," +
						"drawtext=fontfile=" + monoFont + ":text='build %{eif\\:t*7\\:d} of 60':fontsize=40:fontcolor=0xc03030:x=1400:y=60,format=yuv420p",
				}
			}},
	}
}

func kindNames() []string {
	var names []string
	for _, k := range kindList() {
		names = append(names, k.name)
	}
	return names
}

// kindSource generates (once) the source of kind k: near-lossless x264, so that the ladders' own losses
// are what SSIM measures.
func kindSource(ctx context.Context, ffmpeg, cacheDir string, k kind, seconds int) (string, error) {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	file := filepath.Join(cacheDir, fmt.Sprintf("rq-%s-1080p30-%ds.mkv", k.name, seconds))
	if _, err := os.Stat(file); err == nil {
		return file, nil
	}
	if _, err := os.Stat(monoFont); err != nil {
		return "", fmt.Errorf("the screen content needs the DejaVu fonts (Debian's fonts-dejavu-core): %w", err)
	}
	still := filepath.Join(cacheDir, "rq-still.png")
	if _, err := os.Stat(still); err != nil {
		err := runQuiet(ctx, ffmpeg, "-f", "lavfi", "-i",
			"mandelbrot=s=1920x1080:start_scale=0.6:start_x=-0.743643887037151:start_y=0.131825904205330:maxiter=400",
			"-frames:v", "1", still)
		if err != nil {
			return "", err
		}
	}
	text := filepath.Join(cacheDir, "rq-code.txt")
	if err := os.WriteFile(text, []byte(codeText()), 0o644); err != nil {
		return "", err
	}
	log.Printf("generating %s…", file)
	tmp := file + ".tmp.mkv"
	args := append(k.args(still, text, seconds), "-t", fmt.Sprint(seconds), "-an",
		"-c:v", "libx264", "-preset", "ultrafast", "-crf", "4", tmp)
	if err := runQuiet(ctx, ffmpeg, args...); err != nil {
		return "", err
	}
	return file, os.Rename(tmp, file)
}

// codeText is 160 numbered lines of Go-like words, the same every time.
func codeText() string {
	r := rand.New(rand.NewPCG(7, 7))
	words := strings.Fields("func return if else for range err nil struct type package import var const map string int bool go defer select case")
	var b strings.Builder
	for i := range 160 {
		fmt.Fprintf(&b, "%4d  %s", i+1, strings.Repeat("    ", r.IntN(4)))
		for j := range 2 + r.IntN(8) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
			if r.Float64() < 0.2 {
				b.WriteString("()")
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func runQuiet(ctx context.Context, ffmpeg string, args ...string) error {
	args = append([]string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error"}, args...)
	if out, err := exec.CommandContext(ctx, ffmpeg, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg %s: %w: %s", strings.Join(args, " "), err, lastLines(string(out), 5))
	}
	return nil
}

// rqRung is one rung as measured: its video bitrate and its SSIM at its own size and at the source's.
type rqRung struct {
	transcoder.LadderRung
	own, display float64
}

type rqLadder struct {
	rungs []rqRung
	walls []time.Duration
}

func (l rqLadder) curve() []point {
	var ps []point
	for _, r := range l.rungs {
		if r.Dropped == "" {
			ps = append(ps, point{rate: float64(r.AverageBandwidth), q: r.display})
		}
	}
	return ps
}

func (l rqLadder) wall() time.Duration { return median(l.walls) }

func rateQuality(ctx context.Context, ffmpeg, cacheDir string, seconds, runs int, names []string, av1 bool) error {
	heights := []int{240, 360, 720, 1080}
	fmt.Printf("rate and quality of the per-title ladder against the fixed ladder: %d s of 1080p30 per kind, rungs %v, %d CPUs\n",
		seconds, heights, runtimeCPUs())
	var bds []float64
	var worst struct {
		delta float64
		where string
	}
	var fixedWall, perTitleWall, av1Wall time.Duration
	for _, name := range names {
		i := slices.IndexFunc(kindList(), func(k kind) bool { return k.name == name })
		if i < 0 {
			return fmt.Errorf("no kind of content %q (one of %v)", name, kindNames())
		}
		k := kindList()[i]
		src, err := kindSource(ctx, ffmpeg, cacheDir, k, seconds)
		if err != nil {
			return err
		}
		ladders := map[string]*rqLadder{transcoder.LadderFixed: {}, transcoder.LadderPerTitle: {}}
		// The two ladders alternate, so that other work on the machine weighs on both alike.
		for run := range runs {
			for _, method := range []string{transcoder.LadderFixed, transcoder.LadderPerTitle} {
				if err := ladders[method].encode(ctx, ffmpeg, src, method, heights, run == 0); err != nil {
					return fmt.Errorf("%s, %s: %w", k.name, method, err)
				}
			}
		}
		fixed, perTitle := ladders[transcoder.LadderFixed], ladders[transcoder.LadderPerTitle]
		fixedWall += fixed.wall()
		perTitleWall += perTitle.wall()
		fmt.Printf("\n%s — %s\n", k.name, k.what)
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "rung\tfixed kb/s\tSSIM\tfull-screen\tper-title kb/s\tCRF\tSSIM\tfull-screen\tΔSSIM\t")
		for j, f := range fixed.rungs {
			p := perTitle.rungs[j]
			delta := p.own - f.own
			kept := fmt.Sprintf("%d\t%g\t%.4f\t%.4f", kb(p.AverageBandwidth), p.CRF, p.own, p.display)
			if p.Dropped != "" {
				// Players are offered the next rung up instead, at about the same rate: compare full screen.
				up := perTitle.rungs[slices.IndexFunc(perTitle.rungs[j:], func(r rqRung) bool { return r.Dropped == "" })+j]
				delta = up.display - f.display
				kept = fmt.Sprintf("dropped\t\t-\t(%s) %.4f", up.Name, up.display)
			}
			if delta < worst.delta || worst.where == "" {
				worst.delta, worst.where = delta, k.name+" "+f.Name
			}
			fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%s\t%+.4f\t\n", f.Name, kb(f.AverageBandwidth), f.own, f.display, kept, delta)
		}
		_ = tw.Flush()
		bd, ok := bdRate(fixed.curve(), perTitle.curve())
		if !ok {
			return fmt.Errorf("%s: the two ladders' full-screen SSIM ranges do not overlap", k.name)
		}
		bds = append(bds, bd)
		fmt.Printf("  BD-rate per-title vs fixed (full-screen SSIM): %+.1f %%; whole transcode %.1f s vs %.1f s (%.2f×)\n",
			100*bd, perTitle.wall().Seconds(), fixed.wall().Seconds(), perTitle.wall().Seconds()/fixed.wall().Seconds())
		if av1 {
			a, err := av1Ladder(ctx, ffmpeg, src, seconds, perTitle.rungs)
			if err != nil {
				return fmt.Errorf("%s, AV1: %w", k.name, err)
			}
			av1Wall += a.wall()
			if bd, ok := bdRate(perTitle.curve(), a.curve()); ok {
				fmt.Printf("  SVT-AV1 ladder: BD-rate vs per-title H.264 %+.1f %%; encode %.1f s, H.264 and AV1 together %.2f× H.264 alone\n",
					100*bd, a.wall().Seconds(), (perTitle.wall()+a.wall()).Seconds()/perTitle.wall().Seconds())
			}
		}
	}
	var mean float64
	for _, bd := range bds {
		mean += bd / float64(len(bds))
	}
	fmt.Printf("\nover %d kinds: BD-rate %+.1f %% (target ≤ -15 %%); worst rung ΔSSIM %+.4f, %s (target ≥ -0.005); whole transcode per-title / fixed %.2f× (target ≤ 1.15)\n",
		len(bds), 100*mean, worst.delta, worst.where, perTitleWall.Seconds()/fixedWall.Seconds())
	if av1 {
		fmt.Printf("an SVT-AV1 family beside H.264: %.2f× the H.264 per-title transcode's wall time\n",
			(perTitleWall+av1Wall).Seconds()/perTitleWall.Seconds())
	}
	return nil
}

func kb(bps int) int { return (bps + 500) / 1000 }

// encode runs one whole transcode of src with the given method, timing it, and on the first run measures
// every rung.
func (l *rqLadder) encode(ctx context.Context, ffmpeg, src, method string, heights []int, measure bool) error {
	dir, err := os.MkdirTemp("", "rq-"+method+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	res, err := transcoder.Transcode(ctx, transcoder.Options{Heights: heights, Ladder: method}, src, dir, nil)
	if err != nil {
		return err
	}
	l.walls = append(l.walls, time.Since(start))
	if !measure {
		return nil
	}
	full := fmt.Sprintf(",scale=%d:%d:flags=bicubic", res.Source.Width, res.Source.Height)
	for _, r := range res.Ladder.Rungs {
		m := rqRung{LadderRung: r}
		if r.Dropped == "" {
			joined, err := join(filepath.Join(dir, r.Name))
			if err != nil {
				return err
			}
			m.own, m.display, err = measureRung(ctx, ffmpeg, joined, src, r.Rung, full)
			_ = os.Remove(joined)
			if err != nil {
				return err
			}
		}
		l.rungs = append(l.rungs, m)
	}
	return nil
}

// measureRung returns the SSIM of the rung in file at its own size and stretched to full screen.
func measureRung(ctx context.Context, ffmpeg, file, src string, r transcoder.Rung, full string) (own, display float64, err error) {
	rate := transcoder.Rational{Num: 30, Den: 1}
	if own, err = ssimOf(ctx, ffmpeg, file, src, rate, "", fmt.Sprintf(",scale=%d:%d:flags=lanczos", r.Width, r.Height)); err != nil {
		return 0, 0, err
	}
	display, err = ssimOf(ctx, ffmpeg, file, src, rate, full, "")
	return own, display, err
}

// av1Ladder encodes the per-title ladder's rungs with SVT-AV1 (preset 10, CRF 35, the same keyframe
// interval) in one ffmpeg, the source decoded once and each rung scaled from it, and measures each rung as
// encode does.
func av1Ladder(ctx context.Context, ffmpeg, src string, seconds int, rungs []rqRung) (*rqLadder, error) {
	dir, err := os.MkdirTemp("", "rq-av1-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	graph := fmt.Sprintf("[0:v]split=%d", len(rungs))
	for i := range rungs {
		graph += fmt.Sprintf("[s%d]", i)
	}
	outs := []string{}
	args := []string{"-i", src}
	for i, r := range rungs {
		graph += fmt.Sprintf(";[s%d]scale=%d:%d[v%d]", i, r.Width, r.Height, i)
		outs = append(outs, filepath.Join(dir, r.Name+".mp4"))
		args = append(args, "-map", fmt.Sprintf("[v%d]", i), "-c:v", "libsvtav1", "-preset", "10", "-crf", "35", "-g", "60", outs[i])
	}
	args = slices.Insert(args, 2, "-filter_complex", graph)
	start := time.Now()
	if err := runQuiet(ctx, ffmpeg, args...); err != nil {
		return nil, err
	}
	l := &rqLadder{walls: []time.Duration{time.Since(start)}}
	for i, r := range rungs {
		st, err := os.Stat(outs[i])
		if err != nil {
			return nil, err
		}
		m := rqRung{LadderRung: transcoder.LadderRung{Rung: r.Rung, AverageBandwidth: int(st.Size() * 8 / int64(seconds))}}
		if m.own, m.display, err = measureRung(ctx, ffmpeg, outs[i], src, r.Rung, ",scale=1920:1080:flags=bicubic"); err != nil {
			return nil, err
		}
		l.rungs = append(l.rungs, m)
	}
	return l, nil
}
