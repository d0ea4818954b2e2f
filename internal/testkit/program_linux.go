package mediatest

import (
	"os/exec"
	"syscall"
)

// dieWithParent kills versitygw when the test binary dies without running its cleanups (a
// panic, a -timeout), so no server outlives the tests.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
