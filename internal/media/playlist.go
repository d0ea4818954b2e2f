package media

// The HLS master playlist parser: which variants a plan may see.

import (
	"bytes"
	"strconv"
)

// A variant of a master playlist: a #EXT-X-STREAM-INF tag with the lines up to and including its
// URI, or a one-line #EXT-X-I-FRAME-STREAM-INF.
type variant struct {
	start, end int // byte range in the master
	height     int // 0 when unknown, such as an audio-only variant: never filtered
	iframe     bool
}

// filterMaster drops the variants above maxHeight from an HLS master playlist and keeps every
// other line byte for byte. When that would leave no playable variant it keeps the lowest one, whose
// height it returns as fallback (0 otherwise), since a plan must always be able to play something.
//
// A variant's height is its rung folder's name ("720p/index.m3u8" is 720) and RESOLUTION only
// for URIs outside rung folders. The rung name is the plan-comparable number: the transcoder names
// rungs for the 16:9 (or 9:16) box they fit, so a portrait "720p" rung is 720x1280 and a 2.4:1
// "1080p" rung 1920x800. Using the name also keeps the playlist in step with the handler's
// folder rule, so the master never lists a rung whose files would answer 404, nor hides one that
// would be served.
func filterMaster(master []byte, maxHeight int) (filtered []byte, fallback int) {
	if maxHeight <= 0 {
		return master, 0
	}
	vs := variants(master)
	lowest := -1
	for i, v := range vs {
		if v.iframe {
			continue
		}
		if v.height <= maxHeight {
			lowest = -1
			break
		}
		if lowest < 0 || v.height < vs[lowest].height {
			lowest = i
		}
	}
	if lowest >= 0 {
		fallback = vs[lowest].height
	}
	out := make([]byte, 0, len(master))
	at := 0
	for _, v := range vs {
		if v.height <= maxHeight || v.height == fallback || v.end <= at {
			continue // kept, or an I-frame line inside a variant already dropped
		}
		out = append(out, master[at:max(v.start, at)]...)
		at = v.end
	}
	return append(out, master[at:]...), fallback
}

// variants finds the variants of master in order.
func variants(master []byte) []variant {
	var vs []variant
	open := -1 // index in vs of a STREAM-INF still waiting for its URI line
	for at := 0; at < len(master); {
		end := lineEnd(master, at)
		line := bytes.TrimSpace(master[at:end])
		switch {
		case bytes.HasPrefix(line, []byte("#EXT-X-STREAM-INF:")):
			attrs := line[len("#EXT-X-STREAM-INF:"):]
			if open >= 0 {
				// A second tag before the URI: players pair the first tag with the URI that
				// follows as well, so both are one variant, as high as the higher of the two.
				vs[open].height = max(vs[open].height, resolutionHeight(attrs))
				break
			}
			vs = append(vs, variant{start: at, height: resolutionHeight(attrs)})
			open = len(vs) - 1
		case bytes.HasPrefix(line, []byte("#EXT-X-I-FRAME-STREAM-INF:")):
			attrs := line[len("#EXT-X-I-FRAME-STREAM-INF:"):]
			h := resolutionHeight(attrs)
			if uri, ok := quotedAttr(attrs, "URI"); ok {
				h = heightOf(uri, h)
			}
			vs = append(vs, variant{start: at, end: end, height: h, iframe: true})
		case open >= 0 && len(line) > 0 && line[0] != '#':
			vs[open].end = end
			vs[open].height = heightOf(line, vs[open].height)
			open = -1
		}
		at = end
	}
	if open >= 0 { // a tag without its URI: leave the line alone rather than guess
		vs = append(vs[:open], vs[open+1:]...)
	}
	return vs
}

// lineEnd returns the offset just past the line that starts at at: past its LF, CRLF or lone
// CR, since players break lines at all three, or the end of b.
func lineEnd(b []byte, at int) int {
	i := bytes.IndexAny(b[at:], "\r\n")
	if i < 0 {
		return len(b)
	}
	end := at + i + 1
	if b[end-1] == '\r' && end < len(b) && b[end] == '\n' {
		end++
	}
	return end
}

// heightOf is the rung named by uri's folder, or otherwise the RESOLUTION height.
func heightOf(uri []byte, resolution int) int {
	if folder, _, ok := bytes.Cut(uri, []byte("/")); ok {
		if n, ok := parseRungName(string(folder)); ok {
			return n
		}
	}
	return resolution
}

// resolutionHeight is the height in an attribute list's RESOLUTION=<w>x<h>, or 0.
func resolutionHeight(attrs []byte) int {
	for rest := attrs; len(rest) > 0; {
		var attr []byte
		attr, rest = nextAttr(rest)
		if v, ok := bytes.CutPrefix(attr, []byte("RESOLUTION=")); ok {
			_, h, ok := bytes.Cut(v, []byte("x"))
			if !ok {
				return 0
			}
			n, err := strconv.Atoi(string(h))
			if err != nil || n < 0 {
				return 0
			}
			return n
		}
	}
	return 0
}

// quotedAttr returns a quoted attribute's value.
func quotedAttr(attrs []byte, name string) ([]byte, bool) {
	for rest := attrs; len(rest) > 0; {
		var attr []byte
		attr, rest = nextAttr(rest)
		k, v, ok := bytes.Cut(attr, []byte("="))
		if ok && string(k) == name && len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			return v[1 : len(v)-1], true
		}
	}
	return nil, false
}

// nextAttr splits the first attribute off an HLS attribute list, minding commas inside quoted
// values such as CODECS="avc1.64001e,mp4a.40.2".
func nextAttr(list []byte) (attr, rest []byte) {
	quoted := false
	for i, c := range list {
		switch {
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			return list[:i], list[i+1:]
		}
	}
	return list, nil
}
