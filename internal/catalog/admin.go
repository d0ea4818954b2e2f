package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/ent/episode"
	"github.com/marquee-org/marquee/ent/person"
	"github.com/marquee-org/marquee/ent/schema/artset"
	"github.com/marquee-org/marquee/ent/schema/hookevent"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/season"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/search"
)

// TitleEdit is an administrator's change to a title: every field set replaces the
// title's, every nil field leaves it as it is. Text and lists are cleared with an empty
// value; Clear names the optional fields to empty ("year", "maturityRating", "minPlan",
// "runtimeMinutes").
type TitleEdit struct {
	Kind           *title.Kind
	Name           *string
	Synopsis       *string
	Year           *int
	Genres         []string // nil: unchanged; empty: none
	MaturityRating *string
	MinPlan        *plancode.Code
	Regions        []string // nil: unchanged; empty: everywhere
	RuntimeMinutes *int
	Clear          []string
	// Credits, when not nil, replace the title's credits, in billing order.
	Credits []Credit
}

// Credit is one person credited on a title.
type Credit struct {
	Name      string
	Role      credit.Role
	Character string // CAST only
}

// UpdateTitle applies e to the title with id in one transaction, validated as a new title
// would be, and tells every replica's lists and search indexes.
func (s *Service) UpdateTitle(ctx context.Context, id int, e TitleEdit) (*ent.Title, error) {
	err := s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		t, err := findTitle(ctx, client, id)
		if err != nil {
			return err
		}
		genres := e.Genres
		if genres == nil {
			if genres, err = t.QueryGenres().Select("name").Strings(ctx); err != nil {
				return fmt.Errorf("title genres: %w", err)
			}
		}
		in := NewTitle{Kind: t.Kind, Name: t.Name, Synopsis: t.Synopsis, Year: t.Year, Genres: genres,
			MaturityRating: t.MaturityRating, MinPlan: t.MinPlan, Regions: t.Regions, RuntimeMinutes: t.RuntimeMinutes}
		if err := e.apply(&in); err != nil {
			return err
		}
		if in.Kind != t.Kind {
			n, err := t.QuerySeasons().Count(ctx)
			if err != nil {
				return fmt.Errorf("title seasons: %w", err)
			}
			if n > 0 && in.Kind == title.KindMOVIE {
				return apperr.Input("kind", "This series has seasons: delete them before making it a movie.")
			}
		}
		if err := in.validate(time.Now()); err != nil {
			return err
		}
		gids, err := EnsureGenres(ctx, client, in.Genres)
		if err != nil {
			return err
		}
		upd := client.Title.UpdateOneID(id).SetKind(in.Kind).SetName(in.Name).SetSynopsis(in.Synopsis).
			SetMaturityRating(in.MaturityRating).SetRegions(in.Regions).ClearGenres().AddGenreIDs(gids...)
		if in.Year != nil {
			upd.SetYear(*in.Year)
		} else {
			upd.ClearYear()
		}
		if in.MinPlan != nil {
			upd.SetMinPlan(*in.MinPlan)
		} else {
			upd.ClearMinPlan()
		}
		if in.RuntimeMinutes != nil {
			upd.SetRuntimeMinutes(*in.RuntimeMinutes)
		} else {
			upd.ClearRuntimeMinutes()
		}
		t, err = upd.Save(ctx)
		if err != nil {
			return fmt.Errorf("update title: %w", err)
		}
		if e.Credits != nil {
			if err := SetCredits(ctx, client, id, e.Credits); err != nil {
				return err
			}
		}
		return s.titleEvent(ctx, tx, client, hookevent.TitleUpdated, t)
	})
	if err != nil {
		return nil, err
	}
	s.announced(ctx, id) // the update moved updated_at
	return s.st.Client.Title.Get(ctx, id)
}

