// Package subtitle turns subtitle files (SubRip, WebVTT, ASS/SSA) in whatever encoding they
// came in into clean UTF-8 WebVTT: encoding detected, line ends normalised, markup reduced
// to WebVTT's safe tags, cues sorted by start (overlaps kept), and impossible cues dropped
// and counted. Nothing in a cue's text survives as markup but <b>, <i> and <u>.
package subtitle

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Limits on what is converted.
const (
	// MaxBytes bounds a subtitle file: a feature film's is well under 1 MiB.
	MaxBytes = 10 << 20
	// MaxCues bounds the cues kept.
	MaxCues = 200_000
	// MaxTime is the latest a cue may end.
	MaxTime = 48 * time.Hour
)

// Cue is one timed text.
type Cue struct {
	Start, End time.Duration
	// Text is WebVTT cue text: escaped, with only <b>, <i> and <u> as markup, never a
	// blank line.
	Text string
}

// Result is a converted file.
type Result struct {
	// Format is what the input was: "srt", "vtt" or "ass".
	Format string
	Cues   []Cue
	// Dropped counts cues left out: times out of range or backwards, no text, past MaxCues.
	Dropped int
}

// ErrNotSubtitles is wrapped by every refusal; its message says why.
var ErrNotSubtitles = errors.New("not a subtitle file")

// Convert reads a SubRip, WebVTT or ASS/SSA file in UTF-8 (with or without a byte-order
// mark), UTF-16 or Windows-1252/Latin-1.
func Convert(b []byte) (*Result, error) {
	if len(b) > MaxBytes {
		return nil, fmt.Errorf("%w: larger than %d MiB", ErrNotSubtitles, MaxBytes>>20)
	}
	if why := binary(b); why != "" {
		return nil, fmt.Errorf("%w: %s", ErrNotSubtitles, why)
	}
	text := decode(b)
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var res *Result
	trimmed := strings.TrimLeft(text, " \t\n")
	switch {
	case strings.HasPrefix(trimmed, "WEBVTT"):
		res = parseBlocks(text, "vtt")
	case strings.Contains(text, "[Events]") || strings.HasPrefix(trimmed, "[Script Info]"):
		res = parseASS(text)
	default:
		res = parseBlocks(text, "srt")
	}
	sort.SliceStable(res.Cues, func(i, j int) bool { return res.Cues[i].Start < res.Cues[j].Start })
	if len(res.Cues) > MaxCues {
		res.Dropped += len(res.Cues) - MaxCues
		res.Cues = res.Cues[:MaxCues]
	}
	if len(res.Cues) == 0 {
		return nil, fmt.Errorf("%w: no cues with a time and text were found (SubRip, WebVTT or ASS expected)", ErrNotSubtitles)
	}
	return res, nil
}

// binary names what a file that is clearly no text is, or says nothing.
func binary(b []byte) string {
	head := b[:min(len(b), 16)]
	switch {
	case len(head) >= 8 && (string(head[4:8]) == "ftyp" || string(head[4:8]) == "moov" || string(head[4:8]) == "mdat"):
		return "this is a video (MP4/MOV) file"
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "this is a Matroska/WebM file; upload the subtitles themselves"
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}), bytes.HasPrefix(head, []byte("\x89PNG")):
		return "this is an image"
	case bytes.HasPrefix(head, []byte("PG")) && len(b) > 13 && b[10] == 0x16:
		return "these are image subtitles (PGS); only text subtitles can be shown"
	case bytes.HasPrefix(head, []byte{0x00, 0x00, 0x01, 0xBA}):
		return "these are image subtitles (VobSub); only text subtitles can be shown"
	}
	if hasBOM16(b) {
		return ""
	}
	if bytes.IndexByte(b[:min(len(b), 4096)], 0) >= 0 && !looksUTF16(b) {
		return "it is not text"
	}
	return ""
}

func hasBOM16(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF})
}

// looksUTF16 reports UTF-16 without a byte-order mark: ASCII text with every other byte 0.
func looksUTF16(b []byte) bool {
	n := min(len(b), 512) &^ 1
	if n < 8 {
		return false
	}
	even, odd := 0, 0
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	return even > n*3/8 || odd > n*3/8
}

// decode turns the bytes into a string: UTF-8 (a BOM dropped), UTF-16 by its BOM or its
// zero bytes, and anything else that is not valid UTF-8 as Windows-1252.
func decode(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		return strings.ToValidUTF8(string(b[3:]), "\uFFFD")
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return utf16String(b[2:], false)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return utf16String(b[2:], true)
	case looksUTF16(b):
		return utf16String(b, b[0] == 0)
	case utf8.Valid(b):
		return string(b)
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}

