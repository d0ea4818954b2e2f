package transcoder

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
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

// MasterPlaylist writes an HLS multivariant playlist listing rs in the given order (players start with the
// first). URIs are the renditions' relative Playlist paths, so the result must sit in the directory they are
// relative to.
func MasterPlaylist(rs []Rendition) string {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,RESOLUTION=%dx%d,CODECS=\"%s\",FRAME-RATE=%.3f\n%s\n",
			r.Bandwidth, r.AverageBandwidth, r.Width, r.Height, r.Codecs, r.FrameRate, r.Playlist)
	}
	return b.String()
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
