// Command ladder compares the transcoder's one-process HLS ladder with two baselines on the same source:
//
//	(a)  ffmpeg with transcoder.Args — the ladder command Transcode runs (plus its thumbnail branch);
//	(a+) the whole transcoder.Transcode: probe, ladder, init-segment inspection, poster, playlists;
//	(b)  the plain one-pass command a person would write for the same rungs: split the full-size decode and
//	     scale every rung from it, default threads, identical encoder settings;
//	(c)  one ffmpeg per rung, one after another;
//	(a+2) the whole transcoder.Transcode on the same video with a second audio track and two subtitle streams
//	     (SubRip and ASS), with the subtitles extracted afterwards as the worker does, against (a+).
//
// For each it prints wall and CPU seconds (user+sys of the ffmpeg processes), the ratio to (b), and the SSIM
// of the 1080p rung against the source (and of the 360p rung against a Lanczos downscale of the source, since
// cascaded scaling only changes the smaller rungs).
//
//	go run ./bench/ladder                 # 30 s 1080p30 source, cached
//	go run ./bench/ladder -seconds 10     # quicker
//	go run ./bench/ladder -explore        # also try variants of (b): cascade, scaler flags, threads
//	go run ./bench/ladder -rq -runs 2     # per-title against fixed ladder: BD-rate, SSIM per rung, time (rq.go)
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/marquee-org/marquee/transcoder"
)

