package transcoder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// makeMultiTrack writes a 3 s Matroska file with eight audio tracks (a mono one, a 7.1 one,
// the second flagged default, the fourth a commentary) and two subtitle streams, SubRip and
// ASS, as a film with dubs and subtitles would have.
func makeMultiTrack(t *testing.T, dir string) string {
	t.Helper()
	ffmpeg, _ := tools(t)
	srt := filepath.Join(dir, "en.srt")
	require.NoError(t, os.WriteFile(srt, []byte("1\n00:00:00,500 --> 00:00:02,000\nHello <b>there</b>\n\n2\n00:00:02,000 --> 00:00:02,900\nBye\n"), 0o644))
	ass := filepath.Join(dir, "fr.ass")
	require.NoError(t, os.WriteFile(ass, []byte("[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\n"+
		"Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"+
		"Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,1\n\n"+
		"[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"+
		"Dialogue: 0,0:00:00.50,0:00:02.00,Default,,0,0,0,,{\\i1}Bonjour{\\i0} à tous\n"), 0o644))
	langs := []string{"eng", "fre", "ger", "spa", "ita", "jpn", "kor", "por"}
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=3"}
	for i := range langs {
		args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%d:sample_rate=48000:duration=3", 300+100*i))
	}
	args = append(args, "-i", srt, "-i", ass, "-map", "0:v")
	for i := range langs {
		args = append(args, "-map", strconv.Itoa(i+1)+":a")
	}
	args = append(args, "-map", "9:s", "-map", "10:s",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-ac:a:0", "1", "-ac:a:2", "8",
		"-c:s:0", "srt", "-c:s:1", "ass", "-disposition:a", "0", "-disposition:a:1", "default", "-disposition:a:3", "comment")
	for i, l := range langs {
		args = append(args, fmt.Sprintf("-metadata:s:a:%d", i), "language="+l)
	}
	out := filepath.Join(dir, "film.mkv")
	args = append(args, "-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=fre", out)
	msg, err := execCommand(ffmpeg, args...).CombinedOutput()
	require.NoError(t, err, "generate: %s", msg)
	return out
}

