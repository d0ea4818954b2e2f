package transcoder

import (
	"bufio"
	"context"
	"errors"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTranscode(t *testing.T) {
	t.Parallel()
	_, ffprobe := tools(t)
	dir := t.TempDir()
	input := makeClip(t, dir, "in.mp4", clip{audio: true})
	out := filepath.Join(dir, "out put") // a space must survive

	require.NoError(t, os.Mkdir(out, 0o755))

	var mu sync.Mutex
	var calls []int
	res, err := Transcode(context.Background(), testOptions(), input, out, func(p int) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, p)
	})
	require.NoError(t, err)

	t.Run("progress", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		require.NotEmpty(t, calls)
		for i := 1; i < len(calls); i++ {
			require.Greater(t, calls[i], calls[i-1], "progress must only grow: %v", calls)
		}
		require.Equal(t, 100, calls[len(calls)-1])
		require.GreaterOrEqual(t, calls[0], 0)
	})

	require.Equal(t, "master.m3u8", res.Master)
	require.InDelta(t, 3, res.Duration, 0.1)
	require.Len(t, res.Renditions, 3)

	t.Run("master playlist", func(t *testing.T) {
		variants := parseMaster(t, filepath.Join(out, res.Master))
		require.Len(t, variants, 3)
		for i, v := range variants {
			for _, attr := range []string{"BANDWIDTH", "AVERAGE-BANDWIDTH", "RESOLUTION", "CODECS", "FRAME-RATE"} {
				require.NotEmpty(t, v.attrs[attr], "variant %d lacks %s", i, attr)
			}
			require.Regexp(t, `^avc1\.64[0-9a-f]{4},mp4a\.40\.2$`, v.attrs["CODECS"])
			require.Equal(t, "30.000", v.attrs["FRAME-RATE"])
			bw, _ := strconv.Atoi(v.attrs["BANDWIDTH"])
			avg, _ := strconv.Atoi(v.attrs["AVERAGE-BANDWIDTH"])
			require.Positive(t, avg)
			require.GreaterOrEqual(t, bw, avg)
			w, h, ok := strings.Cut(v.attrs["RESOLUTION"], "x")
			require.True(t, ok)
			width, _ := strconv.Atoi(w)
			height, _ := strconv.Atoi(h)
			require.LessOrEqual(t, height, 180, "no rung taller than the source")
			require.LessOrEqual(t, width, 320)
			require.FileExists(t, filepath.Join(out, filepath.FromSlash(v.uri)))
		}
		require.Equal(t, []string{"90p/index.m3u8", "144p/index.m3u8", "180p/index.m3u8"},
			[]string{variants[0].uri, variants[1].uri, variants[2].uri}, "lowest first")
	})

	t.Run("renditions", func(t *testing.T) {
		wantSizes := []string{"160x90", "256x144", "320x180"}
		for i, r := range res.Renditions {
			require.Equal(t, wantSizes[i], strconv.Itoa(r.Width)+"x"+strconv.Itoa(r.Height))
			require.Positive(t, r.Bandwidth)
			require.Positive(t, r.AverageBandwidth)
			require.InDelta(t, 30, r.FrameRate, 0.001)
			if i > 0 {
				require.Greater(t, r.AverageBandwidth, res.Renditions[i-1].AverageBandwidth, "bitrates rise with the rungs")
				require.Greater(t, r.Bandwidth, res.Renditions[i-1].Bandwidth, "bitrates rise with the rungs")
			}
		}
	})

	t.Run("the per-title ladder is recorded", func(t *testing.T) {
		require.Equal(t, LadderPerTitle, res.Ladder.Method)
		require.Len(t, res.Ladder.Rungs, 3)
		for i, r := range res.Ladder.Rungs {
			require.Empty(t, r.Dropped)
			require.Positive(t, r.CRF)
			require.Equal(t, r.Bitrate, r.MaxRate, "capped at the fixed ladder's average")
			// The ladder's measurements are the video alone; the renditions' add the audio.
			require.Less(t, r.AverageBandwidth, res.Renditions[i].AverageBandwidth)
		}
	})

	t.Run("segments start on keyframes at the same times in every rung", func(t *testing.T) {
		var first [][]string
		for _, r := range res.Renditions {
			keys := keyframesPerSegment(t, ffprobe, filepath.Join(out, r.Name))
			require.Len(t, keys, 2, "3 s in 2 s segments")
			for i, seg := range keys {
				require.NotEmpty(t, seg, "segment %d of %s has no keyframe", i, r.Name)
			}
			if first == nil {
				first = keys
				continue
			}
			require.Equal(t, first, keys, "keyframes of %s differ from %s", r.Name, res.Renditions[0].Name)
		}
		// One keyframe per GOP second, segments every 2 s; the common start offset is the muxer's (audio
		// priming), the same for every rung.
		ts := func(s string) float64 { f, err := strconv.ParseFloat(s, 64); require.NoError(t, err); return f }
		require.Len(t, first[0], 2)
		require.InDelta(t, 1, ts(first[0][1])-ts(first[0][0]), 0.001)
		require.InDelta(t, 2, ts(first[1][0])-ts(first[0][0]), 0.001)
	})

	t.Run("poster", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(out, res.Poster))
		require.NoError(t, err)
		luma, err := meanLuma(data)
		require.NoError(t, err)
		require.GreaterOrEqual(t, luma, float64(darkLuma))
	})

	t.Run("thumbnails", func(t *testing.T) {
		cues := parseVTT(t, filepath.Join(out, res.Thumbnails))
		require.Len(t, cues, 3, "one per second")
		singles, err := filepath.Glob(filepath.Join(out, "thumbs", "thumb_*"))
		require.NoError(t, err)
		require.Empty(t, singles)
		for _, c := range cues {
			file, frag, ok := strings.Cut(c, "#xywh=")
			require.True(t, ok, c)
			f, err := os.Open(filepath.Join(out, filepath.FromSlash(file)))
			require.NoError(t, err)
			cfg, err := jpeg.DecodeConfig(f)
			require.NoError(t, f.Close())
			require.NoError(t, err)
			var x, y, w, h int
			for i, s := range strings.Split(frag, ",") {
				n, err := strconv.Atoi(s)
				require.NoError(t, err)
				*[]*int{&x, &y, &w, &h}[i] = n
			}
			require.Equal(t, 160, w)
			require.Equal(t, 90, h)
			require.Equal(t, "thumbs/sprite_001.jpg", file)
			require.LessOrEqual(t, x+w, cfg.Width)
			require.LessOrEqual(t, y+h, cfg.Height)
		}
	})
}