func main() {
	seconds := flag.Int("seconds", 30, "length of the generated 1080p30 source")
	runs := flag.Int("runs", 1, "how many times to run the whole comparison")
	cacheDir := flag.String("cache", defaultCache(), "where the generated source is kept between runs")
	explore := flag.Bool("explore", false, "also run exploratory variants of the plain command")
	filters := flag.Bool("filters", false, "also time decode+scale alone (no encoding), split vs cascade, which is what cascading changes")
	only := flag.String("only", "", "comma-separated variant names to run (default: all)")
	keep := flag.Bool("keep", false, "keep the encoded outputs and print where")
	tracks := flag.Bool("tracks", true, "also run (a+2): the whole transcode of a source with two audio tracks and two subtitle streams")
	rq := flag.Bool("rq", false, "instead: compare the per-title ladder's rate and quality with the fixed ladder's on four kinds of content")
	rqSeconds := flag.Int("rq-seconds", 8, "with -rq: length of each generated 1080p30 source")
	kinds := flag.String("kinds", strings.Join(kindNames(), ","), "with -rq: the kinds of content to compare")
	av1 := flag.Bool("av1", false, "with -rq: also encode each ladder with SVT-AV1 and compare it with the per-title H.264 ladder")
	flag.Parse()
	log.SetFlags(0)

	ctx := context.Background()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		log.Fatal("ffmpeg not found in PATH")
	}
	src, err := source(ctx, ffmpeg, *cacheDir, *seconds)
	if err != nil {
		log.Fatal(err)
	}
	if *rq {
		if err := rateQuality(ctx, ffmpeg, *cacheDir, *rqSeconds, *runs, strings.Split(*kinds, ","), *av1); err != nil {
			log.Fatal(err)
		}
		return
	}
	// The fixed ladder, which the hand-written commands below reproduce.
	o := transcoder.Options{Heights: []int{240, 360, 720, 1080}, Ladder: transcoder.LadderFixed}
	probed, err := transcoder.Probe(ctx, o, src)
	if err != nil {
		log.Fatal(err)
	}
	plan := transcoder.PlanLadder(*probed, o)

	variants := []variant{
		{name: "a", what: "transcoder.Args (ladder + thumbnails, one ffmpeg)", cmds: func(dir string) [][]string {
			return [][]string{transcoder.Args(plan, src, dir)}
		}},
		{name: "a+", what: "transcoder.Transcode (whole job)", full: true},
		{name: "a+2", what: "(a+) with 2 audio tracks and 2 subtitle streams, subtitles extracted", full: true, extract: true},
		{name: "b", what: "plain one-pass: split, scale each rung from full size", baseline: true, cmds: func(dir string) [][]string {
			return [][]string{plain(plan, src, dir, plainOpts{})}
		}},
		{name: "c", what: "one ffmpeg per rung, sequential", cmds: func(dir string) [][]string {
			var cmds [][]string
			for _, r := range plan.Rungs {
				cmds = append(cmds, single(plan, src, dir, r))
			}
			return cmds
		}},
	}
	if *tracks {
		multi, err := tracksSource(ctx, ffmpeg, src, *seconds)
		if err != nil {
			log.Fatal(err)
		}
		variants[2].src = multi
	} else {
		variants = slices.Delete(variants, 2, 3)
	}
	if *explore {
		for _, e := range []struct {
			name, what string
			po         plainOpts
		}{
			{"b-cascade", "(b) with cascaded scaling", plainOpts{cascade: true}},
			{"b-bilinear", "(b) with flags=bilinear", plainOpts{flags: "bilinear"}},
			{"b-cascade-bilinear", "(b) cascade + bilinear", plainOpts{cascade: true, flags: "bilinear"}},
			{"b-cascade-area", "(b) cascade + area", plainOpts{cascade: true, flags: "area"}},
			{"b-x264t2", "(b) with x264 -threads 2 per rung", plainOpts{threads: 2}},
			{"b-x264t1", "(b) with x264 -threads 1 per rung", plainOpts{threads: 1}},
			{"b-cascade-x264t2", "(b) cascade + x264 -threads 2", plainOpts{cascade: true, threads: 2}},
			{"b-fct1", "(b) with -filter_complex_threads 1", plainOpts{fcThreads: 1}},
			{"b-cascade-fct1", "(b) cascade + -filter_complex_threads 1", plainOpts{cascade: true, fcThreads: 1}},
		} {
			variants = append(variants, variant{name: e.name, what: e.what, cmds: func(dir string) [][]string {
				return [][]string{plain(plan, src, dir, e.po)}
			}})
		}
	}
	if *filters {
		for _, e := range []struct {
			name, what string
			po         plainOpts
		}{
			{"f-split", "decode + scale every rung from full size, no encoding", plainOpts{}},
			{"f-cascade", "decode + cascaded scale, no encoding", plainOpts{cascade: true}},
		} {
			variants = append(variants, variant{name: e.name, what: e.what, noSSIM: true, cmds: func(dir string) [][]string {
				return [][]string{scaleOnly(plan, src, e.po)}
			}})
		}
	}
	if *only != "" {
		want := strings.Split(*only, ",")
		variants = slices.DeleteFunc(variants, func(v variant) bool { return !slices.Contains(want, v.name) && !v.baseline })
	}

	fmt.Printf("source: %s (%dx%d, %.0f fps, %.1f s, %.1f Mb/s); %d CPUs\n", src, probed.Width, probed.Height,
		probed.FrameRate, probed.Duration, float64(probed.BitRate)/1e6, runtimeCPUs())
	for _, r := range plan.Rungs {
		fmt.Printf("  rung %-6s %4dx%-4d %5.2f Mb/s\n", r.Name, r.Width, r.Height, float64(r.Bitrate)/1e6)
	}
	// Variants run interleaved, one of each per round, so that load from other work on the machine spreads
	// over all of them; SSIM is measured in the first round only (x264 output is deterministic).
	all := make([][]result, len(variants))
	for run := 1; run <= *runs; run++ {
		work, err := os.MkdirTemp("", "ladder-bench-")
		if err != nil {
			log.Fatal(err)
		}
		var results []result
		for i, v := range variants {
			dir := filepath.Join(work, v.name)
			res, err := v.run(ctx, ffmpeg, o, plan, src, dir)
			if err != nil {
				log.Fatalf("%s: %v", v.name, err)
			}
			switch {
			case v.noSSIM:
			case run == 1:
				if res.ssim1080, err = ssim(ctx, ffmpeg, filepath.Join(dir, "1080p"), src, "", plan.FrameRate); err != nil {
					log.Fatalf("%s: ssim: %v", v.name, err)
				}
				if res.ssim360, err = ssim(ctx, ffmpeg, filepath.Join(dir, "360p"), src, "640:360", plan.FrameRate); err != nil {
					log.Fatalf("%s: ssim: %v", v.name, err)
				}
			default:
				res.ssim1080, res.ssim360 = all[i][0].ssim1080, all[i][0].ssim360
			}
			all[i] = append(all[i], res)
			results = append(results, res)
		}
		printTable(fmt.Sprintf("run %d", run), variants, results)
		printTracks(variants, results)
		if *keep {
			fmt.Println("outputs kept in", work)
		} else {
			_ = os.RemoveAll(work)
		}
	}
	if *runs > 1 {
		medians, mins := make([]result, len(variants)), make([]result, len(variants))
		for i := range variants {
			medians[i], mins[i] = summarize(all[i])
		}
		printTable(fmt.Sprintf("median of %d runs", *runs), variants, medians)
		printTracks(variants, medians)
		// The least-disturbed run is the best estimate of the cost itself on a shared machine.
		printTable(fmt.Sprintf("minimum of %d runs", *runs), variants, mins)
		printTracks(variants, mins)
	}
	fmt.Println()
	for _, v := range variants {
		fmt.Printf("  %-20s %s\n", v.name, v.what)
	}
}

