// Command feed measures what the GraphQL layer costs on the home feed, side by side in one run:
//
//	(a) graphql: the feed query through marquee's gqlgen handler (parsing, validation, complexity,
//	    field resolvers, the per-request loader)
//	(b) direct:  a hand-written net/http handler that runs the same ent queries (catalog.Feed and
//	    the same loader lookups) and encodes the same JSON shape
//
// Both serve one viewer with progress, My List entries, ratings and recommendations over a generated
// catalog, behind plain http.Servers on loopback, loaded by the same keep-alive client for the same
// time, alternating over several rounds. It prints requests/s and latency percentiles and the ratios
// of (a) to (b). Run it with `go run ./bench/feed` (SQLite in a temp dir) or with -database-url for
// PostgreSQL.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"entgo.io/ent/dialect"

	"github.com/marquee-org/marquee/bench/internal/proc"
	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/graph"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/store"
)

// Targets from the discovery issue: (a) keeps most of (b)'s throughput and tail latency.
const (
	minThroughput = 0.85
	maxP99        = 1.5
)

const feedQuery = `{ feed { rows { slug name kind titles(first: 20) { totalCount edges { node {
	id name year genres averageRating myRating inMyList availableInMyRegion posterUrl
	progress { fraction positionSeconds } } } } } } }`

func main() {
	titles := flag.Int("titles", 2000, "catalog size")
	genres := flag.Int("genres", 12, "number of genres")
	conc := flag.Int("c", 8, "concurrent clients")
	dur := flag.Duration("d", 8*time.Second, "load time per target per round")
	rounds := flag.Int("rounds", 3, "rounds, alternating the targets")
	dbURL := flag.String("database-url", "", "PostgreSQL URL (default: SQLite in a temp dir)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the rounds (both targets; not the fill, not the other reads) to this file")
	flag.Parse()
	if err := run(*titles, *genres, *conc, *dur, *rounds, *dbURL, *profile); err != nil {
		fmt.Fprintln(os.Stderr, "feed:", err)
		os.Exit(1)
	}
}

func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func run(titles, genres, conc int, dur time.Duration, rounds int, dbURL, profile string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-feed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var st *store.Store
	if dbURL != "" {
		// A schema of this run's own, dropped at the end: runs never see each other's rows.
		u, drop, err := ownSchema(ctx, dbURL)
		if err != nil {
			return err
		}
		defer drop()
		st, err = store.OpenPostgres(ctx, u, store.Options{MaxOpenConns: 16})
		if err != nil {
			return err
		}
	} else {
		st, err = store.OpenSQLite(ctx, filepath.Join(dir, "bench.db"))
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loading %d titles in %d genres (%s)...\n", titles, genres, st.Dialect)
	loading := time.Now()
	svc := app.OverStore(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cat := svc.Catalog
	viewer, first, err := fill(ctx, cat, st, titles, genres)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loaded in %s\n", time.Since(loading).Round(time.Millisecond))

	gql := graph.NewHandler(&graph.Resolver{Services: svc}, graph.HandlerOptions{ComplexityLimit: 1 << 20})
	// Each target's requests carry a profiler label (target=a or b), which the goroutines
	// they start inherit, so `go tool pprof -tagfocus target=a` shows one side alone.
	as := func(name string, h http.Handler) http.Handler {
		labels := pprof.Labels("target", name)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pprof.Do(r.Context(), labels, func(ctx context.Context) {
				h.ServeHTTP(w, r.WithContext(auth.WithViewer(ctx, &auth.Viewer{User: viewer})))
			})
		})
	}
	targets := []struct {
		name, label string
		h           http.Handler
	}{
		{"a", "(a) graphql", as("a", gql)},
		{"b", "(b) direct", as("b", direct(cat))},
	}
	body, _ := json.Marshal(map[string]string{"query": feedQuery})
	// The first read after the fill builds this replica's shelf, as the first read after any
	// catalog change does: timed on its own, not counted in the rounds.
	if err := warm(targets[0].h, body); err != nil {
		return err
	}
	results := map[string][]stats{}
	stopProfile := func() {}
	if profile != "" {
		if stopProfile, err = startProfile(profile); err != nil {
			return err
		}
		defer func() { stopProfile() }() // on an early return; a second stop does nothing
	}
	for round := range rounds {
		for _, t := range targets {
			base, stop, err := listen(t.h)
			if err != nil {
				return err
			}
			s, err := load(base, body, conc, dur)
			stop()
			if err != nil {
				return fmt.Errorf("%s: %w", t.label, err)
			}
			fmt.Fprintf(os.Stderr, "round %d %s: %.0f req/s, p99 %s, CPU %s/req, %.2f MB/req\n", round+1, t.label, s.rps, s.p99, s.cpu.Round(10*time.Microsecond), s.alloc/1e6)
			results[t.name] = append(results[t.name], s)
		}
	}

	stopProfile() // the rounds only, not the other reads
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "target\treq/s (median of %d)\tp50\tp99\tCPU/req\tdatabase CPU/req\tallocated/req\n", rounds)
	med := map[string]stats{}
	for _, t := range targets {
		m := median(results[t.name])
		med[t.name] = m
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%s\t%.2f MB\n", t.label, m.rps, m.p50.Round(10*time.Microsecond), m.p99.Round(10*time.Microsecond), m.cpu.Round(10*time.Microsecond), m.dbCPU.Round(10*time.Microsecond), m.alloc/1e6)
	}
	tw.Flush()
	thr := med["a"].rps / med["b"].rps
	p99 := float64(med["a"].p99) / float64(med["b"].p99)
	cpu := float64(med["a"].cpu) / float64(med["b"].cpu)
	alloc := med["a"].alloc / med["b"].alloc
	fmt.Printf("\n(a)/(b) throughput %.2f (target ≥ %.2f)   p99 %.2f (target ≤ %.2f)   CPU/req %.2f   allocated/req %.2f\n", thr, minThroughput, p99, maxP99, cpu, alloc)
	fmt.Printf("machine: %d CPUs, %s, %d titles, %d clients, %s × %d rounds\n", runtime.NumCPU(), st.Dialect, titles, conc, dur, rounds)
	return otherReads(targets[0].h, first, dur)
}

