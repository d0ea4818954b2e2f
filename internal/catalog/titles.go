// Package catalog owns titles: creating them, their genres and availability, the feed
// rows and the demo catalog.
package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/genre"
	"github.com/marquee-org/marquee/ent/schema/hookevent"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/geo"
	"github.com/marquee-org/marquee/internal/maturity"
	"github.com/marquee-org/marquee/internal/webhook"
)

// NewTitle is what an administrator submits to create a title.
type NewTitle struct {
	Kind           title.Kind
	Name           string
	Synopsis       string
	Year           *int
	Genres         []string
	MaturityRating string
	MinPlan        *plancode.Code
	// Regions are ISO country codes where the title may be watched; empty means everywhere.
	Regions        []string
	RuntimeMinutes *int
	// Slug is a stable identifier for imported catalogs (the demo); empty for ad-hoc titles.
	Slug        string
	ReleaseDate *time.Time
}

// validate normalizes in and reports the first invalid field.
func (in *NewTitle) validate(now time.Time) error {
	if title.KindValidator(in.Kind) != nil {
		return apperr.Input("kind", "Kind must be MOVIE or SERIES.")
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 200 {
		return apperr.Input("name", "Name must be 1 to 200 characters.")
	}
	in.Synopsis = strings.TrimSpace(in.Synopsis)
	if utf8.RuneCountInString(in.Synopsis) > 5000 {
		return apperr.Input("synopsis", "Synopsis must be at most 5000 characters.")
	}
	if in.Year != nil && (*in.Year < 1870 || *in.Year > now.Year()+5) {
		return apperr.Input("year", "Year must be between 1870 and %d.", now.Year()+5)
	}
	if in.RuntimeMinutes != nil && (*in.RuntimeMinutes < 1 || *in.RuntimeMinutes > 1440) {
		return apperr.Input("runtimeMinutes", "Runtime must be between 1 and 1440 minutes.")
	}
	if in.Slug != "" && Slug(in.Slug) != in.Slug {
		return apperr.Input("slug", "Slug must be lower-case letters, digits and dashes.")
	}
	if in.MaturityRating = strings.TrimSpace(in.MaturityRating); in.MaturityRating != "" {
		r, err := maturity.Parse(in.MaturityRating)
		if err != nil {
			return apperr.Input("maturityRating", "%v.", err)
		}
		in.MaturityRating = r.Label
	}
	if in.MinPlan != nil && !in.MinPlan.Valid() {
		return apperr.Input("minPlan", "Unknown plan.")
	}
	seen := map[string]bool{}
	regions := make([]string, 0, len(in.Regions))
	for _, r := range in.Regions {
		c, ok := geo.NormalizeCountry(r)
		if !ok {
			return apperr.Input("regions", "%q is not a two-letter ISO country code.", r)
		}
		if !seen[c] {
			seen[c] = true
			regions = append(regions, c)
		}
	}
	in.Regions = regions
	if len(in.Genres) > 10 {
		return apperr.Input("genres", "At most 10 genres.")
	}
	for _, g := range in.Genres {
		if slug := Slug(g); slug == "" || utf8.RuneCountInString(g) > 40 {
			return apperr.Input("genres", "Genre %q must be 1 to 40 characters with letters or digits.", g)
		}
	}
	return nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slug makes a URL-safe identifier from a name: "Sci-Fi & Fantasy" → "sci-fi-fantasy".
func Slug(name string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(strings.TrimSpace(name)), "-"), "-")
}

// Also stores more of a new title (credits, seasons) in the transaction that creates it.
type Also func(ctx context.Context, client *ent.Client, titleID int) error

// CreateTitle validates and stores a title with its genres, and whatever each of also adds,
// in one transaction, then tells every replica's search index (a lost announcement is caught
// by the index's poll within seconds, as changes made by other processes are).
func (s *Service) CreateTitle(ctx context.Context, in NewTitle, also ...Also) (*ent.Title, error) {
	st := s.st
	var id int
	err := st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		t, err := addTitle(ctx, client, in)
		if err != nil {
			return err
		}
		id = t.ID
		for _, more := range also {
			if err := more(ctx, client, id); err != nil {
				return err
			}
		}
		return s.titleEvent(ctx, tx, client, hookevent.TitleCreated, t)
	})
	if err != nil {
		return nil, err
	}
	s.announced(ctx, id)
	// Entities read inside the transaction are bound to it; hand out one bound to the store.
	return st.Client.Title.Get(ctx, id)
}

// VideoReady tells the catalog that one of a title's videos became ready to play (its
// poster and runtime may have come with it), or stopped being playable: this replica's
// lists follow from the next read, and the other replicas and search indexes hear of it.
func (s *Service) VideoReady(ctx context.Context, titleID int) {
	s.announced(ctx, titleID)
}

// addTitle validates and creates a title with its genres through client.
func addTitle(ctx context.Context, client *ent.Client, in NewTitle) (*ent.Title, error) {
	if err := in.validate(time.Now()); err != nil {
		return nil, err
	}
	ids, err := EnsureGenres(ctx, client, in.Genres)
	if err != nil {
		return nil, err
	}
	create := client.Title.Create().
		SetKind(in.Kind).SetName(in.Name).SetSynopsis(in.Synopsis).
		SetNillableYear(in.Year).SetMaturityRating(in.MaturityRating).
		SetNillableMinPlan(in.MinPlan).SetRegions(in.Regions).
		SetNillableRuntimeMinutes(in.RuntimeMinutes).
		SetNillableReleaseDate(in.ReleaseDate).
		AddGenreIDs(ids...)
	if in.Slug != "" {
		create.SetSlug(in.Slug)
	}
	t, err := create.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create title: %w", err)
	}
	return t, nil
}

// EnsureGenres returns the ids of the named genres, creating the missing ones.
func EnsureGenres(ctx context.Context, client *ent.Client, names []string) ([]int, error) {
	ids := make([]int, 0, len(names))
	for _, n := range names {
		id, err := client.Genre.Create().SetSlug(Slug(n)).SetName(strings.TrimSpace(n)).
			OnConflictColumns(genre.FieldSlug).Ignore().ID(ctx)
		if err != nil {
			return nil, fmt.Errorf("genre %q: %w", n, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// TitlesSince lists the ids of the titles added after since (all of them when since is
// zero), oldest first, a page at a time, and how many there are: what an integration
// syncs from.
func (s *Service) TitlesSince(ctx context.Context, since time.Time, offset, limit int) ([]int, int, error) {
	q := s.st.Client.Title.Query()
	if !since.IsZero() {
		q.Where(title.CreatedAtGT(since))
	}
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("count titles: %w", err)
	}
	ids, err := q.Order(ent.Asc(title.FieldCreatedAt), ent.Asc(title.FieldID)).Offset(offset).Limit(limit).IDs(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list titles: %w", err)
	}
	return ids, total, nil
}

// EmitTo makes the service announce title events to em (webhooks), in the transactions
// that make them. Call before serving.
func (s *Service) EmitTo(em webhook.Emitter) { s.events = em }

// titleEvent announces t, as it is in client's transaction.
func (s *Service) titleEvent(ctx context.Context, tx *sql.Tx, client *ent.Client, typ hookevent.Event, t *ent.Title) error {
	return webhook.Emit(ctx, s.events, tx, client, webhook.Event{Type: typ, Data: func() (map[string]any, error) {
		return map[string]any{"titleId": t.ID, "name": t.Name, "kind": t.Kind}, nil
	}})
}