// Other shapes of source go through the whole pipeline: portrait, interlaced, no audio, Matroska, one rung.
func TestTranscodeSources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string
		clip   clip
		sizes  []string
		codecs string
	}{
		{"rotated phone video", "rot.mp4", clip{seconds: 2, audio: true, rotate: 90}, []string{"90x160", "144x256", "180x320"}, `^avc1\.64[0-9a-f]{4},mp4a\.40\.2$`},
		{"interlaced mpeg-ts without audio", "i.ts", clip{seconds: 2, extra: []string{"-flags", "+ildct+ilme", "-top", "1"}}, []string{"160x90", "256x144", "320x180"}, `^avc1\.64[0-9a-f]{4}$`},
		{"small webm gets one rung", "small.webm", clip{seconds: 2, width: 128, height: 72, audio: true, codec: "libvpx-vp9", extra: []string{"-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus"}}, []string{"128x72"}, `^avc1\.64[0-9a-f]{4},mp4a\.40\.2$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := makeClip(t, dir, tt.file, tt.clip)
			out := filepath.Join(dir, "out")
			require.NoError(t, os.Mkdir(out, 0o755))
			res, err := Transcode(context.Background(), testOptions(), input, out, nil)
			require.NoError(t, err)
			var sizes []string
			for _, r := range res.Renditions {
				sizes = append(sizes, strconv.Itoa(r.Width)+"x"+strconv.Itoa(r.Height))
				require.Regexp(t, tt.codecs, r.Codecs)
			}
			require.Equal(t, tt.sizes, sizes)
			require.Len(t, parseMaster(t, filepath.Join(out, res.Master)), len(tt.sizes))
			require.FileExists(t, filepath.Join(out, res.Poster))
			require.NotEmpty(t, parseVTT(t, filepath.Join(out, res.Thumbnails)))
		})
	}
}

type variant struct {
	attrs map[string]string
	uri   string
}

func parseMaster(t *testing.T, file string) []variant {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	require.Equal(t, "#EXTM3U", lines[0])
	require.Contains(t, lines, "#EXT-X-VERSION:7")
	require.Contains(t, lines, "#EXT-X-INDEPENDENT-SEGMENTS")
	attr := regexp.MustCompile(`([A-Z-]+)=("[^"]*"|[^,]*)`)
	var out []variant
	for i, l := range lines {
		if !strings.HasPrefix(l, "#EXT-X-STREAM-INF:") {
			continue
		}
		v := variant{attrs: map[string]string{}}
		for _, m := range attr.FindAllStringSubmatch(strings.TrimPrefix(l, "#EXT-X-STREAM-INF:"), -1) {
			v.attrs[m[1]] = strings.Trim(m[2], `"`)
		}
		require.Less(t, i+1, len(lines))
		v.uri = lines[i+1]
		out = append(out, v)
	}
	return out
}

// parseVTT returns each cue's payload after checking the WebVTT framing.
func parseVTT(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	require.True(t, sc.Scan())
	require.Equal(t, "WEBVTT", sc.Text())
	timing := regexp.MustCompile(`^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$`)
	var cues []string
	for sc.Scan() {
		if sc.Text() == "" {
			continue
		}
		require.Regexp(t, timing, sc.Text())
		require.True(t, sc.Scan())
		cues = append(cues, sc.Text())
	}
	return cues
}

// keyframesPerSegment returns, for each segment of the rendition in dir, the timestamps of its video
// keyframes; it fails if a segment does not start with one. Each segment is read as init + segment, the way
// a player that switches rendition at that segment would.
func keyframesPerSegment(t *testing.T, ffprobe, dir string) [][]string {
	t.Helper()
	m, err := readMediaPlaylist(filepath.Join(dir, playlistName))
	require.NoError(t, err)
	init, err := os.ReadFile(filepath.Join(dir, m.init))
	require.NoError(t, err)
	var out [][]string
	for _, s := range m.segments {
		seg, err := os.ReadFile(filepath.Join(dir, s.uri))
		require.NoError(t, err)
		joined := filepath.Join(t.TempDir(), "joined.mp4")
		require.NoError(t, os.WriteFile(joined, append(append([]byte{}, init...), seg...), 0o644))
		report, err := execCommand(ffprobe, "-v", "error", "-f", "mov", "-select_streams", "v:0",
			"-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", joined).Output()
		require.NoError(t, err)
		var keys []string
		for i, line := range strings.Split(strings.TrimSpace(string(report)), "\n") {
			pts, flags, _ := strings.Cut(line, ",")
			if i == 0 {
				require.Contains(t, flags, "K", "%s does not start on a keyframe", s.uri)
			}
			if strings.Contains(flags, "K") {
				keys = append(keys, pts)
			}
		}
		out = append(out, keys)
	}
	return out
}

func TestTranscodeRejections(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	withAudio := makeClip(t, dir, "full.mp4", clip{audio: true})
	faststart := makeClip(t, dir, "faststart.mp4", clip{seconds: 4, extra: []string{"-movflags", "+faststart"}})
	tests := []struct {
		name   string
		file   func(t *testing.T, dir string) string
		limits Limits
		reason string
	}{
		{
			name:   "truncated mp4 (index at the end)",
			file:   func(t *testing.T, dir string) string { return truncated(t, withAudio, dir) },
			reason: "moov",
		},
		{
			name:   "truncated mp4 (index at the start)",
			file:   func(t *testing.T, dir string) string { return truncated(t, faststart, dir) },
			reason: "truncated or damaged",
		},
		{
			name:   "audio only",
			file:   func(t *testing.T, dir string) string { return makeClip(t, dir, "audio.m4a", clip{noVideo: true}) },
			reason: "no video stream",
		},
		{
			name:   "over the duration limit",
			file:   func(t *testing.T, dir string) string { return withAudio },
			limits: Limits{MaxDuration: 2 * 1e9},
			reason: "the video is 3s long; the longest accepted is 2s",
		},
		{
			name:   "over the resolution limit",
			file:   func(t *testing.T, dir string) string { return withAudio },
			limits: Limits{MaxWidth: 256, MaxHeight: 144},
			reason: "the video is 320×180; the largest accepted is 256×144",
		},
		{
			name: "garbage after a valid header",
			file: func(t *testing.T, dir string) string {
				file := filepath.Join(dir, "garbage.mp4")
				data := append([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"), []byte(strings.Repeat("not really video ", 200))...)
				require.NoError(t, os.WriteFile(file, data, 0o644))
				return file
			},
			reason: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			file := tt.file(t, work)
			out := filepath.Join(work, "out")
			require.NoError(t, os.Mkdir(out, 0o755))
			o := testOptions()
			o.Limits = tt.limits
			res, err := Transcode(context.Background(), o, file, out, nil)
			require.Nil(t, res)
			requireRejection(t, err, tt.reason, dir, work)
			requireEmptyDir(t, out)
		})
	}
}

// truncated writes the first half of src into dir.
func truncated(t *testing.T, src, dir string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	file := filepath.Join(dir, "half-"+filepath.Base(src))
	require.NoError(t, os.WriteFile(file, data[:len(data)/2], 0o644))
	return file
}

func TestTranscodeRefusesPercentInOutDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := makeClip(t, dir, "in.mp4", clip{})
	out := filepath.Join(dir, "out%d")
	require.NoError(t, os.Mkdir(out, 0o755))
	_, err := Transcode(context.Background(), testOptions(), input, out, nil)
	require.ErrorContains(t, err, "contains %")
	var rej *Rejection
	require.False(t, errors.As(err, &rej), "a bad output directory is not the upload's fault")
}

func TestTranscodeCancel(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A slow preset on a few seconds of 640×360 keeps ffmpeg busy long enough to be stopped part-way.
	input := makeClip(t, dir, "in.mp4", clip{width: 640, height: 360, seconds: 4, audio: true})
	tests := []struct {
		name    string
		timeout time.Duration
		want    error
	}{
		{"cancelled by the caller", 0, context.Canceled},
		{"own timeout", 300 * time.Millisecond, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "out")
			require.NoError(t, os.Mkdir(out, 0o755))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			o := testOptions()
			o.Preset = "veryslow"
			o.Heights = []int{180, 360}
			o.Timeout = tt.timeout
			var last int
			_, err := Transcode(ctx, o, input, out, func(p int) {
				last = p
				if p > 0 && tt.timeout == 0 {
					cancel()
				}
			})
			require.ErrorIs(t, err, tt.want)
			var rej *Rejection
			require.False(t, errors.As(err, &rej), "being stopped is not the input's fault")
			require.Less(t, last, 100, "stopped part-way")
			if tt.timeout > 0 {
				require.ErrorContains(t, err, "timeout")
			}
			require.Empty(t, processesMentioning(t, out), "ffmpeg must be gone")
			requireEmptyDir(t, out)
		})
	}
}

// processesMentioning lists the pids whose command line contains s.
func processesMentioning(t *testing.T, s string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var pids []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(cmdline), s) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

func TestPosterSkipsBlackFrames(t *testing.T) {
	t.Parallel()
	ffmpeg, _ := tools(t)
	dir := t.TempDir()
	// Black for the first 2.5 s of a 4 s clip: the first try (a third in) lands on black.
	input := filepath.Join(dir, "fade.mp4")
	msg, err := execCommand(ffmpeg, "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "color=black:size=320x180:rate=30:duration=2.5",
		"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=1.5",
		"-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", input).CombinedOutput()
	require.NoError(t, err, string(msg))

	src, err := Probe(context.Background(), Options{}, input)
	require.NoError(t, err)
	p := PlanLadder(*src, testOptions())
	poster := filepath.Join(dir, "poster.jpg")
	require.NoError(t, makePoster(context.Background(), Options{}.withDefaults(), p, input, poster, src.Duration))
	data, err := os.ReadFile(poster)
	require.NoError(t, err)
	luma, err := meanLuma(data)
	require.NoError(t, err)
	require.GreaterOrEqual(t, luma, float64(darkLuma))
}
