package transcoder

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Source is what probing found. It is stored as JSON on the Video row.
type Source struct {
	// Container is the demuxer the file was sniffed as and that ffmpeg is forced to use: "mov", "matroska",
	// "avi" or "mpegts".
	Container string  `json:"container"`
	Duration  float64 `json:"duration"` // seconds
	Size      int64   `json:"size"`     // bytes
	// Width and Height are the displayed picture: rotation metadata and non-square pixels already applied.
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	FrameRate  float64 `json:"frameRate"`
	VideoCodec string  `json:"videoCodec"`
	BitRate    int64   `json:"bitRate"` // video bits/s, or the whole file's when the container does not say; 0 if unknown
	// Interlaced is set when the stream says its fields are interlaced (broadcast captures, DV, camcorders);
	// such frames are deinterlaced before scaling.
	Interlaced bool   `json:"interlaced,omitempty"`
	HasAudio   bool   `json:"hasAudio"`
	AudioCodec string `json:"audioCodec,omitempty"`
	// VideoStream and AudioStream are ffprobe stream indexes: cover art is a "video" stream too, so "the first
	// video stream" is not necessarily the film. AudioStream is the default audio track.
	VideoStream int `json:"videoStream"`
	AudioStream int `json:"audioStream"`
	// Audio are the source's audio tracks in stream order, at most maxAudioTracks; each becomes
	// its own renditions.
	Audio []AudioTrack `json:"audio,omitempty"`
	// Subtitles are the source's subtitle streams, text or image.
	Subtitles []SubtitleStream `json:"subtitles,omitempty"`
	// Chapters are the source's chapter marks, in order, within the duration; at most
	// maxChapters, titles cut to maxChapterTitle characters.
	Chapters []Chapter `json:"chapters,omitempty"`
}

// SubtitleStream is a subtitle stream of a source.
type SubtitleStream struct {
	Index int    `json:"index"` // the ffprobe stream index
	Codec string `json:"codec"`
	// Text is set for the formats that are text (SubRip, ASS/SSA, mov_text, WebVTT): those
	// are extracted; image subtitles (PGS, VobSub, DVB) cannot be shown and are not.
	Text     bool   `json:"text"`
	Language string `json:"language,omitempty"` // as tagged: often ISO 639-2 (eng)
	Title    string `json:"title,omitempty"`
	Forced   bool   `json:"forced,omitempty"`
	SDH      bool   `json:"sdh,omitempty"`
}

// AudioTrack is an audio stream of a source.
type AudioTrack struct {
	Index    int    `json:"index"` // the ffprobe stream index
	Codec    string `json:"codec"`
	Channels int    `json:"channels"`
	// Language is a BCP 47 tag (en, pt-BR) from the stream's ISO 639 tag; und when untagged.
	Language string `json:"language"`
	Title    string `json:"title,omitempty"`
	// Default is set on exactly one track of a source with audio: the one flagged default, else the first.
	Default bool `json:"default,omitempty"`
	// Commentary and Description mark a commentary track and an audio description for the blind.
	Commentary  bool `json:"commentary,omitempty"`
	Description bool `json:"description,omitempty"`
}

// Surround reports whether the track gets a 5.1 rendition besides its stereo one.
func (a AudioTrack) Surround() bool { return a.Channels >= 6 }

// maxAudioTracks bounds the audio tracks taken from one source; the rest are left out.
const maxAudioTracks = 16

// LanguageTag is the BCP 47 form of a stream's language tag: ISO 639-2 codes as containers
// store them become their short form (eng is en, fre and fra are fr); what is no language tag
// is und.
func LanguageTag(raw string) string {
	raw = strings.TrimSpace(strings.ReplaceAll(raw, "_", "-"))
	if raw == "" || len(raw) > 35 {
		return "und"
	}
	t, err := language.Parse(raw)
	if err != nil {
		return "und"
	}
	return t.String()
}

// LanguageName is a language tag's name in English ("French", "Brazilian Portuguese"), or ""
// for und and tags without one.
func LanguageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil || t == language.Und {
		return ""
	}
	return display.English.Tags().Name(t)
}

