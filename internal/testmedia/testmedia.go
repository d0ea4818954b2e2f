// Package testmedia makes small real media files for tests with ffmpeg's lavfi sources.
package testmedia

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

// Clip describes a generated test video.
type Clip struct {
	Seconds       int
	Width, Height int
	Audio         bool
}

// Default is the house test clip: 3 s of 320×180 testsrc2 with a tone.
var Default = Clip{Seconds: 3, Width: 320, Height: 180, Audio: true}

// Make writes c as an H.264/AAC MP4 into t's temp dir and returns its path. A missing
// ffmpeg fails the test: make test installs it.
func Make(t testing.TB, c Clip) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), fmt.Sprintf("clip-%dx%d-%ds.mp4", c.Width, c.Height, c.Seconds))
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=30:duration=%d", c.Width, c.Height, c.Seconds)}
	if c.Audio {
		args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=440:sample_rate=48000:duration=%d", c.Seconds))
	}
	args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	if c.Audio {
		args = append(args, "-c:a", "aac", "-b:a", "96k", "-shortest")
	}
	args = append(args, out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg could not make a test clip (is ffmpeg installed? make test installs it): %v\n%s", err, b)
	}
	return out
}
