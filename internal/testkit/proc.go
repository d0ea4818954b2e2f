package testkit

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Proc is what /proc/<pid>/stat says of a process (Linux).
type Proc struct {
	Name   string // comm: the executable's name
	State  string // R, S, D, Z (zombie), X (dead), …
	Parent int
}

// ProcOf reads pid's /proc entry; ok is false when there is none.
func ProcOf(pid int) (p Proc, ok bool) {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return Proc{}, false
	}
	// pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ")".
	open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
	if open < 0 || end < open {
		return Proc{}, false
	}
	fields := strings.Fields(string(stat[end+1:]))
	if len(fields) < 2 {
		return Proc{}, false
	}
	parent, _ := strconv.Atoi(fields[1])
	return Proc{Name: string(stat[open+1 : end]), State: fields[0], Parent: parent}, true
}

// Running reports whether pid runs: a zombie waiting for its parent to reap it does not.
func Running(pid int) bool {
	p, ok := ProcOf(pid)
	return ok && p.State != "Z" && p.State != "X"
}
