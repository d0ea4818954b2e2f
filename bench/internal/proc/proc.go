// Package proc helps benchmark programs that start a marquee server as a separate process:
// a port for it, waiting until it is ready, and its memory and CPU time from /proc (both
// read 0 on systems without /proc).
package proc

import (
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// FreeAddr is a loopback address with a port nobody listens on now.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// WaitReady waits up to a minute for the server at base (http://host:port) to answer
// /readyz with 200.
func WaitReady(base string) error {
	for range 600 {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("server did not become ready in 60 s")
}

// RSS is the resident set size of pid in bytes (VmRSS).
func RSS(pid int) int64 { return statusBytes(pid, "VmRSS:") }

// PeakRSS is the most pid has held resident so far, in bytes (VmHWM).
func PeakRSS(pid int) int64 { return statusBytes(pid, "VmHWM:") }

// statusBytes reads a size in kB from pid's /proc status.
func statusBytes(pid int, key string) int64 {
	b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0
			}
			kb, _ := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// CPUSeconds is the user plus system time pid has used, in seconds.
func CPUSeconds(pid int) float64 {
	b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces and parentheses
	if i < 0 || i+2 > len(s) {
		return 0
	}
	f := strings.Fields(s[i+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100 // USER_HZ
}

// CommandCPU is the user and system time, in seconds, that every live process whose command
// name is comm has used so far: with "postgres", the database server's backends on this
// machine, whose share of a benchmark's work a client's own CPU time does not show. A
// process that exits between two readings takes its time with it.
func CommandCPU(comm string) float64 {
	entries, _ := os.ReadDir("/proc")
	total := 0.0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm")); err == nil && strings.TrimSpace(string(b)) == comm {
			total += CPUSeconds(pid)
		}
	}
	return total
}
