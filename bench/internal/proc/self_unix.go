//go:build unix

package proc

import (
	"syscall"
	"time"
)

// SelfCPU is the user and system time the calling process has used so far. A benchmark
// whose clients, or whose servers under test, run in its own process reads it before and
// after a run to learn their share of the machine.
func SelfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
