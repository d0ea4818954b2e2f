package transcoder

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run go test ./transcoder/ -update to create it")
	require.Equal(t, string(want), got)
}

// tools returns the ffmpeg and ffprobe paths. Their absence fails the test: a transcoder whose tests skip
// without ffmpeg would ship untested.
func tools(t *testing.T) (ffmpeg, ffprobe string) {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	require.NoError(t, err, "ffmpeg is required to test the transcoder")
	ffprobe, err = exec.LookPath("ffprobe")
	require.NoError(t, err, "ffprobe is required to test the transcoder")
	return ffmpeg, ffprobe
}

// clip describes a test video generated with lavfi.
type clip struct {
	width, height int
	fps           string
	seconds       float64
	audio         bool
	noVideo       bool
	codec         string   // default libx264
	extra         []string // output options, e.g. -movflags +faststart
	format        string   // -f for the output; default from the file extension
	rotate        int      // display rotation, set by a remux (ffmpeg 5.1 drops it when encoding)
	filters       string   // appended to the testsrc2 picture, e.g. to flatten it
}

// makeClip writes c to dir/name and returns its path.
func makeClip(t *testing.T, dir, name string, c clip) string {
	t.Helper()
	ffmpeg, _ := tools(t)
	if c.width == 0 {
		c.width, c.height = 320, 180
	}
	if c.fps == "" {
		c.fps = "30"
	}
	if c.seconds == 0 {
		c.seconds = 3
	}
	if c.codec == "" {
		c.codec = "libx264"
	}
	dur := strconv.FormatFloat(c.seconds, 'f', -1, 64)
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y"}
	if !c.noVideo {
		src := "testsrc2=size=" + strconv.Itoa(c.width) + "x" + strconv.Itoa(c.height) + ":rate=" + c.fps + ":duration=" + dur
		if c.filters != "" {
			src += "," + c.filters
		}
		args = append(args, "-f", "lavfi", "-i", src)
	}
	if c.audio || c.noVideo {
		args = append(args, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration="+dur)
	}
	if !c.noVideo {
		args = append(args, "-c:v", c.codec, "-pix_fmt", "yuv420p")
		if c.codec == "libx264" {
			args = append(args, "-preset", "ultrafast")
		}
	}
	if c.audio || c.noVideo {
		args = append(args, "-c:a", "aac")
	}
	args = append(args, c.extra...)
	if c.format != "" {
		args = append(args, "-f", c.format)
	}
	out := filepath.Join(dir, name)
	args = append(args, out)
	cmd := execCommand(ffmpeg, args...)
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "generate %s: %s", name, msg)
	if c.rotate != 0 {
		rotated := filepath.Join(dir, "rotated-"+name)
		msg, err := execCommand(ffmpeg, "-hide_banner", "-loglevel", "error", "-i", out, "-c", "copy",
			"-metadata:s:v:0", "rotate="+strconv.Itoa(c.rotate), rotated).CombinedOutput()
		require.NoError(t, err, "rotate %s: %s", name, msg)
		require.NoError(t, os.Rename(rotated, out))
	}
	return out
}

func execCommand(name string, args ...string) *exec.Cmd {
	return exec.CommandContext(context.Background(), name, args...)
}

// testOptions get three rungs from a 320×180 source and two segments per rung from a 3 s clip. The preset
// stays the default: ultrafast would produce Constrained Baseline, since x264's profile is only a ceiling.
func testOptions() Options {
	return Options{Heights: []int{90, 144, 180}, SegmentSeconds: 2, GOPSeconds: 1}
}
