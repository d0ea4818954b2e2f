package billing_test

import (
	"context"
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
