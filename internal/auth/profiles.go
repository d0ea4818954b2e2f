package auth

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/playbacksession"
	"github.com/marquee-org/marquee/ent/profile"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/session"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/ent/watchprogress"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/maturity"
)

// MaxProfiles is how many profiles one account may have.
const MaxProfiles = 5

// Ceiling is the maturity ceiling a profile watches under: its own, and never above
// maturity.Kids for a Kids profile.
func Ceiling(p *ent.Profile) int {
	if p.Kids {
		return min(p.MaturityCeiling, maturity.Kids)
	}
	return min(p.MaturityCeiling, maturity.Adult)
}

// ProfileInput describes a profile to create or the changes to one: nil fields are left as
// they are (or take their default on creation). Changing the PIN, the Kids flag or the
// maturity ceiling of an existing profile is a parental control and needs Password, the
// account's.
type ProfileInput struct {
	Name            *string
	Kids            *bool
	MaturityCeiling *int
	Language        *string
	// PIN is four digits, or "" to remove it.
	PIN      *string
	Password *string
}

var (
	pinPattern      = regexp.MustCompile(`^[0-9]{4}$`)
	languagePattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// Profiles lists an account's profiles, oldest first: the first is the account's own.
func (s *Service) Profiles(ctx context.Context, v *Viewer) ([]*ent.Profile, error) {
	ps, err := s.client.Profile.Query().Where(profile.UserID(v.User.ID)).Order(ent.Asc(profile.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list profiles: %w", err)
	}
	return ps, nil
}

// managing refuses profile changes from a Kids profile: a child does not manage the
// household.
func managing(v *Viewer) error {
	if v.Profile == nil {
		return apperr.New(apperr.PINRequired, "Choose who is watching first.")
	}
	if v.Profile.Kids {
		return apperr.New(apperr.Forbidden, "Leave the Kids profile to manage profiles.")
	}
	return nil
}

// guarded asks for the account password before another profile locked with a PIN is
// changed or deleted: its lock guards more than entering it.
func (s *Service) guarded(ctx context.Context, v *Viewer, p *ent.Profile, password *string) error {
	if p.PinHash == "" || p.ID == v.ProfileID() {
		return nil
	}
	return s.checkPassword(ctx, v, password, "password", passwordForParentalControls)
}

// CreateProfile adds a profile to the viewer's account; an account has at most MaxProfiles.
func (s *Service) CreateProfile(ctx context.Context, v *Viewer, in ProfileInput) (*ent.Profile, error) {
	if err := managing(v); err != nil {
		return nil, err
	}
	p := &ent.Profile{Language: "en", MaturityCeiling: maturity.Adult}
	if in.Name == nil {
		return nil, &apperr.Error{Code: apperr.BadUserInput, Field: "name", Message: "A profile needs a name."}
	}
	if err := s.applyProfile(ctx, v, p, in); err != nil {
		return nil, err
	}
	var created *ent.Profile
	err := s.withAccount(ctx, v.User.ID, func(tx *ent.Tx) error {
		n, err := tx.Profile.Query().Where(profile.UserID(v.User.ID)).Count(ctx)
		if err != nil {
			return fmt.Errorf("count profiles: %w", err)
		}
		if n >= MaxProfiles {
			return apperr.New(apperr.BadUserInput, "An account has at most %d profiles.", MaxProfiles)
		}
		created, err = tx.Profile.Create().SetUserID(v.User.ID).SetName(p.Name).SetKids(p.Kids).
			SetMaturityCeiling(p.MaturityCeiling).SetLanguage(p.Language).SetPinHash(p.PinHash).Save(ctx)
		if err != nil {
			return fmt.Errorf("create profile: %w", err)
		}
		return nil
	})
	return created, err
}

// UpdateProfile changes one of the viewer's account's profiles.
func (s *Service) UpdateProfile(ctx context.Context, v *Viewer, id int, in ProfileInput) (*ent.Profile, error) {
	if err := managing(v); err != nil {
		return nil, err
	}
	p, err := s.ownProfile(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if in.PIN != nil || (in.Kids != nil && *in.Kids != p.Kids) ||
		(in.MaturityCeiling != nil && *in.MaturityCeiling != p.MaturityCeiling) {
		if err := s.checkPassword(ctx, v, in.Password, "password", passwordForParentalControls); err != nil {
			return nil, err
		}
	} else if err := s.guarded(ctx, v, p, in.Password); err != nil {
		return nil, err
	}
	if err := s.applyProfile(ctx, v, p, in); err != nil {
		return nil, err
	}
	p, err = s.client.Profile.UpdateOne(p).SetName(p.Name).SetKids(p.Kids).SetMaturityCeiling(p.MaturityCeiling).
		SetLanguage(p.Language).SetPinHash(p.PinHash).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("update profile: %w", err)
	}
	return p, nil
}

// applyProfile validates in and sets it on p.
func (s *Service) applyProfile(ctx context.Context, v *Viewer, p *ent.Profile, in ProfileInput) error {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" || utf8.RuneCountInString(name) > 50 {
			return &apperr.Error{Code: apperr.BadUserInput, Field: "name", Message: "A profile name has 1 to 50 characters."}
		}
		p.Name = name
	}
	if in.Language != nil {
		if !languagePattern.MatchString(*in.Language) || len(*in.Language) > 35 {
			return &apperr.Error{Code: apperr.BadUserInput, Field: "language", Message: "Give a language tag such as en or pt-BR."}
		}
		p.Language = *in.Language
	}
	if in.Kids != nil {
		p.Kids = *in.Kids
		if p.Kids && in.MaturityCeiling == nil {
			p.MaturityCeiling = maturity.Kids
		}
	}
	if in.MaturityCeiling != nil {
		c := *in.MaturityCeiling
		if c < 0 || c > maturity.Adult {
			return &apperr.Error{Code: apperr.BadUserInput, Field: "maturityCeiling",
				Message: fmt.Sprintf("A maturity ceiling is an age from 0 to %d.", maturity.Adult)}
		}
		p.MaturityCeiling = c
	}
	if p.Kids && p.MaturityCeiling > maturity.Kids {
		return &apperr.Error{Code: apperr.BadUserInput, Field: "maturityCeiling",
			Message: "A Kids profile's ceiling is at most " + strconv.Itoa(maturity.Kids) + "."}
	}
	if in.PIN != nil {
		switch {
		case *in.PIN == "":
			p.PinHash = ""
		case !pinPattern.MatchString(*in.PIN):
			return &apperr.Error{Code: apperr.BadUserInput, Field: "pin", Message: "A PIN is four digits."}
		default:
			h, err := s.hasher.Hash(ctx, *in.PIN)
			if err != nil {
				return fmt.Errorf("hash pin: %w", err)
			}
			p.PinHash = h
		}
	}
	return nil
}

