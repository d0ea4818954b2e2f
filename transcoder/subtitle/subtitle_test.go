package subtitle

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/require"
)

func TestConvertSubRip(t *testing.T) {
	t.Parallel()
	srt := "1\r\n00:00:05,000 --> 00:00:07,500\r\n<i>Hello</i> & <font color=\"red\">welcome</font>\r\n\r\n" +
		"2\r\n00:00:01,000 --> 00:00:03,000\r\n<script>alert(1)</script>\r\n<b>Bold <i>nested</b>\r\n\r\n" +
		"3\r\n00:00:02,000 --> 00:00:04,000\r\nOverlapping --> kept\r\n\r\n" +
		"4\r\n99:00:00,000 --> 99:00:01,000\r\nToo late\r\n\r\n" +
		"5\r\n00:00:09,000 --> 00:00:08,000\r\nBackwards\r\n\r\n" +
		"6\r\n-00:00:01,000 --> 00:00:01,000\r\nNegative\r\n\r\n" +
		"7\r\n00:00:10,000 --> 00:00:11,000\r\n<i></i>\r\n"
	res, err := Convert([]byte(srt))
	require.NoError(t, err)
	require.Equal(t, "srt", res.Format)
	require.Equal(t, 4, res.Dropped, "too late, backwards, negative and empty")
	require.Equal(t, "WEBVTT\n"+
		"\n00:00:01.000 --> 00:00:03.000\nalert(1)\n<b>Bold <i>nested</i></b>\n"+
		"\n00:00:02.000 --> 00:00:04.000\nOverlapping --&gt; kept\n"+
		"\n00:00:05.000 --> 00:00:07.500\n<i>Hello</i> &amp; welcome\n", string(res.VTT()))
}

func TestConvertEncodings(t *testing.T) {
	t.Parallel()
	const srt = "1\n00:00:01,000 --> 00:00:02,000\nCafé crème, ¿qué tal?\n"
	utf16le := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(srt)) {
		utf16le = append(utf16le, byte(u), byte(u>>8))
	}
	var utf16be []byte // no byte-order mark
	for _, u := range utf16.Encode([]rune(srt)) {
		utf16be = append(utf16be, byte(u>>8), byte(u))
	}
	cp1252 := []byte(strings.NewReplacer("é", "\xe9", "è", "\xe8", "¿", "\xbf").Replace(srt))
	for name, b := range map[string][]byte{
		"utf-8":          []byte(srt),
		"utf-8 with BOM": append([]byte("\xef\xbb\xbf"), srt...),
		"utf-16le BOM":   utf16le,
		"utf-16be bare":  utf16be,
		"windows-1252":   cp1252,
	} {
		res, err := Convert(b)
		require.NoError(t, err, name)
		require.Equal(t, "Café crème, ¿qué tal?", res.Cues[0].Text, name)
	}
}

func TestConvertWebVTT(t *testing.T) {
	t.Parallel()
	vtt := "WEBVTT - a title\n\nNOTE made by hand\n\nSTYLE\n::cue { color: red }\n\n" +
		"intro\n00:01.500 --> 00:03.000 align:start position:10%\n<v Roger>Fish &amp; chips &lt;b&gt;</v>\n\n" +
		"01:00:00.000 --> 01:00:02.250\n<c.yellow>Later</c>\n"
	res, err := Convert([]byte(vtt))
	require.NoError(t, err)
	require.Equal(t, []Cue{
		{1500 * time.Millisecond, 3 * time.Second, "Fish &amp; chips &lt;b&gt;"},
		{time.Hour, time.Hour + 2250*time.Millisecond, "Later"},
	}, res.Cues)
}

func TestConvertASS(t *testing.T) {
	t.Parallel()
	ass := "[Script Info]\nTitle: test\n\n[V4+ Styles]\nFormat: Name, Fontname\nStyle: Default,Arial\n\n[Events]\n" +
		"Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n" +
		"Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,{\\an8}Hello, {\\i1}world{\\i0}\\Nsecond line\n" +
		"Comment: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,not shown\n" +
		"Dialogue: 0,0:00:00.50,0:00:00.90,Default,,0,0,0,,{\\pos(10,20)}First\\hof all <3\n"
	res, err := Convert([]byte(ass))
	require.NoError(t, err)
	require.Equal(t, "ass", res.Format)
	require.Equal(t, []Cue{
		{500 * time.Millisecond, 900 * time.Millisecond, "First of all &lt;3"},
		{time.Second, 2500 * time.Millisecond, "Hello, <i>world</i>\nsecond line"},
	}, res.Cues)
}

func TestConvertManyCues(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&b, "%d\n%s --> %s\nLine %d\n\n", i+1,
			strings.Replace(Stamp(time.Duration(i)*100*time.Millisecond), ".", ",", 1),
			strings.Replace(Stamp(time.Duration(i)*100*time.Millisecond+90*time.Millisecond), ".", ",", 1), i)
	}
	res, err := Convert([]byte(b.String()))
	require.NoError(t, err)
	require.Len(t, res.Cues, 100_000)
	require.Zero(t, res.Dropped)
}

func TestConvertRefuses(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		in  []byte
		why string
	}{
		"mp4":     {[]byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"), "video (MP4/MOV)"},
		"mkv":     {[]byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"), "Matroska"},
		"png":     {[]byte("\x89PNG\r\n\x1a\n\x00\x00"), "image"},
		"pgs":     {[]byte("PG\x00\x00\x00\x00\x00\x00\x00\x00\x16\x00\x00\x00"), "image subtitles (PGS)"},
		"binary":  {[]byte("abc\x00\x01\x02\x03\xff\xfe\x00\x00\x00garbage"), "not text"},
		"no cues": {[]byte("just some words\nand more\n"), "no cues"},
		"empty":   {nil, "no cues"},
		"too big": {make([]byte, MaxBytes+1), "larger than"},
	} {
		_, err := Convert(c.in)
		require.ErrorIs(t, err, ErrNotSubtitles, name)
		require.Contains(t, err.Error(), c.why, name)
	}
}
