package billing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

func TestCancelExpiresAtPeriodEnd(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f := setup(t, s)
		ended := f.broker.Subscribe(ctx, billing.TopicMembershipEnded)
		_, err := f.svc.Cancel(ctx, f.user)
		requireCode(t, err, apperr.NotFound, "")

		res, err := f.subscribe(plancode.Standard, card("4242424242424242"), "k")
		require.NoError(t, err)
		m, err := f.svc.Cancel(ctx, f.user)
		require.NoError(t, err)
		require.Equal(t, membership.StatusCANCELED, m.Status)
		plan, err := billing.CurrentPlan(ctx, s.Client, f.user, f.clock.Now())
		require.NoError(t, err)
		require.NotNil(t, plan, "usable until the period ends")

		f.clock.Set(res.Membership.CurrentPeriodEnd.Add(time.Second))
		r, err := f.svc.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{Expired: 1}, r)
		plan, err = billing.CurrentPlan(ctx, s.Client, f.user, f.clock.Now())
		require.NoError(t, err)
		require.Nil(t, plan)
		select {
		case b := <-ended:
			require.Equal(t, fmt.Sprint(f.user), string(b))
		case <-time.After(5 * time.Second):
			t.Fatal("no membership-ended event")
		}
		n, err := s.Client.Payment.Query().Where(payment.ReasonEQ(payment.ReasonRENEWAL)).Count(ctx)
		require.NoError(t, err)
		require.Zero(t, n, "a canceled membership is not charged again")

		// Subscribing again starts a new period.
		again, err := f.subscribe(plancode.Basic, card("4242424242424242"), "again")
		require.NoError(t, err)
		require.Equal(t, membership.StatusACTIVE, again.Membership.Status)
	})
}

func TestFailedRenewalGraceThenExpiry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		res, err := f.subscribe(plancode.Standard, card("4242424242424242"), "k")
		require.NoError(t, err)
		// The viewer's saved card is now one the provider declines at charge time.
		m, err := billing.NewSandbox(0).Tokenize(ctx, card("4000000000009995"))
		require.NoError(t, err)
		require.NoError(t, s.Client.Membership.UpdateOneID(res.Membership.ID).SetPaymentToken(m.Token).Exec(ctx))

		end := res.Membership.CurrentPeriodEnd
		f.clock.Set(end.Add(time.Minute))
		r, err := f.svc.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{Failed: 1}, r)
		got, err := s.Client.Membership.Get(ctx, res.Membership.ID)
		require.NoError(t, err)
		require.Equal(t, membership.StatusPAST_DUE, got.Status)
		require.Equal(t, end.Add(7*24*time.Hour), got.GraceUntil.UTC())
		plan, err := billing.CurrentPlan(ctx, s.Client, f.user, f.clock.Now())
		require.NoError(t, err)
		require.NotNil(t, plan, "past due keeps working during the grace period")

		// Retried daily during grace; still declined.
		f.clock.Set(end.Add(25 * time.Hour))
		r, err = f.svc.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{Failed: 1}, r)

		f.clock.Set(end.Add(7*24*time.Hour + time.Minute))
		r, err = f.svc.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{Expired: 1}, r)
		plan, err = billing.CurrentPlan(ctx, s.Client, f.user, f.clock.Now())
		require.NoError(t, err)
		require.Nil(t, plan)
		failed, err := s.Client.Payment.Query().Where(payment.ReasonEQ(payment.ReasonRENEWAL), payment.StatusEQ(payment.StatusFAILED)).Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, failed)
	})
}

func TestRetryDuringGraceRenews(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	ctx := context.Background()
	f := setup(t, s)
	res, err := f.subscribe(plancode.Basic, card("4242424242424242"), "k")
	require.NoError(t, err)
	bad, err := billing.NewSandbox(0).Tokenize(ctx, card("4000000000000002"))
	require.NoError(t, err)
	require.NoError(t, s.Client.Membership.UpdateOneID(res.Membership.ID).SetPaymentToken(bad.Token).Exec(ctx))
	end := res.Membership.CurrentPeriodEnd
	f.clock.Set(end.Add(time.Minute))
	_, err = f.svc.Renew(ctx)
	require.NoError(t, err)

	// The viewer pays the overdue period with a working card: a new period from now.
	f.clock.Set(end.Add(2 * time.Hour))
	paid, err := f.subscribe(plancode.Basic, card("4242424242424242"), "fix")
	require.NoError(t, err)
	require.Equal(t, membership.StatusACTIVE, paid.Membership.Status)
	require.Nil(t, paid.Membership.GraceUntil)
	require.Equal(t, f.clock.Now().AddDate(0, 1, 0), paid.Membership.CurrentPeriodEnd.UTC())
}

// TestCancelWaitsForACheckout: a cancellation made while a checkout holds the account comes
// after it, so that the checkout cannot undo it.
func TestCancelWaitsForACheckout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		_, err := f.subscribe(plancode.Standard, card("4242424242424242"), "join")
		require.NoError(t, err)
		release, err := billing.HoldAccount(ctx, f.svc, f.user)
		require.NoError(t, err)
		require.NotNil(t, release)
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		_, err = f.svc.Cancel(short, f.user)
		cancel()
		requireCode(t, err, apperr.NotReady, "")
		release()
		m, err := f.svc.Cancel(ctx, f.user)
		require.NoError(t, err)
		require.Equal(t, membership.StatusCANCELED, m.Status)
	})
}
