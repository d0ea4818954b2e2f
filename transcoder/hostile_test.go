package transcoder

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestHostileInputsFailWithinLimits feeds the pipeline files built to make ffmpeg read
// something else or work without end. Each is refused (or, for a real video carrying a
// playlist, transcoded as that video alone) well inside the transcode timeout. The files
// they name are FIFOs with no writer: had ffmpeg opened one, it would have hung there until
// the timeout.
func TestHostileInputsFailWithinLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	trap := filepath.Join(dir, "trap")
	require.NoError(t, syscall.Mkfifo(trap, 0o600))
	playlist := "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile:" + trap + "\n#EXTINF:10.0,\n" + trap + "\n#EXT-X-ENDLIST\n"
	concat := "ffconcat version 1.0\nfile '" + trap + "'\n"
	avi := makeClip(t, dir, "real.avi", clip{seconds: 1, codec: "mpeg4"})
	aviBytes, err := os.ReadFile(avi)
	require.NoError(t, err)
	ts := makeClip(t, dir, "long.ts", clip{seconds: 3, format: "mpegts"})

	tests := []struct {
		name   string
		file   func(t *testing.T, dir string) string
		limits Limits
		ok     bool   // a real video that merely carries hostile bytes
		reason string // part of the rejection, when refused
	}{
		{name: "hls playlist", file: write("up.mp4", playlist), reason: "HLS playlist"},
		{name: "concat list", file: write("up.mp4", concat), reason: "concat list"},
		{name: "AVI header over a playlist", file: write("up.avi", "RIFF\x00\x10\x00\x00AVI LIST\x00\x00\x00\x00\n"+playlist)},
		{name: "AVI header over a concat list", file: write("up.avi", "RIFF\x00\x10\x00\x00AVI LIST\x00\x00\x00\x00\n"+concat)},
		{name: "MP4 box over a playlist", file: write("up.mp4", "\x00\x00\x00\x00mdat"+playlist)},
		{name: "real AVI with a playlist appended", file: write("up.avi", string(aviBytes)+playlist), ok: true},
		{
			name: "huge dimensions",
			file: func(t *testing.T, dir string) string {
				return makeClip(t, dir, "wide.mkv", clip{width: 7696, height: 16, seconds: 0.2, fps: "5"})
			},
			reason: "the largest accepted is 7680×4320",
		},
		{name: "stream longer than the limit", file: func(*testing.T, string) string { return ts }, limits: Limits{MaxDuration: 2 * time.Second}, reason: "longest accepted is 2s"},
		{
			name: "endless device",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "zero.mp4")
				require.NoError(t, os.Symlink("/dev/zero", p))
				return p
			},
		},
		{
			name: "pipe",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "pipe.mp4")
				require.NoError(t, syscall.Mkfifo(p, 0o600))
				return p
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			out := filepath.Join(work, "out")
			require.NoError(t, os.Mkdir(out, 0o755))
			o := testOptions()
			o.Limits = tt.limits
			o.Timeout = 2 * time.Minute
			started := time.Now()
			res, err := Transcode(context.Background(), o, tt.file(t, work), out, nil)
			require.Less(t, time.Since(started), time.Minute, "within limits, far from the timeout")
			if tt.ok {
				require.NoError(t, err)
				require.InDelta(t, 1, res.Source.Duration, 0.2, "the video alone, nothing the playlist names")
				return
			}
			require.Error(t, err)
			require.Nil(t, res)
			require.NotErrorIs(t, err, context.DeadlineExceeded)
			if tt.reason != "" {
				requireRejection(t, err, tt.reason, dir, work)
			}
			requireEmptyDir(t, out)
		})
	}
}

// write returns a file maker for content.
func write(name, content string) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
}

// TestToolsRunWithoutAShell reads this package's source: ffmpeg and ffprobe are started only
// with exec.CommandContext (so the context's deadline kills them) and a configured binary,
// never through a shell or a command string.
func TestToolsRunWithoutAShell(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	calls := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "exec" {
				return true
			}
			pos := fset.Position(call.Pos())
			switch sel.Sel.Name {
			case "Command":
				t.Errorf("%s: exec.Command has no deadline; use exec.CommandContext", pos)
			case "CommandContext":
				calls++
				require.GreaterOrEqual(t, len(call.Args), 2, pos.String())
				switch bin := call.Args[1].(type) {
				case *ast.BasicLit:
					t.Errorf("%s: runs the literal %s instead of the configured tool", pos, bin.Value)
				case *ast.SelectorExpr:
					require.Contains(t, []string{"FFmpeg", "FFprobe"}, bin.Sel.Name, pos.String())
				case *ast.Ident:
					require.NotContains(t, []string{"sh", "bash", "shell"}, bin.Name, pos.String())
				default:
					t.Errorf("%s: unexpected program expression", pos)
				}
			}
			return true
		})
	}
	require.Positive(t, calls, "the scan found the tool invocations")
}