// summarize returns the medians and the minimums of wall and CPU time, each taken separately.
func summarize(rs []result) (med, least result) {
	walls, cpus := make([]time.Duration, len(rs)), make([]time.Duration, len(rs))
	for i, r := range rs {
		walls[i], cpus[i] = r.wall, r.cpu
	}
	med = result{wall: median(walls), cpu: median(cpus), ssim1080: rs[0].ssim1080, ssim360: rs[0].ssim360}
	least = result{wall: slices.Min(walls), cpu: slices.Min(cpus), ssim1080: rs[0].ssim1080, ssim360: rs[0].ssim360}
	return med, least
}

func median(d []time.Duration) time.Duration {
	d = slices.Sorted(slices.Values(d))
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}

type variant struct {
	name, what string
	baseline   bool
	noSSIM     bool                        // produces no renditions
	full       bool                        // run transcoder.Transcode
	src        string                      // a source of its own instead of the common one
	extract    bool                        // extract the text subtitle streams after the transcode
	cmds       func(dir string) [][]string // ffmpeg argument lists, run one after another
}

type result struct {
	wall, cpu         time.Duration
	ssim1080, ssim360 float64
}

func (v variant) run(ctx context.Context, ffmpeg string, o transcoder.Options, p transcoder.Plan, src, dir string) (result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return result{}, err
	}
	if v.full {
		if v.src != "" {
			src = v.src
		}
		before := childrenCPU()
		start := time.Now()
		res, err := transcoder.Transcode(ctx, o, src, dir, nil)
		if err != nil {
			return result{}, err
		}
		for _, s := range res.Source.Subtitles {
			if !v.extract || !s.Text {
				continue
			}
			if _, err := transcoder.ExtractSubtitle(ctx, o, res.Source.Container, src, s.Index); err != nil {
				return result{}, err
			}
		}
		return result{wall: time.Since(start), cpu: childrenCPU() - before}, nil
	}
	for _, r := range p.Rungs {
		if err := os.MkdirAll(filepath.Join(dir, r.Name), 0o755); err != nil {
			return result{}, err
		}
	}
	for _, a := range p.Audio {
		if err := os.MkdirAll(filepath.Join(dir, a.Name), 0o755); err != nil {
			return result{}, err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "thumbs"), 0o755); err != nil {
		return result{}, err
	}
	var res result
	start := time.Now()
	for _, args := range v.cmds(dir) {
		cmd := exec.CommandContext(ctx, ffmpeg, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdout = io.Discard
		if err := cmd.Run(); err != nil {
			return result{}, fmt.Errorf("%w: %s", err, lastLines(stderr.String(), 5))
		}
		res.cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	res.wall = time.Since(start)
	return res, nil
}

// plainOpts are the knobs the exploratory variants turn on the plain command.
type plainOpts struct {
	cascade   bool   // scale each rung from the next larger one
	flags     string // swscale flags; "" is ffmpeg's default (bicubic)
	threads   int    // x264 threads per rung; 0 is x264's default
	fcThreads int    // -filter_complex_threads; 0 is ffmpeg's default
}

// plain is the one-pass ladder command as one would write it by hand, with the plan's rungs and encoder
// settings (so only the process structure differs from Args).
func plain(p transcoder.Plan, src, dir string, po plainOpts) []string {
	n := len(p.Rungs)
	flags := ""
	if po.flags != "" {
		flags = ":flags=" + po.flags
	}
	var graph strings.Builder
	if po.cascade {
		graph.WriteString("[0:v]")
		for i := n - 1; i >= 0; i-- {
			r := p.Rungs[i]
			if i < n-1 {
				fmt.Fprintf(&graph, ";[c%d]", i+1)
			}
			if i == 0 {
				fmt.Fprintf(&graph, "scale=%d:%d%s[v%d]", r.Width, r.Height, flags, i)
			} else {
				fmt.Fprintf(&graph, "scale=%d:%d%s,split=2[v%d][c%d]", r.Width, r.Height, flags, i, i)
			}
		}
	} else {
		fmt.Fprintf(&graph, "[0:v]split=%d", n)
		for i := range n {
			fmt.Fprintf(&graph, "[s%d]", i)
		}
		for i, r := range p.Rungs {
			fmt.Fprintf(&graph, ";[s%d]scale=%d:%d%s[v%d]", i, r.Width, r.Height, flags, i)
		}
	}
	args := []string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error"}
	if po.fcThreads > 0 {
		args = append(args, "-filter_complex_threads", strconv.Itoa(po.fcThreads))
	}
	args = append(args, "-i", src, "-filter_complex", graph.String())
	for i, r := range p.Rungs {
		args = append(args, "-map", fmt.Sprintf("[v%d]", i), "-map", "0:a")
		args = append(args, encoderArgs(p, r)...)
		if po.threads > 0 {
			args = append(args, "-threads", strconv.Itoa(po.threads))
		}
		args = append(args, hlsArgs(p, filepath.Join(dir, r.Name))...)
	}
	return args
}

// scaleOnly is plain's filter graph with its outputs discarded, to time decoding and scaling alone.
func scaleOnly(p transcoder.Plan, src string, po plainOpts) []string {
	args := plain(p, src, os.DevNull, po)
	graph := slices.Index(args, "-filter_complex") + 1
	args = args[:graph+1]
	for i := range p.Rungs {
		args = append(args, "-map", fmt.Sprintf("[v%d]", i), "-f", "null", "-")
	}
	return args
}

// single encodes one rung from its own decode of the source.
func single(p transcoder.Plan, src, dir string, r transcoder.Rung) []string {
	args := []string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", src,
		"-vf", fmt.Sprintf("scale=%d:%d", r.Width, r.Height), "-map", "0:v", "-map", "0:a"}
	args = append(args, encoderArgs(p, r)...)
	return append(args, hlsArgs(p, filepath.Join(dir, r.Name))...)
}