const passwordForParentalControls = "Enter the account password to change a PIN or parental controls."

// checkPassword verifies the account password given in field, throttled like a login;
// missing is what to say when it was left out.
func (s *Service) checkPassword(ctx context.Context, v *Viewer, password *string, field, missing string) error {
	if password == nil || *password == "" {
		return &apperr.Error{Code: apperr.BadUserInput, Field: field, Message: missing}
	}
	attempt, wait := s.throttle.Reserve(Key{"acct:" + v.User.Email, s.limits.Account})
	if attempt == nil {
		return apperr.Later(apperr.RateLimited, wait, "Too many wrong passwords.")
	}
	settle := attempt.Release
	defer func() { settle() }()
	ok, _, err := s.hasher.Verify(ctx, *password, v.User.PasswordHash)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if !ok {
		settle = attempt.Fail
		return &apperr.Error{Code: apperr.InvalidCredentials, Field: field, Message: "The account password is incorrect."}
	}
	return nil
}

// DeleteProfile deletes one of the account's profiles with all its activity; the last
// profile stays. Logins on it are left without a profile until they choose one.
func (s *Service) DeleteProfile(ctx context.Context, v *Viewer, id int, password *string) error {
	if err := managing(v); err != nil {
		return err
	}
	p, err := s.ownProfile(ctx, v, id)
	if err != nil {
		return err
	}
	if err := s.guarded(ctx, v, p, password); err != nil {
		return err
	}
	var sessions []int
	err = s.withAccount(ctx, v.User.ID, func(tx *ent.Tx) error {
		n, err := tx.Profile.Query().Where(profile.UserID(v.User.ID)).Count(ctx)
		if err != nil {
			return fmt.Errorf("count profiles: %w", err)
		}
		if n <= 1 {
			return apperr.New(apperr.BadUserInput, "An account keeps at least one profile.")
		}
		if sessions, err = tx.Session.Query().Where(session.ProfileID(id)).IDs(ctx); err != nil {
			return fmt.Errorf("find sessions: %w", err)
		}
		if err := tx.Session.Update().Where(session.ProfileID(id)).ClearProfileID().Exec(ctx); err != nil {
			return fmt.Errorf("unbind sessions: %w", err)
		}
		return eraseProfile(ctx, tx, id)
	})
	if err != nil {
		return err
	}
	// The profile's websockets were opened as it: they close, and reconnect as no one.
	for _, sid := range sessions {
		s.revoked(ctx, sid)
	}
	return nil
}

