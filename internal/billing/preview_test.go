package billing_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// TestPreviewIsWhatSubscribeCharges: a preview names the change and today's amount, and a
// subscribe that passes its quote back charges exactly that, even minutes later; a stale
// quote is prorated as of the purchase.
func TestPreviewIsWhatSubscribeCharges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		start := f.clock.Now()

		p, err := f.svc.Preview(ctx, f.user, plancode.Standard)
		require.NoError(t, err)
		require.Equal(t, billing.ChangeNew, p.Change)
		require.Equal(t, 1399, p.AmountCents)
		require.Equal(t, "USD", p.Currency)
		require.Equal(t, start.AddDate(0, 1, 0), p.RenewsAt)
		_, err = f.subscribe(plancode.Standard, card("4242424242424242"), "standard")
		require.NoError(t, err)
		end := start.AddDate(0, 1, 0)

		// Ten days in, the upgrade costs the difference for what is left of the period.
		f.clock.Set(start.Add(10 * 24 * time.Hour))
		up, err := f.svc.Preview(ctx, f.user, plancode.Premium)
		require.NoError(t, err)
		require.Equal(t, billing.ChangeUpgrade, up.Change)
		require.Equal(t, end, up.RenewsAt)
		require.Greater(t, up.AmountCents, 0)
		require.Less(t, up.AmountCents, 1999-1399)

		// The viewer takes their time; the quote holds.
		f.clock.Advance(40 * time.Minute)
		res, err := f.svc.Subscribe(ctx, billing.SubscribeInput{UserID: f.user, Plan: plancode.Premium,
			Payment: card("4242424242424242"), IdempotencyKey: "premium", QuotedAt: &up.QuotedAt})
		require.NoError(t, err)
		require.Equal(t, up.AmountCents, res.Payment.AmountCents, "charged what the preview said")

		// Downgrading is free now and applies at the period end; the plan one is on is no change.
		down, err := f.svc.Preview(ctx, f.user, plancode.Basic)
		require.NoError(t, err)
		require.Equal(t, billing.ChangeDowngrade, down.Change)
		require.Zero(t, down.AmountCents)
		require.Equal(t, end, down.EffectiveAt)
		_, err = f.svc.Preview(ctx, f.user, plancode.Premium)
		require.True(t, apperr.Is(err, apperr.BadUserInput), "%v", err)
		_, err = f.svc.Preview(ctx, f.user, plancode.Code("GOLD"))
		require.True(t, apperr.Is(err, apperr.BadUserInput), "%v", err)
	})
}

// TestStaleQuoteIsNotHonoured: a quote older than QuoteValidity, or from the future, does
// not set the price; the upgrade is prorated as of the purchase.
func TestStaleQuoteIsNotHonoured(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, quote := range []string{"stale", "future"} {
			f := setup(t, s)
			start := f.clock.Now()
			_, err := f.subscribe(plancode.Basic, card("4242424242424242"), "basic")
			require.NoError(t, err)
			f.clock.Set(start.Add(5 * 24 * time.Hour))
			quoted, err := f.svc.Preview(ctx, f.user, plancode.Premium)
			require.NoError(t, err)
			at := quoted.QuotedAt
			if quote == "future" {
				at = at.Add(10 * 24 * time.Hour)
			}
			f.clock.Advance(5 * 24 * time.Hour)
			fresh, err := f.svc.Preview(ctx, f.user, plancode.Premium)
			require.NoError(t, err)
			require.Less(t, fresh.AmountCents, quoted.AmountCents)
			res, err := f.svc.Subscribe(ctx, billing.SubscribeInput{UserID: f.user, Plan: plancode.Premium,
				Payment: card("4242424242424242"), IdempotencyKey: "premium", QuotedAt: &at})
			require.NoError(t, err)
			require.Equal(t, fresh.AmountCents, res.Payment.AmountCents, quote)
		}
	})
}
