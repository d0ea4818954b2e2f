package transcoder

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMasterPlaylistGolden(t *testing.T) {
	t.Parallel()
	en := AudioTrack{Index: 1, Channels: 6, Language: "en", Default: true}
	fr := AudioTrack{Index: 2, Channels: 2, Language: "fr"}
	desc := AudioTrack{Index: 3, Channels: 1, Language: "en", Description: true}
	tests := []struct {
		name  string
		rs    []Rendition
		audio []AudioRendition
	}{
		{"empty", nil, nil},
		{"audio", []Rendition{
			{Name: "360p", Width: 640, Height: 360, Bandwidth: 1_200_000, AverageBandwidth: 900_000, Codecs: "avc1.64001e,mp4a.40.2", FrameRate: 25, Playlist: "360p/index.m3u8"},
		}, []AudioRendition{
			{Name: "audio1", Track: en, Channels: 2, Codecs: "mp4a.40.2", Playlist: "audio1/index.m3u8"},
			{Name: "audio1-51", Track: en, Channels: 6, Codecs: "mp4a.40.2", Playlist: "audio1-51/index.m3u8"},
			{Name: "audio2", Track: fr, Channels: 2, Codecs: "mp4a.40.2", Playlist: "audio2/index.m3u8"},
			{Name: "audio3", Track: desc, Channels: 2, Codecs: "mp4a.40.2", Playlist: "audio3/index.m3u8"},
		}},
		{"ladder", []Rendition{
			{Name: "240p", Width: 426, Height: 240, Bandwidth: 612_345, AverageBandwidth: 401_000, Codecs: "avc1.640015,mp4a.40.2", FrameRate: 30, Playlist: "240p/index.m3u8"},
			{Name: "720p", Width: 1280, Height: 720, Bandwidth: 4_100_000, AverageBandwidth: 2_750_123, Codecs: "avc1.64001f,mp4a.40.2", FrameRate: 30000.0 / 1001, Playlist: "720p/index.m3u8"},
			{Name: "1080p", Width: 1920, Height: 800, Bandwidth: 8_000_000, AverageBandwidth: 5_500_000, Codecs: "avc1.640028", FrameRate: 24000.0 / 1001, Playlist: "1080p/index.m3u8"},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			golden(t, "master_"+tt.name+".golden", MasterPlaylist(tt.rs, tt.audio))
		})
	}
}

func TestAudioNames(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"Original"}, AudioNames([]AudioTrack{{Language: "und"}}))
	require.Equal(t,
		[]string{"English", "Director's cut", "English (commentary)", "Audio 4", "English 2", "Brazilian Portuguese"},
		AudioNames([]AudioTrack{
			{Language: "en"}, {Language: "en", Title: "Director's cut"}, {Language: "en", Commentary: true},
			{Language: "und"}, {Language: "en"}, {Language: "pt-BR"},
		}))
}

func TestLanguageTag(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{"eng": "en", "fre": "fr", "ger": "de", "pt_BR": "pt-BR", "": "und", "und": "und", "<script>": "und", "english": "und"} {
		require.Equal(t, want, LanguageTag(raw), raw)
	}
}

func TestMeasure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		target    float64
		init      int
		segs      []int     // bytes
		durs      []float64 // seconds
		peak, avg int
	}{
		{
			name: "steady", target: 4, init: 1000,
			segs: []int{500_000, 500_000, 500_000}, durs: []float64{4, 4, 4},
			// (1000+1.5e6)*8/12 and the worst 1-segment run with init: (1000+500000)*8/4.
			peak: 1_002_000, avg: 1_000_667,
		},
		{
			name: "short tail is not a spike", target: 4, init: 0,
			segs: []int{400_000, 400_000, 100_000}, durs: []float64{4, 4, 0.5},
			// The 0.5 s tail alone (1.6 Mb/s) is too short to count: it only counts averaged with the segment
			// before it, 500 kB over 4.5 s.
			peak: 888_889, avg: 847_059,
		},
		{
			name: "spike in the middle", target: 2, init: 0,
			segs: []int{100_000, 1_000_000, 100_000}, durs: []float64{2, 2, 2},
			peak: 4_000_000, avg: 1_600_000,
		},
		{
			name: "clip shorter than half a target", target: 4, init: 200,
			segs: []int{10_000}, durs: []float64{1},
			peak: 81_600, avg: 81_600,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			m := mediaPlaylist{targetDuration: tt.target, init: "init.mp4"}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "init.mp4"), make([]byte, tt.init), 0o644))
			for i, n := range tt.segs {
				name := "seg_" + string(rune('a'+i)) + ".m4s"
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), make([]byte, n), 0o644))
				m.segments = append(m.segments, mediaSegment{uri: name, duration: tt.durs[i]})
			}
			peak, avg, err := measure(dir, m)
			require.NoError(t, err)
			require.Equal(t, tt.avg, avg, "average")
			require.Equal(t, tt.peak, peak, "peak")
		})
	}
}

