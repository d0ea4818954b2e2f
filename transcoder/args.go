package transcoder

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Output layout inside outDir.
const (
	masterName = "master.m3u8"
	// PosterName is the frame chosen to stand for the video, beside its playlists.
	PosterName    = "poster.jpg"
	thumbsVTTName = "thumbs.vtt"
	thumbsDir     = "thumbs"
	spritePattern = "sprite_%03d.jpg"
	thumbPattern  = "thumb_%04d.jpg"
	playlistName  = "index.m3u8"
	initName      = "init.mp4"
	segmentName   = "seg_%05d.m4s"
)

// Args is the ffmpeg command line that encodes the whole ladder of p and its seek thumbnails in one process.
// The source is decoded once and converted to the plan's constant frame rate once, then scaled in a cascade:
// each rung from the next larger one and the thumbnails from the smallest, which does less scaling work than
// scaling every rung from the full-size picture, at the same SSIM (bench/ladder: about 5% of the ladder's time
// on 2 cores, where x264 is most of it).
// Each rung is its own HLS output in outDir/<name>/ (ffmpeg 5.1's -var_stream_map would name the init segments
// init_0.mp4, init_1.mp4…), and every rung gets keyframes at the same timestamps, so segment n of every rung
// starts at the same time with an IDR. Rungs carry no audio: each audio rendition is an audio-only output of
// its own in outDir/<audio rung name>/ that every rung shares, so a track is encoded once rather than once per
// rung, and a second language does not add to the video's size.
//
// input and outDir must be absolute, and outDir must not contain '%' (ffmpeg 5.1's HLS muxer cannot escape it
// in segment patterns); the directories outDir/<rung name>, outDir/<audio rung name> and outDir/thumbs must
// exist.
func Args(p Plan, input, outDir string) []string {
	args := []string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats", "-progress", "pipe:1"}
	if p.Threads > 0 {
		args = append(args, "-filter_complex_threads", strconv.Itoa(p.Threads))
	}
	args = append(args, inputArgs(p.Source.Container, input)...)
	args = append(args, "-filter_complex", filterGraph(p))
	hls := func(name string) []string {
		dir := filepath.Join(outDir, name)
		var a []string
		if p.Threads > 0 {
			a = append(a, "-threads", strconv.Itoa(p.Threads))
		}
		a = append(a, privacyArgs()...)
		return append(a,
			"-f", "hls",
			"-hls_time", strconv.Itoa(p.SegmentSeconds),
			"-hls_playlist_type", "vod",
			"-hls_segment_type", "fmp4",
			"-hls_flags", "independent_segments",
			"-hls_fmp4_init_filename", initName,
			"-start_number", "1",
			"-hls_segment_filename", filepath.Join(dir, segmentName),
			filepath.Join(dir, playlistName))
	}
	for i, r := range p.Rungs {
		// The filter graph already made the frame rate constant; passthrough keeps its frames as
		// they are. Left to itself, ffmpeg would also pad the output's start with a copy of the
		// first frame when the video starts after the file does (Matroska remuxes of MP4s with AAC
		// start the video 21 ms in), one frame more in every rung than the source has.
		args = append(args, "-map", fmt.Sprintf("[v%d]", i), "-fps_mode", "passthrough")
		args = append(args, videoArgs(p, r)...)
		args = append(args, hls(r.Name)...)
	}
	for _, a := range p.Audio {
		args = append(args, "-map", fmt.Sprintf("0:%d", p.Source.Audio[a.Track].Index),
			"-c:a", "aac", "-b:a", strconv.Itoa(a.Bitrate), "-ac", strconv.Itoa(a.Channels), "-ar", "48000")
		args = append(args, hls(a.Name)...)
	}
	// Single thumbnails, tiled into sprite sheets afterwards: a tile filter would hold back the thumbnail
	// output's first frame until the end, and ffmpeg writes no -progress report until every output has
	// started.
	args = append(args, "-map", "[thumbs]", "-c:v", "mjpeg", "-q:v", "2")
	args = append(args, privacyArgs()...)
	return append(args, "-f", "image2", "-start_number", "1", filepath.Join(outDir, thumbsDir, thumbPattern))
}

