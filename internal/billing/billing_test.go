package billing_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
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