// warm sends one feed request through h and reports how long it took.
func warm(h http.Handler, body []byte) error {
	base, stop, err := listen(h)
	if err != nil {
		return err
	}
	defer stop()
	start := time.Now()
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("first feed: %s", resp.Status)
	}
	fmt.Fprintf(os.Stderr, "first feed (builds the shelf): %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// otherReads times the catalog's other pages through GraphQL, one request at a time: a genre's
// first page and a page far into it (both with totalCount), and a title's similar titles
// (this catalog has no videos, so similar looks at every genre mate it may and finds none
// playable: its slowest case).
func otherReads(h http.Handler, titleID int, d time.Duration) error {
	base, stop, err := listen(h)
	if err != nil {
		return err
	}
	defer stop()
	reads := []struct{ name, query string }{
		{"category, first page", `{ category(slug: "genre-3") { titles(first: 20) { totalCount edges { node { id name year genres availableInMyRegion } } } } }`},
		{"category, after 1 000", `{ category(slug: "genre-3") { titles(first: 20, after: "` + cursorAt(1000) + `") { totalCount edges { node { id name } } } } }`},
		{"similar", fmt.Sprintf(`{ title(id: %d) { similar(first: 12) { id name } } }`, titleID)},
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nread (GraphQL, 1 client)\treq/s\tp50\tp95\tCPU/req\n")
	for _, r := range reads {
		body, _ := json.Marshal(map[string]string{"query": r.query})
		s, err := load(base, body, 1, d/2)
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\n", r.name, s.rps, s.p50.Round(10*time.Microsecond), s.p95.Round(10*time.Microsecond), s.cpu.Round(10*time.Microsecond))
	}
	return tw.Flush()
}

// cursorAt is the cursor of a catalog list's position n, as the API hands them out.
func cursorAt(n int) string {
	var b bytes.Buffer
	ent.Cursor{ID: n}.MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}

// direct is the baseline: the same domain calls and loader lookups the resolvers make,
// written out by hand and encoded straight to JSON.
func direct(cat *catalog.Service) http.Handler {
	type progress struct {
		Fraction        float64 `json:"fraction"`
		PositionSeconds float64 `json:"positionSeconds"`
	}
	type node struct {
		ID                  int       `json:"id"`
		Name                string    `json:"name"`
		Year                *int      `json:"year"`
		Genres              []string  `json:"genres"`
		AverageRating       *float64  `json:"averageRating"`
		MyRating            *int      `json:"myRating"`
		InMyList            bool      `json:"inMyList"`
		AvailableInMyRegion bool      `json:"availableInMyRegion"`
		PosterURL           *string   `json:"posterUrl"`
		Progress            *progress `json:"progress"`
	}
	type edge struct {
		Node node `json:"node"`
	}
	type row struct {
		Slug   string `json:"slug"`
		Name   string `json:"name"`
		Kind   string `json:"kind"`
		Titles struct {
			TotalCount int    `json:"totalCount"`
			Edges      []edge `json:"edges"`
		} `json:"titles"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		_, _ = io.Copy(io.Discard, r.Body)
		v := auth.FromContext(ctx)
		viewer := catalog.ViewerOf(v)
		l := cat.NewLoader(ctx, viewer)
		rows, err := cat.Feed(ctx, viewer, catalog.FeedOptions{PerRow: 20, Loader: l})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		l.See(catalog.TitleIDs(rows)...)
		out := make([]row, 0, len(rows))
		for _, rw := range rows {
			ids, total, err := cat.Page(ctx, viewer, rw, 0, 20)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			ts, err := l.Titles(ctx, ids)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			o := row{Slug: rw.Slug, Name: rw.Name, Kind: string(rw.Kind)}
			o.Titles.TotalCount = total
			for _, t := range ts {
				n := node{ID: t.ID, Name: t.Name, Year: t.Year, AverageRating: catalog.AverageRating(t.Title),
					AvailableInMyRegion: catalog.AvailableIn(t.Title, viewer.Country)}
				if n.Genres, err = l.Genres(ctx, t.ID); err == nil {
					if stars, e := l.MyRating(ctx, t.ID); e == nil && stars > 0 {
						n.MyRating = &stars
					}
					n.InMyList, err = l.InMyList(ctx, t.ID)
				}
				if err == nil {
					var p *ent.WatchProgress
					if p, err = l.Progress(ctx, t.ID); p != nil {
						n.Progress = &progress{Fraction: p.PositionSeconds / p.DurationSeconds, PositionSeconds: p.PositionSeconds}
					}
				}
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				o.Titles.Edges = append(o.Titles.Edges, edge{Node: n})
			}
			out = append(out, o)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"feed": map[string]any{"rows": out}}})
	})
}

// fill creates the catalog in bulk, every third title limited to a few countries (the
// viewer's among them half the time), and one viewer with activity on 25 titles of each kind.
// It returns the viewer and the first title.
func fill(ctx context.Context, cat *catalog.Service, st *store.Store, n, genres int) (*ent.User, int, error) {
	u, err := st.Client.User.Create().SetEmail("bench@example.com").SetPasswordHash("x").SetCountry("US").Save(ctx)
	if err != nil {
		return nil, 0, err
	}
	p, err := st.Client.Profile.Create().SetUserID(u.ID).SetName("bench").SetMaturityCeiling(maturity.Adult).Save(ctx)
	if err != nil {
		return nil, 0, err
	}
	names := make([]string, genres)
	for g := range genres {
		names[g] = fmt.Sprintf("Genre %d", g)
	}
	gids, err := catalog.EnsureGenres(ctx, st.Client, names)
	if err != nil {
		return nil, 0, err
	}
	regions := [][]string{{"US", "CA"}, {"FR"}, {"DE", "AT", "CH"}, {"US"}, {"JP"}, {"BR", "PT"}}
	ids := make([]int, 0, n)
	for start := 0; start < n; start += 500 {
		var batch []*ent.TitleCreate
		for i := start; i < min(n, start+500); i++ {
			c := st.Client.Title.Create().SetKind(title.KindMOVIE).SetName(fmt.Sprintf("Title %d", i)).
				SetYear(1990+i%37).SetTrendingScore(float64((i*7919)%1000)).
				AddGenreIDs(gids[i%genres], gids[(i/genres)%genres])
			if i%3 == 2 {
				c.SetRegions(regions[(i/3)%len(regions)])
			}
			batch = append(batch, c)
		}
		ts, err := st.Client.Title.CreateBulk(batch...).Save(ctx)
		if err != nil {
			return nil, 0, err
		}
		for _, t := range ts {
			ids = append(ids, t.ID)
		}
	}
	for i := range 25 {
		err := st.Client.WatchProgress.Create().SetUserID(u.ID).SetProfileID(p.ID).SetTitleID(ids[i]).SetVideoID(ids[i]).
			SetPositionSeconds(30).SetDurationSeconds(100).Exec(ctx)
		if err == nil {
			err = st.Client.MyListItem.Create().SetUserID(u.ID).SetProfileID(p.ID).SetTitleID(ids[n-1-i]).Exec(ctx)
		}
		if err == nil {
			_, err = cat.Rate(ctx, catalog.Viewer{UserID: u.ID, ProfileID: p.ID, MaxAge: maturity.Adult}, ids[25+i], 1+i%5)
		}
		if err == nil {
			err = st.Client.Recommendation.Create().SetKind(recommendation.KindRECOMMENDED).
				SetUserID(u.ID).SetProfileID(p.ID).SetTitleID(ids[n/2+i]).SetRank(i).SetScore(1).Exec(ctx)
		}
		if err == nil {
			err = st.Client.Recommendation.Create().SetKind(recommendation.KindBECAUSE_YOU_WATCHED).
				SetUserID(u.ID).SetProfileID(p.ID).SetSourceTitleID(ids[0]).SetTitleID(ids[n/3+i]).SetRank(i).SetScore(1).Exec(ctx)
		}
		if err != nil {
			return nil, 0, err
		}
	}
	if st.Dialect == dialect.Postgres {
		_, err = st.DB.ExecContext(ctx, "ANALYZE")
	}
	return u, ids[0], err
}

// ownSchema creates an empty schema in the database at base and returns a URL that selects
// it, and a function that drops it.
func ownSchema(ctx context.Context, base string) (string, func(), error) {
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "bench_feed_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	drop := func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema) // lib/pq passes unknown parameters on as settings
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

type stats struct {
	rps           float64
	p50, p95, p99 time.Duration
	// cpu is the process's CPU time per request, client included. It moves less than
	// req/s when other work takes the machine's cores.
	cpu time.Duration
	// dbCPU is the CPU time PostgreSQL's processes on this machine used per request: the
	// share of the work a scan moved into the database takes (0 on SQLite).
	dbCPU time.Duration
	// alloc is the bytes allocated per request, client included: what the garbage
	// collector has to clear up after it.
	alloc float64
}

// load posts body from conc keep-alive clients for d and records every latency.
func load(base string, body []byte, conc int, d time.Duration) (stats, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
	var (
		mu    sync.Mutex
		lats  []time.Duration
		first error
		wg    sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	alloc0 := mem.TotalAlloc
	start, cpu0, db0 := time.Now(), proc.SelfCPU(), proc.CommandCPU("postgres")
	for range conc {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				res, err := client.Post(base+"/graphql", "application/json", bytes.NewReader(body))
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
				}
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), proc.SelfCPU()-cpu0
	db := time.Duration((proc.CommandCPU("postgres") - db0) * float64(time.Second))
	runtime.ReadMemStats(&mem)
	if first != nil {
		return stats{}, first
	}
	slices.Sort(lats)
	pct := func(p float64) time.Duration { return lats[min(len(lats)-1, int(p*float64(len(lats))))] }
	return stats{rps: float64(len(lats)) / elapsed.Seconds(), p50: pct(0.50), p95: pct(0.95), p99: pct(0.99),
		cpu: cpu / time.Duration(len(lats)), dbCPU: db / time.Duration(len(lats)), alloc: float64(mem.TotalAlloc-alloc0) / float64(len(lats))}, nil
}

func median(s []stats) stats {
	by := func(get func(stats) float64) float64 {
		v := make([]float64, len(s))
		for i, x := range s {
			v[i] = get(x)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return stats{
		rps:   by(func(x stats) float64 { return x.rps }),
		p50:   time.Duration(by(func(x stats) float64 { return float64(x.p50) })),
		p99:   time.Duration(by(func(x stats) float64 { return float64(x.p99) })),
		cpu:   time.Duration(by(func(x stats) float64 { return float64(x.cpu) })),
		dbCPU: time.Duration(by(func(x stats) float64 { return float64(x.dbCPU) })),
		alloc: by(func(x stats) float64 { return x.alloc }),
	}
}
