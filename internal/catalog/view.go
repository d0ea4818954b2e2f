package catalog

import (
	"time"

	"github.com/marquee-org/marquee/ent"
)

// Title is a title as one request's viewer sees it: the entity, and the fields that
// depend on who asks (progress, stars, My List, region) or are loaded in batches for the
// whole request (genres), answered through the loader that handed it out.
//
// None of its methods takes a context, on purpose: gqlgen resolves such fields in place,
// whereas a field with a resolver or a context-taking method runs in a goroutine of its
// own. A home feed shows 240 titles with seven such fields each.
type Title struct {
	*ent.Title
	l *Loader
}

// Genres returns the title's genre names, alphabetical.
func (t *Title) Genres() ([]string, error) {
	return t.l.Genres(t.l.ctx, t.ID)
}

// AverageRating is the mean stars to one decimal, or nil before the first rating.
func (t *Title) AverageRating() *float64 {
	return AverageRating(t.Title)
}

// MyRating returns the viewer's stars, or nil when they have not rated it.
func (t *Title) MyRating() (*int, error) {
	stars, err := t.l.MyRating(t.l.ctx, t.ID)
	if err != nil || stars == 0 {
		return nil, err
	}
	return &stars, nil
}

// InMyList reports whether the viewer saved the title.
func (t *Title) InMyList() (bool, error) {
	return t.l.InMyList(t.l.ctx, t.ID)
}

// AvailableInMyRegion reports whether the viewer's country may watch the title.
func (t *Title) AvailableInMyRegion() bool {
	return AvailableIn(t.Title, t.l.viewer.Country)
}

// PosterURL is the signed poster URL: the uploaded poster (its 342-pixel rendition) when
// there is one, else the frame taken from the first video, else nil (also without a
// signer).
func (t *Title) PosterURL() *string {
	key := t.Artwork["POSTER"].Key(342)
	if key == "" {
		key = t.PosterPath
	}
	return t.artURL(key)
}

// BackdropURL is the signed URL of the uploaded backdrop's 1280-pixel rendition, or nil.
func (t *Title) BackdropURL() *string { return t.artURL(t.Artwork["BACKDROP"].Key(1280)) }

// LogoURL is the signed URL of the uploaded logo's 500-pixel rendition, or nil.
func (t *Title) LogoURL() *string { return t.artURL(t.Artwork["LOGO"].Key(500)) }

func (t *Title) artURL(key string) *string {
	if key == "" || t.l.art == nil {
		return nil
	}
	u := t.l.art.ArtURL(key)
	return &u
}

// Progress returns where the viewer stopped (for a series, in its latest episode), or
// nil when they have not started it.
func (t *Title) Progress() (*Position, error) {
	p, err := t.l.Progress(t.l.ctx, t.ID)
	if err != nil || p == nil {
		return nil, err
	}
	pos := &Position{PositionSeconds: p.PositionSeconds, DurationSeconds: p.DurationSeconds,
		Completed: p.Completed, UpdatedAt: p.UpdatedAt, EpisodeID: p.EpisodeID}
	if p.DurationSeconds > 0 {
		pos.Fraction = min(1, p.PositionSeconds/p.DurationSeconds)
	}
	return pos, nil
}

// Position is where a viewer stopped in a title.
type Position struct {
	PositionSeconds float64
	DurationSeconds float64
	// Fraction is the part watched, 0 to 1.
	Fraction  float64
	Completed bool
	UpdatedAt time.Time
	// EpisodeID is the episode the viewer is on, for a series.
	EpisodeID *int
}
