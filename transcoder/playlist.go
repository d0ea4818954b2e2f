package transcoder

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Rendition is one encoded rung as measured after encoding.
type Rendition struct {
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Bandwidth is the peak and AverageBandwidth the mean bit rate of the produced segments, bits/s (see
	// measure).
	Bandwidth        int     `json:"bandwidth"`
	AverageBandwidth int     `json:"averageBandwidth"`
	Codecs           string  `json:"codecs"` // RFC 6381, from the encoded stream, e.g. "avc1.64001f,mp4a.40.2"
	FrameRate        float64 `json:"frameRate"`
	Playlist         string  `json:"playlist"` // relative to outDir, slash-separated, e.g. "720p/index.m3u8"
}

// AudioRendition is one encoded audio rendition as measured after encoding.
type AudioRendition struct {
	Name             string     `json:"name"` // its directory
	Track            AudioTrack `json:"track"`
	Channels         int        `json:"channels"`
	Bandwidth        int        `json:"bandwidth"`
	AverageBandwidth int        `json:"averageBandwidth"`
	Codecs           string     `json:"codecs"`   // "mp4a.40.2"
	Playlist         string     `json:"playlist"` // relative to outDir, e.g. "audio1/index.m3u8"
}

// Audio groups: every track in stereo, and, when a track has 5.1, every track again with
// its 5.1 rendition where it has one, for players on multichannel outputs.
const (
	stereoGroup   = "stereo"
	surroundGroup = "surround"
)

// withAudio makes each video rendition a variant that plays with any of the audio
// renditions: its bit rates grow by the largest audio rendition's and its codecs by theirs.
func withAudio(rs []Rendition, audio []AudioRendition) {
	peak, avg, codecs := 0, 0, []string{}
	for _, a := range audio {
		peak, avg = max(peak, a.Bandwidth), max(avg, a.AverageBandwidth)
		if !slices.Contains(codecs, a.Codecs) {
			codecs = append(codecs, a.Codecs)
		}
	}
	for i := range rs {
		rs[i].Bandwidth += peak
		rs[i].AverageBandwidth += avg
		rs[i].Codecs = strings.Join(append([]string{rs[i].Codecs}, codecs...), ",")
	}
}

// AudioNames are the names players list a source's audio tracks by, unique among them: the
// track's title, else its language ("French (commentary)"), else "Original" for the only track
// and "Audio 2" for the second of several.
func AudioNames(tracks []AudioTrack) []string {
	names := make([]string, len(tracks))
	seen := map[string]int{}
	for i, t := range tracks {
		name := t.Title
		if name == "" {
			name = LanguageName(t.Language)
			switch {
			case name == "" && len(tracks) == 1:
				name = "Original"
			case name == "":
				name = fmt.Sprintf("Audio %d", i+1)
			case t.Commentary:
				name += " (commentary)"
			case t.Description:
				name += " (audio description)"
			}
		}
		seen[name]++
		if n := seen[name]; n > 1 {
			name = fmt.Sprintf("%s %d", name, n)
		}
		names[i] = name
	}
	return names
}

// MasterPlaylist writes an HLS multivariant playlist listing rs in the given order (players start with the
// first), each with the audio renditions as groups of EXT-X-MEDIA. URIs are the renditions' relative Playlist
// paths, so the result must sit in the directory they are relative to.
//
// With 5.1 audio each rung is listed twice, once per audio group, with the same attributes: players that tell
// variants apart by bit rate, resolution and codecs (hls.js) see one variant with two groups.
func MasterPlaylist(rs []Rendition, audio []AudioRendition) string {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n")
	groups := audioGroups(audio)
	var names []string
	if len(audio) > 0 {
		var tracks []AudioTrack
		for _, a := range groups[0].members {
			tracks = append(tracks, a.Track)
		}
		names = AudioNames(tracks)
	}
	for _, g := range groups {
		for i, a := range g.members {
			fmt.Fprintf(&b, `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="%s",NAME="%s",LANGUAGE="%s",CHANNELS="%d",DEFAULT=%s,AUTOSELECT=YES`,
				g.id, quoted(names[i]), quoted(a.Track.Language), a.Channels, yes(a.Track.Default))
			if a.Track.Description {
				b.WriteString(`,CHARACTERISTICS="public.accessibility.describes-video"`)
			}
			fmt.Fprintf(&b, ",URI=\"%s\"\n", quoted(a.Playlist))
		}
	}
	for _, r := range rs {
		inf := fmt.Sprintf("#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,RESOLUTION=%dx%d,CODECS=\"%s\",FRAME-RATE=%.3f",
			r.Bandwidth, r.AverageBandwidth, r.Width, r.Height, r.Codecs, r.FrameRate)
		if len(groups) == 0 {
			fmt.Fprintf(&b, "%s\n%s\n", inf, r.Playlist)
		}
		for _, g := range groups {
			fmt.Fprintf(&b, "%s,AUDIO=\"%s\"\n%s\n", inf, g.id, r.Playlist)
		}
	}
	return b.String()
}

type audioGroup struct {
	id      string
	members []AudioRendition // one per track, in track order
}

// audioGroups sorts the audio renditions into the stereo group and, when any track has 5.1,
// the surround group.
func audioGroups(audio []AudioRendition) []audioGroup {
	var stereo, surround []AudioRendition
	has51 := false
	for _, a := range audio {
		if a.Channels == 2 {
			stereo = append(stereo, a)
		} else {
			has51 = true
		}
	}
	if len(stereo) == 0 {
		return nil
	}
	groups := []audioGroup{{stereoGroup, stereo}}
	if has51 {
		for _, st := range stereo {
			pick := st
			for _, a := range audio {
				if a.Track.Index == st.Track.Index && a.Channels > 2 {
					pick = a
				}
			}
			surround = append(surround, pick)
		}
		groups = append(groups, audioGroup{surroundGroup, surround})
	}
	return groups
}

func yes(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// mediaPlaylist is what this package needs from one of ffmpeg's VOD media playlists.
type mediaPlaylist struct {
	targetDuration float64
	init           string
	segments       []mediaSegment
}

type mediaSegment struct {
	uri      string
	duration float64
}

func (m mediaPlaylist) duration() float64 {
	var d float64
	for _, s := range m.segments {
		d += s.duration
	}
	return d
}

// readMediaPlaylist parses a media playlist written by ffmpeg, refusing URIs that leave its directory.
func readMediaPlaylist(file string) (mediaPlaylist, error) {
	f, err := os.Open(file)
	if err != nil {
		return mediaPlaylist{}, err
	}
	defer f.Close()
	var m mediaPlaylist
	pending := -1.0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "#EXT-X-TARGETDURATION:"):
			m.targetDuration, _ = strconv.ParseFloat(strings.TrimPrefix(line, "#EXT-X-TARGETDURATION:"), 64)
		case strings.HasPrefix(line, "#EXT-X-MAP:"):
			uri, ok := attribute(strings.TrimPrefix(line, "#EXT-X-MAP:"), "URI")
			if !ok {
				return m, fmt.Errorf("%s: EXT-X-MAP without URI", file)
			}
			m.init = uri
		case strings.HasPrefix(line, "#EXTINF:"):
			d, _, _ := strings.Cut(strings.TrimPrefix(line, "#EXTINF:"), ",")
			if pending, err = strconv.ParseFloat(d, 64); err != nil || pending < 0 {
				return m, fmt.Errorf("%s: bad EXTINF %q", file, line)
			}
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			if pending < 0 {
				return m, fmt.Errorf("%s: segment %q without EXTINF", file, line)
			}
			m.segments = append(m.segments, mediaSegment{uri: line, duration: pending})
			pending = -1
		}
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	for _, u := range append([]string{m.init}, segmentURIs(m)...) {
		if u == "" || !filepath.IsLocal(u) || path.Base(u) != u {
			return m, fmt.Errorf("%s: unexpected URI %q", file, u)
		}
	}
	return m, nil
}

