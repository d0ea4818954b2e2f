package transcoder

import (
	"fmt"
	"regexp"
	"strings"
)

// Rejection is a permanent failure caused by the input: the worker marks the video failed with Reason and does
// not retry. Reason is meant for the uploader, so it never contains server paths. Every other error returned by
// this package is worth retrying.
type Rejection struct{ Reason string }

func (r *Rejection) Error() string { return "video rejected: " + r.Reason }

func reject(format string, args ...any) error {
	return &Rejection{Reason: fmt.Sprintf(format, args...)}
}

// tailBuffer keeps the last max bytes written to it: ffmpeg can log a line per damaged frame for hours, and
// only the end explains why it stopped.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	if len(t.buf) > t.max {
		return string(t.buf[len(t.buf)-t.max:])
	}
	return string(t.buf)
}

// limitBuffer keeps the first max bytes and remembers that more came, so a hostile file cannot make ffprobe's
// report fill memory.
type limitBuffer struct {
	max      int
	buf      []byte
	overflow bool
}

func (l *limitBuffer) Write(p []byte) (int, error) {
	room := l.max - len(l.buf)
	if len(p) > room {
		l.overflow = true
		l.buf = append(l.buf, p[:max(room, 0)]...)
		return len(p), nil
	}
	l.buf = append(l.buf, p...)
	return len(p), nil
}

// The "[mov,mp4,… @ 0x55d0c…] " prefix ffmpeg puts on library messages, and anything that looks like a path:
// neither means anything to an uploader, and paths reveal the server's layout.
var (
	logPrefix = regexp.MustCompile(`\[[^\]]* @ 0x[0-9a-f]+\]\s*`)
	pathLike  = regexp.MustCompile(`(?:file:)?/[^\s:'",]+`)
)

// inputProblems maps ffmpeg's messages about broken input to what an uploader can understand and act on. The
// first match in stderr order wins, so the root cause (usually logged first) is what the user sees.
func inputProblems() []struct{ needle, reason string } {
	return []struct{ needle, reason string }{
		{"moov atom not found", "the MP4/MOV file is incomplete: its index (the moov box) is missing, so the upload or the recording was probably cut off"},
		{"partial file", "the file is truncated: it ends in the middle of the video data"},
		{"EBML header parsing failed", "the Matroska/WebM file is damaged (its header cannot be read)"},
		{"Invalid data found when processing input", "the file is damaged or is not the kind of video its header claims"},
		{"could not find codec parameters", "the video stream cannot be decoded (its format could not be determined)"},
		{"Decoder (codec", "the video uses a codec this server cannot decode"},
		{"no frame!", "the video stream is damaged (frames cannot be decoded)"},
		{"Invalid NAL unit size", "the video stream is damaged (frames cannot be decoded)"},
		{"error while decoding", "the video stream is damaged (frames cannot be decoded)"},
		{"corrupt decoded frame", "the video stream is damaged (frames cannot be decoded)"},
		{"Output file is empty, nothing was encoded", "no video frames could be decoded from the file"},
		{": End of file", "the file ends before any video could be read"},
	}
}

// environmentProblems are failures of this machine, never of the upload; they must stay retryable even when
// they happen while reading the input.
func environmentProblems() []string {
	return []string{"No space left on device", "Cannot allocate memory", "Too many open files", "Permission denied", "Resource temporarily unavailable", "Disk quota exceeded", "Read-only file system"}
}

// classify turns ffmpeg/ffprobe stderr into a reason without paths, and says whether it names a problem with
// the input (known) or something else.
func classify(stderr string) (reason string, inputFault bool) {
	for _, e := range environmentProblems() {
		if strings.Contains(stderr, e) {
			return e, false
		}
	}
	lines := cleanLines(stderr)
	for _, l := range lines {
		for _, p := range inputProblems() {
			if strings.Contains(strings.ToLower(l), strings.ToLower(p.needle)) {
				return p.reason, true
			}
		}
	}
	if len(lines) == 0 {
		return "", false
	}
	return lines[len(lines)-1], false
}

// cleanLines returns stderr's distinct lines without log prefixes and paths, each at most 200 bytes.
func cleanLines(stderr string) []string {
	var out []string
	seen := map[string]bool{}
	for l := range strings.SplitSeq(stderr, "\n") {
		l = logPrefix.ReplaceAllString(l, "")
		l = pathLike.ReplaceAllString(l, "<file>")
		l = strings.TrimSpace(l)
		if len(l) > 200 {
			l = strings.ToValidUTF8(l[:200], "") + "…"
		}
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, l)
	}
	return out
}
