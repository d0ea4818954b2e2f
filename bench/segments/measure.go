//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// luaScript makes wrk rotate over paths; each thread starts at its own offset so the threads do not
// read the same file in lockstep.
func luaScript(paths []string) string {
	var b strings.Builder
	b.WriteString("local paths = {\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "  %q,\n", p)
	}
	b.WriteString(`}
local threads = 0
function setup(thread)
  thread:set("offset", threads * 17)
  threads = threads + 1
end
local i = 0
function init(args)
  i = offset or 0
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
`)
	return b.String()
}

type result struct {
	id, name   string
	serverCPU  time.Duration // per request
	wrkCPU     time.Duration // per request
	requests   float64       // per second
	transfer   float64       // bytes per second
	p50, p90   time.Duration
	p99        time.Duration
	non2xx     int
	socketErrs string
}

func load(ctx context.Context, c config, wrk, tmp string, t target) (result, error) {
	script := filepath.Join(tmp, "wrk-"+t.id+".lua")
	if err := os.WriteFile(script, []byte(luaScript(t.paths)), 0o644); err != nil {
		return result{}, err
	}
	cmd := exec.CommandContext(ctx, wrk,
		"-t", strconv.Itoa(c.threads), "-c", strconv.Itoa(c.connections), "-d", c.duration.String(),
		"--latency", "-s", script, t.base)
	cpu0 := t.cpu()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("%s: wrk: %w\n%s", t.name, err, out)
	}
	serverCPU := t.cpu() - cpu0
	r, err := parseWrk(out)
	if err != nil {
		return result{}, fmt.Errorf("%s: %w\n%s", t.name, err, out)
	}
	if n := r.requests * c.duration.Seconds(); n > 0 {
		r.serverCPU = time.Duration(float64(serverCPU) / n)
		r.wrkCPU = time.Duration(float64(cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()) / n)
	}
	r.id, r.name = t.id, t.name
	return r, nil
}

// parseWrk reads the summary wrk prints with --latency.
func parseWrk(out []byte) (result, error) {
	var r result
	var seen int
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		var err error
		switch {
		case f[0] == "Requests/sec:":
			r.requests, err = strconv.ParseFloat(f[1], 64)
			seen++
		case f[0] == "Transfer/sec:":
			r.transfer, err = parseBytes(f[1])
			seen++
		case f[0] == "50%":
			r.p50, err = parseLatency(f[1])
			seen++
		case f[0] == "90%":
			r.p90, err = parseLatency(f[1])
			seen++
		case f[0] == "99%":
			r.p99, err = parseLatency(f[1])
			seen++
		case f[0] == "Non-2xx":
			r.non2xx, err = strconv.Atoi(f[len(f)-1])
		case f[0] == "Socket" && f[1] == "errors:":
			r.socketErrs = strings.Join(f[2:], " ")
		}
		if err != nil {
			return r, fmt.Errorf("parse wrk output %q: %w", sc.Text(), err)
		}
	}
	if seen != 5 {
		return r, errors.New("wrk output lacks requests/s, transfer/s or latency percentiles")
	}
	return r, nil
}

// parseLatency reads wrk's durations: "812.00us", "4.21ms", "1.02s", "1.50m".
func parseLatency(s string) (time.Duration, error) {
	if strings.HasSuffix(s, "us") {
		s = strings.TrimSuffix(s, "us") + "µs"
	}
	return time.ParseDuration(s)
}

// parseBytes reads wrk's sizes, which count in powers of 1024: "512.00KB", "5.21GB".
func parseBytes(s string) (float64, error) {
	for i, unit := range []string{"TB", "GB", "MB", "KB", "B"} {
		if v, ok := strings.CutSuffix(s, unit); ok {
			n, err := strconv.ParseFloat(v, 64)
			for range 4 - i {
				n *= 1024
			}
			return n, err
		}
	}
	return 0, fmt.Errorf("unknown size %q", s)
}

// treeCPU is the CPU time of pid and its children (nginx's master and workers), from /proc; 0 where
// there is no /proc.
func treeCPU(pid int) time.Duration {
	entries, _ := os.ReadDir("/proc")
	var ticks int64
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state ppid … utime(14) stime(15), 1-based overall.
		_, rest, ok := bytes.Cut(b, []byte(") "))
		if !ok {
			continue
		}
		f := strings.Fields(string(rest))
		if len(f) < 13 {
			continue
		}
		self, _ := strconv.Atoi(e.Name())
		ppid, _ := strconv.Atoi(f[1])
		if self != pid && ppid != pid {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	const clockTicks = 100 // USER_HZ on every Linux architecture Go supports
	return time.Duration(ticks) * time.Second / clockTicks
}
