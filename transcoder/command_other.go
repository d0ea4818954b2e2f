//go:build !linux

package transcoder

import "syscall"

// dieWithParent: outside Linux there is no parent-death signal; the context still stops
// the child when the worker shuts down.
func dieWithParent() *syscall.SysProcAttr { return nil }
