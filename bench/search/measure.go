//go:build unix

package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/marquee-org/marquee/bench/internal/proc"
	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/graph"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
)

type row struct {
	kind              string
	bleve, facets, pg []time.Duration
	gql               []time.Duration
	// CPU time of this process per Bleve query: what the latency would be on an idle core.
	bleveCPU, facetsCPU []time.Duration
	bleveHits, pgHits   int
}

// measure runs k's queries one at a time on each side, after a few untimed ones that
// warm caches. pg_trgm, much slower, stops once it has used its time budget.
func measure(ctx context.Context, ix *search.Index, db *sql.DB, k queryKind, pgBudget time.Duration) (row, error) {
	rw := row{kind: k.name}
	for i, q := range append(slices.Clone(k.texts[:warmup]), k.texts...) {
		for _, facets := range []bool{false, true} {
			t, c := time.Now(), proc.SelfCPU()
			res, err := ix.Search(ctx, search.Query{Text: q, Country: "US", Facets: facets})
			if err != nil {
				return rw, fmt.Errorf("bleve %q: %w", q, err)
			}
			switch d, dc := time.Since(t), proc.SelfCPU()-c; {
			case i < warmup:
			case facets:
				rw.facets, rw.facetsCPU = append(rw.facets, d), append(rw.facetsCPU, dc)
			default:
				rw.bleve, rw.bleveCPU = append(rw.bleve, d), append(rw.bleveCPU, dc)
				rw.bleveHits += res.Total
			}
		}
	}
	start := time.Now()
	for i, q := range append(slices.Clone(k.texts[:pgWarmup]), k.texts...) {
		if time.Since(start) > pgBudget && len(rw.pg) >= minPG {
			break
		}
		t := time.Now()
		n, err := k.pg(ctx, db, q)
		if err != nil {
			return rw, fmt.Errorf("pg_trgm %q: %w", q, err)
		}
		if i >= pgWarmup {
			rw.pg = append(rw.pg, time.Since(t))
			rw.pgHits += n
		}
	}
	return rw, nil
}

const gqlSearch = `query($q: String!) { search(query: $q, first: 20) {
	totalCount edges { node { id name } } genreFacets { slug count } } }`

// graphQLEndpoint serves marquee's GraphQL handler over loopback for a US viewer, the
// country the in-process queries use.
func graphQLEndpoint(ctx context.Context, st *store.Store, ix *search.Index) (string, func(), error) {
	u, err := st.Client.User.Create().SetEmail("bench@example.com").SetPasswordHash("x").SetCountry("US").Save(ctx)
	if err != nil {
		return "", nil, err
	}
	p, err := st.Client.Profile.Create().SetUserID(u.ID).SetName("bench").SetMaturityCeiling(maturity.Adult).Save(ctx)
	if err != nil {
		return "", nil, err
	}
	svc := app.OverStore(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.Index = ix
	h := graph.NewHandler(&graph.Resolver{Services: svc}, graph.HandlerOptions{ComplexityLimit: 1 << 20})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithViewer(r.Context(), &auth.Viewer{User: u, Profile: p})))
	}))
	return srv.URL, srv.Close, nil
}

// measureGraphQL times k's queries through the GraphQL endpoint, after a few untimed ones.
func measureGraphQL(url string, k queryKind) ([]time.Duration, error) {
	var out []time.Duration
	for i, q := range append(slices.Clone(k.texts[:warmup]), k.texts...) {
		body, _ := json.Marshal(map[string]any{"query": gqlSearch, "variables": map[string]any{"q": q}})
		t := time.Now()
		res, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		var answer struct {
			Errors []any `json:"errors"`
		}
		err = json.NewDecoder(res.Body).Decode(&answer)
		res.Body.Close()
		if err != nil || len(answer.Errors) > 0 {
			return nil, fmt.Errorf("graphql %q: %v %v", q, err, answer.Errors)
		}
		if i >= warmup {
			out = append(out, time.Since(t))
		}
	}
	return out, nil
}

// indexing compares batches of 1000 documents with one Index() per document, each on a
// fresh index, over the same titles already in memory. One by one stops after a fixed
// time; its cost per document is what it reached.
func indexing(ctx context.Context, client *ent.Client, dir string, subset int, single time.Duration) error {
	titles, err := search.WithEdges(client.Title.Query().Order(ent.Asc(title.FieldID)).Limit(subset)).All(ctx)
	if err != nil {
		return err
	}
	batchIx, err := search.Open(filepath.Join(dir, "batch"))
	if err != nil {
		return err
	}
	defer batchIx.Close()
	t0, c0 := time.Now(), proc.SelfCPU()
	for chunk := range slices.Chunk(titles, 1000) {
		if err := batchIx.Put(chunk...); err != nil {
			return err
		}
	}
	batch, batchCPU := time.Since(t0)/time.Duration(len(titles)), (proc.SelfCPU()-c0)/time.Duration(len(titles))

	singleIx, err := search.Open(filepath.Join(dir, "single"))
	if err != nil {
		return err
	}
	defer singleIx.Close()
	n := 0
	t0, c0 = time.Now(), proc.SelfCPU()
	for _, t := range titles {
		if time.Since(t0) > single {
			break
		}
		if err := singleIx.Put(t); err != nil {
			return err
		}
		n++
	}
	one, oneCPU := time.Since(t0)/time.Duration(n), (proc.SelfCPU()-c0)/time.Duration(n)

	fmt.Printf("\nindexing the first %d titles into a fresh index; load average %s\n", len(titles), loadavg())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "how\tdocuments\tper document\tCPU per document\tdocuments/s\t")
	fmt.Fprintf(tw, "batches of 1000\t%d\t%s\t%s\t%.0f\t\n", len(titles), us(batch), us(batchCPU), float64(time.Second)/float64(batch))
	fmt.Fprintf(tw, "one Index() each\t%d\t%s\t%s\t%.0f\t\n", n, us(one), us(oneCPU), float64(time.Second)/float64(one))
	_ = tw.Flush()
	ratio := float64(one) / float64(batch)
	fmt.Printf("goal: batch ≥ %d× faster than one by one: %.0f× %s\n", minBatchRatio, ratio, verdict(ratio >= minBatchRatio))
	return nil
}

// loadavg is the machine's 1-minute load average: on a shared machine latencies grow
// with it.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}
