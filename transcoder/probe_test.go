package transcoder

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSniff(t *testing.T) {
	t.Parallel()
	ts := make([]byte, 400)
	ts[0], ts[188], ts[376] = 0x47, 0x47, 0x47
	m2ts := make([]byte, 400)
	m2ts[4], m2ts[196], m2ts[388] = 0x47, 0x47, 0x47
	tests := []struct {
		name   string
		head   []byte
		want   string // container, or "" for a rejection
		reason string
	}{
		{"mp4", []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2"), "mov", ""},
		{"quicktime wide", []byte("\x00\x00\x00\x08wide\x00\x00\x00\x00mdat"), "mov", ""},
		{"mdat first", []byte("\x00\x00\x00\x00mdat...."), "mov", ""},
		{"matroska", []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"), "matroska", ""},
		{"avi", []byte("RIFF\x00\x10\x00\x00AVI LIST"), "avi", ""},
		{"mpegts", ts, "mpegts", ""},
		{"m2ts", m2ts, "mpegts", ""},
		{"empty", nil, "", "not a video format"},
		{"text named mp4", []byte("hello, this is not a video at all"), "", "not a video format"},
		{"text with free at offset 4", []byte("abcdfreeyes"), "", "not a video format"},
		{"hls playlist", []byte("#EXTM3U\n#EXTINF:10,\nfile:/etc/passwd\n"), "", "HLS playlist"},
		{"hls playlist with BOM", []byte("\xef\xbb\xbf#EXTM3U\n"), "", "HLS playlist"},
		{"ffconcat", []byte("ffconcat version 1.0\nfile /etc/passwd\n"), "", "concat list"},
		{"bare concat", []byte("file '/etc/passwd'\n"), "", "concat list"},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "", "image"},
		{"png", []byte("\x89PNG\r\n\x1a\n"), "", "image"},
		{"avif", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00"), "", "still image"},
		{"wav", []byte("RIFF\x00\x10\x00\x00WAVEfmt "), "", "audio"},
		{"mp3", []byte("ID3\x04\x00"), "", "audio"},
		{"truncated ts", ts[:300], "", "not a video format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := sniff(tt.head, 1<<20)
			if tt.want != "" {
				require.NoError(t, err)
				require.Equal(t, tt.want, got)
				return
			}
			var rej *Rejection
			require.ErrorAs(t, err, &rej)
			require.Contains(t, rej.Reason, tt.reason)
		})
	}
}

func TestProbe(t *testing.T) {
	t.Parallel()
	tools(t)
	tests := []struct {
		name string
		file string
		clip clip
		want Source
	}{
		{
			name: "mp4 with audio",
			file: "a.mp4",
			clip: clip{audio: true},
			want: Source{Container: "mov", Width: 320, Height: 180, FrameRate: 30, VideoCodec: "h264", HasAudio: true, AudioCodec: "aac", VideoStream: 0, AudioStream: 1, Audio: []AudioTrack{{Index: 1, Codec: "aac", Channels: 1, Language: "und", Default: true}}},
		},
		{
			name: "webm without audio",
			file: "a.webm",
			clip: clip{codec: "libvpx-vp9", fps: "25", extra: []string{"-deadline", "realtime", "-cpu-used", "8"}},
			want: Source{Container: "matroska", Width: 320, Height: 180, FrameRate: 25, VideoCodec: "vp9", AudioStream: -1},
		},
		{
			name: "rotated phone video is portrait",
			file: "rot.mp4",
			clip: clip{rotate: 90},
			want: Source{Container: "mov", Width: 180, Height: 320, FrameRate: 30, VideoCodec: "h264", AudioStream: -1},
		},
		{
			name: "anamorphic pixels",
			file: "sar.mkv",
			clip: clip{width: 240, height: 180, extra: []string{"-aspect", "16:9"}},
			want: Source{Container: "matroska", Width: 320, Height: 180, FrameRate: 30, VideoCodec: "h264", AudioStream: -1},
		},
		{
			name: "mpeg-ts",
			file: "a.ts",
			clip: clip{audio: true},
			want: Source{Container: "mpegts", Width: 320, Height: 180, FrameRate: 30, VideoCodec: "h264", HasAudio: true, AudioCodec: "aac", VideoStream: 0, AudioStream: 1, Audio: []AudioTrack{{Index: 1, Codec: "aac", Channels: 1, Language: "und", Default: true}}},
		},
		{
			name: "interlaced mpeg-ts",
			file: "i.ts",
			clip: clip{extra: []string{"-flags", "+ildct+ilme", "-top", "1"}},
			want: Source{Container: "mpegts", Width: 320, Height: 180, FrameRate: 30, VideoCodec: "h264", Interlaced: true, AudioStream: -1},
		},
		{
			name: "avi",
			file: "a.avi",
			clip: clip{codec: "mjpeg", extra: []string{"-q:v", "5"}},
			want: Source{Container: "avi", Width: 320, Height: 180, FrameRate: 30, VideoCodec: "mjpeg", AudioStream: -1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tt.clip.codec == "mjpeg" {
				tt.clip.extra = append(tt.clip.extra, "-pix_fmt", "yuvj420p")
			}
			file := makeClip(t, dir, tt.file, tt.clip)
			got, err := Probe(context.Background(), Options{}, file)
			require.NoError(t, err)
			require.InDelta(t, 3, got.Duration, 0.1)
			require.Positive(t, got.BitRate)
			fi, err := os.Stat(file)
			require.NoError(t, err)
			require.Equal(t, fi.Size(), got.Size)
			got.Duration, got.BitRate, got.Size = 0, 0, 0
			require.Equal(t, tt.want, *got)
		})
	}
}

// A Matroska file written to a pipe has no duration in its header (as browser MediaRecorder uploads do);
// probing must find it from the packets.
func TestProbeWithoutDurationInHeader(t *testing.T) {
	t.Parallel()
	ffmpeg, _ := tools(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "live.mkv")
	f, err := os.Create(file)
	require.NoError(t, err)
	cmd := execCommand(ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=3",
		"-c:v", "libx264", "-preset", "ultrafast", "-f", "matroska", "pipe:1")
	cmd.Stdout = f
	out := &bytes.Buffer{}
	cmd.Stderr = out
	require.NoError(t, cmd.Run(), out.String())
	require.NoError(t, f.Close())

	got, err := Probe(context.Background(), Options{}, file)
	require.NoError(t, err)
	require.InDelta(t, 3, got.Duration, 0.1)
}

// Rejections before ffprobe: if any of these ran a tool, the bogus tool paths would produce an exec error
// instead of a Rejection, which proves ffmpeg never opened what the file names.
func TestProbeRejectsBeforeRunningTools(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	noTools := Options{FFmpeg: filepath.Join(dir, "no-ffmpeg"), FFprobe: filepath.Join(dir, "no-ffprobe")}
	big := makeClip(t, dir, "big.mp4", clip{})
	tests := []struct {
		name    string
		content string // written to the file unless file is set
		file    string
		limits  Limits
		reason  string
	}{
		{name: "empty file", content: "", reason: "empty"},
		{name: "text named mp4", content: "definitely not a video\n", reason: "not a video format"},
		{name: "hls playlist naming passwd", content: "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n", reason: "HLS playlist"},
		{name: "ffconcat naming passwd", content: "ffconcat version 1.0\nfile /etc/passwd\n", reason: "concat list"},
		{name: "over the size limit", file: big, limits: Limits{MaxBytes: 1000}, reason: "largest accepted is 1000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := tt.file
			if file == "" {
				file = filepath.Join(t.TempDir(), "upload.mp4")
				require.NoError(t, os.WriteFile(file, []byte(tt.content), 0o644))
			}
			o := noTools
			o.Limits = tt.limits
			_, err := Probe(context.Background(), o, file)
			var rej *Rejection
			require.ErrorAs(t, err, &rej)
			require.Contains(t, rej.Reason, tt.reason)
			require.NotContains(t, rej.Reason, dir)

			out := t.TempDir()
			_, err = Transcode(context.Background(), o, file, out, nil)
			require.ErrorAs(t, err, &rej)
			requireEmptyDir(t, out)
		})
	}
}

