package billing_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
)

type fixture struct {
	st     *store.Store
	svc    *billing.Service
	clock  *testkit.Clock
	broker *pubsub.Local
	logs   *testkit.Buffer
	user   int
}

func setup(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, billing.EnsurePlans(ctx, s.Client))
	f := &fixture{st: s, clock: testkit.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)), broker: pubsub.NewLocal(), logs: &testkit.Buffer{}}
	log := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.svc = billing.NewService(s, billing.NewSandbox(0), f.broker, log, billing.Options{Now: f.clock.Now})
	f.user = newUser(t, s, fmt.Sprintf("viewer-%d@example.com", time.Now().UnixNano()))
	return f
}

func newUser(t *testing.T, s *store.Store, email string) int {
	t.Helper()
	u, err := s.Client.User.Create().SetEmail(email).SetPasswordHash("x").SetCountry("US").Save(context.Background())
	require.NoError(t, err)
	return u.ID
}

func card(number string) billing.Instrument {
	return billing.Instrument{Card: &billing.Card{Number: billing.CardNumber(number), ExpMonth: 12, ExpYear: 2030, CVC: "123", Name: "Ada Lovelace"}}
}

func (f *fixture) subscribe(plan plancode.Code, pay billing.Instrument, key string) (*billing.Result, error) {
	return f.svc.Subscribe(context.Background(), billing.SubscribeInput{UserID: f.user, Plan: plan, Payment: pay, IdempotencyKey: key})
}

func requireCode(t *testing.T, err error, code apperr.Code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	require.True(t, ok, "want a typed error, got %v", err)
	require.Equal(t, code, e.Code, e.Message)
	if field != "" {
		require.Equal(t, field, e.Field, e.Message)
	}
}

// snapshot is everything a failed subscribe must leave untouched.
func (f *fixture) snapshot(t *testing.T) string {
	t.Helper()
	ms, err := f.st.Client.Membership.Query().All(context.Background())
	require.NoError(t, err)
	n, err := f.st.Client.Payment.Query().Where(payment.StatusEQ(payment.StatusSUCCEEDED)).Count(context.Background())
	require.NoError(t, err)
	plan, err := billing.CurrentPlan(context.Background(), f.st.Client, f.user, f.clock.Now())
	require.NoError(t, err)
	code := "none"
	if plan != nil {
		code = string(plan.Code)
	}
	return fmt.Sprintf("%v|paid=%d|entitled=%s", ms, n, code)
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	f := setup(t, s)
	past := card("4242424242424242")
	past.Card.ExpYear, past.Card.ExpMonth = 2026, 2 // the clock says March 2026
	amex := card("378282246310005")
	both := card("4242424242424242")
	both.PayPal = &billing.PayPal{Email: "a@example.com"}
	cases := []struct {
		name  string
		plan  plancode.Code
		pay   billing.Instrument
		key   string
		field string
	}{
		{"luhn", plancode.Basic, card("4242424242424241"), "k", "payment.card.number"},
		{"too short", plancode.Basic, card("4242"), "k", "payment.card.number"},
		{"letters", plancode.Basic, card("4242abcd42424242"), "k", "payment.card.number"},
		{"past expiry", plancode.Basic, past, "k", "payment.card.expYear"},
		{"month 13", plancode.Basic, func() billing.Instrument { c := card("4242424242424242"); c.Card.ExpMonth = 13; return c }(), "k", "payment.card.expMonth"},
		{"short cvc", plancode.Basic, func() billing.Instrument { c := card("4242424242424242"); c.Card.CVC = "12"; return c }(), "k", "payment.card.cvc"},
		{"amex wants 4-digit cvc", plancode.Basic, amex, "k", "payment.card.cvc"},
		{"no name", plancode.Basic, func() billing.Instrument { c := card("4242424242424242"); c.Card.Name = " "; return c }(), "k", "payment.card.name"},
		{"both methods", plancode.Basic, both, "k", "payment"},
		{"neither method", plancode.Basic, billing.Instrument{}, "k", "payment"},
		{"bad paypal email", plancode.Basic, billing.Instrument{PayPal: &billing.PayPal{Email: "not an email"}}, "k", "payment.paypal.email"},
		{"unknown plan", plancode.Code("GOLD"), card("4242424242424242"), "k", "plan"},
		{"no key", plancode.Basic, card("4242424242424242"), "", "idempotencyKey"},
	}
	before := f.snapshot(t)
	for _, c := range cases {
		_, err := f.subscribe(c.plan, c.pay, c.key)
		requireCode(t, err, apperr.BadUserInput, c.field)
	}
	require.Equal(t, before, f.snapshot(t))
	n, err := s.Client.Payment.Query().Count(context.Background())
	require.NoError(t, err)
	require.Zero(t, n, "bad input reaches neither the provider nor the payments table")
}

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

