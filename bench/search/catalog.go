//go:build unix

package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"strings"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/store"
)

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
