//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

func median(rs []result) result {
	pick := func(get func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = get(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	m := result{id: rs[0].id, name: rs[0].name}
	m.requests = pick(func(r result) float64 { return r.requests })
	m.transfer = pick(func(r result) float64 { return r.transfer })
	m.p50 = time.Duration(pick(func(r result) float64 { return float64(r.p50) }))
	m.p90 = time.Duration(pick(func(r result) float64 { return float64(r.p90) }))
	m.p99 = time.Duration(pick(func(r result) float64 { return float64(r.p99) }))
	m.serverCPU = time.Duration(pick(func(r result) float64 { return float64(r.serverCPU) }))
	m.wrkCPU = time.Duration(pick(func(r result) float64 { return float64(r.wrkCPU) }))
	for _, r := range rs {
		m.non2xx += r.non2xx
	}
	return m
}

func printSetup(c config, wrk, nginx string) {
	nv, _ := exec.Command(nginx, "-v").CombinedOutput()
	wv, _ := exec.Command(wrk, "-v").CombinedOutput()
	wrkVersion, _, _ := strings.Cut(string(wv), "\n")
	fmt.Printf("%s, GOMAXPROCS %d, %d CPUs; %s; %s\n", runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(),
		strings.TrimSpace(string(nv)), strings.TrimSpace(wrkVersion))
	fmt.Printf("%d segments of %d KB ±20%%; wrk -t%d -c%d -d%s --latency, requests rotating over the segments\n",
		c.files, c.size/1000, c.threads, c.connections, c.duration)
}

func printTable(rows []result) {
	by := make(map[string]result)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\treq/s\tMiB/s\tp50\tp90\tp99\tserver CPU/req\twrk CPU/req\tnon-2xx\t")
	for _, r := range rows {
		by[r.id] = r
		errs := strconv.Itoa(r.non2xx)
		if r.socketErrs != "" {
			errs += " (socket: " + r.socketErrs + ")"
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, r.requests, r.transfer/(1<<20),
			ms(r.p50), ms(r.p90), ms(r.p99), us(r.serverCPU), us(r.wrkCPU), errs)
	}
	tw.Flush()
	verdict := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "MISSED"
	}
	if f, ok := by["f"]; ok && okOf(by, "c") {
		r := f.requests / by["c"].requests
		fmt.Printf("(f)/(c) throughput %.3f (public route, no front; target ≥ %.2f: %s)\n", r, minRatioNginx, verdictOf(r >= minRatioNginx))
	}
	if g, ok := by["g"]; ok && okOf(by, "c") {
		r := g.requests / by["c"].requests
		fmt.Printf("(g)/(c) throughput %.3f (nginx in front with deploy/nginx-marquee.conf; target ≥ %.2f: %s)\n", r, minRatioFront, verdictOf(r >= minRatioFront))
	}
	a, okA := by["a"]
	b, okB := by["b"]
	c, okC := by["c"]
	if okA && okC {
		r, p := a.requests/c.requests, float64(a.p99)/float64(c.p99)
		fmt.Printf("(a)/(c) throughput %.3f (target ≥ %.2f: %s)   p99(a)/p99(c) %.3f (target ≤ %.2f: %s)\n",
			r, minRatioNginx, verdict(r >= minRatioNginx), p, maxP99Nginx, verdict(p <= maxP99Nginx))
	}
	if okA && okB {
		r := a.requests / b.requests
		fmt.Printf("(a)/(b) throughput %.3f (target ≥ %.2f: %s)   p99(a)/p99(b) %.3f\n",
			r, minRatioGo, verdict(r >= minRatioGo), float64(a.p99)/float64(b.p99))
	}
	if d, ok := by["d"]; ok && okC {
		fmt.Printf("what if: (d)/(c) throughput %.3f, p99(d)/p99(c) %.3f\n", d.requests/c.requests, float64(d.p99)/float64(c.p99))
	}
	if e, ok := by["e"]; ok && okA {
		fmt.Printf("what if: (e)/(a) throughput %.3f, p99(e)/p99(a) %.3f\n", e.requests/a.requests, float64(e.p99)/float64(a.p99))
	}
}

func us(d time.Duration) string { return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func okOf(by map[string]result, id string) bool { _, ok := by[id]; return ok }

func verdictOf(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}