// Defence in depth: even a playlist that got past sniffing is read by the forced demuxer, which sees no video,
// never by the hls or concat demuxers that would open the files it names.
func TestForcedDemuxerIgnoresPlaylists(t *testing.T) {
	t.Parallel()
	_, ffprobePath := tools(t)
	dir := t.TempDir()
	tests := []struct{ name, content, container string }{
		{"hls as mpegts", "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n/etc/passwd\n#EXT-X-ENDLIST\n", "mpegts"},
		{"hls as mov", "#EXTM3U\n#EXTINF:10,\nfile:/etc/passwd\n", "mov"},
		{"concat as matroska", "ffconcat version 1.0\nfile /etc/passwd\n", "matroska"},
		{"concat as avi", "ffconcat version 1.0\nfile /etc/passwd\n", "avi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".m3u8")
			require.NoError(t, os.WriteFile(file, []byte(tt.content), 0o644))
			_, err := ffprobe(context.Background(), Options{FFprobe: ffprobePath}, tt.container, file)
			requireRejection(t, err, "", dir)
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, stderr, reason string
		input                bool
	}{
		{"moov", "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0c8a4b2c0] moov atom not found\nfile:/srv/uploads/42/in.mp4: Invalid data found when processing input\n", "moov box", true},
		{"invalid data hides the path", "file:/srv/uploads/42/in.mp4: Invalid data found when processing input\n", "damaged", true},
		{"disk full is not the upload's fault", "[hls @ 0x1] /srv/tmp/720p/seg_00001.m4s: No space left on device\nInvalid data found when processing input", "No space left", false},
		{"unknown keeps the last line without paths", "[foo @ 0xabc] something odd in /srv/uploads/x.mp4\n", "something odd in <file>", false},
		{"nothing", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reason, input := classify(tt.stderr)
			require.Equal(t, tt.input, input)
			require.Contains(t, reason, tt.reason)
			require.NotContains(t, reason, "/srv")
			require.NotContains(t, reason, "0x")
		})
	}
}

func requireEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.Empty(t, names, "outDir must be left empty")
}

func requireRejection(t *testing.T, err error, contains string, forbidden ...string) {
	t.Helper()
	var rej *Rejection
	require.True(t, errors.As(err, &rej), "want a *Rejection, got %v", err)
	t.Logf("reason: %s", rej.Reason)
	require.Contains(t, rej.Reason, contains)
	for _, f := range forbidden {
		require.NotContains(t, rej.Reason, f)
	}
	require.False(t, strings.Contains(rej.Reason, "file:") || strings.Contains(rej.Reason, os.TempDir()), "reason %q must not contain paths", rej.Reason)
}

// Chapters in a source are kept, in order and within the duration.
func TestProbeKeepsChapters(t *testing.T) {
	t.Parallel()
	ffmpeg, _ := tools(t)
	dir := t.TempDir()
	meta := filepath.Join(dir, "chapters.txt")
	require.NoError(t, os.WriteFile(meta, []byte(";FFMETADATA1\n"+
		"[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1200\ntitle=Cold open\n"+
		"[CHAPTER]\nTIMEBASE=1/1000\nSTART=1200\nEND=3000\ntitle=Act one\n"), 0o644))
	file := filepath.Join(dir, "ch.mkv")
	out, err := exec.Command(ffmpeg, "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
		"-i", meta, "-map", "0", "-map_chapters", "1", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", file).CombinedOutput()
	require.NoError(t, err, string(out))
	src, err := Probe(context.Background(), Options{}, file)
	require.NoError(t, err)
	require.Equal(t, []Chapter{{0, 1.2, "Cold open"}, {1.2, 3, "Act one"}}, src.Chapters)
}

// A report's chapters are bounded: none before zero, past the end or backwards; titles on
// one printable line; at most maxChapters.
func TestParseProbeBoundsChapters(t *testing.T) {
	t.Parallel()
	chapter := func(start, end, title string) string {
		return `{"start_time":"` + start + `","end_time":"` + end + `","tags":{"title":"` + title + `"}}`
	}
	list := []string{
		chapter("5", "9", "Late"), chapter("0", "5", "Line\\none\\u0007"), chapter("-1", "2", "Negative"),
		chapter("3", "3", "Empty"), chapter("12", "20", "Past the end"), chapter("8", "15", "Cut at the end"),
	}
	for range maxChapters {
		list = append(list, chapter("1", "2", "More"))
	}
	report := `{"streams":[{"index":0,"codec_type":"video","codec_name":"h264","width":320,"height":180,"avg_frame_rate":"25/1"}],` +
		`"format":{"duration":"10"},"chapters":[` + strings.Join(list, ",") + `]}`
	src, err := parseProbe("matroska", []byte(report))
	require.NoError(t, err)
	require.Len(t, src.Chapters, maxChapters)
	require.Equal(t, Chapter{0, 5, "Line one"}, src.Chapters[0])
	require.Equal(t, Chapter{5, 9, "Late"}, src.Chapters[len(src.Chapters)-2])
	require.Equal(t, Chapter{8, 10, "Cut at the end"}, src.Chapters[len(src.Chapters)-1])
}

// Subtitle streams are listed with their language and disposition; image ones are marked so.
func TestParseProbeSubtitles(t *testing.T) {
	t.Parallel()
	report := `{"streams":[{"index":0,"codec_type":"video","codec_name":"h264","width":320,"height":180,"avg_frame_rate":"25/1"},
		{"index":1,"codec_type":"subtitle","codec_name":"subrip","tags":{"language":"eng","title":"English\nSDH"},"disposition":{"hearing_impaired":1}},
		{"index":2,"codec_type":"subtitle","codec_name":"hdmv_pgs_subtitle","tags":{"language":"fre"},"disposition":{"forced":1}}],
		"format":{"duration":"10"}}`
	src, err := parseProbe("matroska", []byte(report))
	require.NoError(t, err)
	require.Equal(t, []SubtitleStream{
		{Index: 1, Codec: "subrip", Text: true, Language: "eng", Title: "English SDH", SDH: true},
		{Index: 2, Codec: "hdmv_pgs_subtitle", Language: "fre", Forced: true},
	}, src.Subtitles)
}
