package transcoder

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPlanLadderRungs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     Source
		heights []int
		want    []string // "name WxH"
	}{
		{"tiny source gets one rung at its own size", Source{Width: 320, Height: 180}, nil, []string{"180p 320x180"}},
		{"720p source stops at 720", Source{Width: 1280, Height: 720}, nil, []string{"240p 426x240", "360p 640x360", "480p 854x480", "720p 1280x720"}},
		{"1080p source has no 2160", Source{Width: 1920, Height: 1080}, nil, []string{"240p 426x240", "360p 640x360", "480p 854x480", "720p 1280x720", "1080p 1920x1080"}},
		{"2160p source has 2160", Source{Width: 3840, Height: 2160}, nil, []string{"240p 426x240", "360p 640x360", "480p 854x480", "720p 1280x720", "1080p 1920x1080", "2160p 3840x2160"}},
		{"scope film is 1080p", Source{Width: 1920, Height: 800}, []int{360, 720, 1080}, []string{"360p 640x266", "720p 1280x534", "1080p 1920x800"}},
		{"portrait phone video", Source{Width: 1080, Height: 1920}, []int{360, 720, 1080}, []string{"360p 360x640", "720p 720x1280", "1080p 1080x1920"}},
		{"4:3 source", Source{Width: 1440, Height: 1080}, []int{480, 1080}, []string{"480p 640x480", "1080p 1440x1080"}},
		{"odd source size rounds down to even", Source{Width: 1279, Height: 719}, []int{360, 720}, []string{"360p 640x360", "720p 1278x718"}},
		{"between boxes keeps its own size", Source{Width: 1000, Height: 560}, []int{240, 360, 720}, []string{"240p 428x240", "360p 640x358", "560p 1000x560"}},
		{"tiny test ladder", Source{Width: 320, Height: 180}, []int{90, 144, 180}, []string{"90p 160x90", "144p 256x144", "180p 320x180"}},
		{"smaller than every box", Source{Width: 176, Height: 144}, []int{240, 360}, []string{"144p 176x144"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.src.FrameRate, tt.src.Duration = 30, 10
			p := PlanLadder(tt.src, Options{Heights: tt.heights})
			var got []string
			for _, r := range p.Rungs {
				got = append(got, fmt.Sprintf("%s %dx%d", r.Name, r.Width, r.Height))
				require.Zero(t, r.Width%2, "width must be even")
				require.Zero(t, r.Height%2, "height must be even")
				require.LessOrEqual(t, r.Height, tt.src.Height, "never upscale")
				require.LessOrEqual(t, r.Width, tt.src.Width, "never upscale")
				srcAspect := float64(tt.src.Width) / float64(tt.src.Height)
				require.InDelta(t, srcAspect, float64(r.Width)/float64(r.Height), 0.02*srcAspect, "aspect ratio kept")
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestPlanLadderBitrates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		src      Source
		rung     string
		min, max int
	}{
		{"1080p30 curve", Source{Width: 1920, Height: 1080, FrameRate: 30}, "1080p", 5_000_000, 6_000_000},
		{"240p30 curve", Source{Width: 1920, Height: 1080, FrameRate: 30}, "240p", 350_000, 450_000},
		{"720p30 curve", Source{Width: 1920, Height: 1080, FrameRate: 30}, "720p", 2_300_000, 3_200_000},
		{"60 fps costs about 1.5x", Source{Width: 1920, Height: 1080, FrameRate: 60}, "1080p", 8_000_000, 9_000_000},
		{"talking head at 1 Mb/s is capped", Source{Width: 1920, Height: 1080, FrameRate: 30, BitRate: 1_000_000, VideoCodec: "h264"}, "1080p", 900_000, 1_000_000},
		{"capped rungs scale with pixels", Source{Width: 1920, Height: 1080, FrameRate: 30, BitRate: 1_000_000, VideoCodec: "h264"}, "360p", 180_000, 260_000},
		{"a starved source keeps an eighth of the curve", Source{Width: 1920, Height: 1080, FrameRate: 30, BitRate: 100_000, VideoCodec: "h264"}, "240p", 45_000, 55_000},
		{"hevc source bits are worth more", Source{Width: 1920, Height: 1080, FrameRate: 30, BitRate: 2_000_000, VideoCodec: "hevc"}, "1080p", 2_900_000, 3_000_000},
		{"generous source does not raise the curve", Source{Width: 1920, Height: 1080, FrameRate: 30, BitRate: 50_000_000, VideoCodec: "h264"}, "1080p", 5_000_000, 6_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.src.Duration = 60
			fixed := PlanLadder(tt.src, Options{Ladder: LadderFixed})
			perTitle := PlanLadder(tt.src, Options{})
			require.Equal(t, LadderPerTitle, perTitle.Method)
			require.Len(t, perTitle.Rungs, len(fixed.Rungs))
			var found bool
			for i, r := range fixed.Rungs {
				if r.Name != tt.rung {
					continue
				}
				found = true
				require.GreaterOrEqual(t, r.Bitrate, tt.min)
				require.LessOrEqual(t, r.Bitrate, tt.max)
				require.Equal(t, r.Bitrate*3/2, r.MaxRate)
				require.Equal(t, r.Bitrate*2, r.BufSize)
				require.Zero(t, r.CRF)
				// The per-title rung is capped at the fixed rung's average, at a constant quality.
				pt := perTitle.Rungs[i]
				require.Equal(t, r.Bitrate, pt.Bitrate)
				require.Equal(t, r.Bitrate, pt.MaxRate)
				require.Equal(t, r.BufSize, pt.BufSize)
				require.Equal(t, rungCRF(r), pt.CRF)
			}
			require.True(t, found, "rung %s", tt.rung)
		})
	}
}

func TestPlanLadderTiming(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fps       float64
		gop       int
		want      Rational
		gopFrames int
	}{
		{30, 2, Rational{30, 1}, 60},
		{29.97002997, 2, Rational{30000, 1001}, 60},
		{29.98, 2, Rational{30000, 1001}, 60}, // a phone's variable-rate average
		{25, 2, Rational{25, 1}, 50},
		{23.976, 2, Rational{24000, 1001}, 48},
		{60, 1, Rational{60, 1}, 60},
		{120, 2, Rational{60, 1}, 120},
		{119.88, 2, Rational{60000, 1001}, 120},
		{240, 2, Rational{60, 1}, 120},
		{12.5, 2, Rational{25, 2}, 25},
		{0, 2, Rational{30, 1}, 60},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatFloat(tt.fps, 'f', -1, 64), func(t *testing.T) {
			t.Parallel()
			p := PlanLadder(Source{Width: 640, Height: 360, FrameRate: tt.fps, Duration: 10}, Options{GOPSeconds: tt.gop, SegmentSeconds: 4})
			require.Equal(t, tt.want, p.FrameRate)
			require.Equal(t, tt.gopFrames, p.GOPFrames)
			require.LessOrEqual(t, p.FrameRate.Float(), 60.0)
		})
	}
}

