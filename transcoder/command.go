package transcoder

import (
	"context"
	"os/exec"
)

// command runs a tool of this package (ffmpeg, ffprobe): stopped when ctx ends, and, where
// the system allows, killed when the process that started it dies however it dies (kill -9
// included), so that no encode outlives its worker and writes on unseen.
func command(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = waitDelay
	cmd.SysProcAttr = dieWithParent()
	return cmd
}
