package testkit

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FreePort returns a loopback port that was free a moment ago (another process may take it
// before the caller binds it: callers retry).
func FreePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// StartProgram runs a test server until the test ends, once ready reports that it serves.
// It fails with the program's output when the program exits first or is not ready within
// 30 seconds.
func StartProgram(t testing.TB, bin string, args []string, ready func() bool) error {
	t.Helper()
	var log strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &log, &log
	DieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	deadline := time.After(30 * time.Second)
	for {
		if ready() {
			t.Cleanup(stop)
			return nil
		}
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("%s exited (%v): %s", bin, err, log.String())
		case <-deadline:
			stop()
			return fmt.Errorf("%s did not answer within 30s: %s", bin, log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Tool is a test server program that scripts/test-server.sh builds into the Go build cache
// (GOCACHE/marquee-NAME/VERSION/NAME).
type Tool struct {
	Name, Version string
	// EnvBinary names a variable that may point at the program instead; EnvRequire one that,
	// set to 1 (CI), makes a missing program fail the test rather than skip it.
	EnvBinary, EnvRequire string
}

// Path returns the program to run, or skips (fails, when required) the test without one.
func (tool Tool) Path(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(tool.EnvBinary); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s: %v", tool.EnvBinary, err)
		}
		return p
	}
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "marquee-"+tool.Name, tool.Version, tool.Name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv(tool.EnvRequire) == "1" {
		t.Fatalf("%s=1 but no %s: run scripts/test-server.sh %s or set %s", tool.EnvRequire, tool.Name, tool.Name, tool.EnvBinary)
	}
	t.Skipf("no %s: run scripts/test-server.sh %s (or set %s)", tool.Name, tool.Name, tool.EnvBinary)
	return ""
}
