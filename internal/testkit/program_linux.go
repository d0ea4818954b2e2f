package testkit

import (
	"os/exec"
	"syscall"
)

// DieWithParent kills a helper program (a test server) when the test binary dies without
// running its cleanups (a panic, a -timeout), so none outlives the tests.
func DieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
