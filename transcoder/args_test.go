package transcoder

import (
	"strings"
	"testing"
)

func TestArgsGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  Source
		o    Options
	}{
		{
			name: "ladder_audio",
			src: Source{Container: "mov", Duration: 30, Width: 1920, Height: 1080, FrameRate: 30, VideoCodec: "h264", BitRate: 8_000_000, HasAudio: true, AudioCodec: "aac", VideoStream: 0, AudioStream: 1,
				Audio: []AudioTrack{{Index: 1, Codec: "aac", Channels: 2, Language: "en", Default: true}, {Index: 2, Codec: "ac3", Channels: 6, Language: "fr"}}},
		},
		{
			name: "single_rung_no_audio",
			src:  Source{Container: "matroska", Duration: 3, Width: 320, Height: 180, FrameRate: 25, VideoCodec: "vp9", VideoStream: 0, AudioStream: -1},
		},
		{
			name: "portrait_ntsc_threads",
			src: Source{Container: "mov", Duration: 95.5, Width: 720, Height: 1280, FrameRate: 29.97, VideoCodec: "hevc", BitRate: 3_000_000, HasAudio: true, AudioCodec: "aac", VideoStream: 1, AudioStream: 0,
				Audio: []AudioTrack{{Index: 0, Codec: "aac", Channels: 1, Language: "und", Default: true}}},
			o: Options{Threads: 2, SegmentSeconds: 6, GOPSeconds: 2, Preset: "faster"},
		},
		{
			name: "mpegts_interlaced_high_fps",
			src: Source{Container: "mpegts", Duration: 7200, Width: 1280, Height: 720, FrameRate: 119.88, VideoCodec: "h264", Interlaced: true, HasAudio: true, AudioCodec: "ac3", VideoStream: 0, AudioStream: 1,
				Audio: []AudioTrack{{Index: 1, Codec: "ac3", Channels: 8, Language: "de", Default: true}}},
			o: Options{Heights: []int{360, 720}, Ladder: LadderFixed},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := PlanLadder(tt.src, tt.o)
			args := Args(p, "/uploads/in put.mp4", "/srv/out")
			golden(t, "args_"+tt.name+".golden", strings.Join(args, "\n")+"\n")
			fast := posterArgs(p, "/uploads/in put.mp4", "/srv/out/poster.jpg", 12.5, 640, 360, true)
			accurate := posterArgs(p, "/uploads/in put.mp4", "/srv/out/poster.jpg", 12.5, 640, 360, false)
			golden(t, "poster_"+tt.name+".golden", strings.Join(fast, "\n")+"\n\n"+strings.Join(accurate, "\n")+"\n")
		})
	}
}