func TestPlanThumbs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		duration float64
		w, h     int
		want     ThumbPlan
	}{
		{3, 320, 180, ThumbPlan{Interval: 1, Width: 160, Height: 90, Columns: 10, Rows: 10}},
		{0.4, 320, 180, ThumbPlan{Interval: 1, Width: 160, Height: 90, Columns: 10, Rows: 10}},
		{100, 1920, 1080, ThumbPlan{Interval: 1, Width: 160, Height: 90, Columns: 10, Rows: 10}},
		{101, 1920, 1080, ThumbPlan{Interval: 2, Width: 160, Height: 90, Columns: 10, Rows: 10}},
		{3600, 1920, 800, ThumbPlan{Interval: 36, Width: 160, Height: 66, Columns: 10, Rows: 10}},
		{21600, 1080, 1920, ThumbPlan{Interval: 216, Width: 90, Height: 160, Columns: 10, Rows: 10}},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatFloat(tt.duration, 'f', -1, 64), func(t *testing.T) {
			t.Parallel()
			got := planThumbs(tt.duration, tt.w, tt.h)
			require.Equal(t, tt.want, got)
			require.LessOrEqual(t, math.Ceil(tt.duration/float64(got.Interval)), 100.0, "at most 100 thumbnails")
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		o       Options
		wantErr string
	}{
		{"defaults", Options{}, ""},
		{"segment not a multiple of GOP", Options{SegmentSeconds: 5, GOPSeconds: 2}, "multiple"},
		{"unknown preset", Options{Preset: "warp"}, "preset"},
		{"silly height", Options{Heights: []int{240, 100000}}, "height"},
		{"negative threads", Options{Threads: -1}, "threads"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.o.Validate()
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}