func encoderArgs(p transcoder.Plan, r transcoder.Rung) []string {
	return []string{
		"-c:v", "libx264", "-preset", p.Preset, "-profile:v", "high", "-pix_fmt", "yuv420p",
		"-b:v", strconv.Itoa(r.Bitrate), "-maxrate", strconv.Itoa(r.MaxRate), "-bufsize", strconv.Itoa(r.BufSize),
		"-g", strconv.Itoa(p.GOPFrames), "-keyint_min", strconv.Itoa(p.GOPFrames), "-sc_threshold", "0",
		"-force_key_frames", fmt.Sprintf("expr:gte(t,n_forced*%d)", p.GOPSeconds),
		"-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000",
	}
}

func hlsArgs(p transcoder.Plan, dir string) []string {
	return []string{"-f", "hls", "-hls_time", strconv.Itoa(p.SegmentSeconds), "-hls_playlist_type", "vod",
		"-hls_segment_type", "fmp4", "-hls_flags", "independent_segments", "-start_number", "1",
		"-hls_segment_filename", filepath.Join(dir, "seg_%05d.m4s"), filepath.Join(dir, "index.m3u8")}
}

var ssimAll = regexp.MustCompile(`All:([0-9.]+)`)

// ssim compares the rendition in dir (init + segments joined into one fragmented MP4) with the source,
// downscaled with Lanczos to size first when size is set. Both start at timestamp zero so that frames pair
// up despite the muxer's reordering delay, and both are put on the same grid of the given frame rate, so that
// a container with millisecond timestamps (Matroska) does not pair a frame with its neighbour.
func ssim(ctx context.Context, ffmpeg, dir, src, size string, rate transcoder.Rational) (float64, error) {
	joined, err := join(dir)
	if err != nil {
		return 0, err
	}
	defer os.Remove(joined)
	ref := ""
	if size != "" {
		ref = ",scale=" + size + ":flags=lanczos"
	}
	return ssimOf(ctx, ffmpeg, joined, src, rate, "", ref)
}

