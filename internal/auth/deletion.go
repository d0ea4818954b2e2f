package auth

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/accounttoken"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/playbacksession"
	"github.com/marquee-org/marquee/ent/profile"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/ent/watchprogress"
)

// DeleteAccount erases the account after checking its password: profiles and everything they
// did, sessions (their websockets and streams close on every replica), links, the
// membership and its stored payment method. Payments stay for the books, without card
// digits or PayPal address, on a row that keeps no name or address; the email may sign up
// again at once.
func (s *Service) DeleteAccount(ctx context.Context, v *Viewer, password string) error {
	if err := s.checkPassword(ctx, v, &password, "password", "Enter your password to delete the account."); err != nil {
		return err
	}
	id := v.User.ID
	var ended []int
	err := s.inTx(ctx, func(tx *sql.Tx, c *ent.Client) error {
		steps := []struct {
			what string
			run  func(context.Context) (int, error)
		}{
			// Past streams go. Those playing now are revoked with their logins below (their
			// heartbeat says REVOKED, as at a logout) and keep a row with no person behind
			// it, like the payments.
			{"past streams", c.PlaybackSession.Delete().Where(playbacksession.UserID(id),
				playbacksession.StatusNEQ(playbacksession.StatusACTIVE)).Exec},
			{"progress", c.WatchProgress.Delete().Where(watchprogress.UserID(id)).Exec},
			{"ratings", c.Rating.Delete().Where(rating.UserID(id)).Exec},
			{"my list", c.MyListItem.Delete().Where(mylistitem.UserID(id)).Exec},
			{"view events", c.ViewEvent.Delete().Where(viewevent.UserID(id)).Exec},
			{"recommendations", c.Recommendation.Delete().Where(recommendation.UserID(id)).Exec},
			{"links", c.AccountToken.Delete().Where(accounttoken.UserID(id)).Exec},
			{"membership", c.Membership.Delete().Where(membership.UserID(id)).Exec},
			{"payment details", c.Payment.Update().Where(payment.UserID(id)).
				SetLast4("").ClearExpMonth().ClearExpYear().SetPaypalEmail("").Save},
		}
		var err error
		if ended, err = endSessions(ctx, c, id, 0); err != nil {
			return err
		}
		for _, st := range steps {
			if _, err := st.run(ctx); err != nil {
				return fmt.Errorf("erase %s: %w", st.what, err)
			}
		}
		if _, err := c.Profile.Delete().Where(profile.UserID(id)).Exec(ctx); err != nil {
			return fmt.Errorf("erase profiles: %w", err)
		}
		// The row stays for the payments; nothing on it names anyone, and no password
		// hash can match ("!" is not one).
		if err := c.User.UpdateOneID(id).SetEmail("deleted-" + strconv.Itoa(id) + "@deleted.invalid").
			SetName("").SetCountry("").SetPasswordHash("!").ClearEmailVerifiedAt().
			SetDeletedAt(s.now()).Exec(ctx); err != nil {
			return fmt.Errorf("erase account: %w", err)
		}
		return s.send(ctx, tx, deletedMail(greeting(v.User), v.User.Email))
	})
	if err != nil {
		return err
	}
	for _, sid := range ended {
		s.revoked(ctx, sid)
	}
	return nil
}