func TestReadMediaPlaylistRefusesEscapingURIs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
	}{
		{"parent segment", "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:2,\n../seg.m4s\n"},
		{"absolute init", "#EXTM3U\n#EXT-X-MAP:URI=\"/etc/passwd\"\n#EXTINF:2,\nseg.m4s\n"},
		{"no map", "#EXTM3U\n#EXTINF:2,\nseg.m4s\n"},
		{"segment without EXTINF", "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\nseg.m4s\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "index.m3u8")
			require.NoError(t, os.WriteFile(file, []byte(tt.body), 0o644))
			_, err := readMediaPlaylist(file)
			require.Error(t, err)
		})
	}
}

func TestThumbnailVTT(t *testing.T) {
	t.Parallel()
	got := thumbnailVTT(ThumbPlan{Interval: 2, Width: 160, Height: 90, Columns: 10, Rows: 1}, 12, 23.5)
	golden(t, "thumbs.vtt.golden", got)
}

func TestBuildSprites(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tp := ThumbPlan{Interval: 1, Width: 16, Height: 8, Columns: 10, Rows: 2}
	for i := 1; i <= 23; i++ {
		img := image.NewGray(image.Rect(0, 0, tp.Width, tp.Height))
		for p := range img.Pix {
			img.Pix[p] = uint8(i * 10)
		}
		require.NoError(t, writeJPEG(filepath.Join(dir, fmt.Sprintf(thumbPattern, i)), img))
	}
	n, err := buildSprites(dir, tp)
	require.NoError(t, err)
	require.Equal(t, 23, n)

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.Equal(t, []string{"sprite_001.jpg", "sprite_002.jpg"}, names, "singles removed, 20 + 3 per sheet")

	sheet, err := decodeJPEG(filepath.Join(dir, "sprite_002.jpg"))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 3*16, 8), sheet.Bounds())
	// Thumbnail 23 is the third tile of the second sheet: x=32.
	gray := color.GrayModel.Convert(sheet.At(32+8, 4)).(color.Gray).Y
	require.InDelta(t, 230, int(gray), 6)

	vtt := thumbnailVTT(tp, n, 23)
	require.Contains(t, vtt, "00:00:22.000 --> 00:00:23.000\nthumbs/sprite_002.jpg#xywh=32,0,16,8\n")
	require.Contains(t, vtt, "00:00:19.000 --> 00:00:20.000\nthumbs/sprite_001.jpg#xywh=144,8,16,8\n")
}

func TestWithSubtitles(t *testing.T) {
	t.Parallel()
	master := MasterPlaylist([]Rendition{
		{Width: 640, Height: 360, Bandwidth: 900000, AverageBandwidth: 800000, Codecs: "avc1.64001e,mp4a.40.2", FrameRate: 30, Playlist: "360p/index.m3u8"},
		{Width: 426, Height: 240, Bandwidth: 500000, AverageBandwidth: 400000, Codecs: "avc1.640015,mp4a.40.2", FrameRate: 30, Playlist: "240p/index.m3u8"},
	}, nil)
	tracks := []SubtitleMedia{
		{Name: "English (CC)", Language: "en", URI: "subs/1/index.m3u8", SDH: true},
		{Name: `Français "forcé"`, Language: "fr", URI: "subs/2/index.m3u8", Forced: true},
	}
	with := WithSubtitles(master, tracks)
	require.Equal(t, "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"+
		`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English (CC)",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,`+
		`CHARACTERISTICS="public.accessibility.describes-spoken-dialog,public.accessibility.describes-music-and-sound",URI="subs/1/index.m3u8"`+"\n"+
		`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Français 'forcé'",LANGUAGE="fr",DEFAULT=NO,AUTOSELECT=YES,FORCED=YES,URI="subs/2/index.m3u8"`+"\n"+
		`#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=30.000,SUBTITLES="subs"`+"\n360p/index.m3u8\n"+
		`#EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=400000,RESOLUTION=426x240,CODECS="avc1.640015,mp4a.40.2",FRAME-RATE=30.000,SUBTITLES="subs"`+"\n240p/index.m3u8\n", with)
	require.Equal(t, with, WithSubtitles(with, tracks), "rewriting is idempotent")
	require.Equal(t, master, WithSubtitles(with, nil), "no tracks: the master as it was")
}

func TestSubtitlePlaylist(t *testing.T) {
	t.Parallel()
	require.Equal(t, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:60\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"+
		"#EXTINF:60.000,\n0.vtt\n#EXTINF:12.500,\n1.vtt\n#EXT-X-ENDLIST\n", SubtitlePlaylist(72.5, 60))
}