// ssimOf compares the video file dist with the source, with filters of its own appended to each one's chain.
func ssimOf(ctx context.Context, ffmpeg, dist, src string, rate transcoder.Rational, distFilters, refFilters string) (float64, error) {
	grid := "setpts=PTS-STARTPTS,fps=" + rate.String()
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "info", "-i", dist, "-i", src,
		"-lavfi", "[0:v]"+grid+distFilters+"[m];[1:v]"+grid+refFilters+"[r];[m][r]ssim", "-f", "null", "-")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%w: %s", err, lastLines(string(out), 5))
	}
	m := ssimAll.FindSubmatch(out)
	if m == nil {
		return 0, errors.New("no SSIM in ffmpeg's output")
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// join concatenates a rendition's init segment and media segments (a valid fragmented MP4).
func join(dir string) (string, error) {
	segs, err := filepath.Glob(filepath.Join(dir, "seg_*.m4s"))
	if err != nil || len(segs) == 0 {
		return "", fmt.Errorf("no segments in %s", dir)
	}
	slices.Sort(segs)
	f, err := os.CreateTemp("", "rung-*.mp4")
	if err != nil {
		return "", err
	}
	defer f.Close()
	for _, name := range append([]string{filepath.Join(dir, "init.mp4")}, segs...) {
		in, err := os.Open(name)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(f, in)
		in.Close()
		if err != nil {
			return "", err
		}
	}
	return f.Name(), f.Close()
}

// source returns the cached test source, generating it on first use: testsrc2 and a sine tone, encoded at
// near-lossless quality so that the source's own artefacts do not dominate the SSIM figures.
func source(ctx context.Context, ffmpeg, cacheDir string, seconds int) (string, error) {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	file := filepath.Join(cacheDir, fmt.Sprintf("ladder-1080p30-%ds.mp4", seconds))
	if _, err := os.Stat(file); err == nil {
		return file, nil
	}
	log.Printf("generating %s…", file)
	tmp := file + ".tmp.mp4"
	d := strconv.Itoa(seconds)
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30:duration="+d,
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration="+d,
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("generate source: %w: %s", err, out)
	}
	return file, os.Rename(tmp, file)
}

