//go:build !unix

package main

import "time"

// cpuTime is not measured here: the CPU/req column reads 0.
func cpuTime() time.Duration { return 0 }