func segmentURIs(m mediaPlaylist) []string {
	out := make([]string, len(m.segments))
	for i, s := range m.segments {
		out[i] = s.uri
	}
	return out
}

// attribute returns the value of name in an HLS attribute list (quoted values only, which is all ffmpeg writes
// for URIs).
func attribute(list, name string) (string, bool) {
	for rest := list; rest != ""; {
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			return "", false
		}
		k = strings.TrimSpace(k)
		var val string
		if strings.HasPrefix(v, `"`) {
			end := strings.Index(v[1:], `"`)
			if end < 0 {
				return "", false
			}
			val, rest = v[1:end+1], strings.TrimPrefix(v[end+2:], ",")
		} else {
			val, rest, _ = strings.Cut(v, ",")
		}
		if k == name {
			return val, true
		}
	}
	return "", false
}

// measure returns the peak and average bit rate of a rendition in dir. The average is every byte a player
// downloads (init segment included) over the duration. The peak follows RFC 8216bis: the highest rate of any
// run of consecutive segments lasting 0.5–1.5 target durations (so a short last segment does not count as a
// spike), with the init segment added to every run, since a player that switches to this rendition fetches it
// before any segment. A clip shorter than half a target duration is measured as a whole.
func measure(dir string, m mediaPlaylist) (peak, avg int, err error) {
	size := func(name string) (int64, error) {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return 0, err
		}
		return fi.Size(), nil
	}
	initBytes, err := size(m.init)
	if err != nil {
		return 0, 0, err
	}
	sizes := make([]int64, len(m.segments))
	total, dur := initBytes, 0.0
	for i, s := range m.segments {
		if sizes[i], err = size(s.uri); err != nil {
			return 0, 0, err
		}
		total += sizes[i]
		dur += s.duration
	}
	if dur <= 0 {
		return 0, 0, fmt.Errorf("%s: playlist has no duration", dir)
	}
	target := m.targetDuration
	if target <= 0 {
		target = dur
	}
	best := 0.0
	for i := range m.segments {
		bytes, d := initBytes, 0.0
		for j := i; j < len(m.segments); j++ {
			bytes += sizes[j]
			d += m.segments[j].duration
			if d > 1.5*target && j > i {
				break
			}
			if (d >= 0.5*target || (i == 0 && j == len(m.segments)-1)) && d > 0 {
				best = math.Max(best, float64(bytes)*8/d)
			}
		}
	}
	avgRate := float64(total) * 8 / dur
	return int(math.Ceil(math.Max(best, avgRate))), int(math.Ceil(avgRate)), nil
}

