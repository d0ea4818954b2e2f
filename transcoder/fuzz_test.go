package transcoder

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A real report, as probeArgs asks for it, from a phone video with cover art and rotation.
const phoneReport = `{
  "streams": [
    {"index": 0, "codec_name": "mjpeg", "codec_type": "video", "width": 600, "height": 600,
     "disposition": {"attached_pic": 1}},
    {"index": 1, "codec_name": "h264", "codec_type": "video", "width": 1920, "height": 1080,
     "sample_aspect_ratio": "1:1", "field_order": "progressive", "r_frame_rate": "90000/1",
     "avg_frame_rate": "30000/1001", "bit_rate": "15000000", "duration": "12.5",
     "disposition": {"attached_pic": 0}, "tags": {"rotate": "90"},
     "side_data_list": [{"rotation": -90}]},
    {"index": 2, "codec_name": "aac", "codec_type": "audio", "channels": 2, "bit_rate": "128000"}
  ],
  "format": {"duration": "12.512", "bit_rate": "15200000"}
}`

// FuzzParseProbe reads arbitrary ffprobe reports. A report is refused with an error or gives
// a Source whose video stream, frame rate and duration are usable; a source within the
// limits then plans a ladder that never exceeds it and whose ffmpeg command line reads only
// the file it names, with the sniffed demuxer.
func FuzzParseProbe(f *testing.F) {
	f.Add([]byte(phoneReport), "mov")
	f.Add([]byte(`{"streams":[{"index":0,"codec_type":"video","width":320,"height":180,"avg_frame_rate":"25/1"}],"format":{}}`), "matroska")
	f.Add([]byte(`{"streams":[{"index":0,"codec_type":"video","width":99999,"height":99999,"avg_frame_rate":"30/1"}],"format":{"duration":"1"}}`), "avi")
	f.Add([]byte(`{"streams":[{"index":0,"codec_type":"video","width":720,"height":576,"sample_aspect_ratio":"64:45","field_order":"tt","avg_frame_rate":"0/0","r_frame_rate":"50/1"}],"format":{"duration":"1e308"}}`), "mpegts")
	f.Add([]byte(`{"streams":[{"index":3,"codec_type":"video","width":2,"height":2,"sample_aspect_ratio":"1:2147483647","avg_frame_rate":"1/1"}],"format":{"duration":"NaN","bit_rate":"-1"}}`), "mov")
	f.Add([]byte(`{"streams":[{"index":0,"codec_type":"audio","channels":2}],"format":{"duration":"10"}}`), "mov")
	f.Add([]byte(`{"streams":[],"format":{}}`), "mov")
	f.Add([]byte(`not json`), "mov")

	f.Fuzz(func(t *testing.T, report []byte, container string) {
		src, err := parseProbe(container, report)
		if err != nil {
			require.Nil(t, src)
			return
		}
		require.GreaterOrEqual(t, src.VideoStream, 0)
		require.True(t, src.FrameRate >= 1 && src.FrameRate <= 1000, "frame rate %v", src.FrameRate)
		require.False(t, math.IsNaN(src.Duration) || math.IsInf(src.Duration, 0) || src.Duration < 0, "duration %v", src.Duration)
		require.Equal(t, src.HasAudio, src.AudioStream >= 0)

		if src.Duration == 0 {
			src.Duration = 1 // what scanning the packets would find
		}
		var rej *Rejection
		if err := checkLimits(*src, Options{}.withDefaults().Limits); err != nil {
			require.ErrorAs(t, err, &rej)
			return
		}
		require.True(t, src.Width >= 2 && src.Height >= 2, "%dx%d passed the limits", src.Width, src.Height)
		require.LessOrEqual(t, max(src.Width, src.Height), DefaultMaxWidth)
		require.LessOrEqual(t, min(src.Width, src.Height), DefaultMaxHeight)

		p := PlanLadder(*src, Options{})
		require.NotEmpty(t, p.Rungs)
		for _, r := range p.Rungs {
			require.True(t, r.Width >= 2 && r.Height >= 2 && r.Width%2 == 0 && r.Height%2 == 0, "%+v", r)
			require.True(t, r.Width <= max(src.Width, 2) && r.Height <= max(src.Height, 2), "rung %+v upscales %dx%d", r, src.Width, src.Height)
			require.GreaterOrEqual(t, r.Bitrate, 16_000)
			require.Greater(t, r.MaxRate, 0)
		}
		if !slices.Contains([]string{"mov", "matroska", "avi", "mpegts"}, container) {
			return // Probe only ever passes what sniff named
		}
		args := Args(p, "/in/source", "/out")
		requireSafeInput(t, args, container, "file:/in/source")
	})
}

// FuzzSniff feeds sniff arbitrary file heads. It names only the four demuxers ffmpeg is
// allowed to use and refuses everything else with a Rejection; text that opens like an
// HLS playlist or a concat list (which would make ffmpeg read other files) is never
// accepted.
func FuzzSniff(f *testing.F) {
	ts := make([]byte, 400)
	ts[0], ts[188], ts[376] = 0x47, 0x47, 0x47
	for _, h := range [][]byte{
		[]byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2"), []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"),
		[]byte("RIFF\x00\x10\x00\x00AVI LIST"), ts, []byte("#EXTM3U\n#EXTINF:10,\nfile:/etc/passwd\n"),
		[]byte("\xef\xbb\xbf #EXTM3U\n"), []byte("ffconcat version 1.0\nfile /etc/passwd\n"), []byte("file '/etc/passwd'\n"),
		[]byte("\x00\x00\x00\x01ftyp\x00\x00\x00\x00\x00\x00\x00\x10"), []byte("\x00\x00\x00\x1cftypavif"), []byte("ID3\x04"), nil,
	} {
		f.Add(h, int64(1<<20))
	}
	f.Add([]byte("\x00\x00\x00\x08free"), int64(4))

	f.Fuzz(func(t *testing.T, head []byte, size int64) {
		if len(head) > sniffLen {
			head = head[:sniffLen]
		}
		container, err := sniff(head, size)
		if err != nil {
			var rej *Rejection
			require.ErrorAs(t, err, &rej)
			require.NotEmpty(t, rej.Reason)
			require.Empty(t, container)
			return
		}
		require.Contains(t, []string{"mov", "matroska", "avi", "mpegts"}, container)
		text := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
		for _, p := range []string{"#EXTM3U", "ffconcat", "file "} {
			require.False(t, bytes.HasPrefix(text, []byte(p)), "%q accepted as %s", head, container)
		}
		requireSafeInput(t, probeArgs(container, "/in/source"), container, "file:/in/source")
	})
}

// requireSafeInput checks that a command line opens exactly one input, through the file
// protocol only, with the demuxer forced, and for QuickTime without external references.
func requireSafeInput(t *testing.T, args []string, container, input string) {
	t.Helper()
	var inputs []string
	for i, a := range args {
		if a == "-i" {
			require.Less(t, i+1, len(args))
			inputs = append(inputs, args[i+1])
		}
	}
	require.Equal(t, []string{input}, inputs)
	at := slices.Index(args, "-i")
	opts := strings.Join(args[:at], " ")
	require.Contains(t, opts, "-protocol_whitelist file ")
	require.Contains(t, opts, "-f "+container)
	if container == "mov" {
		require.Contains(t, opts, "-enable_drefs 0")
	}
}