// apply writes the edit over in.
func (e *TitleEdit) apply(in *NewTitle) error {
	if e.Kind != nil {
		in.Kind = *e.Kind
	}
	if e.Name != nil {
		in.Name = *e.Name
	}
	if e.Synopsis != nil {
		in.Synopsis = *e.Synopsis
	}
	if e.Year != nil {
		in.Year = e.Year
	}
	if e.Genres != nil {
		in.Genres = e.Genres
	}
	if e.MaturityRating != nil {
		in.MaturityRating = *e.MaturityRating
	}
	if e.MinPlan != nil {
		in.MinPlan = e.MinPlan
	}
	if e.Regions != nil {
		in.Regions = e.Regions
	}
	if e.RuntimeMinutes != nil {
		in.RuntimeMinutes = e.RuntimeMinutes
	}
	for _, f := range e.Clear {
		switch f {
		case "year":
			in.Year = nil
		case "maturityRating":
			in.MaturityRating = ""
		case "minPlan":
			in.MinPlan = nil
		case "runtimeMinutes":
			in.RuntimeMinutes = nil
		default:
			return apperr.Input("clear", "%q cannot be cleared: only year, maturityRating, minPlan and runtimeMinutes can.", f)
		}
	}
	return nil
}

// maxCredits bounds one title's credits.
const maxCredits = 200

// SetCredits replaces a title's credits with credits, in billing order, through client (a
// transaction's). People are shared across titles by name.
func SetCredits(ctx context.Context, client *ent.Client, titleID int, credits []Credit) error {
	if len(credits) > maxCredits {
		return apperr.Input("credits", "At most %d credits.", maxCredits)
	}
	for i := range credits {
		c := &credits[i]
		c.Name, c.Character = strings.TrimSpace(c.Name), strings.TrimSpace(c.Character)
		if c.Name == "" || utf8.RuneCountInString(c.Name) > 200 {
			return apperr.Input("credits", "Credit %d: a name must be 1 to 200 characters.", i+1)
		}
		if credit.RoleValidator(c.Role) != nil {
			return apperr.Input("credits", "Credit %d: unknown role.", i+1)
		}
		if utf8.RuneCountInString(c.Character) > 200 || (c.Character != "" && c.Role != credit.RoleCAST) {
			return apperr.Input("credits", "Credit %d: only cast play a character, of at most 200 characters.", i+1)
		}
	}
	if _, err := client.Credit.Delete().Where(credit.TitleID(titleID)).Exec(ctx); err != nil {
		return fmt.Errorf("clear credits: %w", err)
	}
	for pos, c := range credits {
		pid, err := client.Person.Create().SetName(c.Name).OnConflictColumns(person.FieldName).Ignore().ID(ctx)
		if err != nil {
			return fmt.Errorf("person %q: %w", c.Name, err)
		}
		err = client.Credit.Create().SetTitleID(titleID).SetPersonID(pid).SetRole(c.Role).
			SetCharacter(c.Character).SetPosition(pos).Exec(ctx)
		if err != nil {
			return fmt.Errorf("credit %q: %w", c.Name, err)
		}
	}
	return nil
}

// edited marks a title changed by an edit of its seasons or episodes, which leaves its row
// alone: its updated_at moves (so every replica's fingerprint changes), then announced.
func (s *Service) edited(ctx context.Context, titleID int) {
	_ = s.st.Client.Title.UpdateOneID(titleID).SetUpdatedAt(time.Now()).Exec(ctx)
	s.announced(ctx, titleID)
}

// announced follows a committed change to a title: this replica's lists are rebuilt on the
// next read, and every replica and search index hears of it (a lost announcement is caught
// by their polls within seconds).
func (s *Service) announced(ctx context.Context, titleID int) {
	s.changed()
	_ = search.Notify(ctx, s.broker, titleID)
}

// SeasonEdit is a new season, or a change to one (nil fields stay as they are).
type SeasonEdit struct {
	Number *int
	Name   *string
}

