//go:build unix

package main

import (
	"context"
	"database/sql"
	"fmt"
	mrand "math/rand/v2"
	"slices"
)

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