// TestNoCardNumberStored scans the database files and the logs after every kind of
// attempt for the full card numbers and CVCs that were submitted.
func TestNoCardNumberStored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "billing.db"))
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Migrate(context.Background()))
	f := setup(t, s)
	numbers := []string{"4242424242424242", "4000000000000002", "4000000000009995", "4000000000000069", "4000000000000127", "4242424242424241"}
	for i, n := range numbers {
		pay := card(n)
		pay.Card.CVC = "987"
		_, _ = f.subscribe(plancode.Basic, pay, fmt.Sprintf("scan-%d", i))
		f.user = newUser(t, s, fmt.Sprintf("scan%d@example.com", i))
	}
	f.clock.Set(f.clock.Now().AddDate(0, 2, 0))
	_, err = f.svc.Renew(context.Background())
	require.NoError(t, err)
	require.NoError(t, s.Close())

	files, err := filepath.Glob(filepath.Join(dir, "billing.db*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var haystack []byte
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		haystack = append(haystack, b...)
	}
	haystack = append(haystack, f.logs.Bytes()...)
	require.NotEmpty(t, f.logs.String(), "the scan covers real log output")
	for _, n := range numbers {
		require.False(t, bytes.Contains(haystack, []byte(n)), "card number %s found", n)
	}
	// Formatting the types never reveals them either.
	c := card("4242424242424242").Card
	c.CVC = "987"
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s", c, c, c, c.Number), fmt.Sprint(*c)} {
		require.NotContains(t, out, "4242424242424242")
		require.NotContains(t, out, "987")
	}
}

func TestCardBrand(t *testing.T) {
	t.Parallel()
	for number, brand := range map[string]string{
		"4242424242424242": "Visa", "5555555555554444": "Mastercard", "2223003122003222": "Mastercard",
		"378282246310005": "American Express", "6011111111111117": "Discover", "3056930009020004": "Card",
	} {
		require.Equal(t, brand, billing.CardBrand(number), number)
	}
}

// dyingProvider charges through the sandbox; its first charge then never returns to the
// calling goroutine until revive, as if the process died (or lost its database) just after
// the provider took the money, leaving the payment PENDING and the account held.
type dyingProvider struct {
	billing.Provider
	mu      sync.Mutex
	calls   int
	refs    map[string]int
	killed  bool
	charged chan struct{}
	revive  chan struct{}
}

func (p *dyingProvider) Charge(ctx context.Context, m billing.Method, amount int, currency, key string) (billing.Receipt, error) {
	r, err := p.Provider.Charge(ctx, m, amount, currency, key)
	p.mu.Lock()
	p.calls++
	p.refs[r.Ref]++
	die := !p.killed
	p.killed = true
	p.mu.Unlock()
	if die {
		close(p.charged)
		<-p.revive
	}
	return r, err
}

