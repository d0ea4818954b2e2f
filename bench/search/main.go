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
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	_ "github.com/lib/pq"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/graph"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
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
			t, c := time.Now(), cpuTime()
			res, err := ix.Search(ctx, search.Query{Text: q, Country: "US", Facets: facets})
			if err != nil {
				return rw, fmt.Errorf("bleve %q: %w", q, err)
			}
			switch d, dc := time.Since(t), cpuTime()-c; {
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
	svc := app.OverStore(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.Index = ix
	h := graph.NewHandler(&graph.Resolver{Services: svc}, graph.HandlerOptions{ComplexityLimit: 1 << 20})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithViewer(r.Context(), &auth.Viewer{User: u})))
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
	t0, c0 := time.Now(), cpuTime()
	for chunk := range slices.Chunk(titles, 1000) {
		if err := batchIx.Put(chunk...); err != nil {
			return err
		}
	}
	batch, batchCPU := time.Since(t0)/time.Duration(len(titles)), (cpuTime()-c0)/time.Duration(len(titles))

	singleIx, err := search.Open(filepath.Join(dir, "single"))
	if err != nil {
		return err
	}
	defer singleIx.Close()
	n := 0
	t0, c0 = time.Now(), cpuTime()
	for _, t := range titles {
		if time.Since(t0) > single {
			break
		}
		if err := singleIx.Put(t); err != nil {
			return err
		}
		n++
	}
	one, oneCPU := time.Since(t0)/time.Duration(n), (cpuTime()-c0)/time.Duration(n)

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

// cpuTime is the CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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

type queryKind struct {
	name  string
	texts []string
	pg    func(ctx context.Context, db *sql.DB, q string) (int, error)
}

// The pg_trgm side: first page of 20 with the total, as the search API returns.
const (
	pgPrefix = `SELECT id, count(*) OVER () FROM titles WHERE complete_doc ~ ('\m' || $1)
		ORDER BY word_similarity($1, complete_doc) DESC, id LIMIT 20`
	pgWord = `SELECT id, count(*) OVER () FROM titles WHERE $1 <% search_doc
		ORDER BY word_similarity($1, search_doc) DESC, id LIMIT 20`
)

func pgQuery(sqlText string) func(ctx context.Context, db *sql.DB, q string) (int, error) {
	return func(ctx context.Context, db *sql.DB, q string) (int, error) {
		rows, err := db.QueryContext(ctx, sqlText, q)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		total := 0
		for rows.Next() {
			var id int
			if err := rows.Scan(&id, &total); err != nil {
				return 0, err
			}
		}
		return total, rows.Err()
	}
}

// queryKinds draws n queries of each kind from the vocabulary, weighted as the catalog
// uses it, so that common and rare words both appear.
func queryKinds(rng *mrand.Rand, v *vocab, n int) []queryKind {
	draw := func(ok func(string) bool) string {
		for {
			if w := v.word(); ok(w) {
				return w
			}
		}
	}
	var kinds []queryKind
	for l := 1; l <= 4; l++ {
		k := queryKind{name: fmt.Sprintf("prefix of %d", l), pg: pgQuery(pgPrefix)}
		for range n {
			k.texts = append(k.texts, draw(func(w string) bool { return len(w) > l })[:l])
		}
		kinds = append(kinds, k)
	}
	exact := queryKind{name: "whole word", pg: pgQuery(pgWord)}
	typo := queryKind{name: "word with 1 typo", pg: pgQuery(pgWord)}
	for range n {
		exact.texts = append(exact.texts, draw(func(string) bool { return true }))
		typo.texts = append(typo.texts, misspell(rng, draw(func(w string) bool { return len(w) >= 5 && len(w) <= 8 })))
	}
	return append(kinds, exact, typo)
}

// misspell makes one typo: a substitution, a deletion, an insertion or a transposition.
func misspell(rng *mrand.Rand, w string) string {
	b := []byte(w)
	i := rng.IntN(len(b) - 1)
	letter := byte('a' + rng.IntN(26))
	switch rng.IntN(4) {
	case 0:
		if b[i] == letter {
			letter = 'z' - (letter - 'a')
		}
		b[i] = letter
	case 1:
		b = slices.Delete(b, i, i+1)
	case 2:
		b = slices.Insert(b, i, letter)
	default:
		if b[i] == b[i+1] {
			b[i] = letter
		} else {
			b[i], b[i+1] = b[i+1], b[i]
		}
	}
	return string(b)
}

// vocab is a made-up vocabulary whose words are drawn with Zipf frequencies, like words
// in real text.
type vocab struct {
	words []string
	zipf  *mrand.Zipf
}

func (v *vocab) word() string { return v.words[v.zipf.Uint64()] }