func utf16String(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// parseBlocks reads SubRip and WebVTT: blocks separated by blank lines, each with a timing
// line ("00:01:02,500 --> 00:01:04,000", WebVTT settings after it ignored), maybe a number
// or identifier before it, and the text after.
func parseBlocks(text, format string) *Result {
	res := &Result{Format: format}
	for _, block := range strings.Split(text, "\n\n") {
		lines := strings.Split(strings.Trim(block, "\n"), "\n")
		at := -1
		for i, l := range lines[:min(len(lines), 2)] {
			if strings.Contains(l, "-->") {
				at = i
				break
			}
		}
		if at < 0 {
			continue // a header, a NOTE, a STYLE block, or stray text
		}
		start, end, ok := timing(lines[at])
		body := strings.Join(lines[at+1:], "\n")
		res.add(start, end, ok, format, body)
	}
	return res
}

// add keeps a cue when its times are possible and its text is not empty.
func (r *Result) add(start, end time.Duration, ok bool, format, body string) {
	t := clean(body, format)
	if !ok || start < 0 || end <= start || end > MaxTime || t == "" {
		r.Dropped++
		return
	}
	r.Cues = append(r.Cues, Cue{Start: start, End: end, Text: t})
}

// timing reads "start --> end" in SubRip's or WebVTT's notation.
func timing(line string) (time.Duration, time.Duration, bool) {
	a, b, found := strings.Cut(line, "-->")
	if !found {
		return 0, 0, false
	}
	fields := strings.Fields(b)
	if len(fields) == 0 {
		return 0, 0, false
	}
	start, ok1 := clock(strings.TrimSpace(a))
	end, ok2 := clock(fields[0])
	return start, end, ok1 && ok2
}

// clock reads "01:02:03,456", "01:02:03.456", "02:03.456" and "1:02:03.45".
func clock(s string) (time.Duration, bool) {
	s = strings.Replace(s, ",", ".", 1)
	whole, frac, _ := strings.Cut(s, ".")
	parts := strings.Split(whole, ":")
	if len(parts) < 2 || len(parts) > 3 || len(frac) > 3 {
		return 0, false
	}
	var d time.Duration
	for _, p := range parts {
		n, ok := digits(p)
		if !ok {
			return 0, false
		}
		d = d*60 + time.Duration(n)
	}
	d *= time.Second
	if frac != "" {
		n, ok := digits(frac)
		if !ok {
			return 0, false
		}
		for i := len(frac); i < 3; i++ {
			n *= 10
		}
		d += time.Duration(n) * time.Millisecond
	}
	return d, true
}

func digits(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// parseASS reads the Dialogue lines of an ASS/SSA [Events] section, in the order its
// Format line gives.
func parseASS(text string) *Result {
	res := &Result{Format: "ass"}
	inEvents := false
	startAt, endAt, textAt, nFields := 1, 2, 9, 10
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "["):
			inEvents = strings.EqualFold(line, "[Events]")
		case !inEvents:
		case strings.HasPrefix(line, "Format:"):
			fields := strings.Split(strings.TrimPrefix(line, "Format:"), ",")
			nFields, startAt, endAt, textAt = len(fields), -1, -1, -1
			for i, f := range fields {
				switch strings.ToLower(strings.TrimSpace(f)) {
				case "start":
					startAt = i
				case "end":
					endAt = i
				case "text":
					textAt = i
				}
			}
		case strings.HasPrefix(line, "Dialogue:"):
			fields := strings.SplitN(strings.TrimPrefix(line, "Dialogue:"), ",", nFields)
			if len(fields) < nFields || textAt != nFields-1 || startAt < 0 || endAt < 0 {
				res.Dropped++
				continue
			}
			start, ok1 := clock(strings.TrimSpace(fields[startAt]))
			end, ok2 := clock(strings.TrimSpace(fields[endAt]))
			res.add(start, end, ok1 && ok2, "ass", fields[textAt])
		}
	}
	return res
}

// VTT writes the cues as a WebVTT file.
func (r *Result) VTT() []byte {
	var b bytes.Buffer
	b.WriteString("WEBVTT\n")
	for _, c := range r.Cues {
		fmt.Fprintf(&b, "\n%s --> %s\n%s\n", Stamp(c.Start), Stamp(c.End), c.Text)
	}
	return b.Bytes()
}

// Stamp writes a time in WebVTT's notation, hours always given: 01:02:03.456.
func Stamp(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000)
}
