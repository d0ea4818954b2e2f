package transcoder

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Result describes a finished transcode. Paths are relative to outDir and slash-separated.
type Result struct {
	Source     Source
	Duration   float64     // seconds actually encoded
	Renditions []Rendition // lowest first, the published ones
	Ladder     Ladder      // every planned rung, how it was encoded and whether it was published
	Audio      []AudioRendition
	Master     string // "master.m3u8"
	Poster     string // "poster.jpg"
	Thumbnails string // "thumbs.vtt"
}

// How long a killed ffmpeg may keep its pipes open before Wait gives up on it.
const waitDelay = 5 * time.Second

// Transcode probes input, encodes its ladder into outDir and writes the master playlist, poster and thumbnail
// track there. outDir must exist and should be empty (a fresh temporary directory the caller renames into
// place on success): Transcode refuses to reuse an existing rendition directory rather than mix old segments
// with new ones. It writes nothing outside outDir and, on failure, removes what it wrote inside it.
//
// progress, if not nil, is called on the calling goroutine with a percentage that only grows, at most once per
// percent; 100 comes last, only on success, just before Transcode returns. ffmpeg waits while it runs, so it
// should return quickly.
//
// Cancelling ctx or exceeding Options.Timeout kills ffmpeg; the error then wraps ctx's error (for the timeout,
// context.DeadlineExceeded). Input problems are *Rejection.
func Transcode(ctx context.Context, o Options, input, outDir string, progress func(percent int)) (res *Result, err error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("transcoder options: %w", err)
	}
	o = o.withDefaults()
	// The cause tells our own timeout apart from a deadline the caller set.
	timedOut := fmt.Errorf("transcode took longer than its %s timeout: %w", o.Timeout, context.DeadlineExceeded)
	ctx, cancel := context.WithTimeoutCause(ctx, o.Timeout, timedOut)
	defer cancel()
	defer func() {
		if err != nil && errors.Is(context.Cause(ctx), timedOut) {
			err = fmt.Errorf("%w (%v)", timedOut, err)
		}
	}()

	input, err = filepath.Abs(input)
	if err != nil {
		return nil, err
	}
	outDir, err = filepath.Abs(outDir)
	if err != nil {
		return nil, err
	}
	if strings.Contains(outDir, "%") {
		return nil, fmt.Errorf("transcode: output directory %q contains %%, which ffmpeg's HLS muxer cannot escape", outDir)
	}
	src, err := Probe(ctx, o, input)
	if err != nil {
		return nil, err
	}
	plan := PlanLadder(*src, o)

	var created []string
	defer func() {
		if err != nil {
			for _, name := range created {
				_ = os.RemoveAll(filepath.Join(outDir, name))
			}
		}
	}()
	for _, dir := range append(outputNames(plan), thumbsDir) {
		if err := os.Mkdir(filepath.Join(outDir, dir), 0o755); err != nil {
			return nil, fmt.Errorf("transcode: %w", err)
		}
		created = append(created, dir)
	}

	report := newProgress(progress)
	report.set(0)
	stderr, err := runFFmpeg(ctx, o.FFmpeg, Args(plan, input, outDir), func(sec float64) {
		report.set(min(99, int(sec/src.Duration*100)))
	})
	if err != nil {
		return nil, runFailure(ctx, "ffmpeg", err, stderr, false)
	}
	if o.Fragment > 0 {
		for _, name := range outputNames(plan) {
			if err := fragmentRendition(filepath.Join(outDir, name), o.Fragment); err != nil {
				return nil, fmt.Errorf("transcode: rendition %s: %w", name, err)
			}
		}
	}

	res = &Result{Source: *src, Master: masterName, Poster: PosterName, Thumbnails: thumbsVTTName}
	for _, r := range plan.Rungs {
		rend, dur, err := inspectRendition(outDir, r, plan)
		if err != nil {
			return nil, err
		}
		res.Renditions = append(res.Renditions, rend)
		if res.Duration == 0 || dur < res.Duration {
			res.Duration = dur
		}
	}
	res.Ladder = chosenLadder(plan, res.Renditions)
	published := res.Renditions[:0]
	for i, r := range res.Ladder.Rungs {
		if r.Dropped == "" {
			published = append(published, res.Renditions[i])
		} else if err := os.RemoveAll(filepath.Join(outDir, r.Name)); err != nil {
			return nil, fmt.Errorf("transcode: %w", err)
		}
	}
	res.Renditions = published
	for _, a := range plan.Audio {
		rend, err := inspectAudio(outDir, a, src.Audio[a.Track])
		if err != nil {
			return nil, err
		}
		res.Audio = append(res.Audio, rend)
	}
	withAudio(res.Renditions, res.Audio)
	// ffmpeg reads damaged or cut-off files to wherever they stop making sense and still exits 0; a video that
	// silently loses its second half must be refused, not published.
	if res.Duration < 0.9*src.Duration-1 {
		return nil, reject("only %s of the video's %s could be decoded; the file is truncated or damaged",
			humanDuration(seconds(res.Duration)), humanDuration(seconds(src.Duration)))
	}
	thumbs, err := buildSprites(filepath.Join(outDir, thumbsDir), plan.Thumbs)
	if err != nil {
		return nil, fmt.Errorf("transcode: thumbnails: %w", err)
	}

	created = append(created, thumbsVTTName)
	if err := os.WriteFile(filepath.Join(outDir, thumbsVTTName), []byte(thumbnailVTT(plan.Thumbs, thumbs, res.Duration)), 0o644); err != nil {
		return nil, fmt.Errorf("transcode: %w", err)
	}
	created = append(created, PosterName)
	if err := makePoster(ctx, o, plan, input, filepath.Join(outDir, PosterName), res.Duration); err != nil {
		return nil, err
	}
	created = append(created, masterName)
	if err := os.WriteFile(filepath.Join(outDir, masterName), []byte(MasterPlaylist(res.Renditions, res.Audio)), 0o644); err != nil {
		return nil, fmt.Errorf("transcode: %w", err)
	}
	report.set(100)
	return res, nil
}