// SubtitleMedia is a subtitle track as a master playlist lists it.
type SubtitleMedia struct {
	Name, Language string
	URI            string // relative to the master
	Default        bool
	Forced         bool
	// SDH marks captions for the deaf and hard of hearing: they describe the dialogue and the
	// music and sounds.
	SDH bool
}

// subtitleGroup is the GROUP-ID every variant names for its subtitles.
const subtitleGroup = "subs"

// WithSubtitles rewrites a master playlist so that it lists tracks (none: it lists no
// subtitles) as EXT-X-MEDIA TYPE=SUBTITLES in one group that every variant names; whatever
// subtitles it listed before are replaced. Every other line is kept as it was.
func WithSubtitles(master string, tracks []SubtitleMedia) string {
	var media strings.Builder
	for _, t := range tracks {
		fmt.Fprintf(&media, `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="%s",NAME="%s",LANGUAGE="%s",DEFAULT=%s,AUTOSELECT=YES,FORCED=%s`,
			subtitleGroup, quoted(t.Name), quoted(t.Language), yes(t.Default), yes(t.Forced))
		if t.SDH {
			media.WriteString(`,CHARACTERISTICS="public.accessibility.describes-spoken-dialog,public.accessibility.describes-music-and-sound"`)
		}
		fmt.Fprintf(&media, ",URI=\"%s\"\n", quoted(t.URI))
	}
	var out strings.Builder
	inserted := false
	attr := `,SUBTITLES="` + subtitleGroup + `"`
	for _, line := range strings.SplitAfter(master, "\n") {
		bare := strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(bare, "#EXT-X-MEDIA:") && strings.Contains(bare, "TYPE=SUBTITLES"):
			continue
		case strings.HasPrefix(bare, "#EXT-X-STREAM-INF:"):
			if !inserted {
				out.WriteString(media.String())
				inserted = true
			}
			bare = strings.Replace(bare, attr, "", 1)
			if len(tracks) > 0 {
				bare += attr
			}
			out.WriteString(bare + "\n")
			continue
		}
		out.WriteString(line)
	}
	return out.String()
}

// quoted makes s safe inside a quoted attribute value: no quotes, no line breaks.
func quoted(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\n' || r == '\r' {
			return '\''
		}
		return r
	}, s)
}

// SubtitlePlaylist is the media playlist of a subtitle track cut into segments of the given
// length (seconds) over a video of duration seconds: 0.vtt, 1.vtt, … beside it.
func SubtitlePlaylist(duration float64, segment int) string {
	var b strings.Builder
	n := max(1, int(math.Ceil(duration/float64(segment))))
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n", segment)
	for i := range n {
		d := math.Min(float64(segment), duration-float64(i*segment))
		if d <= 0 {
			d = float64(segment)
		}
		fmt.Fprintf(&b, "#EXTINF:%.3f,\n%d.vtt\n", d, i)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	return b.String()
}