// textSubtitleCodecs are the subtitle codecs ffmpeg converts to WebVTT.
var textSubtitleCodecs = map[string]bool{"subrip": true, "srt": true, "ass": true, "ssa": true, "mov_text": true, "webvtt": true, "text": true}

// maxSubtitleStreams bounds the subtitle streams taken from one source.
const maxSubtitleStreams = 32

// Chapter is one chapter mark of a source, in seconds.
type Chapter struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Title string  `json:"title"`
}

// ChaptersIn reads the chapters back from a Source stored as JSON (a video's source_info).
func ChaptersIn(info map[string]any) []Chapter {
	var chapters []Chapter
	if b, err := json.Marshal(info["chapters"]); err == nil {
		_ = json.Unmarshal(b, &chapters)
	}
	return chapters
}

// Bounds on the chapters kept: a film has tens, a hostile file may claim millions.
const (
	maxChapters     = 500
	maxChapterTitle = 200
)

// Bounds on how much of the file the demuxer may read to identify streams. Large enough for phone videos with
// the index at the end and for MPEG-TS with late audio; small enough that a hostile file cannot make probing
// read gigabytes.
const (
	probeSize       = 50_000_000 // bytes
	analyzeDuration = 20_000_000 // microseconds
	sniffLen        = 512
	maxProbeOutput  = 1 << 20
	// probeTimeout bounds probing on its own, whatever the caller's deadline: even a six-hour file without
	// a duration in its header is demuxed (not decoded) in well under this.
	probeTimeout = 10 * time.Minute
)

// Probe checks that path is a video this server will transcode and describes it. It refuses what it does not
// recognise before any ffmpeg code reads the file: the magic bytes choose the demuxer, and ffprobe is forced
// to use it, so playlists, concat lists and image sequences (which could make ffmpeg read other files) never
// reach a demuxer that would follow them. Input problems are *Rejection.
func Probe(ctx context.Context, o Options, path string) (*Source, error) {
	o = o.withDefaults()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("probe: %s is not a regular file", abs)
	}
	if fi.Size() == 0 {
		return nil, reject("the file is empty (0 bytes)")
	}
	if fi.Size() > o.Limits.MaxBytes {
		return nil, reject("the file is %s; the largest accepted is %s", humanBytes(fi.Size()), humanBytes(o.Limits.MaxBytes))
	}
	container, err := sniffFile(abs, fi.Size())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()

	src, err := ffprobe(ctx, o, container, abs)
	if err != nil {
		return nil, err
	}
	src.Size = fi.Size()
	if err := checkLimits(*src, o.Limits); err != nil {
		return nil, err
	}
	return src, nil
}

func sniffFile(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("probe: %w", err)
	}
	defer f.Close()
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", fmt.Errorf("probe: read %s: %w", path, err)
	}
	return sniff(head[:n], size)
}

// SniffLen is how much of a file Sniff needs.
const SniffLen = sniffLen

// Sniff refuses, with a *Rejection, a file that starts with head and is at most size bytes long when it is no
// video this package transcodes (a playlist, a concat list, an image, audio, anything unknown), so that an upload
// is refused at once instead of failing in the worker, which checks again.
func Sniff(head []byte, size int64) error {
	_, err := sniff(head, size)
	return err
}

