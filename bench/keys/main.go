// Command keys measures the key route (/keys/<token>/<rendition>/<period>.key) at a steady rate:
// marquee's media handler behind a plain http.Server on loopback, sessions all active, seeds
// already in memory (as after each video's first key), requests paced at -rate per second over
// keep-alive connections for -duration. It prints the latency percentiles and the statuses; the
// budget is p99 ≤ 2 ms at 1 000 keys/s.
//
//	go run ./bench/keys -rate 1000 -duration 10s
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/marquee-org/marquee/internal/media"
)

const budgetP99 = 2 * time.Millisecond

type allActive struct{}

func (allActive) Active(int) bool { return true }

func main() {
	rate := flag.Int("rate", 1000, "key requests per second")
	duration := flag.Duration("duration", 10*time.Second, "how long to keep the rate")
	sessions := flag.Int("sessions", 200, "playback sessions the requests rotate over")
	conns := flag.Int("connections", 32, "keep-alive connections")
	flag.Parse()
	if err := run(*rate, *duration, *sessions, *conns); err != nil {
		fmt.Fprintln(os.Stderr, "keys:", err)
		os.Exit(1)
	}
}

func run(rate int, duration time.Duration, sessions, conns int) error {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	signer, err := media.NewSigner(secret)
	if err != nil {
		return err
	}
	keyring, err := media.NewKeyring(secret)
	if err != nil {
		return err
	}
	_, sealed, err := keyring.NewSeed(1)
	if err != nil {
		return err
	}
	store, err := media.NewLocal(os.TempDir())
	if err != nil {
		return err
	}
	h := media.NewHandler(store, signer, allActive{}, func(id int) string { return "videos/" + strconv.Itoa(id) }, time.Now).
		Deliver(media.Delivery{Keyring: keyring, Seeds: func(context.Context, int) ([]byte, error) { return sealed, nil },
			KeyRate: 1e9, KeyBurst: 1e9}) // the rate limit is not what is measured
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h.Keys()}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	urls := make([]string, sessions)
	for i := range urls {
		tok := signer.Sign(media.Grant{SessionID: i + 1, VideoID: 1, Expires: time.Now().Add(time.Hour)})
		urls[i] = base + "/keys/" + tok + "/720p/" + strconv.Itoa(i%30) + ".key"
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	get := func(u string) (int, error) {
		res, err := client.Get(u)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, nil
	}
	for _, u := range urls { // warm: connections open, seed cached
		if _, err := get(u); err != nil {
			return err
		}
	}

	total := int(duration.Seconds() * float64(rate))
	lat := make([]time.Duration, total)
	codes := make([]int, total)
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, conns*4)
	for i := range total {
		// Requests leave on schedule; latency counts from the scheduled time, so a server that
		// falls behind is charged for the queue it causes.
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			code, err := get(urls[i%len(urls)])
			if err != nil {
				code = -1
			}
			lat[i], codes[i] = time.Since(due), code
		}()
	}
	wg.Wait()
	took := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	statuses := map[int]int{}
	for _, c := range codes {
		statuses[c]++
	}
	fmt.Printf("%s, GOMAXPROCS %d, %d CPUs; %d sessions, %d connections\n", runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), sessions, conns)
	fmt.Printf("%d key requests at %d/s over %s (achieved %.0f/s); statuses %v\n", total, rate, duration, float64(total)/took.Seconds(), statuses)
	fmt.Printf("latency p50 %s  p90 %s  p99 %s  max %s\n", pct(0.5), pct(0.9), pct(0.99), lat[len(lat)-1])
	verdict := "ok"
	if pct(0.99) > budgetP99 || statuses[http.StatusOK] != total {
		verdict = "MISSED"
	}
	fmt.Printf("p99 %s (target ≤ %s, every key 200: %s)\n", pct(0.99), budgetP99, verdict)
	return nil
}