// eraseProfile deletes a profile and everything it did.
func eraseProfile(ctx context.Context, tx *ent.Tx, id int) error {
	steps := []struct {
		what string
		run  func(context.Context) (int, error)
	}{
		// Its streams stop: what they would write has no profile to go to.
		{"streams", tx.PlaybackSession.Update().Where(playbacksession.ProfileID(id),
			playbacksession.StatusEQ(playbacksession.StatusACTIVE)).SetStatus(playbacksession.StatusREVOKED).Save},
		{"progress", tx.WatchProgress.Delete().Where(watchprogress.ProfileID(id)).Exec},
		{"ratings", tx.Rating.Delete().Where(rating.ProfileID(id)).Exec},
		{"my list", tx.MyListItem.Delete().Where(mylistitem.ProfileID(id)).Exec},
		{"view events", tx.ViewEvent.Delete().Where(viewevent.ProfileID(id)).Exec},
		{"recommendations", tx.Recommendation.Delete().Where(recommendation.ProfileID(id)).Exec},
		{"profile", tx.Profile.Delete().Where(profile.ID(id)).Exec},
	}
	for _, st := range steps {
		if _, err := st.run(ctx); err != nil {
			return fmt.Errorf("erase %s: %w", st.what, err)
		}
	}
	return nil
}

// ownProfile loads a profile of the viewer's account; another account's is NOT_FOUND.
func (s *Service) ownProfile(ctx context.Context, v *Viewer, id int) (*ent.Profile, error) {
	p, err := s.client.Profile.Query().Where(profile.ID(id), profile.UserID(v.User.ID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "No such profile.")
	}
	if err != nil {
		return nil, fmt.Errorf("find profile: %w", err)
	}
	return p, nil
}

// SelectProfile binds the viewer's login to one of its account's profiles; requests and
// websockets opened after it watch as that profile, while streams already playing keep the
// profile that started them. The PIN is needed to enter a profile that has one and, from a
// Kids profile with a PIN, to leave it for a profile without one. Wrong PINs are throttled
// per profile, per account and per address.
func (s *Service) SelectProfile(ctx context.Context, v *Viewer, id int, pin string, c Client) (*ent.Profile, error) {
	p, err := s.ownProfile(ctx, v, id)
	if err != nil {
		return nil, err
	}
	guard := p
	if p.PinHash == "" && v.Profile != nil && v.Profile.ID != p.ID && v.Profile.Kids && !p.Kids {
		guard = v.Profile
	}
	if guard.PinHash != "" && (v.Profile == nil || v.Profile.ID != p.ID) {
		if err := s.checkPIN(ctx, v, guard, pin, c); err != nil {
			return nil, err
		}
	}
	if err := s.client.Session.UpdateOneID(v.SessionID).SetProfileID(p.ID).Exec(ctx); err != nil {
		return nil, fmt.Errorf("bind session: %w", err)
	}
	v.Profile = p
	return p, nil
}

func (s *Service) checkPIN(ctx context.Context, v *Viewer, p *ent.Profile, pin string, c Client) error {
	if pin == "" {
		return &apperr.Error{Code: apperr.PINRequired, Field: "pin", Message: "Enter the profile's PIN."}
	}
	perProfile := "pin:" + strconv.Itoa(p.ID)
	attempt, wait := s.throttle.Reserve(
		Key{perProfile, s.limits.PINProfile},
		Key{"pin-acct:" + strconv.Itoa(v.User.ID), s.limits.PINAccount},
		Key{"ip:" + c.IP, s.limits.Addr},
	)
	if attempt == nil {
		return apperr.Later(apperr.RateLimited, wait, "Too many wrong PINs.")
	}
	settle := attempt.Release
	defer func() { settle() }()
	ok, _, err := s.hasher.Verify(ctx, pin, p.PinHash)
	if err != nil {
		return fmt.Errorf("verify pin: %w", err)
	}
	if !ok {
		settle = attempt.Fail
		return &apperr.Error{Code: apperr.PINRequired, Field: "pin", Message: "That PIN is not right."}
	}
	settle = func() { attempt.Succeed(perProfile) }
	return nil
}

// withAccount runs fn in a transaction that holds the account's row, so that two requests
// changing one account's profiles (the count of five, the last one) run one after another.
func (s *Service) withAccount(ctx context.Context, userID int, fn func(*ent.Tx) error) error {
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Writing the row takes its lock on PostgreSQL; SQLite runs one writer at a time.
	if err := tx.User.UpdateOneID(userID).SetUpdatedAt(s.now()).Exec(ctx); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("hold account: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