func TestTranscodeAudioTracks(t *testing.T) {
	t.Parallel()
	_, ffprobe := tools(t)
	dir := t.TempDir()
	input := makeMultiTrack(t, dir)
	out := filepath.Join(dir, "out")
	require.NoError(t, os.Mkdir(out, 0o755))
	res, err := Transcode(context.Background(), testOptions(), input, out, nil)
	require.NoError(t, err)

	t.Run("every track is found", func(t *testing.T) {
		var langs []string
		var channels []int
		for _, a := range res.Source.Audio {
			langs = append(langs, a.Language)
			channels = append(channels, a.Channels)
		}
		require.Equal(t, []string{"en", "fr", "de", "es", "it", "ja", "ko", "pt"}, langs)
		require.Equal(t, []int{1, 2, 8, 2, 2, 2, 2, 2}, channels)
		require.True(t, res.Source.Audio[1].Default)
		require.Equal(t, res.Source.Audio[1].Index, res.Source.AudioStream)
		require.True(t, res.Source.Audio[3].Commentary)
		require.Len(t, res.Source.Subtitles, 2)
	})

	t.Run("one stereo rendition per track and 5.1 for the 7.1 one", func(t *testing.T) {
		var names []string
		for _, a := range res.Audio {
			names = append(names, a.Name)
			require.Equal(t, "mp4a.40.2", a.Codecs)
			require.Positive(t, a.AverageBandwidth)
			m, err := readMediaPlaylist(filepath.Join(out, filepath.FromSlash(a.Playlist)))
			require.NoError(t, err)
			require.InDelta(t, 3, m.duration(), 0.1, a.Name)
			// The decoder's view of what was encoded, from the init segment and the first segment.
			init, err := os.ReadFile(filepath.Join(out, a.Name, m.init))
			require.NoError(t, err)
			seg, err := os.ReadFile(filepath.Join(out, a.Name, m.segments[0].uri))
			require.NoError(t, err)
			joined := filepath.Join(t.TempDir(), "joined.mp4")
			require.NoError(t, os.WriteFile(joined, append(init, seg...), 0o644))
			report, err := execCommand(ffprobe, "-v", "error", "-f", "mov", "-show_entries", "stream=codec_type,channels", "-of", "csv=p=0", joined).Output()
			require.NoError(t, err)
			require.Equal(t, fmt.Sprintf("audio,%d", a.Channels), strings.TrimSpace(string(report)), "%s holds its audio only", a.Name)
		}
		require.Equal(t, []string{"audio1", "audio2", "audio3", "audio3-51", "audio4", "audio5", "audio6", "audio7", "audio8"}, names)
		require.Equal(t, 6, res.Audio[3].Channels)
	})

	t.Run("rungs carry video only", func(t *testing.T) {
		for _, r := range res.Renditions {
			require.Regexp(t, `^avc1\.64[0-9a-f]{4},mp4a\.40\.2$`, r.Codecs)
			keys := keyframesPerSegment(t, ffprobe, filepath.Join(out, r.Name))
			require.Len(t, keys, 2)
		}
	})

	t.Run("master playlist", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(out, res.Master))
		require.NoError(t, err)
		master := string(data)
		media := regexp.MustCompile(`(?m)^#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="(\w+)",NAME="([^"]+)",LANGUAGE="([\w-]+)",CHANNELS="(\d)",DEFAULT=(YES|NO),AUTOSELECT=YES,URI="([\w/.-]+)"$`).
			FindAllStringSubmatch(master, -1)
		require.Len(t, media, 16, "eight tracks in each of two groups:\n%s", master)
		defaults := map[string][]string{}
		for _, m := range media {
			require.FileExists(t, filepath.Join(out, filepath.FromSlash(m[6])))
			if m[5] == "YES" {
				defaults[m[1]] = append(defaults[m[1]], m[2])
			}
		}
		require.Equal(t, map[string][]string{"stereo": {"French"}, "surround": {"French"}}, defaults)
		require.Equal(t, []string{"surround", "German", "de", "6", "NO", "audio3-51/index.m3u8"}, media[8+2][1:])
		require.Equal(t, []string{"stereo", "Spanish (commentary)", "es", "2", "NO", "audio4/index.m3u8"}, media[3][1:])
		variants := parseMaster(t, filepath.Join(out, res.Master))
		require.Len(t, variants, 6, "each rung once per audio group")
		for i, v := range variants {
			require.Equal(t, []string{"stereo", "surround"}[i%2], v.attrs["AUDIO"])
			if i%2 == 1 {
				prev := variants[i-1]
				require.Equal(t, prev.uri, v.uri)
				require.Equal(t, prev.attrs["BANDWIDTH"], v.attrs["BANDWIDTH"], "one variant to players that merge by attributes")
			}
		}
	})

	t.Run("subtitle streams extract as WebVTT", func(t *testing.T) {
		want := []string{"Hello <b>there</b>", "<i>Bonjour</i> à tous"}
		for i, s := range res.Source.Subtitles {
			require.True(t, s.Text)
			vtt, err := ExtractSubtitle(context.Background(), Options{}, res.Source.Container, input, s.Index)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(string(vtt), "WEBVTT"), "%s", vtt)
			require.Contains(t, string(vtt), want[i])
		}
	})
}

// A Matroska remux of an MP4 with AAC starts its video 21 ms after its audio; every rung still
// has exactly the source's frames, none repeated to fill the gap.
func TestTranscodeKeepsEveryFrame(t *testing.T) {
	t.Parallel()
	ffmpeg, ffprobe := tools(t)
	dir := t.TempDir()
	mp4 := makeClip(t, dir, "in.mp4", clip{audio: true})
	mkv := filepath.Join(dir, "in.mkv")
	msg, err := execCommand(ffmpeg, "-loglevel", "error", "-i", mp4, "-c", "copy", mkv).CombinedOutput()
	require.NoError(t, err, "%s", msg)
	start, err := execCommand(ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=start_time", "-of", "csv=p=0", mkv).Output()
	require.NoError(t, err)
	require.NotEqual(t, "0.000000", strings.TrimSpace(string(start)), "the remux starts its video late, as this test needs")

	out := filepath.Join(dir, "out")
	require.NoError(t, os.Mkdir(out, 0o755))
	res, err := Transcode(context.Background(), testOptions(), mkv, out, nil)
	require.NoError(t, err)
	for _, r := range res.Renditions {
		m, err := readMediaPlaylist(filepath.Join(out, r.Name, playlistName))
		require.NoError(t, err)
		init, err := os.ReadFile(filepath.Join(out, r.Name, m.init))
		require.NoError(t, err)
		joined := append([]byte{}, init...)
		for _, s := range m.segments {
			seg, err := os.ReadFile(filepath.Join(out, r.Name, s.uri))
			require.NoError(t, err)
			joined = append(joined, seg...)
		}
		file := filepath.Join(t.TempDir(), "joined.mp4")
		require.NoError(t, os.WriteFile(file, joined, 0o644))
		n, err := execCommand(ffprobe, "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file).Output()
		require.NoError(t, err)
		frames, err := strconv.Atoi(strings.TrimSpace(string(n)))
		require.NoError(t, err)
		require.Equal(t, 90, frames, "%s: 3 s at 30 fps", r.Name)
	}
}
