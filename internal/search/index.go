// Package search keeps a Bleve index of the catalog on local disk and answers title
// searches from it: typo-tolerant, prefix-matching, filtered, with genre facets.
//
// The database stays the source of truth. Each replica keeps its own index under its
// data dir, rebuilds it from the database when it is missing or stale (Sync), and follows
// catalog edits through the broker (Notify, Follow).
package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	regexpchar "github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/token/edgengram"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/maturity"
)

// mappingVersion changes whenever the mapping or the documents change shape; an index
// built with another version is thrown away and rebuilt.
const mappingVersion = "5"

// Keys in the index's internal storage.
const (
	keyMapping = "marquee.mapping"
	keyCatalog = "marquee.catalog"
)

// Field names of an indexed title.
const (
	fieldName     = "name"
	fieldSynopsis = "synopsis"
	fieldGenres   = "genres" // genre names, analyzed for matching
	fieldPeople   = "people"
	fieldGenre    = "genre" // genre slugs, kept whole for filters and facets
	fieldKind     = "kind"
	fieldYear     = "year"
	fieldRegion   = "region"
	fieldAge      = "age" // the youngest age the title's rating suits (maturity.Age)
	// Edge n-grams of names and people ("moon" → "m", "mo", "moo", "moon"), so that
	// completing a short prefix reads one posting list instead of every word it starts.
	fieldNamePrefix   = "name_prefix"
	fieldPeoplePrefix = "people_prefix"
)

// maxGram is the longest indexed prefix; longer ones fall back to a prefix query.
const maxGram = 12

// everywhere stands in the region field for titles with no region limits, so that one
// term query finds them.
const everywhere = "*"

// Analysis: the text analyzer folds accents and case but keeps whole words (no stemming,
// no stop words), so that typo distances are measured against what people type; the
// prefix analyzer adds the edge n-grams.
const (
	textAnalyzer   = "marquee_text"
	prefixAnalyzer = "marquee_prefix"
	colonBreak     = "marquee_colon"
	edgeGrams      = "marquee_edge"
)

// Index is a title index on local disk. It is safe for concurrent use.
type Index struct {
	bleve    bleve.Index
	analyzer analysis.Analyzer
	// mu serializes writers (Sync, Reindex, Put, Delete): Sync and Reindex read titles
	// from the database and then write them, and without it a slower writer could put
	// an older version of a title back over a newer one.
	mu sync.Mutex
	// poll is how often Follow compares the catalog's fingerprint with the index's.
	poll time.Duration
}

// Open opens the index under dir, creating it empty when it is missing, its metadata is
// unreadable or it was built with another mapping. Sync fills it.
func Open(dir string) (*Index, error) {
	// A replica that finds its index locked by another process fails instead of waiting.
	config := map[string]any{"bolt_timeout": "5s"}
	b, err := bleve.OpenUsing(dir, config)
	if err == nil {
		v, verr := b.GetInternal([]byte(keyMapping))
		if verr == nil && string(v) == mappingVersion {
			return wrap(b)
		}
		_ = b.Close()
	} else if !errors.Is(err, bleve.ErrorIndexPathDoesNotExist) && !errors.Is(err, bleve.ErrorIndexMetaMissing) &&
		!errors.Is(err, bleve.ErrorIndexMetaCorrupt) {
		return nil, fmt.Errorf("open search index: %w", err)
	}
	// The index only mirrors the database, so an outdated one is simply rebuilt.
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("remove outdated search index: %w", err)
	}
	b, err = bleve.NewUsing(dir, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, config)
	if err != nil {
		return nil, fmt.Errorf("create search index: %w", err)
	}
	if err := b.SetInternal([]byte(keyMapping), []byte(mappingVersion)); err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("create search index: %w", err)
	}
	return wrap(b)
}

func wrap(b bleve.Index) (*Index, error) {
	a := b.Mapping().AnalyzerNamed(textAnalyzer)
	if a == nil {
		_ = b.Close()
		return nil, fmt.Errorf("search index: analyzer %s missing", textAnalyzer)
	}
	return &Index{bleve: b, analyzer: a, poll: pollEvery}, nil
}

// Close flushes and closes the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.bleve.Close()
}

// newMapping describes an indexed title: analyzed text for matching, whole keywords for
// filters (with doc values for the genre facet), the year for ranges. Nothing is stored:
// a search returns ids and the caller loads titles from the database.
func newMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	// Unicode word breaking keeps "title:foo" as one word (the colon joins letters, as
	// in Swedish); a colon separates words in titles ("Mission:Impossible") and queries.
	if err := m.AddCustomCharFilter(colonBreak, map[string]any{"type": regexpchar.Name, "regexp": ":", "replace": " "}); err != nil {
		panic(err) // a fixed, known-good definition
	}
	if err := m.AddCustomTokenFilter(edgeGrams, map[string]any{"type": edgengram.Name, "min": 1.0, "max": float64(maxGram)}); err != nil {
		panic(err) // as above
	}
	for name, filters := range map[string][]string{
		textAnalyzer:   {lowercase.Name},
		prefixAnalyzer: {lowercase.Name, edgeGrams},
	} {
		if err := m.AddCustomAnalyzer(name, map[string]any{
			"type":          custom.Name,
			"char_filters":  []string{asciifolding.Name, colonBreak},
			"tokenizer":     unicode.Name,
			"token_filters": filters,
		}); err != nil {
			panic(err) // as above
		}
	}
	m.DefaultAnalyzer = textAnalyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	text := func(analyzer, name string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	word := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	year := bleve.NewNumericFieldMapping()
	year.Store = false
	year.IncludeInAll = false
	year.DocValues = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldName, text(textAnalyzer, ""), text(prefixAnalyzer, fieldNamePrefix))
	doc.AddFieldMappingsAt(fieldPeople, text(textAnalyzer, ""), text(prefixAnalyzer, fieldPeoplePrefix))
	doc.AddFieldMappingsAt(fieldSynopsis, text(textAnalyzer, ""))
	doc.AddFieldMappingsAt(fieldGenres, text(textAnalyzer, ""))
	doc.AddFieldMappingsAt(fieldYear, year)
	doc.AddFieldMappingsAt(fieldAge, year)
	doc.AddFieldMappingsAt(fieldGenre, word(true))
	doc.AddFieldMappingsAt(fieldKind, word(false))
	doc.AddFieldMappingsAt(fieldRegion, word(false))
	m.DefaultMapping = doc
	return m
}

