package spa

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMakeTargetsInstallFirst: on a fresh clone every documented make target that runs npm
// installs the npm packages first (make build failed with "tsc: not found" when it did not).
// make -n prints what each target would run, in order, without running it.
func TestMakeTargetsInstallFirst(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	for _, target := range []string{"build", "build-spa", "test-spa", "test-e2e", "lint", "generate", "run"} {
		out, err := exec.Command("make", "-n", "-C", "..", target).CombinedOutput()
		require.NoError(t, err, "%s: %s", target, out)
		steps := string(out)
		npm := strings.Index(steps, "npm --prefix spa")
		require.NotEqual(t, -1, npm, "%s runs npm: %s", target, steps)
		install := strings.Index(steps, "scripts/deps.sh")
		require.True(t, install >= 0 && install < npm, "%s installs before npm runs:\n%s", target, steps)
	}
}
