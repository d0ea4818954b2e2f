package billing

import (
	"log/slog"
	"time"

	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/webhook"
)

// TopicMembershipEnded carries the id of a user whose membership expired, so that every
// replica stops their streams.
const TopicMembershipEnded = "billing.membership_ended"

// TopicPlanChanged carries the id of a user whose plan was lowered (a scheduled downgrade
// took effect), so that every replica ends the streams opened under the old plan.
const TopicPlanChanged = "billing.plan_changed"

// Options tune the membership lifecycle.
type Options struct {
	// Grace is how long a membership whose renewal failed keeps working (PAST_DUE).
	Grace time.Duration
	// RetryEvery is how often a failed renewal is charged again during the grace period.
	RetryEvery time.Duration
	// ProviderTimeout bounds each call to the payment provider. A checkout holds the
	// viewer's account for at most this long and a few seconds more (see hold): a checkout
	// whose process died frees the account then, and a retry with its key takes its PENDING
	// payment over.
	ProviderTimeout time.Duration
	// Now is the clock; tests move it.
	Now func() time.Time
}

// Service subscribes viewers to plans and keeps memberships current.
type Service struct {
	st       *store.Store
	provider Provider
	broker   pubsub.Broker
	log      *slog.Logger
	o        Options
	events   webhook.Emitter
}

// NewService returns a billing service charging through provider.
func NewService(st *store.Store, provider Provider, broker pubsub.Broker, log *slog.Logger, o Options) *Service {
	if o.Grace <= 0 {
		o.Grace = 7 * 24 * time.Hour
	}
	if o.RetryEvery <= 0 {
		o.RetryEvery = 24 * time.Hour
	}
	if o.ProviderTimeout <= 0 {
		o.ProviderTimeout = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{st: st, provider: provider, broker: broker, log: log, o: o}
}

// NextPeriodEnd is when a period starting at t ends: one calendar month later.
func NextPeriodEnd(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
