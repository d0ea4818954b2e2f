//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/marquee-org/marquee/internal/store"
)

// checkProgress reads every session's stored position back from the database and counts
// those below the last position the server acknowledged.
func checkProgress(ctx context.Context, dir string, subs []*sub) (lost, acked int, err error) {
	st, err := store.Open(ctx, "", dir, store.Options{})
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	rows, err := st.Client.WatchProgress.Query().All(ctx)
	if err != nil {
		return 0, 0, err
	}
	type key struct{ user, video int }
	stored := make(map[key]float64, len(rows))
	for _, r := range rows {
		stored[key{r.UserID, r.VideoID}] = r.PositionSeconds
	}
	for _, s := range subs {
		a := s.acked.Load()
		if a < 0 {
			continue
		}
		acked++
		if got, ok := stored[key{s.userID, s.videoID}]; !ok || got < float64(a) {
			lost++
		}
	}
	return lost, acked, nil
}

func report(c config, t *tally, elapsed time.Duration, idleRSS, openRSS int64, samples []int64, serverCPU, clientCPU float64, lost, acked, held int, perSub []int, edges string) bool {
	secs := elapsed.Seconds()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range [][]time.Duration{t.loginLat, t.segLat, t.progLat, t.gaps, t.atGaps} {
		slices.Sort(l)
	}
	lo, hi := openRSS, openRSS
	for _, s := range samples {
		lo, hi = min(lo, s), max(hi, s)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Println()
	fmt.Printf("%s, %d CPUs; client and server share the machine; load average before the report: %s\n",
		runtime.Version(), runtime.NumCPU(), strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Printf("window %s: %d login clients (+%d guessing at %.0f/s), %d segment clients at %.0f req/s, %d subscriptions reporting every %s\n\n",
		elapsed.Round(time.Millisecond), c.loginClients, c.wrongClients, c.wrongRPS, c.segClients, c.segRPS, c.subs, c.progressEvery)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(format, args...)) }
	row("logins/s", "%.1f ok, %.1f invalid, %.1f rate-limited", float64(t.loginOK.Load())/secs,
		float64(t.loginInvalid.Load())/secs, float64(t.loginLimited.Load())/secs)
	row("login latency (right password)", "p50 %s  p99 %s", pct(t.loginLat, 50), pct(t.loginLat, 99))
	row("segments/s", "%.0f (%.0f MiB/s; %d playlists)  p50 %s  p99 %s", float64(t.segOK.Load())/secs,
		float64(t.segBytes.Load())/secs/(1<<20), t.playlists.Load(), pct(t.segLat, 50), pct(t.segLat, 99))
	row("progress reports/s", "%.0f acknowledged of %d sent  p50 %s  p99 %s", float64(t.progressOK.Load())/secs,
		t.progressSent.Load(), pct(t.progLat, 50), pct(t.progLat, 99))
	// One ticker beats every subscription, so all of them get the same number of beats: one per
	// tick in the window. Where ticks run late one fewer may fit; fewer than that is a beat lost.
	expected := float64(held) * secs / interval.Seconds()
	least := float64(held * max(1, int(elapsed/interval)-1))
	beats := float64(t.beats.Load())
	row("subscriptions held", "%d of %d (%d dropped)", held-int(t.dropped.Load()), c.subs, t.dropped.Load())
	row("heartbeats in window", "%.0f of ~%.0f due (%.1f%%; at least %.0f), %d not ACTIVE", beats, expected, 100*beats/expected, least, t.notActive.Load())
	slices.Sort(perSub)
	row("  per subscription", "min %d  p1 %d  p50 %d  max %d; %s", perSub[0], perSub[len(perSub)/100], perSub[len(perSub)/2], perSub[len(perSub)-1], edges)
	row("heartbeat gap", "p50 %s  p99 %s  max %s (interval %s)", pct(t.gaps, 50), pct(t.gaps, 99), pct(t.gaps, 100), interval)
	row("  by the server's clock (at)", "p50 %s  p99 %s  max %s", pct(t.atGaps, 50), pct(t.atGaps, 99), pct(t.atGaps, 100))
	row("HTTP 5xx", "%d", t.status5xx.Load())
	row("unexpected errors", "%d (right password refused: %d)", t.unexpected.Load(), t.correctRefused.Load())
	row("lost progress", "%d of %d sessions with an acknowledged report", lost, acked)
	row("server RSS", "idle %s, holding subscriptions %s, window min %s max %s", mib(idleRSS), mib(openRSS), mib(lo), mib(hi))
	row("server CPU", "%.2f cores (client %.2f cores)", serverCPU, clientCPU)
	tw.Flush()
	var trace []string
	for i := 0; i < len(samples); i += 5 {
		trace = append(trace, fmt.Sprintf("%.0f", float64(samples[i])/(1<<20)))
	}
	fmt.Printf("server RSS every 5 s (MiB): %s\n", strings.Join(trace, " "))
	for _, s := range t.samples {
		fmt.Println("  e.g.", s)
	}

	var failed []string
	check := func(ok bool, what string) {
		if !ok {
			failed = append(failed, what)
		}
	}
	check(t.status5xx.Load() == 0, "5xx")
	check(t.unexpected.Load() == 0 && t.correctRefused.Load() == 0, "unexpected errors")
	check(lost == 0, "lost progress")
	check(t.dropped.Load() == 0 && t.notActive.Load() == 0, "subscriptions ended")
	// A missed beat shows as a gap of two intervals; p99 within half an interval is on time.
	check(len(t.gaps) > 0 && pct(t.gaps, 99) <= interval*3/2, "heartbeats late (gap p99 > 1.5 intervals)")
	check(beats >= least, "heartbeats missed")
	check((c.loginClients == 0 || t.loginOK.Load() > 0) && (c.segClients == 0 || t.segOK.Load() > 0) &&
		acked > 0, "a load made no progress")
	if len(failed) > 0 {
		fmt.Printf("FAIL: %s\n", strings.Join(failed, ", "))
		return false
	}
	fmt.Println("PASS: no 5xx, no unexpected error, no lost progress, heartbeats on time")
	return true
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, len(d)*p/100)].Round(time.Millisecond)
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