// sniff names the demuxer for a file that starts with head, or rejects it with a reason an uploader can act on.
func sniff(head []byte, size int64) (string, error) {
	switch {
	case len(head) >= 8 && isBMFFBox(head, size):
		if brand := string(head[8:min(12, len(head))]); string(head[4:8]) == "ftyp" && isImageBrand(brand) {
			return "", reject("this is a still image (HEIF/AVIF), not a video")
		}
		return "mov", nil
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "matroska", nil
	case len(head) >= 12 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "AVI ":
		return "avi", nil
	case syncEvery(head, 0, 188), syncEvery(head, 4, 192):
		// 188-byte packets are broadcast TS; 192-byte ones are M2TS from camcorders (AVCHD .mts), which the
		// same demuxer reads.
		return "mpegts", nil
	}
	text := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	switch {
	case bytes.HasPrefix(text, []byte("#EXTM3U")):
		return "", reject("this is an HLS playlist (.m3u8), not a video file; upload the video itself")
	case bytes.HasPrefix(text, []byte("ffconcat")), bytes.HasPrefix(text, []byte("file ")), bytes.HasPrefix(text, []byte("file'")):
		return "", reject("this is an ffmpeg concat list, not a video file; upload the video itself")
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}), bytes.HasPrefix(head, []byte("\x89PNG")), bytes.HasPrefix(head, []byte("GIF8")),
		len(head) >= 12 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "", reject("this is an image, not a video")
	case len(head) >= 12 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "WAVE",
		bytes.HasPrefix(head, []byte("ID3")), bytes.HasPrefix(head, []byte("fLaC")), bytes.HasPrefix(head, []byte("OggS")):
		return "", reject("this is an audio file; it has no video stream")
	}
	return "", reject("this is not a video format this server accepts (MP4, MOV, MKV, WebM, AVI or MPEG-TS)")
}

// isBMFFBox reports whether head starts with an ISO BMFF / QuickTime top-level box that a movie file can start
// with. The box size must fit in the file too, so that text which happens to have "free" at offset 4 is
// refused.
func isBMFFBox(head []byte, fileSize int64) bool {
	switch string(head[4:8]) {
	case "ftyp", "moov", "mdat", "free", "skip", "wide":
	default:
		return false
	}
	switch size := int64(binary.BigEndian.Uint32(head[0:4])); size {
	case 0: // the box runs to the end of the file
		return true
	case 1: // a 64-bit size follows
		return len(head) >= 16 && binary.BigEndian.Uint64(head[8:16]) >= 16 && binary.BigEndian.Uint64(head[8:16]) <= uint64(fileSize)
	default:
		return size >= 8 && size <= fileSize
	}
}

func isImageBrand(brand string) bool {
	switch brand {
	case "avif", "avis", "heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1":
		return true
	}
	return false
}

// syncEvery reports whether head has the MPEG-TS sync byte at offset, offset+stride and offset+2*stride.
func syncEvery(head []byte, offset, stride int) bool {
	if len(head) <= offset+2*stride {
		return false
	}
	return head[offset] == 0x47 && head[offset+stride] == 0x47 && head[offset+2*stride] == 0x47
}

// demuxArgs are the options that open the source safely: only the file protocol, the sniffed demuxer and
// nothing else, bounded probing, and for QuickTime no references to other files.
func demuxArgs(container string) []string {
	args := []string{
		"-protocol_whitelist", "file",
		"-probesize", strconv.Itoa(probeSize),
		"-analyzeduration", strconv.Itoa(analyzeDuration),
		"-f", container,
	}
	if container == "mov" {
		// Both are off by default in ffmpeg 5.1; stating them keeps them off if a build or a future default
		// changes. drefs let a .mov point at other files on the server.
		args = append(args, "-enable_drefs", "0", "-use_absolute_path", "0")
	}
	return args
}

// inputArgs opens the source (an absolute path) with demuxArgs; the file: prefix stops a name like
// "concat:a|b" or "http://…" from being read as a URL.
func inputArgs(container, input string) []string {
	return append(demuxArgs(container), "-i", "file:"+input)
}

// probeArgs is ffprobe's command line: only the fields Source needs, so hostile metadata cannot bloat the
// report.
func probeArgs(container, input string) []string {
	args := append([]string{"-hide_banner", "-loglevel", "error"}, demuxArgs(container)...)
	return append(args,
		"-show_entries", "format=duration,bit_rate:"+
			"stream=index,codec_type,codec_name,width,height,sample_aspect_ratio,field_order,avg_frame_rate,r_frame_rate,bit_rate,duration,channels:"+
			"stream_disposition=attached_pic,forced,hearing_impaired,default,comment,visual_impaired:stream_tags=rotate,language,title:stream_side_data=rotation:"+
			"chapter=start_time,end_time:chapter_tags=title",
		"-of", "json",
		"-i", "file:"+input)
}

