package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/maturity"
)

// Limits on what a viewer may ask. Longer queries are refused rather than cut, so that a
// pasted paragraph does not silently search for its first words only.
const (
	MaxQueryRunes = 256
	MaxQueryWords = 32
	// MaxLimit caps a page; larger limits are lowered to it.
	MaxLimit     = 100
	defaultLimit = 20
	// maxFacets is more than the catalog has genres, so that every genre is counted.
	maxFacets = 200
)

// Query is a viewer's search.
type Query struct {
	// Text is plain text: quotes, operators and field names are words or punctuation,
	// never query syntax.
	Text string
	// Genre is a genre slug; empty means any genre.
	Genre string
	// YearFrom and YearTo bound the release year, inclusive; zero means unbounded.
	YearFrom, YearTo int
	// Kind is MOVIE or SERIES; empty means both.
	Kind title.Kind
	// Country is the viewer's ISO country code: titles limited to other regions are left
	// out. An empty country sees only titles available everywhere, as playback allows.
	Country string
	// MaxAge, when set, leaves out titles whose rating suits only viewers older than it
	// (unrated titles count as maturity.Adult), so that a profile's maturity ceiling holds
	// for hits, totals and facets alike.
	MaxAge *int
	// Offset and Limit select a page of hits; Limit defaults to 20 and is capped at
	// MaxLimit.
	Offset, Limit int
	// Facets asks for genre counts. They are the costliest part of a search that
	// matches many titles, so a caller that shows none (completion as the viewer
	// types) leaves them out.
	Facets bool
}

// Result is a page of hits.
type Result struct {
	// IDs are title ids, best match first; equal scores are ordered by id.
	IDs []int
	// Total counts every hit, not just this page.
	Total int
	// Genres counts the hits per genre slug, most frequent first, when the query asked
	// for facets. It is computed over all hits with every filter applied.
	Genres []GenreCount
}

// GenreCount is one facet value.
type GenreCount struct {
	Slug  string
	Count int
}

// Field weights: a word in the name says more about a title than the same word in a
// person's name, a genre or the synopsis.
const (
	nameBoost     = 10
	peopleBoost   = 5
	genresBoost   = 4
	synopsisBoost = 1
)

// Weights of the ways a word can match, relative to the field's boost. A fuzzy query
// already scores a candidate at 1/(distance+1); the extra exact clause keeps exact words
// clearly ahead of typos even when the misspelled neighbour is a rarer word.
const (
	exactWeight         = 2
	transpositionWeight = 0.5
	prefixWeight        = 0.5
)

// Search runs q. Empty text gives an empty result; text over the limits is a
// BAD_USER_INPUT error on the "query" field.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	words, err := ix.words(q.Text)
	if err != nil || len(words) == 0 {
		return Result{}, err
	}
	out, err := ix.search(ctx, q, words, false)
	// Nothing found: short words may hide a typo the usual rules keep exact. Asked again
	// forgiving them, when there are any, so that a good match is not lost to a missing
	// letter while exact short words keep ranking as they do.
	if err == nil && out.Total == 0 && slices.ContainsFunc(words, func(w word) bool { return utf8.RuneCountInString(w.text) == 4 }) {
		return ix.search(ctx, q, words, true)
	}
	return out, err
}

func (ix *Index) search(ctx context.Context, q Query, words []word, forgiving bool) (Result, error) {
	match := make([]query.Query, len(words))
	for i, w := range words {
		match[i] = wordQuery(w.text, w.prefix, forgiving)
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(match...)
	if f := filters(q); len(f) > 0 {
		bq.AddFilter(bleve.NewConjunctionQuery(f...))
	}

	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, MaxLimit)
	req := bleve.NewSearchRequestOptions(bq, limit, max(q.Offset, 0), false)
	req.SortBy([]string{"-_score", "_id"})
	if q.Facets {
		req.AddFacet(fieldGenre, bleve.NewFacetRequest(fieldGenre, maxFacets))
	}

	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	out := Result{IDs: make([]int, 0, len(res.Hits)), Total: int(res.Total)}
	for _, h := range res.Hits {
		id, err := strconv.Atoi(h.ID)
		if err != nil {
			return Result{}, fmt.Errorf("search: bad document id %q", h.ID)
		}
		out.IDs = append(out.IDs, id)
	}
	if f := res.Facets[fieldGenre]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			out.Genres = append(out.Genres, GenreCount{Slug: t.Term, Count: t.Count})
		}
		// Bleve orders equal counts arbitrarily; slugs make the order stable.
		slices.SortStableFunc(out.Genres, func(a, b GenreCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			if a.Slug < b.Slug {
				return -1
			}
			return 1
		})
	}
	return out, nil
}

type word struct {
	text   string
	prefix bool
}

