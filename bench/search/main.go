//go:build unix

// Command search measures title search on a generated catalog, side by side with
// PostgreSQL's pg_trgm on the same rows:
//
//   - it generates titles (names and synopses from a made-up vocabulary with a Zipf word
//     frequency, 1–3 of 20 genres, two credited people each, years 1950–2025), loads them
//     through ent into a PostgreSQL schema of its own (dropped at the end), and adds
//     lowercased documents with pg_trgm GIN indexes: name, genres, people and synopsis for
//     words; name and people for prefixes, the fields Bleve completes;
//   - it builds the Bleve index from that database with search.Index.Sync, the path a
//     replica takes at start;
//   - it times, one query at a time, search.Index.Search (first page of 20 and the total,
//     without and with genre facets) against the pg_trgm query that matches the same way
//     (first page of 20 by word similarity, with the total): 1–4-letter prefixes (a
//     regular expression on word starts), whole words and words with one typo (the `<%`
//     word-similarity operator);
//   - it times batch indexing against one Index() per document on fresh indexes, over
//     the same titles; one by one runs for a fixed time and is reported per document.
//
// Latencies are wall-clock; on a machine shared with other work they include waiting for
// a CPU, which the CPU-time columns leave out.
//
// Run it with `go run ./bench/search` against a local PostgreSQL that may create the
// pg_trgm extension (the default URL is the local test database).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"text/tabwriter"
	"time"

	_ "github.com/lib/pq"

	"github.com/marquee-org/marquee/internal/search"
)

// The goals: in-process p95 and its ratio to pg_trgm's, and batch over single indexing.
const (
	maxP95        = 20 * time.Millisecond
	maxRatioPG    = 1.0
	minBatchRatio = 10
)

type config struct {
	databaseURL string
	titles      int
	queries     int
	single      time.Duration
	subset      int
	pgBudget    time.Duration
	seed        uint64
	cpuProfile  string
}

// Untimed queries of each kind run first; pg_trgm, much slower, gets fewer of them, and
// at least minPG timed ones whatever its budget.
const (
	warmup   = 10
	pgWarmup = 2
	minPG    = 10
)

func main() {
	var c config
	flag.StringVar(&c.databaseURL, "database-url", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL to load the catalog into (a schema of its own, dropped afterwards)")
	flag.IntVar(&c.titles, "titles", 50000, "titles to generate")
	flag.IntVar(&c.queries, "queries", 200, "queries per kind")
	flag.IntVar(&c.subset, "index-titles", 5000, "titles indexed in the batch against one-by-one comparison")
	flag.DurationVar(&c.single, "single", 15*time.Second, "time spent indexing one document per Index() call")
	flag.DurationVar(&c.pgBudget, "pg-budget", 15*time.Second, "time pg_trgm may spend on each kind of query (it stops early)")
	flag.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the query phase to this file")
	flag.Uint64Var(&c.seed, "seed", 1, "random seed of the catalog and the queries")
	flag.Parse()
	if err := run(c); err != nil {
		log.Fatal(err)
	}
}

func run(c config) error {
	ctx := context.Background()
	rng := mrand.New(mrand.NewPCG(c.seed, 7))
	vocab := vocabulary(rng, 6000)

	schema, st, err := openSchema(ctx, c.databaseURL)
	if err != nil {
		return err
	}
	defer func() {
		_ = st.Close()
		if err := dropSchema(c.databaseURL, schema); err != nil {
			log.Printf("drop schema %s: %v", schema, err)
		}
	}()

	fmt.Printf("loading %d titles into PostgreSQL...\n", c.titles)
	t0 := time.Now()
	if err := load(ctx, st.Client, rng, vocab, c.titles); err != nil {
		return err
	}
	if err := trigramIndex(ctx, st.DB); err != nil {
		return err
	}
	fmt.Printf("  %s (with the pg_trgm index)\n", time.Since(t0).Round(time.Millisecond))

	dir, err := os.MkdirTemp("", "marquee-search-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	ix, err := search.Open(filepath.Join(dir, "synced"))
	if err != nil {
		return err
	}
	defer ix.Close()
	t0 = time.Now()
	r, err := ix.Sync(ctx, st.Client)
	if err != nil {
		return err
	}
	rebuild := time.Since(t0)
	fmt.Printf("Bleve index rebuilt from PostgreSQL by Sync: %d titles in %s\n", r.Indexed, rebuild.Round(time.Millisecond))

	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	gql, stopGQL, err := graphQLEndpoint(ctx, st, ix)
	if err != nil {
		return err
	}
	defer stopGQL()
	var rows []row
	for _, k := range queryKinds(rng, vocab, c.queries) {
		rw, err := measure(ctx, ix, st.DB, k, c.pgBudget)
		if err != nil {
			return err
		}
		rw.gql, err = measureGraphQL(gql, k)
		if err != nil {
			return err
		}
		rows = append(rows, rw)
	}
	pprof.StopCPUProfile()

	fmt.Printf("\nsearch, one query at a time: Bleve in-process (first page of 20 and the total, without and\n"+
		"with genre facets; CPU is this process's CPU time per query), pg_trgm over loopback (first page\n"+
		"of 20 and the total); load average %s\n", loadavg())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "queries\tn\tBleve p50\tp95\tCPU p95\t+facets p50\tp95\tCPU p95\tn\tpg_trgm p50\tp95\tp95 ratio\t+facets\thits Bleve\tpg_trgm\t")
	ok := true
	for _, rw := range rows {
		bp95, fp95, pp95 := pct(rw.bleve, 95), pct(rw.facets, 95), pct(rw.pg, 95)
		ratio, fratio := float64(bp95)/float64(pp95), float64(fp95)/float64(pp95)
		ok = ok && fp95 <= maxP95 && fratio <= maxRatioPG
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%.2f\t%.2f\t%d\t%d\t\n", rw.kind,
			len(rw.bleve), ms(pct(rw.bleve, 50)), ms(bp95), ms(pct(rw.bleveCPU, 95)),
			ms(pct(rw.facets, 50)), ms(fp95), ms(pct(rw.facetsCPU, 95)),
			len(rw.pg), ms(pct(rw.pg, 50)), ms(pp95), ratio, fratio, rw.bleveHits/len(rw.bleve), rw.pgHits/len(rw.pg))
	}
	_ = tw.Flush()
	fmt.Printf("goal: Bleve p95 (with facets) ≤ %s and ≤ %.1f× pg_trgm's: %s\n", maxP95, maxRatioPG, verdict(ok))

	fmt.Printf("\nthe same queries through GraphQL (POST /graphql over loopback: first page of 20 with id\n" +
		"and name, totalCount and genre facets, as the app's search page asks)\n")
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "queries\tn\tGraphQL p50\tp95\tin-process +facets p95\tratio\tpg_trgm p95\tratio\t")
	for _, rw := range rows {
		gp95, fp95, pp95 := pct(rw.gql, 95), pct(rw.facets, 95), pct(rw.pg, 95)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%.2f\t%s\t%.2f\t\n", rw.kind, len(rw.gql), ms(pct(rw.gql, 50)), ms(gp95),
			ms(fp95), float64(gp95)/float64(fp95), ms(pp95), float64(gp95)/float64(pp95))
	}
	_ = tw.Flush()

	return indexing(ctx, st.Client, dir, c.subset, c.single)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