// docID is a title's id in the index, zero-padded so that document ids sort as numbers:
// the id is the tie-breaker after score, and sorting on document ids costs less than on
// any field.
func docID(id int) string { return fmt.Sprintf("%020d", id) }

// document is what the index keeps of a title. t must carry its genres and its credits
// with their people.
func document(t *ent.Title) map[string]any {
	d := map[string]any{
		fieldName:     t.Name,
		fieldSynopsis: t.Synopsis,
		fieldKind:     string(t.Kind),
	}
	if t.Year != nil {
		d[fieldYear] = *t.Year
	}
	genres := make([]string, 0, len(t.Edges.Genres))
	slugs := make([]string, 0, len(t.Edges.Genres))
	for _, g := range t.Edges.Genres {
		genres = append(genres, g.Name)
		slugs = append(slugs, g.Slug)
	}
	d[fieldGenres], d[fieldGenre] = genres, slugs
	people := make([]string, 0, len(t.Edges.Credits))
	for _, c := range t.Edges.Credits {
		if c.Edges.Person != nil {
			people = append(people, c.Edges.Person.Name)
		}
	}
	d[fieldPeople] = people
	d[fieldAge] = maturity.Age(t.MaturityRating)
	if len(t.Regions) == 0 {
		d[fieldRegion] = []string{everywhere}
	} else {
		d[fieldRegion] = t.Regions
	}
	return d
}

// WithEdges asks q for what the index needs of a title: its genres and its credits'
// people.
func WithEdges(q *ent.TitleQuery) *ent.TitleQuery {
	return q.WithGenres().WithCredits(func(c *ent.CreditQuery) { c.WithPerson() })
}

// Reindex reloads the given titles from the database and updates them in the index,
// removing those that no longer exist.
func (ix *Index) Reindex(ctx context.Context, client *ent.Client, ids ...int) error {
	if len(ids) == 0 {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for page := range slices.Chunk(ids, pageSize) {
		if err := ix.reindex(ctx, client, page); err != nil {
			return err
		}
	}
	return nil
}

func (ix *Index) reindex(ctx context.Context, client *ent.Client, ids []int) error {
	titles, err := WithEdges(client.Title.Query().Where(title.IDIn(ids...))).All(ctx)
	if err != nil {
		return fmt.Errorf("load titles to index: %w", err)
	}
	found := make(map[int]bool, len(titles))
	for _, t := range titles {
		found[t.ID] = true
	}
	var gone []int
	for _, id := range ids {
		if !found[id] {
			gone = append(gone, id)
		}
	}
	if err := ix.put(titles); err != nil {
		return err
	}
	return ix.delete(gone)
}

// Put indexes titles loaded with their genres and their credits' people (as Reindex
// loads them), replacing earlier versions. One title is indexed on its own; more go in
// one batch, which costs far less than as many single updates.
func (ix *Index) Put(titles ...*ent.Title) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.put(titles)
}

func (ix *Index) put(titles []*ent.Title) error {
	switch len(titles) {
	case 0:
		return nil
	case 1:
		if err := ix.bleve.Index(docID(titles[0].ID), document(titles[0])); err != nil {
			return fmt.Errorf("index title %d: %w", titles[0].ID, err)
		}
		return nil
	}
	b := ix.bleve.NewBatch()
	for _, t := range titles {
		if err := b.Index(docID(t.ID), document(t)); err != nil {
			return fmt.Errorf("index title %d: %w", t.ID, err)
		}
	}
	if err := ix.bleve.Batch(b); err != nil {
		return fmt.Errorf("index titles: %w", err)
	}
	return nil
}

// Delete removes titles from the index.
func (ix *Index) Delete(ids ...int) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.delete(ids)
}

func (ix *Index) delete(ids []int) error {
	switch len(ids) {
	case 0:
		return nil
	case 1:
		if err := ix.bleve.Delete(docID(ids[0])); err != nil {
			return fmt.Errorf("remove title %d from the index: %w", ids[0], err)
		}
		return nil
	}
	b := ix.bleve.NewBatch()
	for _, id := range ids {
		b.Delete(docID(id))
	}
	if err := ix.bleve.Batch(b); err != nil {
		return fmt.Errorf("remove titles from the index: %w", err)
	}
	return nil
}
