// Package demo is the demo catalog: 64 original titles (movies and series with seasons
// and episodes) and the seeding that loads them, with short generated videos transcoded
// through the real pipeline, so a fresh install has something to browse and play.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"
)

// catalogJSON is the demo catalog, newest first: seeding queues videos in this order, so
// the New Releases row becomes playable first.
//
//go:embed catalog.json
var catalogJSON []byte

// Title is one demo title as written in catalog.json.
type Title struct {
	Slug     string   `json:"slug"`
	Kind     string   `json:"kind"` // MOVIE or SERIES
	Name     string   `json:"name"`
	Released string   `json:"released"` // YYYY-MM-DD; the year comes from it
	Genres   []string `json:"genres"`
	Rating   string   `json:"rating"`
	// Runtime is in minutes: the film's, or a typical episode's.
	Runtime  int      `json:"runtime"`
	Plan     string   `json:"plan,omitempty"`    // lowest plan that may watch; empty: any
	Regions  []string `json:"regions,omitempty"` // where it may be watched; empty: everywhere
	Synopsis string   `json:"synopsis"`

	Directors []string `json:"directors,omitempty"`
	Writers   []string `json:"writers,omitempty"`
	Creators  []string `json:"creators,omitempty"`
	Cast      []Role   `json:"cast"`
	Seasons   []Season `json:"seasons,omitempty"`
}

// Role is a cast credit.
type Role struct {
	Name string `json:"name"`
	As   string `json:"as"`
}

// Season of a series.
type Season struct {
	Number   int       `json:"number"`
	Name     string    `json:"name"`
	Episodes []Episode `json:"episodes"`
}

// Episode of a season; episodes are numbered from 1 in order.
type Episode struct {
	Name     string `json:"name"`
	Runtime  int    `json:"runtime"`
	Synopsis string `json:"synopsis"`
}

// ReleaseDate parses Released.
func (t Title) ReleaseDate() (time.Time, error) {
	d, err := time.Parse(time.DateOnly, t.Released)
	if err != nil {
		return time.Time{}, fmt.Errorf("demo title %s: released: %w", t.Slug, err)
	}
	return d, nil
}

// Catalog returns the demo titles in catalog order.
func Catalog() ([]Title, error) {
	var ts []Title
	dec := json.NewDecoder(bytes.NewReader(catalogJSON))
	// A misspelt key would silently drop data; catch it in the tests instead.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ts); err != nil {
		return nil, fmt.Errorf("demo catalog: %w", err)
	}
	return ts, nil
}