// CreateSeason adds season in.Number to a series.
func (s *Service) CreateSeason(ctx context.Context, titleID int, in SeasonEdit) (*ent.Season, error) {
	var id int
	err := s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		t, err := findTitle(ctx, client, titleID)
		if err != nil {
			return err
		}
		if t.Kind != title.KindSERIES {
			return apperr.Input("titleId", "Only a series has seasons.")
		}
		if in.Number == nil {
			return apperr.Input("number", "A season needs a number.")
		}
		name := ""
		if in.Name != nil {
			name = *in.Name
		}
		if err := s.seasonFree(ctx, client, titleID, *in.Number, 0, name); err != nil {
			return err
		}
		se, err := client.Season.Create().SetTitleID(titleID).SetNumber(*in.Number).SetName(strings.TrimSpace(name)).Save(ctx)
		if ent.IsConstraintError(err) { // another administrator took the number meanwhile
			return apperr.Input("number", "This series already has a season %d.", *in.Number)
		}
		if err != nil {
			return fmt.Errorf("create season: %w", err)
		}
		id = se.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.edited(ctx, titleID)
	return s.st.Client.Season.Get(ctx, id)
}

// UpdateSeason changes a season's number or name.
func (s *Service) UpdateSeason(ctx context.Context, id int, in SeasonEdit) (*ent.Season, error) {
	var titleID int
	err := s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		se, err := findSeason(ctx, client, id, "id")
		if err != nil {
			return err
		}
		titleID = se.TitleID
		number, name := se.Number, se.Name
		if in.Number != nil {
			number = *in.Number
		}
		if in.Name != nil {
			name = *in.Name
		}
		if err := s.seasonFree(ctx, client, se.TitleID, number, id, name); err != nil {
			return err
		}
		err = client.Season.UpdateOneID(id).SetNumber(number).SetName(strings.TrimSpace(name)).Exec(ctx)
		if ent.IsConstraintError(err) {
			return apperr.Input("number", "This series already has a season %d.", number)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.edited(ctx, titleID)
	return s.st.Client.Season.Get(ctx, id)
}

// seasonFree checks a season's number (0 for specials, up to 1000) and name, and that no
// other season of the title (than self) has the number.
func (s *Service) seasonFree(ctx context.Context, client *ent.Client, titleID, number, self int, name string) error {
	if number < 0 || number > 1000 {
		return apperr.Input("number", "A season number is from 0 (specials) to 1000.")
	}
	if utf8.RuneCountInString(strings.TrimSpace(name)) > 200 {
		return apperr.Input("name", "A season name is at most 200 characters.")
	}
	taken, err := client.Season.Query().
		Where(season.TitleID(titleID), season.Number(number), season.IDNEQ(self)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("find season: %w", err)
	}
	if taken {
		return apperr.Input("number", "This series already has a season %d.", number)
	}
	return nil
}

// EpisodeEdit is a new episode, or a change to one (nil fields stay as they are).
type EpisodeEdit struct {
	Number         *int
	Name           *string
	Synopsis       *string
	RuntimeMinutes *int
}

// CreateEpisode adds an episode to a season.
func (s *Service) CreateEpisode(ctx context.Context, seasonID int, in EpisodeEdit) (*ent.Episode, error) {
	return s.saveEpisode(ctx, seasonID, 0, in)
}

// UpdateEpisode changes an episode.
func (s *Service) UpdateEpisode(ctx context.Context, id int, in EpisodeEdit) (*ent.Episode, error) {
	return s.saveEpisode(ctx, 0, id, in)
}

// saveEpisode creates an episode in seasonID (id 0) or changes episode id.
func (s *Service) saveEpisode(ctx context.Context, seasonID, id int, in EpisodeEdit) (*ent.Episode, error) {
	var titleID int
	err := s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		cur := &ent.Episode{SeasonID: seasonID}
		if id != 0 {
			ep, err := findEpisode(ctx, client, id)
			if err != nil {
				return err
			}
			cur = ep
		}
		se, err := findSeason(ctx, client, cur.SeasonID, "seasonId")
		if err != nil {
			return err
		}
		titleID = se.TitleID
		if id == 0 && in.Number == nil {
			return apperr.Input("number", "An episode needs a number.")
		}
		if in.Number != nil {
			cur.Number = *in.Number
		}
		if in.Name != nil {
			cur.Name = strings.TrimSpace(*in.Name)
		}
		if in.Synopsis != nil {
			cur.Synopsis = strings.TrimSpace(*in.Synopsis)
		}
		if in.RuntimeMinutes != nil {
			cur.RuntimeMinutes = in.RuntimeMinutes
		}
		switch {
		case cur.Number < 1 || cur.Number > 10000:
			return apperr.Input("number", "An episode number is from 1 to 10000.")
		case cur.Name == "" || utf8.RuneCountInString(cur.Name) > 200:
			return apperr.Input("name", "An episode name must be 1 to 200 characters.")
		case utf8.RuneCountInString(cur.Synopsis) > 5000:
			return apperr.Input("synopsis", "Synopsis must be at most 5000 characters.")
		case cur.RuntimeMinutes != nil && (*cur.RuntimeMinutes < 1 || *cur.RuntimeMinutes > 1440):
			return apperr.Input("runtimeMinutes", "Runtime must be between 1 and 1440 minutes.")
		}
		taken, err := client.Episode.Query().
			Where(episode.SeasonID(se.ID), episode.Number(cur.Number), episode.IDNEQ(id)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("find episode: %w", err)
		}
		if taken {
			return apperr.Input("number", "Season %d already has an episode %d.", se.Number, cur.Number)
		}
		if id == 0 {
			var ep *ent.Episode
			ep, err = client.Episode.Create().SetSeasonID(se.ID).SetNumber(cur.Number).SetName(cur.Name).
				SetSynopsis(cur.Synopsis).SetNillableRuntimeMinutes(cur.RuntimeMinutes).Save(ctx)
			if err == nil {
				id = ep.ID
			}
		} else {
			err = client.Episode.UpdateOneID(id).SetNumber(cur.Number).SetName(cur.Name).
				SetSynopsis(cur.Synopsis).SetNillableRuntimeMinutes(cur.RuntimeMinutes).Exec(ctx)
		}
		if ent.IsConstraintError(err) {
			return apperr.Input("number", "Season %d already has an episode %d.", se.Number, cur.Number)
		}
		if err != nil {
			return fmt.Errorf("save episode: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.edited(ctx, titleID)
	return s.st.Client.Episode.Get(ctx, id)
}

// Credits returns a title's credits in billing order, with their people.
func (s *Service) Credits(ctx context.Context, titleID int) ([]*ent.Credit, error) {
	cs, err := s.st.Client.Credit.Query().Where(credit.TitleID(titleID)).
		Order(credit.ByPosition(), credit.ByID()).WithPerson().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("credits: %w", err)
	}
	return cs, nil
}

// SetArtwork records uploaded artwork of a kind for a title, and returns what it replaces
// (zero when nothing), whose files the caller removes.
func (s *Service) SetArtwork(ctx context.Context, titleID int, kind string, set artset.Set) (artset.Set, error) {
	var old artset.Set
	err := s.st.InTx(ctx, func(_ *sql.Tx, client *ent.Client) error {
		t, err := findTitle(ctx, client, titleID)
		if err != nil {
			return err
		}
		sets := artset.Sets{}
		for k, v := range t.Artwork {
			sets[k] = v
		}
		old = sets[kind]
		sets[kind] = set
		return client.Title.UpdateOneID(titleID).SetArtwork(sets).Exec(ctx)
	})
	if err != nil {
		return artset.Set{}, err
	}
	s.announced(ctx, titleID) // the update moved updated_at
	return old, nil
}

// Title returns the title with id, or NOT_FOUND.
func (s *Service) Title(ctx context.Context, id int) (*ent.Title, error) {
	return findTitle(ctx, s.st.Client, id)
}

// findSeason returns a season, or NOT_FOUND on field.
func findSeason(ctx context.Context, client *ent.Client, id int, field string) (*ent.Season, error) {
	se, err := client.Season.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: field, Message: "No season has this id."}
	}
	if err != nil {
		return nil, fmt.Errorf("find season: %w", err)
	}
	return se, nil
}

// findEpisode returns an episode with its season, or NOT_FOUND on "id".
func findEpisode(ctx context.Context, client *ent.Client, id int) (*ent.Episode, error) {
	ep, err := client.Episode.Query().Where(episode.ID(id)).WithSeason().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "id", Message: "No episode has this id."}
	}
	if err != nil {
		return nil, fmt.Errorf("find episode: %w", err)
	}
	return ep, nil
}
