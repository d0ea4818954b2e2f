package transcoder

import "syscall"

// dieWithParent has the kernel send SIGKILL to the child when its parent thread ends. Go
// ends a thread only when a goroutine locked to it returns, which nothing here does.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
