// Package transcoder turns an uploaded video into an HLS ladder: it probes the upload (refusing anything that
// is not a plain video file before ffmpeg ever sees it), plans renditions that never upscale, encodes the whole
// ladder plus seek thumbnails in one ffmpeg process, then measures what was produced to write the master
// playlist, a poster and a WebVTT thumbnail track.
//
// Errors: a *Rejection means the input itself is unusable, so the job must not be retried. Every other error
// comes from this side (ffmpeg missing, disk full, cancellation, the timeout) and may be retried.
package transcoder

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Limits bound what a source may be. Zero fields get the defaults below.
type Limits struct {
	MaxBytes    int64         // default 20 GiB
	MaxDuration time.Duration // default 6 h
	// MaxWidth and MaxHeight bound the displayed frame. They are compared orientation-free (long side against
	// the larger limit, short side against the smaller) so that a portrait phone video is judged like the
	// same video held sideways.
	MaxWidth, MaxHeight int // default 7680 x 4320
}

// Options configure probing and encoding. Zero values get the defaults noted on each field.
type Options struct {
	FFmpeg, FFprobe string // default "ffmpeg", "ffprobe" (resolved through PATH)
	Preset          string // libx264 preset, default "veryfast"
	Ladder          string // LadderPerTitle (default) or LadderFixed
	SegmentSeconds  int    // HLS segment length, default 4; must be a multiple of GOPSeconds
	GOPSeconds      int    // keyframe interval, default 2
	// Fragment is the length of the movie fragments inside each segment (see fragment.go), default 500 ms;
	// a negative value keeps ffmpeg's one fragment per segment.
	Fragment time.Duration
	Heights  []int         // ladder heights (the short side of the picture), default 240,360,480,720,1080,2160
	Limits   Limits        // what a source may be
	Timeout  time.Duration // the whole Transcode, default 2 h; exceeding it kills ffmpeg
	Threads  int           // encoder and filter threads; 0 lets ffmpeg decide
}

// Defaults, exported so that configuration and documentation can show them.
const (
	DefaultPreset         = "veryfast"
	DefaultSegmentSeconds = 4
	DefaultGOPSeconds     = 2
	DefaultFragment       = 500 * time.Millisecond
	DefaultMaxBytes       = 20 << 30
	DefaultMaxDuration    = 6 * time.Hour
	DefaultMaxWidth       = 7680
	DefaultMaxHeight      = 4320
	DefaultTimeout        = 2 * time.Hour
)

// DefaultHeights returns the default ladder; a function rather than a variable so nobody can change it for
// everyone.
func DefaultHeights() []int { return []int{240, 360, 480, 720, 1080, 2160} }

// presets lists libx264's presets, so a typo in configuration fails at startup instead of on every job.
func presets() []string {
	return []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"}
}

// withDefaults fills zero fields. It never modifies the caller's slices.
func (o Options) withDefaults() Options {
	if o.FFmpeg == "" {
		o.FFmpeg = "ffmpeg"
	}
	if o.FFprobe == "" {
		o.FFprobe = "ffprobe"
	}
	if o.Preset == "" {
		o.Preset = DefaultPreset
	}
	if o.Ladder == "" {
		o.Ladder = LadderPerTitle
	}
	if o.SegmentSeconds == 0 {
		o.SegmentSeconds = DefaultSegmentSeconds
	}
	if o.GOPSeconds == 0 {
		o.GOPSeconds = DefaultGOPSeconds
	}
	if o.Fragment == 0 {
		o.Fragment = DefaultFragment
	}
	if len(o.Heights) == 0 {
		o.Heights = DefaultHeights()
	} else {
		o.Heights = slices.Clone(o.Heights)
	}
	slices.Sort(o.Heights)
	o.Heights = slices.Compact(o.Heights)
	if o.Limits.MaxBytes == 0 {
		o.Limits.MaxBytes = DefaultMaxBytes
	}
	if o.Limits.MaxDuration == 0 {
		o.Limits.MaxDuration = DefaultMaxDuration
	}
	if o.Limits.MaxWidth == 0 {
		o.Limits.MaxWidth = DefaultMaxWidth
	}
	if o.Limits.MaxHeight == 0 {
		o.Limits.MaxHeight = DefaultMaxHeight
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// Validate reports configuration mistakes (after defaults are applied), so that a server can refuse to start
// rather than fail every job.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	if !slices.Contains(presets(), o.Preset) {
		errs = append(errs, fmt.Errorf("preset %q is not a libx264 preset (one of %v)", o.Preset, presets()))
	}
	if o.Ladder != LadderPerTitle && o.Ladder != LadderFixed {
		errs = append(errs, fmt.Errorf("ladder %q is neither %q nor %q", o.Ladder, LadderPerTitle, LadderFixed))
	}
	if o.GOPSeconds < 0 || o.SegmentSeconds < 0 {
		errs = append(errs, errors.New("segment and GOP seconds must be positive"))
	} else if o.SegmentSeconds%o.GOPSeconds != 0 {
		errs = append(errs, fmt.Errorf("segment length %ds must be a multiple of the keyframe interval %ds", o.SegmentSeconds, o.GOPSeconds))
	}
	for _, h := range o.Heights {
		if h < 16 || h > 8192 {
			errs = append(errs, fmt.Errorf("ladder height %d is outside 16..8192", h))
		}
	}
	if o.Limits.MaxBytes < 0 || o.Limits.MaxDuration < 0 || o.Limits.MaxWidth < 0 || o.Limits.MaxHeight < 0 {
		errs = append(errs, errors.New("limits must not be negative"))
	}
	if o.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	if o.Threads < 0 {
		errs = append(errs, errors.New("threads must not be negative"))
	}
	return errors.Join(errs...)
}