// tracksSource returns the common source remuxed with a second audio track (a different tone) and two
// subtitle streams, SubRip and ASS, one cue every two seconds: the video stream is copied, so the ladder's
// work is the same and only the tracks differ.
func tracksSource(ctx context.Context, ffmpeg, src string, seconds int) (string, error) {
	file := strings.TrimSuffix(src, ".mp4") + "-tracks.mkv"
	if _, err := os.Stat(file); err == nil {
		return file, nil
	}
	log.Printf("generating %s…", file)
	clock := func(sec int, sep string) string {
		return fmt.Sprintf("%02d:%02d:%02d%s", sec/3600, sec/60%60, sec%60, sep)
	}
	var srt, ass strings.Builder
	ass.WriteString("[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n")
	for i, at := 1, 0; at < seconds; i, at = i+1, at+2 {
		fmt.Fprintf(&srt, "%d\n%s000 --> %s500\nLine %d\n\n", i, clock(at, ","), clock(at+1, ","), i)
		fmt.Fprintf(&ass, "Dialogue: 0,%s00,%s50,Default,,0,0,0,,{\\i1}Ligne{\\i0} %d\n", clock(at, ".")[1:], clock(at+1, ".")[1:], i)
	}
	srtFile, assFile := file+".srt", file+".ass"
	if err := os.WriteFile(srtFile, []byte(srt.String()), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(assFile, []byte(ass.String()), 0o644); err != nil {
		return "", err
	}
	tmp := file + ".tmp.mkv"
	d := strconv.Itoa(seconds)
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
		"-i", src, "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration="+d, "-i", srtFile, "-i", assFile,
		"-map", "0:v", "-map", "0:a", "-map", "1:a", "-map", "2", "-map", "3",
		"-c:v", "copy", "-c:a:0", "copy", "-c:a:1", "aac", "-b:a:1", "192k", "-c:s:0", "srt", "-c:s:1", "ass",
		"-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fre",
		"-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=fre", tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("generate the source with tracks: %w: %s", err, out)
	}
	return file, os.Rename(tmp, file)
}

// printTracks prints what the second audio track and the subtitle streams cost: (a+2) over (a+).
func printTracks(vs []variant, rs []result) {
	one, two := slices.IndexFunc(vs, func(v variant) bool { return v.name == "a+" }), slices.IndexFunc(vs, func(v variant) bool { return v.name == "a+2" })
	if one < 0 || two < 0 {
		return
	}
	fmt.Printf("  2 audio + 2 subtitle streams / 1 audio track: wall %.3f, CPU %.3f (goal ≤ 1.10)\n",
		rs[two].wall.Seconds()/rs[one].wall.Seconds(), rs[two].cpu.Seconds()/rs[one].cpu.Seconds())
}

func defaultCache() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "marquee-bench")
	}
	return filepath.Join(os.TempDir(), "marquee-bench")
}

// childrenCPU is the user+sys time of all waited-for child processes so far.
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func runtimeCPUs() int {
	n := 0
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		n = bytes.Count(data, []byte("\nprocessor"))
		if bytes.HasPrefix(data, []byte("processor")) {
			n++
		}
	}
	return n
}

func printTable(title string, vs []variant, rs []result) {
	var base result
	for i, v := range vs {
		if v.baseline {
			base = rs[i]
		}
	}
	fmt.Printf("\n%s\n", title)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "variant\twall s\tCPU s\twall / b\tCPU / b\tSSIM 1080p\tSSIM 360p\t")
	for i, v := range vs {
		r := rs[i]
		ssim := fmt.Sprintf("%.4f\t%.4f", r.ssim1080, r.ssim360)
		if v.noSSIM {
			ssim = "-\t-"
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%.1f\t%.2f\t%.2f\t%s\t\n", v.name, r.wall.Seconds(), r.cpu.Seconds(),
			r.wall.Seconds()/base.wall.Seconds(), r.cpu.Seconds()/base.cpu.Seconds(), ssim)
	}
	tw.Flush()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