type probeReport struct {
	Streams []struct {
		Index             int    `json:"index"`
		CodecType         string `json:"codec_type"`
		CodecName         string `json:"codec_name"`
		Width             int    `json:"width"`
		Height            int    `json:"height"`
		SampleAspectRatio string `json:"sample_aspect_ratio"`
		FieldOrder        string `json:"field_order"`
		AvgFrameRate      string `json:"avg_frame_rate"`
		RFrameRate        string `json:"r_frame_rate"`
		BitRate           string `json:"bit_rate"`
		Duration          string `json:"duration"`
		Channels          int    `json:"channels"`
		Disposition       struct {
			AttachedPic     int `json:"attached_pic"`
			Forced          int `json:"forced"`
			HearingImpaired int `json:"hearing_impaired"`
			Default         int `json:"default"`
			Comment         int `json:"comment"`
			VisualImpaired  int `json:"visual_impaired"`
		} `json:"disposition"`
		Tags struct {
			Rotate   string `json:"rotate"`
			Language string `json:"language"`
			Title    string `json:"title"`
		} `json:"tags"`
		SideDataList []struct {
			Rotation float64 `json:"rotation"`
		} `json:"side_data_list"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
		BitRate  string `json:"bit_rate"`
	} `json:"format"`
	Chapters []struct {
		StartTime string `json:"start_time"`
		EndTime   string `json:"end_time"`
		Tags      struct {
			Title string `json:"title"`
		} `json:"tags"`
	} `json:"chapters"`
}

func ffprobe(ctx context.Context, o Options, container, abs string) (*Source, error) {
	cmd := command(ctx, o.FFprobe, probeArgs(container, abs)...)
	stdout := &limitBuffer{max: maxProbeOutput}
	stderr := &tailBuffer{max: 16 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return nil, runFailure(ctx, "ffprobe", err, stderr.String(), true)
	}
	if stdout.overflow {
		return nil, reject("the file has an implausible number of streams")
	}
	src, err := parseProbe(container, stdout.buf)
	if err != nil {
		return nil, err
	}
	if src.Duration <= 0 {
		// Files written to a pipe (browser MediaRecorder WebM, live captures) have no duration in the header;
		// reading every packet's timestamp is a demux-only pass, cheap next to the transcode.
		d, err := scanDuration(ctx, o, container, abs, src.VideoStream)
		if err != nil {
			return nil, err
		}
		src.Duration = d
	}
	if src.Duration <= 0 {
		return nil, reject("the video has no frames (its duration is zero)")
	}
	return src, nil
}

// parseProbe reads ffprobe's JSON report (probeArgs) into a Source. Duration is left at zero when neither the
// container nor the video stream states one.
func parseProbe(container string, report []byte) (*Source, error) {
	var rep probeReport
	if err := json.Unmarshal(report, &rep); err != nil {
		return nil, fmt.Errorf("ffprobe: decode report: %w", err)
	}
	src := &Source{Container: container, VideoStream: -1, AudioStream: -1}
	var videoDuration float64
	for _, s := range rep.Streams {
		switch {
		case s.CodecType == "video" && s.Disposition.AttachedPic == 0 && s.Width > 0 && s.Height > 0 && src.VideoStream < 0:
			src.VideoStream = s.Index
			src.VideoCodec = s.CodecName
			src.Width, src.Height = displaySize(s.Width, s.Height, s.SampleAspectRatio, rotation(s.Tags.Rotate, s.SideDataList))
			src.FrameRate = pickFrameRate(s.AvgFrameRate, s.RFrameRate)
			src.BitRate = parseInt(s.BitRate)
			src.Interlaced = s.FieldOrder == "tt" || s.FieldOrder == "bb" || s.FieldOrder == "tb" || s.FieldOrder == "bt"
			videoDuration = parseFloat(s.Duration)
		case s.CodecType == "subtitle" && len(src.Subtitles) < maxSubtitleStreams:
			src.Subtitles = append(src.Subtitles, SubtitleStream{
				Index: s.Index, Codec: s.CodecName, Text: textSubtitleCodecs[s.CodecName],
				Language: s.Tags.Language, Title: chapterTitle(s.Tags.Title),
				Forced: s.Disposition.Forced == 1, SDH: s.Disposition.HearingImpaired == 1,
			})
		case s.CodecType == "audio" && s.Channels > 0 && len(src.Audio) < maxAudioTracks:
			src.Audio = append(src.Audio, AudioTrack{
				Index: s.Index, Codec: s.CodecName, Channels: s.Channels,
				Language: LanguageTag(s.Tags.Language), Title: chapterTitle(s.Tags.Title),
				Default:    s.Disposition.Default == 1,
				Commentary: s.Disposition.Comment == 1, Description: s.Disposition.VisualImpaired == 1,
			})
		}
	}
	if len(src.Audio) > 0 {
		def := 0
		for i, a := range src.Audio {
			if a.Default {
				def = i
				break
			}
		}
		for i := range src.Audio {
			src.Audio[i].Default = i == def
		}
		src.AudioStream, src.AudioCodec, src.HasAudio = src.Audio[def].Index, src.Audio[def].Codec, true
	}
	if src.VideoStream < 0 {
		return nil, reject("no video stream: the file contains only audio, subtitles or cover art")
	}
	if src.FrameRate <= 0 {
		return nil, reject("the video stream has no usable frame rate")
	}
	if src.BitRate == 0 {
		src.BitRate = parseInt(rep.Format.BitRate)
	}
	src.Duration = parseFloat(rep.Format.Duration)
	if src.Duration <= 0 {
		src.Duration = max(videoDuration, 0)
	}
	for _, c := range rep.Chapters {
		start, end := parseFloat(c.StartTime), parseFloat(c.EndTime)
		if len(src.Chapters) == maxChapters || start < 0 || end <= start || (src.Duration > 0 && start >= src.Duration) {
			continue
		}
		if src.Duration > 0 {
			end = min(end, src.Duration)
		}
		src.Chapters = append(src.Chapters, Chapter{Start: start, End: end, Title: chapterTitle(c.Tags.Title)})
	}
	sort.SliceStable(src.Chapters, func(i, j int) bool { return src.Chapters[i].Start < src.Chapters[j].Start })
	return src, nil
}

// chapterTitle is a chapter's title as shown to viewers: printable, one line, bounded.
func chapterTitle(t string) string {
	t = strings.Join(strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }), " ")
	if r := []rune(t); len(r) > maxChapterTitle {
		t = string(r[:maxChapterTitle])
	}
	return t
}

// scanDuration finds the end of the video stream by listing its packets.
func scanDuration(ctx context.Context, o Options, container, abs string, stream int) (float64, error) {
	args := append([]string{"-hide_banner", "-loglevel", "error"}, demuxArgs(container)...)
	args = append(args, "-select_streams", strconv.Itoa(stream), "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0", "-i", "file:"+abs)
	cmd := command(ctx, o.FFprobe, args...)
	stderr := &tailBuffer{max: 16 << 10}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, fmt.Errorf("ffprobe: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("ffprobe: %w", err)
	}
	var end float64
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		pts, dur, _ := strings.Cut(sc.Text(), ",")
		if t := parseFloat(pts) + parseFloat(dur); t > end {
			end = t
		}
	}
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return 0, runFailure(ctx, "ffprobe", err, stderr.String(), true)
	}
	return end, nil
}

// checkLimits applies the operator's limits to a probed source.
func checkLimits(src Source, l Limits) error {
	if d := time.Duration(src.Duration * float64(time.Second)); d > l.MaxDuration {
		return reject("the video is %s long; the longest accepted is %s", humanDuration(d), humanDuration(l.MaxDuration))
	}
	long, short := max(src.Width, src.Height), min(src.Width, src.Height)
	maxLong, maxShort := max(l.MaxWidth, l.MaxHeight), min(l.MaxWidth, l.MaxHeight)
	if long > maxLong || short > maxShort {
		return reject("the video is %d×%d; the largest accepted is %d×%d", src.Width, src.Height, l.MaxWidth, l.MaxHeight)
	}
	if short < 2 {
		return reject("the video is %d×%d, too small to show", src.Width, src.Height)
	}
	return nil
}

// runFailure turns a failed ffmpeg/ffprobe run into the right kind of error: the context's own error when it
// was cancelled or timed out, a Rejection when stderr blames the input (or, for ffprobe on the input, when
// nothing else is to blame), and a retryable error otherwise.
func runFailure(ctx context.Context, tool string, err error, stderr string, readsOnlyInput bool) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", tool, ctxErr)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return fmt.Errorf("%s: %w", tool, err) // did not start: missing binary, no permission…
	}
	reason, inputFault := classify(stderr)
	// A signal means something killed it (OOM killer, an operator); exit codes are ffmpeg's own verdict.
	signalled := !exit.Exited()
	if inputFault || (readsOnlyInput && !signalled && reason != "" && !isEnvironment(reason)) {
		if !inputFault {
			reason = "the file could not be read as a video (" + reason + ")"
		}
		return &Rejection{Reason: reason}
	}
	if reason == "" {
		reason = "no error message"
	}
	return fmt.Errorf("%s failed (%v): %s", tool, err, reason)
}

func isEnvironment(reason string) bool {
	for _, e := range environmentProblems() {
		if reason == e {
			return true
		}
	}
	return false
}

// displaySize applies pixel aspect ratio and rotation so that the ladder is planned on what viewers see.
func displaySize(w, h int, sar string, rot int) (int, int) {
	if num, den, ok := parseRatio(sar, ":"); ok && num > 0 && den > 0 && num != den {
		w = int(math.Round(float64(w) * float64(num) / float64(den)))
	}
	if rot%180 != 0 {
		w, h = h, w
	}
	return w, h
}

// rotation returns the display rotation in degrees, a multiple of 90. Newer ffmpeg reports it as side data,
// older files carry a "rotate" tag.
func rotation(tag string, side []struct {
	Rotation float64 `json:"rotation"`
}) int {
	for _, sd := range side {
		if sd.Rotation != 0 {
			return int(math.Round(sd.Rotation/90)) * 90
		}
	}
	if r, err := strconv.Atoi(tag); err == nil {
		return int(math.Round(float64(r)/90)) * 90
	}
	return 0
}

// pickFrameRate prefers the average rate: phones record variable frame rate, for which r_frame_rate is the
// timebase-derived maximum (often 90000/1 or 120/1) rather than what was recorded.
func pickFrameRate(avg, r string) float64 {
	for _, s := range []string{avg, r} {
		if num, den, ok := parseRatio(s, "/"); ok && num > 0 && den > 0 {
			if f := float64(num) / float64(den); f >= 1 && f <= 1000 {
				return f
			}
		}
	}
	return 0
}

func parseRatio(s, sep string) (int64, int64, bool) {
	a, b, ok := strings.Cut(s, sep)
	if !ok {
		return 0, 0, false
	}
	num, err1 := strconv.ParseInt(a, 10, 64)
	den, err2 := strconv.ParseInt(b, 10, 64)
	return num, den, err1 == nil && err2 == nil
}

func parseInt(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0 && m == 0 && s == 0:
		return fmt.Sprintf("%dh", h)
	case h > 0:
		return fmt.Sprintf("%dh%02dm%02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// ExtractSubtitle converts text subtitle stream index of the source at path (probed as
// container) to WebVTT with ffmpeg, opened as safely as Probe opens it.
func ExtractSubtitle(ctx context.Context, o Options, container, path string, index int) ([]byte, error) {
	o = o.withDefaults()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("extract subtitles: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	args := append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, inputArgs(container, abs)...)
	args = append(args, "-map", "0:"+strconv.Itoa(index), "-c:s", "webvtt", "-f", "webvtt", "pipe:1")
	cmd := command(ctx, o.FFmpeg, args...)
	stdout := &limitBuffer{max: 10 << 20}
	stderr := &tailBuffer{max: 16 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return nil, runFailure(ctx, "ffmpeg", err, stderr.String(), true)
	}
	if stdout.overflow {
		return nil, reject("the subtitle stream is larger than 10 MiB")
	}
	return stdout.buf, nil
}
