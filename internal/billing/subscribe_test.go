package billing_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
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

func TestDeclinesChangeNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		cases := []struct {
			name, code string
			pay        billing.Instrument
		}{
			{"declined", "card_declined", card("4000 0000 0000 0002")},
			{"insufficient funds", "insufficient_funds", card("4000-0000-0000-9995")},
			{"expired", "expired_card", card("4000000000000069")},
			{"incorrect cvc", "incorrect_cvc", card("4000000000000127")},
			{"paypal", "paypal_declined", billing.Instrument{PayPal: &billing.PayPal{Email: "declined@example.com"}}},
		}
		for _, existing := range []bool{false, true} {
			f := setup(t, s)
			f.user = newUser(t, s, fmt.Sprintf("declines-%v@example.com", existing))
			if existing {
				_, err := f.subscribe(plancode.Basic, card("4242424242424242"), "first")
				require.NoError(t, err)
			}
			messages := map[string]bool{}
			for i, c := range cases {
				before := f.snapshot(t)
				_, err := f.subscribe(plancode.Premium, c.pay, fmt.Sprintf("decline-%d", i))
				requireCode(t, err, apperr.PaymentDeclined, "payment")
				e, _ := apperr.As(err)
				messages[e.Message] = true
				require.Equal(t, before, f.snapshot(t), c.name)

				p, err := s.Client.Payment.Query().Where(payment.UserID(f.user), payment.IdempotencyKey(fmt.Sprintf("decline-%d", i))).Only(context.Background())
				require.NoError(t, err)
				require.Equal(t, payment.StatusFAILED, p.Status, "a failed payment is kept for the record")
				require.Equal(t, c.code, p.FailureCode)
			}
			require.Len(t, messages, len(cases), "each decline reason reads differently")
		}
	})
}

func TestSubscribeSucceeds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		res, err := f.subscribe(plancode.Premium, card("4242 4242 4242 4242"), "k1")
		require.NoError(t, err)
		require.Equal(t, membership.StatusACTIVE, res.Membership.Status)
		require.Equal(t, plancode.Premium, res.Membership.Edges.Plan.Code)
		require.Equal(t, f.clock.Now().AddDate(0, 1, 0), res.Membership.CurrentPeriodEnd.UTC())
		require.Equal(t, "Visa", res.Membership.CardBrand)
		require.Equal(t, "4242", res.Membership.CardLast4)
		require.Equal(t, payment.StatusSUCCEEDED, res.Payment.Status)
		require.Equal(t, 1999, res.Payment.AmountCents)
		require.Equal(t, "4242", res.Payment.Last4)
		require.NotEmpty(t, res.Payment.ProviderRef)

		plan, err := billing.CurrentPlan(ctx, s.Client, f.user, f.clock.Now())
		require.NoError(t, err)
		require.Equal(t, plancode.Premium, plan.Code, "premium content is unlocked at once")

		_, err = f.subscribe(plancode.Premium, card("4242424242424242"), "k2")
		requireCode(t, err, apperr.BadUserInput, "plan")

		other := newUser(t, s, "paypal@example.com")
		pp, err := f.svc.Subscribe(ctx, billing.SubscribeInput{UserID: other, Plan: plancode.Basic,
			Payment: billing.Instrument{PayPal: &billing.PayPal{Email: "Someone@Example.com"}}, IdempotencyKey: "k1"})
		require.NoError(t, err, "keys are per viewer")
		require.Equal(t, payment.MethodPAYPAL, pp.Payment.Method)
		require.Equal(t, "someone@example.com", pp.Payment.PaypalEmail)
	})
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		first, err := f.subscribe(plancode.Standard, card("4242424242424242"), "same")
		require.NoError(t, err)
		again, err := f.subscribe(plancode.Standard, card("4242424242424242"), "same")
		require.NoError(t, err)
		require.Equal(t, first.Payment.ID, again.Payment.ID)
		require.Equal(t, first.Membership.ID, again.Membership.ID)

		_, err = f.subscribe(plancode.Premium, card("4242424242424242"), "same")
		requireCode(t, err, apperr.BadUserInput, "idempotencyKey")

		// A declined first attempt replays as the same decline.
		_, err = f.subscribe(plancode.Premium, card("4000000000000002"), "declined-once")
		requireCode(t, err, apperr.PaymentDeclined, "")
		_, err = f.subscribe(plancode.Premium, card("4000000000000002"), "declined-once")
		requireCode(t, err, apperr.PaymentDeclined, "")

		// Ten concurrent duplicates from a new viewer: one charge, one answer.
		f.user = newUser(t, s, "burst@example.com")
		var wg sync.WaitGroup
		ids := make([]int, 10)
		errs := make([]error, 10)
		for i := range 10 {
			wg.Go(func() {
				res, err := f.subscribe(plancode.Basic, card("4242424242424242"), "burst")
				errs[i] = err
				if err == nil {
					ids[i] = res.Payment.ID
				}
			})
		}
		wg.Wait()
		for i := range 10 {
			require.NoError(t, errs[i])
			require.Equal(t, ids[0], ids[i])
		}
		n, err := s.Client.Payment.Query().Where(payment.UserID(f.user)).Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n, "one charge")
	})
}

func TestPlanChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		start := f.clock.Now()
		_, err := f.subscribe(plancode.Basic, card("4242424242424242"), "basic")
		require.NoError(t, err)
		end := start.AddDate(0, 1, 0)

		// Halfway through the period, upgrading charges half the difference and applies now.
		f.clock.Set(start.Add(end.Sub(start) / 2))
		up, err := f.subscribe(plancode.Premium, card("4242424242424242"), "up")
		require.NoError(t, err)
		require.Equal(t, payment.ReasonUPGRADE, up.Payment.Reason)
		require.Equal(t, (1999-799)/2, up.Payment.AmountCents)
		require.Equal(t, plancode.Premium, up.Membership.Edges.Plan.Code)
		require.Equal(t, end, up.Membership.CurrentPeriodEnd.UTC(), "the period stays")

		// Downgrading charges nothing and waits for the period end.
		down, err := f.subscribe(plancode.Basic, card("4242424242424242"), "down")
		require.NoError(t, err)
		require.Nil(t, down.Payment)
		require.Equal(t, plancode.Premium, down.Membership.Edges.Plan.Code)
		require.Equal(t, plancode.Basic, *down.Membership.PendingPlan)

		f.clock.Set(end.Add(time.Minute))
		r, err := f.svc.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{Renewed: 1}, r)
		m, err := s.Client.Membership.Query().Where(membership.UserID(f.user)).WithPlan().Only(ctx)
		require.NoError(t, err)
		require.Equal(t, plancode.Basic, m.Edges.Plan.Code)
		require.Nil(t, m.PendingPlan)
		require.Equal(t, end.AddDate(0, 1, 0), m.CurrentPeriodEnd.UTC(), "renewals continue from the period end")
		last, err := s.Client.Payment.Query().Where(payment.UserID(f.user), payment.ReasonEQ(payment.ReasonRENEWAL)).Only(ctx)
		require.NoError(t, err)
		require.Equal(t, 799, last.AmountCents)
		require.Equal(t, payment.StatusSUCCEEDED, last.Status)

		// A second pass has nothing to do.
		r, err = f.svc.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{}, r)

		// A renewal falling due while a checkout holds the account waits for the next pass.
		f.clock.Set(end.AddDate(0, 1, 0).Add(time.Minute))
		release, err := billing.HoldAccount(ctx, f.svc, f.user)
		require.NoError(t, err)
		require.NotNil(t, release)
		r, err = f.svc.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{}, r, "neither renewed nor failed")
		release()
		r, err = f.svc.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{Renewed: 1}, r)
	})
}

func TestConcurrentCheckoutsChargeOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		// A slow provider keeps each checkout open while the others arrive.
		f.svc = billing.NewService(s, billing.NewSandbox(100*time.Millisecond), f.broker, slog.New(slog.DiscardHandler), billing.Options{Now: f.clock.Now})
		parallel := func(plan plancode.Code, prefix string) []error {
			errs := make([]error, 5)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Go(func() { _, errs[i] = f.subscribe(plan, card("4242424242424242"), fmt.Sprintf("%s-%d", prefix, i)) })
			}
			wg.Wait()
			return errs
		}
		paid := func(reason payment.Reason) int {
			return s.Client.Payment.Query().Where(payment.UserID(f.user), payment.ReasonEQ(reason),
				payment.StatusEQ(payment.StatusSUCCEEDED)).CountX(ctx)
		}
		// Five purchases with five keys at once: the first charges, the others wait for it
		// and then find the plan already theirs.
		errs := parallel(plancode.Standard, "join")
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				requireCode(t, err, apperr.BadUserInput, "plan")
			}
		}
		require.Equal(t, 1, ok, "%v", errs)
		require.Equal(t, 1, paid(payment.ReasonSUBSCRIBE))

		errs = parallel(plancode.Premium, "up")
		require.Equal(t, 1, paid(payment.ReasonUPGRADE), "%v", errs)
		require.Zero(t, s.Client.Payment.Query().Where(payment.StatusEQ(payment.StatusPENDING)).CountX(ctx))
		u, err := s.Client.User.Get(ctx, f.user)
		require.NoError(t, err)
		require.Nil(t, u.CheckoutUntil, "every checkout released the account")
	})
}

func TestChangesWithoutChargeReplayTheirKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		_, err := f.subscribe(plancode.Premium, card("4242424242424242"), "join")
		require.NoError(t, err)
		for _, step := range []struct {
			plan plancode.Code
			key  string
		}{{plancode.Basic, "down"}, {plancode.Premium, "stay"}} {
			first, err := f.subscribe(step.plan, card("4242424242424242"), step.key)
			require.NoError(t, err, step.key)
			again, err := f.subscribe(step.plan, card("4242424242424242"), step.key)
			require.NoError(t, err, "%s: a retry answers as the first request did", step.key)
			require.Nil(t, again.Payment)
			require.Equal(t, first.Membership.ID, again.Membership.ID)
			require.Equal(t, first.Membership.PendingPlan, again.Membership.PendingPlan)
		}
		m, err := s.Client.Membership.Query().Where(membership.UserID(f.user)).Only(ctx)
		require.NoError(t, err)
		require.Nil(t, m.PendingPlan, "staying on Premium undid the downgrade")
		_, err = f.subscribe(plancode.Standard, card("4242424242424242"), "down")
		requireCode(t, err, apperr.BadUserInput, "idempotencyKey")
		changes, err := s.Client.Payment.Query().Where(payment.UserID(f.user), payment.AmountCents(0)).All(ctx)
		require.NoError(t, err)
		require.Len(t, changes, 2, "each change is recorded once, charging nothing")
	})
}