// dieMidCheckout makes f's service charge through a dyingProvider with a 10 s provider
// timeout, and starts a purchase of plan under key that dies after its charge. revive lets
// the hung purchase go on; dead is closed when it has returned.
func (f *fixture) dieMidCheckout(plan plancode.Code, key string) (p *dyingProvider, dead chan struct{}) {
	p = &dyingProvider{Provider: billing.NewSandbox(0), refs: map[string]int{},
		charged: make(chan struct{}), revive: make(chan struct{})}
	f.svc = billing.NewService(f.st, p, f.broker, slog.New(slog.DiscardHandler),
		billing.Options{Now: f.clock.Now, ProviderTimeout: 10 * time.Second})
	dead = make(chan struct{})
	go func() {
		defer close(dead)
		_, _ = f.subscribe(plan, card("4242424242424242"), key)
	}()
	<-p.charged
	return p, dead
}

func TestAbandonedPaymentIsResumedOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		dying, dead := f.dieMidCheckout(plancode.Standard, "lost-answer")
		p, err := s.Client.Payment.Query().Where(payment.UserID(f.user)).Only(ctx)
		require.NoError(t, err)
		require.Equal(t, payment.StatusPENDING, p.Status, "the attempt died between charge and record")

		// While the attempt may still be alive, a retry that cannot wait for it is told
		// when to come back, within its own deadline, and charges nothing.
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		_, err = f.svc.Subscribe(short, billing.SubscribeInput{UserID: f.user, Plan: plancode.Standard,
			Payment: card("4242424242424242"), IdempotencyKey: "lost-answer"})
		cancel()
		requireCode(t, err, apperr.NotReady, "")
		e, _ := apperr.As(err)
		require.Equal(t, 15, e.Extra["retryAfterSeconds"], "the hold lapses 5 s after the provider timeout")
		require.Equal(t, 1, dying.calls)

		// Once the hold lapses the attempt is abandoned: concurrent retries take it over
		// once, and the provider's idempotency key returns the first charge.
		f.clock.Set(f.clock.Now().Add(16 * time.Second))
		var wg sync.WaitGroup
		results := make([]*billing.Result, 5)
		errs := make([]error, 5)
		for i := range 5 {
			wg.Go(func() { results[i], errs[i] = f.subscribe(plancode.Standard, card("4242424242424242"), "lost-answer") })
		}
		wg.Wait()
		for i := range 5 {
			require.NoError(t, errs[i])
			require.Equal(t, p.ID, results[i].Payment.ID)
			require.Equal(t, payment.StatusSUCCEEDED, results[i].Payment.Status)
			require.Equal(t, membership.StatusACTIVE, results[i].Membership.Status)
		}
		require.Equal(t, 2, dying.calls, "asked again once")
		require.Len(t, dying.refs, 1, "and charged once: %v", dying.refs)

		// The first attempt coming back after all records nothing twice.
		close(dying.revive)
		<-dead
		n, err := s.Client.Payment.Query().Where(payment.UserID(f.user)).Count(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
}

// TestResumedPaymentThatNoLongerFitsChangesNothing: a purchase cut off after its charge,
// then another purchase on the account, then the first one's retry: the first charge is
// recorded (for a refund) but its plan does not replace the one bought since.
func TestResumedPaymentThatNoLongerFitsChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		dying, dead := f.dieMidCheckout(plancode.Basic, "basic")
		defer func() { close(dying.revive); <-dead }()

		f.clock.Set(f.clock.Now().Add(16 * time.Second)) // the dead checkout's hold lapses
		premium, err := f.subscribe(plancode.Premium, card("4242424242424242"), "premium")
		require.NoError(t, err)
		require.Equal(t, plancode.Premium, premium.Membership.Edges.Plan.Code)

		retry, err := f.subscribe(plancode.Basic, card("4242424242424242"), "basic")
		require.NoError(t, err)
		require.Equal(t, payment.StatusSUCCEEDED, retry.Payment.Status, "the first charge is on record")
		require.Equal(t, plancode.Premium, retry.Membership.Edges.Plan.Code, "and Premium stays")
		m, err := s.Client.Membership.Query().Where(membership.UserID(f.user)).WithPlan().Only(context.Background())
		require.NoError(t, err)
		require.Equal(t, plancode.Premium, m.Edges.Plan.Code)
		require.Len(t, dying.refs, 2, "two charges, the first one charged once")
	})
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
