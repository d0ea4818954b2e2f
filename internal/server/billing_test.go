package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

const subscribeMutation = `mutation($in: SubscribeInput!) { subscribe(input: $in) {
	membership { status currentPeriodEnd paymentMethod cardBrand cardLast4 plan { code } }
	payment { status amountCents currency brand last4 reason } } }`

func cardVars(plan, number, key string) map[string]any {
	return map[string]any{"in": map[string]any{
		"plan": plan, "idempotencyKey": key,
		"payment": map[string]any{"card": map[string]any{
			"number": number, "expMonth": 12, "expYear": 2031, "cvc": "314", "name": "Grace Hopper",
		}},
	}}
}

func TestSubscribeOverGraphQL(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		r := e.gql(nil, subscribeMutation, cardVars("BASIC", "4242424242424242", "k"))
		require.Equal(t, "UNAUTHENTICATED", r.code(), r.Raw)

		tok := e.viewer("payer@example.com", "US", "")
		r = e.gql(nil, subscribeMutation, cardVars("PREMIUM", "4000 0000 0000 9995", "k1"), bearer(tok))
		require.Equal(t, "PAYMENT_DECLINED", r.code(), r.Raw)
		require.Contains(t, r.Errors[0].Message, "insufficient funds")
		require.Nil(t, r.Data, "a failed mutation returns no membership")

		r = e.gql(nil, subscribeMutation, cardVars("PREMIUM", "4242424242424241", "k2"), bearer(tok))
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		require.Equal(t, "payment.card.number", r.Errors[0].Extensions["field"])

		both := cardVars("PREMIUM", "4242424242424242", "k3")
		both["in"].(map[string]any)["payment"].(map[string]any)["paypal"] = map[string]any{"email": "a@example.com"}
		r = e.gql(nil, subscribeMutation, both, bearer(tok))
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		require.Equal(t, "payment", r.Errors[0].Extensions["field"])

		r = e.gql(nil, subscribeMutation, cardVars("PREMIUM", "4242 4242 4242 4242", "k4"), bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		sub := r.Data["subscribe"].(map[string]any)
		m, p := sub["membership"].(map[string]any), sub["payment"].(map[string]any)
		require.Equal(t, "ACTIVE", m["status"])
		require.Equal(t, "CARD", m["paymentMethod"])
		require.Equal(t, "4242", m["cardLast4"])
		require.Equal(t, "PREMIUM", m["plan"].(map[string]any)["code"])
		require.Equal(t, map[string]any{"status": "SUCCEEDED", "amountCents": float64(1999), "currency": "USD",
			"brand": "Visa", "last4": "4242", "reason": "SUBSCRIBE"}, p)

		// Retrying the same request returns the same answer.
		again := e.gql(nil, subscribeMutation, cardVars("PREMIUM", "4242 4242 4242 4242", "k4"), bearer(tok))
		require.Empty(t, again.Errors, again.Raw)
		require.Equal(t, r.Data, again.Data)

		r = e.gql(nil, `{ me { membership { status } payments(first: 10, orderBy: {field: CREATED_AT, direction: DESC}) {
			totalCount edges { node { status last4 amountCents failureMessage } } } } }`, nil, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		pays := r.Data["me"].(map[string]any)["payments"].(map[string]any)
		require.EqualValues(t, 2, pays["totalCount"], "the decline is kept for the record; bad input never reached the provider")
		edges := pays["edges"].([]any)
		require.Equal(t, "SUCCEEDED", edges[0].(map[string]any)["node"].(map[string]any)["status"])
		failed := edges[1].(map[string]any)["node"].(map[string]any)
		require.Equal(t, "FAILED", failed["status"])
		require.Equal(t, "9995", failed["last4"])

		r = e.gql(nil, `mutation { cancelMembership { status currentPeriodEnd } }`, nil, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, "CANCELED", r.Data["cancelMembership"].(map[string]any)["status"])

		for _, secret := range []string{"4242424242424242", "4000000000009995", "4242 4242 4242 4242"} {
			require.NotContains(t, e.logs.String(), secret)
		}
	})
}

// TestMembershipEndRevokesStreams: when a canceled membership reaches its period end,
// renewal expires it and the viewer's open stream is revoked at once — the heartbeat says
// REVOKED and the signed URL stops working.
func TestParallelPurchasesChargeOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvWith(t, s, pubsub.NewLocal(), func(c *config.Config) { c.SandboxLatency = 100 * time.Millisecond })
		tok := e.viewer("eager@example.com", "US", "")
		// Five purchases at once, each with its own key, then four upgrades at once.
		for _, step := range []struct{ plan, reason string }{{"STANDARD", "SUBSCRIBE"}, {"PREMIUM", "UPGRADE"}} {
			rs := e.gqlParallel(5, func(i int) *http.Request {
				return e.gqlRequest(subscribeMutation, cardVars(step.plan, "4242424242424242", fmt.Sprintf("%s-%d", step.plan, i)), bearer(tok))
			})
			n := codes(rs)
			require.Equal(t, map[string]int{"": 1, "BAD_USER_INPUT": 4}, n, "%s: one charge, the rest find the plan theirs", step.plan)
			for _, r := range rs {
				if r.code() == "BAD_USER_INPUT" {
					require.Equal(t, "plan", r.Errors[0].Extensions["field"], r.Raw)
				}
			}
			paid, err := e.store.Client.Payment.Query().Where(payment.ReasonEQ(payment.Reason(step.reason))).Count(context.Background())
			require.NoError(t, err)
			require.Equal(t, 1, paid, step.reason)
		}
	})
}

func TestMembershipEndRevokesStreams(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.startWorkers()
		admin := e.admin()
		movie := e.readyTitle(admin, `kind: MOVIE, name: "Lapse"`)
		tok := e.viewer("lapse@example.com", "US", "")
		r := e.gql(nil, subscribeMutation, cardVars("BASIC", "4242424242424242", "k"), bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		r = e.start(tok, movie)
		require.Empty(t, r.Errors, r.Raw)
		s := r.Data["startPlayback"].(map[string]any)
		manifest := s["manifestUrl"].(string)
		code, _ := e.status(manifest)
		require.Equal(t, http.StatusOK, code)

		beat := e.heartbeat(tok, s["id"])
		require.Equal(t, "ACTIVE", beat())

		r = e.gql(nil, `mutation { cancelMembership { status } }`, nil, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, "ACTIVE", beat(), "canceling keeps the paid period")
		// The period ends (moved into the past rather than waiting a month).
		n, err := e.store.Client.Membership.Update().Where(membership.StatusEQ(membership.StatusCANCELED)).
			SetCurrentPeriodEnd(time.Now().Add(-time.Second)).Save(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		res, err := e.billing.Renew(ctx)
		require.NoError(t, err)
		require.Equal(t, billing.Renewals{Expired: 1}, res)

		for {
			if st := beat(); st != "ACTIVE" {
				require.Equal(t, "REVOKED", st)
				break
			}
		}
		require.Eventually(t, func() bool {
			code, _ := e.status(manifest)
			return code == http.StatusForbidden
		}, 5*time.Second, 50*time.Millisecond)
		r = e.start(tok, movie)
		require.Equal(t, "SUBSCRIPTION_REQUIRED", r.code(), r.Raw)
		require.False(t, strings.Contains(r.Raw, "sql"))
	})
}
