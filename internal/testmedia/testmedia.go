// Package testmedia makes small real media files for tests with ffmpeg's lavfi sources.
package testmedia

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Clip describes a generated test video.
type Clip struct {
	Seconds       int
	Width, Height int
	Audio         bool
	// Chapters, when given, split the clip into chapters of equal length with these titles.
	Chapters []string
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
	if len(c.Chapters) > 0 {
		meta := ";FFMETADATA1\n"
		step := c.Seconds * 1000 / len(c.Chapters)
		for i, title := range c.Chapters {
			meta += fmt.Sprintf("[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n", i*step, (i+1)*step, title)
		}
		file := filepath.Join(t.TempDir(), "chapters.txt")
		if err := os.WriteFile(file, []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
		inputs := 1
		if c.Audio {
			inputs = 2
		}
		args = append(args, "-i", file, "-map", "0")
		if c.Audio {
			args = append(args, "-map", "1")
		}
		args = append(args, "-map_chapters", fmt.Sprint(inputs))
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