// filterGraph converts to constant frame rate once, then scales from the largest rung down, splitting each
// scaled picture into its encoder and the next, smaller scale; the smallest rung also feeds the thumbnails.
// Their fps filter rounds up so a clip shorter than one interval still gets a thumbnail.
func filterGraph(p Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[0:%d]", p.Source.VideoStream)
	if p.Source.Interlaced {
		// One frame per frame (not per field), and only frames flagged interlaced are touched, since such
		// streams often mix in progressive material.
		b.WriteString("bwdif=mode=send_frame:deint=interlaced,")
	}
	fmt.Fprintf(&b, "fps=%s,format=yuv420p", p.FrameRate)
	for i := len(p.Rungs) - 1; i >= 0; i-- {
		r := p.Rungs[i]
		if i < len(p.Rungs)-1 {
			fmt.Fprintf(&b, ";[c%d]", i+1)
		} else {
			b.WriteString(",")
		}
		next := fmt.Sprintf("c%d", i)
		if i == 0 {
			next = "t"
		}
		fmt.Fprintf(&b, "scale=%d:%d,setsar=1,split=2[v%d][%s]", r.Width, r.Height, i, next)
	}
	t := p.Thumbs
	fmt.Fprintf(&b, ";[t]fps=1/%d:round=up,scale=%d:%d,setsar=1[thumbs]", t.Interval, t.Width, t.Height)
	return b.String()
}

// videoArgs are one rung's encoder settings: H.264 High 4:2:0 at the rung's constant quality (or, on the
// fixed ladder, its bitrate) with a VBV cap, and keyframes only at multiples of GOPSeconds (no scene-cut
// keyframes, which would differ between rungs).
func videoArgs(p Plan, r Rung) []string {
	gop := strconv.Itoa(p.GOPFrames)
	rate := []string{"-b:v", strconv.Itoa(r.Bitrate)}
	if r.CRF > 0 {
		// The VBV buffer starts half full rather than x264's 90 %: capped at the average, a picture
		// that wants more would otherwise spend most of the buffer in its first seconds, the very
		// segments a player starts on (a quarter full starved those seconds of quality).
		rate = []string{"-crf", strconv.FormatFloat(r.CRF, 'f', -1, 64), "-rc_init_occupancy", strconv.Itoa(r.BufSize / 2)}
	}
	return append(append([]string{
		"-c:v", "libx264",
		"-preset", p.Preset,
		"-profile:v", "high",
		"-pix_fmt", "yuv420p",
	}, rate...),
		"-maxrate", strconv.Itoa(r.MaxRate),
		"-bufsize", strconv.Itoa(r.BufSize),
		"-g", gop,
		"-keyint_min", gop,
		"-sc_threshold", "0",
		"-forced-idr", "1",
		"-force_key_frames", fmt.Sprintf("expr:gte(t,n_forced*%d)", p.GOPSeconds),
	)
}

// privacyArgs drop the upload's metadata (phones record GPS position and device names) and chapters from what
// is published.
func privacyArgs() []string {
	return []string{"-map_metadata", "-1", "-map_chapters", "-1"}
}

// posterArgs grabs one representative frame near at seconds: the thumbnail filter picks, from about two
// seconds of frames, the one closest to their average, which skips fades, flashes and black transition frames.
// Scaling comes first because the filter holds the whole batch in memory (60 4K frames would be 750 MB).
//
// With seekInput the demuxer jumps to at, which is fast but not every file allows (MPEG-TS seeking by
// bisection can overshoot a short file); otherwise ffmpeg decodes from the start and discards until at.
func posterArgs(p Plan, input, output string, at float64, width, height int, seekInput bool) []string {
	batch := max(2, min(60, int(2*p.FrameRate.Float())))
	deint := ""
	if p.Source.Interlaced {
		deint = "bwdif=mode=send_frame:deint=interlaced,"
	}
	ss := []string{"-ss", strconv.FormatFloat(at, 'f', 3, 64)}
	args := []string{"-hide_banner", "-nostdin", "-y", "-loglevel", "error"}
	if seekInput {
		args = append(args, ss...)
	}
	args = append(args, inputArgs(p.Source.Container, input)...)
	if !seekInput {
		args = append(args, ss...)
	}
	args = append(args,
		"-map", fmt.Sprintf("0:%d", p.Source.VideoStream),
		"-vf", fmt.Sprintf("%sscale=%d:%d,setsar=1,thumbnail=n=%d", deint, width, height, batch),
		"-frames:v", "1", "-c:v", "mjpeg", "-q:v", "3")
	args = append(args, privacyArgs()...)
	return append(args, "-f", "image2", "-update", "1", output)
}
