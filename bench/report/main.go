// Command report runs every benchmark program in turn and writes each one's output into
// BENCHMARKS.md, between the markers <!-- bench:NAME --> and <!-- /bench:NAME --> of the
// section that explains it, with the command, the machine, the date and the time it took.
// A benchmark whose markers are missing gets them appended under "Latest run, unplaced".
// The prose around the markers is written by hand and is left alone.
//
// Each program prints its own figures beside its baseline and the ratio between them; this
// program only runs them (each under a time limit) and files what they print. A program
// that cannot run here (a missing tool, a failure, the time limit) leaves its reason in its
// block instead of figures, and the others still run.
//
//	go run ./bench/report                  # all of them (make bench)
//	go run ./bench/report -only feed,search
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// bench is one program and what it needs beyond Go.
type bench struct {
	name  string
	cmd   string // run with bash -c from the repository root
	needs []string
	limit time.Duration // beyond -limit, for a program that needs longer
}

// The commands are the ones BENCHMARKS.md quotes; each fits in five minutes on 2 cores but qoe, which plays
// 100 sessions in real time (about half an hour), and recs, which evaluates two MovieLens sets (from
// $MOVIELENS_DIR, skipped when absent) and two large generated catalogs.
var benches = []bench{
	{name: "go-bench", cmd: "go test -run '^$' -bench . -benchtime 2s -count 3 ./internal/auth/ ./internal/server/"},
	{name: "heartbeats", cmd: "go run ./bench/heartbeats -n 10000 -window 30s", needs: []string{"bin/marquee"}},
	{name: "segments", cmd: "go run ./bench/segments -targets abcdfg -rounds 3 -duration 8s", needs: []string{"wrk", "nginx"}},
	{name: "keys", cmd: "go run ./bench/keys -rate 1000 -duration 20s"},
	{name: "ladder", cmd: "go run ./bench/ladder -runs 1", needs: []string{"ffmpeg"}},
	{name: "ladder-rq", cmd: "go run ./bench/ladder -rq -runs 1", needs: []string{"ffmpeg"}, limit: 20 * time.Minute},
	{name: "recommend", cmd: "d=$(mktemp -d) && bin/marquee recommend gen --out $d --seed 1 >/dev/null && " +
		"bin/marquee recommend eval --ratings $d/ratings.csv --items $d/movies.csv --seed 1; s=$?; rm -rf $d; exit $s",
		needs: []string{"bin/marquee"}},
	{name: "recs", cmd: "go run ./bench/recs -movielens \"$MOVIELENS_DIR\"", needs: []string{"bin/marquee"}, limit: 20 * time.Minute},
	{name: "feed", cmd: "go run ./bench/feed -titles 2000 -c 4 -d 5s -rounds 5"},
	{name: "search", cmd: "go run ./bench/search", needs: []string{"pg_isready"}},
	{name: "qoe", cmd: "node bench/qoe/qoe.mjs -runs 10", needs: []string{"bin/marquee", "node", "chromium", "ffmpeg"}, limit: 45 * time.Minute},
	{name: "load", cmd: "go run ./bench/load", needs: []string{"bin/marquee"}},
}

func main() {
	file := flag.String("file", "BENCHMARKS.md", "the report to update")
	only := flag.String("only", "", "comma-separated benchmark names (default: all)")
	limit := flag.Duration("limit", 5*time.Minute, "time allowed to each program")
	flag.Parse()
	if err := run(*file, *only, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(file, only string, limit time.Duration) error {
	doc, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for n := range strings.SplitSeq(only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	for n := range want {
		if !known(n) {
			return fmt.Errorf("-only: no benchmark named %q", n)
		}
	}
	machine := describeMachine()
	for _, b := range benches {
		if len(want) > 0 && !want[b.name] {
			continue
		}
		fmt.Fprintf(os.Stderr, "== %s: %s\n", b.name, b.cmd)
		block := runOne(b, machine, max(limit, b.limit))
		doc = place(doc, b.name, block)
		// Written after each program, so an interrupted run keeps what it measured.
		if err := writeFile(file, doc); err != nil {
			return err
		}
	}
	return nil
}

func known(name string) bool {
	for _, b := range benches {
		if b.name == name {
			return true
		}
	}
	return false
}

// runOne runs b and formats its block: the command, when and where, and what it printed.
func runOne(b bench, machine string, limit time.Duration) string {
	var out bytes.Buffer
	fmt.Fprintf(&out, "```sh\n%s\n```\n", b.cmd)
	if missing := missingTools(b.needs); len(missing) > 0 {
		fmt.Fprintf(&out, "Not run by the last `make bench`: %s missing.\n", strings.Join(missing, ", "))
		return out.String()
	}
	load := loadAverage()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", b.cmd)
	// The program's own children (a test binary, a server it started) go with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = os.Stderr // progress bars and build output stay on the terminal
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start).Round(time.Second)
	os.Stdout.Write(stdout.Bytes())
	status := "ok"
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		status = fmt.Sprintf("stopped at the %s limit", limit)
	case err != nil:
		status = "failed: " + err.Error()
	}
	fmt.Fprintf(&out, "Last `make bench` run: %s, %s; load average %s before; took %s (%s).\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine, load, took, status)
	fmt.Fprintf(&out, "```text\n%s```\n", strings.TrimLeft(ensureNewline(stdout.String()), "\n"))
	return out.String()
}

func ensureNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func missingTools(needs []string) []string {
	var missing []string
	for _, n := range needs {
		switch {
		case strings.Contains(n, "/"):
			if _, err := os.Stat(n); err != nil {
				missing = append(missing, n+" (make build)")
			}
		case n == "chromium":
			p := os.Getenv("CHROMIUM_PATH")
			if p == "" {
				p = "/usr/bin/chromium"
			}
			if _, err := os.Stat(p); err != nil {
				missing = append(missing, "chromium")
			}
		default:
			if _, err := exec.LookPath(n); err != nil {
				missing = append(missing, n)
			}
		}
	}
	return missing
}

// place puts block between name's markers, or appends the markers at the end.
func place(doc []byte, name, block string) []byte {
	open, end := "<!-- bench:"+name+" -->", "<!-- /bench:"+name+" -->"
	re := regexp.MustCompile(`(?s)` + regexp.QuoteMeta(open) + `.*?` + regexp.QuoteMeta(end))
	repl := open + "\n" + block + end
	if re.Match(doc) {
		return re.ReplaceAllLiteral(doc, []byte(repl))
	}
	const unplaced = "\n## Latest run, unplaced\n"
	if !bytes.Contains(doc, []byte(unplaced)) {
		doc = append(bytes.TrimRight(doc, "\n"), []byte("\n"+unplaced)...)
	}
	return append(doc, []byte("\n"+repl+"\n")...)
}

// writeFile replaces file through a temporary file, so an interrupted write loses nothing.
func writeFile(file string, doc []byte) error {
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, doc, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// describeMachine names the CPU, its count, the memory and the Go version.
func describeMachine() string {
	cpu, mem := "unknown CPU", ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%d × %s%s, %s", runtime.NumCPU(), cpu, mem, runtime.Version())
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
