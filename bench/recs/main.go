// Command recs measures the recommender on real MovieLens data and its memory on large
// catalogs, each evaluation a separate `marquee recommend eval` process so that its peak
// resident memory is its own:
//
//	(a) ml-100k and ml-latest-small, each under both protocols (per-user: each viewer's
//	    latest 20 %; global-time: everything after the 80th percentile of times), with the
//	    hybrid's NDCG@10 beside the best tuned baseline (item-kNN, EASE, RP3beta) and
//	    plain-count popularity, and the ratios the targets are set on;
//	(b) generated catalogs of -titles titles (default 10 000 and 50 000), for the peak
//	    memory of a whole evaluation as the catalog grows.
//
// The MovieLens sets are not in this repository (their licence allows non-commercial
// research only): download ml-100k.zip and ml-latest-small.zip from GroupLens
// (https://grouplens.org/datasets/movielens/) and unpack them side by side in one
// directory, given as -movielens or $MOVIELENS_DIR. A set that is missing is reported and
// skipped.
//
//	go run ./bench/recs -movielens ~/data/movielens
//	go run ./bench/recs -movielens ~/data/movielens -titles ''    # real data only
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// Targets from the issue, on the global-time split of both real sets.
const (
	minOverBaseline = 1.05
	minOverCount    = 1.8
	maxPeakMiB      = 1024 // evaluating ml-latest-small
)

func main() {
	bin := flag.String("bin", "bin/marquee", "the marquee binary (make build)")
	dir := flag.String("movielens", os.Getenv("MOVIELENS_DIR"), "directory holding ml-100k/ and ml-latest-small/")
	titles := flag.String("titles", "10000,50000", "generated catalog sizes for the memory figures (empty: none)")
	viewers := flag.Int("viewers", 5000, "viewers in the generated logs")
	ratings := flag.Int("ratings", 40, "mean ratings per viewer in the generated logs")
	flag.Parse()
	if _, err := os.Stat(*bin); err != nil {
		fail("%s: %v (make build)", *bin, err)
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "set\tsplit\tviewers\thybrid\tbest baseline\t×baseline\tpopcount\t×popcount\tpeak MiB\ttime\t")
	var missed []string
	for _, set := range []string{"ml-100k", "ml-latest-small"} {
		path := filepath.Join(*dir, set)
		if _, err := os.Stat(path); *dir == "" || err != nil {
			fmt.Fprintf(tw, "%s\tnot found under -movielens %q: skipped\t\t\t\t\t\t\t\t\t\n", set, *dir)
			missed = append(missed, set+" not measured")
			continue
		}
		for _, split := range []string{"per-user", "global-time"} {
			r, err := eval(*bin, "--data", path, "--split", split, "--seed", "1")
			if err != nil {
				fail("%s %s: %v", set, split, err)
			}
			r.row(tw, set, split)
			if split == "global-time" {
				if r.overBaseline() < minOverBaseline {
					missed = append(missed, fmt.Sprintf("%s global-time: ×baseline %.3f < %.2f", set, r.overBaseline(), minOverBaseline))
				}
				if r.overCount() < minOverCount {
					missed = append(missed, fmt.Sprintf("%s global-time: ×popcount %.3f < %.1f", set, r.overCount(), minOverCount))
				}
			}
			if set == "ml-latest-small" && r.peakMiB > maxPeakMiB {
				missed = append(missed, fmt.Sprintf("ml-latest-small %s: peak %d MiB > %d", split, r.peakMiB, maxPeakMiB))
			}
		}
	}
	for f := range strings.SplitSeq(*titles, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 30 {
			fail("-titles: %q is not a catalog size", f)
		}
		tmp, err := os.MkdirTemp("", "recs")
		if err != nil {
			fail("%v", err)
		}
		gen := exec.Command(*bin, "recommend", "gen", "--out", tmp, "--items", f, "--users", strconv.Itoa(*viewers),
			"--ratings", strconv.Itoa(*ratings), "--seed", "1")
		gen.Stderr = os.Stderr
		if err := gen.Run(); err != nil {
			fail("recommend gen: %v", err)
		}
		r, err := eval(*bin, "--data", tmp, "--split", "global-time", "--seed", "1")
		os.RemoveAll(tmp)
		if err != nil {
			fail("generated %d titles: %v", n, err)
		}
		r.row(tw, fmt.Sprintf("generated, %d titles", n), "global-time")
	}
	tw.Flush()
	fmt.Printf("\ntargets (global-time, both real sets): hybrid ≥ %.2f× the best tuned baseline and ≥ %.1f× popcount; ml-latest-small under %d MiB\n",
		minOverBaseline, minOverCount, maxPeakMiB)
	if len(missed) == 0 {
		fmt.Println("all met")
		return
	}
	for _, m := range missed {
		fmt.Println("missed:", m)
	}
}

// result is one evaluation's figures.
type result struct {
	Users    int `json:"users"`
	Protocol struct {
		Users int `json:"users"`
	} `json:"protocol"`
	Models []struct {
		Model string  `json:"model"`
		NDCG  float64 `json:"ndcg@10"`
	} `json:"models"`
	peakMiB int64
	took    time.Duration
}

// eval runs one `marquee recommend eval --json` and reads its figures and peak memory.
func eval(bin string, args ...string) (*result, error) {
	cmd := exec.Command(bin, append([]string{"recommend", "eval", "--json"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, lastLine(stderr.String()))
	}
	r := &result{took: time.Since(start)}
	if err := json.Unmarshal(stdout.Bytes(), r); err != nil {
		return nil, err
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peakMiB = int64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return r, nil
}

func (r *result) ndcg(model string) float64 {
	for _, m := range r.Models {
		if m.Model == model {
			return m.NDCG
		}
	}
	return 0
}

// baseline is the best tuned baseline and its NDCG@10.
func (r *result) baseline() (string, float64) {
	name, best := "", 0.0
	for _, m := range []string{"itemknn", "ease", "rp3beta"} {
		if v := r.ndcg(m); v > best {
			name, best = m, v
		}
	}
	return name, best
}

func (r *result) overBaseline() float64 { _, b := r.baseline(); return ratio(r.ndcg("hybrid"), b) }
func (r *result) overCount() float64    { return ratio(r.ndcg("hybrid"), r.ndcg("popcount")) }

func (r *result) row(tw *tabwriter.Writer, set, split string) {
	name, b := r.baseline()
	fmt.Fprintf(tw, "%s\t%s\t%d\t%.4f\t%s %.4f\t%.3f\t%.4f\t%.3f\t%d\t%s\t\n", set, split, r.Protocol.Users,
		r.ndcg("hybrid"), name, b, r.overBaseline(), r.ndcg("popcount"), r.overCount(), r.peakMiB, r.took.Round(100*time.Millisecond))
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexAny(s, "\r\n"); i >= 0 {
		return s[i+1:]
	}
	return s
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "recs: "+format+"\n", args...)
	os.Exit(1)
}