func vocabulary(rng *mrand.Rand, n int) *vocab {
	onsets := []string{"b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "cl", "dr", "fl", "gr", "pl", "st", "tr", "sh", "th", "ch"}
	vowels := []string{"a", "e", "i", "o", "u", "ai", "ea", "ou", "y"}
	codas := []string{"", "", "", "n", "r", "s", "t", "l", "nd", "st", "ck"}
	seen := map[string]bool{}
	words := make([]string, 0, n)
	for len(words) < n {
		var b strings.Builder
		for range 1 + rng.IntN(3) {
			b.WriteString(onsets[rng.IntN(len(onsets))])
			b.WriteString(vowels[rng.IntN(len(vowels))])
		}
		b.WriteString(codas[rng.IntN(len(codas))])
		if w := b.String(); len(w) >= 3 && len(w) <= 12 && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	// Shuffle so that word length and frequency rank are unrelated.
	rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	// v=20 flattens the head: the commonest word is about 1% of the text, as content
	// words are in real synopses.
	return &vocab{words: words, zipf: mrand.NewZipf(rng, 1.1, 20, uint64(n-1))}
}

func (v *vocab) phrase(rng *mrand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = v.word()
	}
	return strings.Join(ws, " ")
}

// load writes the catalog through ent in bulk: genres, people, titles with genres, and
// two credits per title.
func load(ctx context.Context, client *ent.Client, rng *mrand.Rand, v *vocab, n int) error {
	genreNames := []string{"Drama", "Comedy", "Thriller", "Horror", "Romance", "Documentary", "Animation",
		"Crime", "Mystery", "Fantasy", "Science Fiction", "Adventure", "Action", "Family", "History",
		"War", "Western", "Music", "Sport", "Noir"}
	gb := make([]*ent.GenreCreate, len(genreNames))
	for i, g := range genreNames {
		gb[i] = client.Genre.Create().SetName(g).SetSlug(strings.ReplaceAll(strings.ToLower(g), " ", "-"))
	}
	genres, err := client.Genre.CreateBulk(gb...).Save(ctx)
	if err != nil {
		return fmt.Errorf("genres: %w", err)
	}

	const people = 5000
	seenPerson := map[string]bool{}
	var personIDs []int
	for len(personIDs) < people {
		var pb []*ent.PersonCreate
		for len(pb) < 1000 && len(personIDs)+len(pb) < people {
			name := titleCase(v.words[rng.IntN(len(v.words))]) + " " + titleCase(v.words[rng.IntN(len(v.words))])
			if !seenPerson[name] {
				seenPerson[name] = true
				pb = append(pb, client.Person.Create().SetName(name))
			}
		}
		ps, err := client.Person.CreateBulk(pb...).Save(ctx)
		if err != nil {
			return fmt.Errorf("people: %w", err)
		}
		for _, p := range ps {
			personIDs = append(personIDs, p.ID)
		}
	}

	for done := 0; done < n; {
		size := min(1000, n-done)
		tb := make([]*ent.TitleCreate, size)
		for i := range tb {
			kind := title.KindMOVIE
			if rng.IntN(5) == 0 {
				kind = title.KindSERIES
			}
			c := client.Title.Create().SetKind(kind).
				SetName(titleCase(v.phrase(rng, 1+rng.IntN(4)))).
				SetSynopsis(titleCase(v.phrase(rng, 15+rng.IntN(20))) + ".").
				SetYear(1950 + rng.IntN(76))
			for _, g := range rng.Perm(len(genres))[:1+rng.IntN(3)] {
				c.AddGenreIDs(genres[g].ID)
			}
			tb[i] = c
		}
		ts, err := client.Title.CreateBulk(tb...).Save(ctx)
		if err != nil {
			return fmt.Errorf("titles: %w", err)
		}
		cb := make([]*ent.CreditCreate, 0, 2*len(ts))
		for _, t := range ts {
			for pos := range 2 {
				cb = append(cb, client.Credit.Create().SetTitleID(t.ID).SetRole(credit.RoleCAST).
					SetPersonID(personIDs[rng.IntN(len(personIDs))]).SetPosition(pos))
			}
		}
		if _, err := client.Credit.CreateBulk(cb...).Save(ctx); err != nil {
			return fmt.Errorf("credits: %w", err)
		}
		done += size
	}
	return nil
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// trigramIndex adds the documents pg_trgm searches, lowercased: for words, the same text
// Bleve indexes; for prefixes, names and people, which are what Bleve completes.
func trigramIndex(ctx context.Context, db *sql.DB) error {
	for _, stmt := range []string{
		`ALTER TABLE titles ADD COLUMN search_doc text, ADD COLUMN complete_doc text`,
		`WITH g AS (SELECT tg.title_id, string_agg(g.name, ' ') AS names FROM title_genres tg JOIN genres g ON g.id = tg.genre_id GROUP BY tg.title_id),
		      p AS (SELECT c.title_id, string_agg(p.name, ' ') AS names FROM credits c JOIN persons p ON p.id = c.person_id GROUP BY c.title_id)
		 UPDATE titles t SET
			search_doc = lower(t.name || ' ' || coalesce(g.names, '') || ' ' || coalesce(p.names, '') || ' ' || t.synopsis),
			complete_doc = lower(t.name || ' ' || coalesce(p.names, ''))
		 FROM titles t2 LEFT JOIN g ON g.title_id = t2.id LEFT JOIN p ON p.title_id = t2.id WHERE t2.id = t.id`,
		`CREATE INDEX titles_search_doc_trgm ON titles USING gin (search_doc gin_trgm_ops)`,
		`CREATE INDEX titles_complete_doc_trgm ON titles USING gin (complete_doc gin_trgm_ops)`,
		`ANALYZE titles`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%.40s…: %w", stmt, err)
		}
	}
	return nil
}

// openSchema creates a schema of the run's own, with pg_trgm available, and opens a
// migrated store on it.
func openSchema(ctx context.Context, databaseURL string) (string, *store.Store, error) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	schema := "bench_search_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("postgres", databaseURL)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	for _, stmt := range []string{
		`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`,
		`CREATE SCHEMA ` + schema,
	} {
		if _, err := admin.ExecContext(ctx, stmt); err != nil {
			return "", nil, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	// lib/pq passes unknown parameters as run-time settings; public keeps pg_trgm visible.
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	st, err := store.OpenPostgres(ctx, u.String(), store.Options{MaxOpenConns: 4})
	if err == nil {
		err = st.Migrate(ctx)
	}
	if err != nil {
		_ = dropSchema(databaseURL, schema)
		return "", nil, err
	}
	return schema, st, nil
}

func dropSchema(databaseURL, schema string) error {
	db, err := sql.Open("postgres", databaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	return err
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