// outputNames are the directories of the plan's renditions, video and audio.
func outputNames(p Plan) []string {
	var names []string
	for _, r := range p.Rungs {
		names = append(names, r.Name)
	}
	for _, a := range p.Audio {
		names = append(names, a.Name)
	}
	return names
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// inspectRendition measures one encoded rung and returns it with its encoded duration.
func inspectRendition(outDir string, r Rung, p Plan) (Rendition, float64, error) {
	dir := filepath.Join(outDir, r.Name)
	m, err := readMediaPlaylist(filepath.Join(dir, playlistName))
	if err != nil {
		return Rendition{}, 0, fmt.Errorf("transcode: rendition %s: %w", r.Name, err)
	}
	if len(m.segments) == 0 {
		return Rendition{}, 0, reject("no video frames could be decoded from the file")
	}
	peak, avg, err := measure(dir, m)
	if err != nil {
		return Rendition{}, 0, fmt.Errorf("transcode: rendition %s: %w", r.Name, err)
	}
	info, err := readInit(filepath.Join(dir, m.init))
	if err == nil && !strings.HasPrefix(info.codecs[0], "avc") {
		err = errors.New("no H.264 track")
	}
	if err != nil {
		return Rendition{}, 0, fmt.Errorf("transcode: rendition %s: %w", r.Name, err)
	}
	return Rendition{
		Name:             r.Name,
		Width:            info.width,
		Height:           info.height,
		Bandwidth:        peak,
		AverageBandwidth: avg,
		Codecs:           strings.Join(info.codecs, ","),
		FrameRate:        p.FrameRate.Float(),
		Playlist:         r.Name + "/" + playlistName,
	}, m.duration(), nil
}

// inspectAudio measures one encoded audio rendition of track t.
func inspectAudio(outDir string, a AudioRung, t AudioTrack) (AudioRendition, error) {
	dir := filepath.Join(outDir, a.Name)
	fail := func(err error) (AudioRendition, error) {
		return AudioRendition{}, fmt.Errorf("transcode: audio %s: %w", a.Name, err)
	}
	m, err := readMediaPlaylist(filepath.Join(dir, playlistName))
	if err != nil {
		return fail(err)
	}
	if len(m.segments) == 0 {
		return fail(errors.New("no segments"))
	}
	peak, avg, err := measure(dir, m)
	if err != nil {
		return fail(err)
	}
	info, err := readInit(filepath.Join(dir, m.init))
	if err == nil && !strings.HasPrefix(info.codecs[0], "mp4a") {
		err = errors.New("no AAC track")
	}
	if err != nil {
		return fail(err)
	}
	return AudioRendition{
		Name: a.Name, Track: t, Channels: a.Channels,
		Bandwidth: peak, AverageBandwidth: avg, Codecs: info.codecs[0],
		Playlist: a.Name + "/" + playlistName,
	}, nil
}

// runFFmpeg runs ffmpeg with -progress on stdout, calling onTime with each reported output time in seconds,
// and returns the end of its stderr.
func runFFmpeg(ctx context.Context, bin string, args []string, onTime func(sec float64)) (string, error) {
	cmd := command(ctx, bin, args...)
	stderr := &tailBuffer{max: 64 << 10}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		// out_time_ms is microseconds too (an old ffmpeg misnomer); out_time_us is its newer, honest name.
		if k == "out_time_us" || k == "out_time_ms" {
			if us, err := strconv.ParseInt(v, 10, 64); err == nil && us >= 0 && onTime != nil {
				onTime(float64(us) / 1e6)
			}
		}
	}
	_, _ = io.Copy(io.Discard, stdout) // a line longer than the scanner allows must not block ffmpeg
	err = cmd.Wait()
	return stderr.String(), err
}

