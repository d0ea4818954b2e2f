package billing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/apperr"
)

// holdMargin is how much longer than the provider timeout a checkout holds the account: the
// time its own database work may take around the provider call.
const holdMargin = 5 * time.Second

// holdPoll is how often a checkout waiting for the account looks again.
const holdPoll = 25 * time.Millisecond

// lease is how long a checkout holds the account. It ends sooner when the checkout does; a
// checkout whose process died holds it until then.
func (s *Service) lease() time.Duration { return s.o.ProviderTimeout + holdMargin }

// hold takes the viewer's account for one checkout, so that deciding what to charge and
// charging happen for one purchase at a time, on every replica and process: a second
// checkout waits, then sees what the first one did. It waits while another checkout holds
// the account, until that one ends or its lease lapses; when that would outlast ctx's
// deadline it answers NOT_READY with the seconds to wait, rather than running out of time.
func (s *Service) hold(ctx context.Context, userID int) (*accountHold, error) {
	holder := newHolder()
	deadline, bounded := ctx.Deadline()
	tick := time.NewTicker(holdPoll)
	defer tick.Stop()
	for {
		// Waiting reads; only a hold that looks free or lapsed is tried, since on SQLite
		// even an update that changes nothing takes the one write slot.
		now := s.o.Now()
		u, err := s.st.Client.User.Query().Where(user.ID(userID)).Select(user.FieldCheckoutUntil).Only(ctx)
		if ent.IsNotFound(err) {
			return nil, apperr.New(apperr.NotFound, "This account no longer exists.")
		}
		if err != nil {
			return nil, fmt.Errorf("read checkout: %w", err)
		}
		if u.CheckoutUntil == nil || !u.CheckoutUntil.After(now) {
			if h, err := s.take(ctx, userID, holder, now); err != nil || h != nil {
				return h, err
			}
		} else if bounded && time.Until(deadline) < time.Second+holdPoll {
			return nil, apperr.Later(apperr.NotReady, u.CheckoutUntil.Sub(now),
				"Another purchase on this account is still being processed.")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}

// tryHold takes the viewer's account if no checkout holds it, without waiting: nil when
// one does.
func (s *Service) tryHold(ctx context.Context, userID int) (*accountHold, error) {
	return s.take(ctx, userID, newHolder(), s.o.Now())
}

// take holds the account for holder if it is free or its hold lapsed; nil when another
// holds it.
func (s *Service) take(ctx context.Context, userID int, holder string, now time.Time) (*accountHold, error) {
	n, err := s.st.Client.User.Update().
		Where(user.ID(userID), user.Or(user.CheckoutUntilIsNil(), user.CheckoutUntilLTE(now))).
		SetCheckoutHolder(holder).SetCheckoutUntil(now.Add(s.lease())).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("hold account for checkout: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	return &accountHold{s: s, userID: userID, holder: holder}, nil
}

// accountHold is one checkout's hold on an account.
type accountHold struct {
	s      *Service
	userID int
	holder string
}

// errHoldLost is a checkout that kept the account longer than its lease, so that another
// may have taken it: it must not charge.
var errHoldLost = errors.New("checkout outlived its hold on the account")

// renew starts the lease again from now, right before the provider is asked to charge, so
// that slow database work before it cannot let the hold lapse during the charge. It fails
// with errHoldLost when another checkout took the account meanwhile.
func (h *accountHold) renew(ctx context.Context) error {
	n, err := h.s.st.Client.User.Update().Where(user.ID(h.userID), user.CheckoutHolder(h.holder)).
		SetCheckoutUntil(h.s.o.Now().Add(h.s.lease())).Save(ctx)
	if err != nil {
		return fmt.Errorf("renew checkout hold: %w", err)
	}
	if n == 0 {
		return errHoldLost
	}
	return nil
}

func newHolder() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// release gives the account back.
func (h *accountHold) release(ctx context.Context) {
	err := h.s.st.Client.User.Update().Where(user.ID(h.userID), user.CheckoutHolder(h.holder)).
		ClearCheckoutUntil().SetCheckoutHolder("").Exec(context.WithoutCancel(ctx))
	if err != nil {
		// The lease lapses by itself; until then this viewer's next checkout waits.
		h.s.log.WarnContext(ctx, "release checkout", slog.Int("user_id", h.userID), slog.Any("err", err))
	}
}