// words splits text with the index's own analyzer, so that a query word is folded and
// lowercased exactly as indexed words are, and every character that is not part of a
// word (quotes, +, -, :, *, ~, ^, brackets) is dropped. The last word is also matched as
// a prefix while the viewer is still typing it, that is unless the text ends in a space.
func (ix *Index) words(text string) ([]word, error) {
	if utf8.RuneCountInString(text) > MaxQueryRunes {
		return nil, apperr.Input("query", "Search text must be at most %d characters.", MaxQueryRunes)
	}
	tokens := ix.analyzer.Analyze([]byte(text))
	if len(tokens) > MaxQueryWords {
		return nil, apperr.Input("query", "Search text must be at most %d words.", MaxQueryWords)
	}
	words := make([]word, 0, len(tokens))
	seen := make(map[string]bool, len(tokens))
	for i, tok := range tokens {
		w := word{text: string(tok.Term)}
		if i == len(tokens)-1 {
			r, _ := utf8.DecodeLastRuneInString(text)
			w.prefix = !unicode.IsSpace(r)
		}
		// A repeated word adds nothing but cost, unless it is the prefix.
		if seen[w.text] && !w.prefix {
			continue
		}
		seen[w.text] = true
		words = append(words, w)
	}
	return words, nil
}

// allowedTypos is Meilisearch's default number of typos for a word of n letters; a search
// that finds nothing so forgives one typo from four letters too ("orbt" finds Orbit).
func allowedTypos(n int, forgiving bool) int {
	switch {
	case n < 4, n < 5 && !forgiving:
		return 0
	case n < 9:
		return 1
	default:
		return 2
	}
}

// wordQuery matches one word in any searched field, and completes it when it is the
// word being typed.
func wordQuery(w string, prefix, forgiving bool) query.Query {
	fields := [...]struct {
		name  string
		boost float64
	}{{fieldName, nameBoost}, {fieldPeople, peopleBoost}, {fieldGenres, genresBoost}, {fieldSynopsis, synopsisBoost}}
	n := utf8.RuneCountInString(w)
	typos := allowedTypos(n, forgiving)
	// Bleve's fuzzy matching counts edit distance without transpositions, where swapping
	// two neighbouring letters costs two; matching the swapped variants of the word
	// makes a transposition cost one, as it does for a person typing.
	var swaps []string
	if typos > 0 {
		swaps = transpositions(w)
	}
	alts := make([]query.Query, 0, len(fields)*(2+len(swaps))+2)
	for _, f := range fields {
		alts = append(alts, term(w, f.name, f.boost*exactWeight))
		if typos > 0 {
			alts = append(alts, fuzzy(w, typos, f.name, f.boost))
			for _, s := range swaps {
				alts = append(alts, fuzzy(s, typos-1, f.name, f.boost*transpositionWeight))
			}
		}
	}
	if !prefix {
		return bleve.NewDisjunctionQuery(alts...)
	}
	// Only names and people are completed: search-as-you-type looks for a title or a
	// person, and a short prefix matches some synopsis word of nearly every title, which
	// would rank nothing and cost the most.
	for _, f := range [...]struct {
		name, grams string
		boost       float64
	}{{fieldName, fieldNamePrefix, nameBoost}, {fieldPeople, fieldPeoplePrefix, peopleBoost}} {
		if n <= maxGram {
			alts = append(alts, term(w, f.grams, f.boost*prefixWeight))
			continue
		}
		p := bleve.NewPrefixQuery(w)
		p.SetField(f.name)
		p.SetBoost(f.boost * prefixWeight)
		alts = append(alts, p)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

func term(w, field string, boost float64) query.Query {
	q := bleve.NewTermQuery(w)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// fuzzy matches w within the given distance; at distance zero it is a plain term query.
func fuzzy(w string, distance int, field string, boost float64) query.Query {
	if distance == 0 {
		return term(w, field, boost)
	}
	q := bleve.NewFuzzyQuery(w)
	q.SetField(field)
	q.SetFuzziness(distance)
	q.SetBoost(boost)
	return q
}

// transpositions returns w with each pair of neighbouring letters swapped, without
// duplicates and without w itself.
func transpositions(w string) []string {
	r := []rune(w)
	out := make([]string, 0, len(r))
	for i := 0; i+1 < len(r); i++ {
		if r[i] == r[i+1] {
			continue
		}
		r[i], r[i+1] = r[i+1], r[i]
		s := string(r)
		r[i], r[i+1] = r[i+1], r[i]
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// filters turns q's filters into non-scoring clauses.
func filters(q Query) []query.Query {
	var out []query.Query
	if q.Genre != "" {
		out = append(out, term(strings.ToLower(q.Genre), fieldGenre, 1))
	}
	if q.Kind != "" {
		out = append(out, term(string(q.Kind), fieldKind, 1))
	}
	if q.YearFrom != 0 || q.YearTo != 0 {
		var lo, hi *float64
		if q.YearFrom != 0 {
			v := float64(q.YearFrom)
			lo = &v
		}
		if q.YearTo != 0 {
			v := float64(q.YearTo)
			hi = &v
		}
		inclusive := true
		r := bleve.NewNumericRangeInclusiveQuery(lo, hi, &inclusive, &inclusive)
		r.SetField(fieldYear)
		out = append(out, r)
	}
	if q.MaxAge != nil && *q.MaxAge < maturity.Adult {
		hi, inclusive := float64(*q.MaxAge), true
		r := bleve.NewNumericRangeInclusiveQuery(nil, &hi, &inclusive, &inclusive)
		r.SetField(fieldAge)
		out = append(out, r)
	}
	regions := []query.Query{term(everywhere, fieldRegion, 1)}
	if q.Country != "" {
		regions = append(regions, term(strings.ToUpper(q.Country), fieldRegion, 1))
	}
	out = append(out, bleve.NewDisjunctionQuery(regions...))
	return out
}