// progressReporter keeps progress monotonic and calls back once per new percentage.
type progressReporter struct {
	fn   func(int)
	last int
}

func newProgress(fn func(int)) *progressReporter { return &progressReporter{fn: fn, last: -1} }

func (p *progressReporter) set(percent int) {
	percent = max(0, min(100, percent))
	if p.fn == nil || percent <= p.last {
		return
	}
	p.last = percent
	p.fn(percent)
}

// Poster selection.
const (
	posterWidth = 640
	// Mean luma (0–255, JPEG full range) under which a poster counts as black: fades and night scenes, which
	// look broken as a poster.
	darkLuma = 28
)

// makePoster writes a representative frame to output: around 10% into the video (a third into clips under a
// minute, whose first seconds are often a title card), retrying elsewhere while the picture is near-black and
// keeping the brightest attempt if the whole video is dark.
func makePoster(ctx context.Context, o Options, p Plan, input, output string, duration float64) error {
	w, h := min(posterWidth, evenDown(p.Source.Width)), 0
	h = even(float64(w) * float64(p.Source.Height) / float64(p.Source.Width))
	first := 0.10
	if duration < 60 {
		first = 1.0 / 3
	}
	var best []byte
	bestLuma := -1.0
	for _, at := range []float64{first, 0.5, 0.25, 0.75, 0.05} {
		// Leave room for the thumbnail filter's batch before the end.
		t := math.Max(0, math.Min(at*duration, duration-1))
		data, err := grabPoster(ctx, o, p, input, output, t, w, h)
		if err != nil {
			return err
		}
		luma, err := meanLuma(data)
		if err != nil {
			return fmt.Errorf("poster: %w", err)
		}
		if luma > bestLuma {
			best, bestLuma = data, luma
		}
		if luma >= darkLuma {
			break
		}
	}
	if err := os.WriteFile(output, best, 0o644); err != nil {
		return fmt.Errorf("poster: %w", err)
	}
	return nil
}

// grabPoster writes one poster candidate at t seconds and returns it, seeking in the demuxer first and, if
// that yields no frame, decoding up to t instead.
func grabPoster(ctx context.Context, o Options, p Plan, input, output string, t float64, w, h int) ([]byte, error) {
	for _, seekInput := range []bool{true, false} {
		_ = os.Remove(output)
		cmd := command(ctx, o.FFmpeg, posterArgs(p, input, output, t, w, h, seekInput)...)
		stderr := &tailBuffer{max: 16 << 10}
		cmd.Stderr = stderr
		if err := cmd.Run(); err != nil {
			return nil, runFailure(ctx, "ffmpeg (poster)", err, stderr.String(), false)
		}
		data, err := os.ReadFile(output)
		if err == nil && len(data) > 0 {
			return data, nil
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("poster: %w", err)
		}
	}
	return nil, fmt.Errorf("poster: ffmpeg produced no frame at %.3fs", t)
}

// meanLuma decodes a JPEG and returns its average brightness, 0–255.
func meanLuma(data []byte) (float64, error) {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	var sum, n float64
	switch im := img.(type) {
	case *image.YCbCr:
		for y := im.Rect.Min.Y; y < im.Rect.Max.Y; y++ {
			for x := im.Rect.Min.X; x < im.Rect.Max.X; x++ {
				sum += float64(im.Y[im.YOffset(x, y)])
				n++
			}
		}
	default:
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				sum += float64(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
				n++
			}
		}
	}
	if n == 0 {
		return 0, errors.New("empty image")
	}
	return sum / n, nil
}
