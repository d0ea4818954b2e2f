package transcoder

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/testkit"
)

// TestChildrenDieWithTheirParent: a tool started by command dies when the process that
// started it is killed with SIGKILL, even when it writes to no pipe that would break (an
// encode writing to files, a poster grab): nothing encodes on for a worker that is gone.
func TestChildrenDieWithTheirParent(t *testing.T) {
	if os.Getenv("MARQUEE_TRANSCODER_PARENT") == "1" {
		cmd := command(context.Background(), "sleep", "300")
		require.NoError(t, cmd.Start())
		os.Stdout.WriteString(strconv.Itoa(cmd.Process.Pid) + "\n")
		select {} // until killed
	}
	t.Parallel()
	parent := exec.Command(os.Args[0], "-test.run=^TestChildrenDieWithTheirParent$")
	parent.Env = append(os.Environ(), "MARQUEE_TRANSCODER_PARENT=1")
	out, err := parent.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, parent.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	child, err := strconv.Atoi(strings.TrimSpace(line))
	require.NoError(t, err)
	t.Cleanup(func() { _ = exec.Command("kill", "-9", strconv.Itoa(child)).Run() })
	require.True(t, testkit.Running(child))

	require.NoError(t, parent.Process.Kill())
	_ = parent.Wait()
	require.Eventually(t, func() bool { return !testkit.Running(child) }, 10*time.Second, 20*time.Millisecond,
		"the child outlived its killed parent")
}
