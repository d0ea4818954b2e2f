package billing

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/schema/hookevent"
	"github.com/marquee-org/marquee/internal/webhook"
)

// EmitTo makes the service announce membership and payment events to em (webhooks), in
// the transactions that record them. Call before serving.
func (s *Service) EmitTo(em webhook.Emitter) { s.events = em }

// paymentSettled announces a payment that succeeded or failed. A payment settles once, so
// announcing it again delivers nothing new.
func (s *Service) paymentSettled(ctx context.Context, tx *sql.Tx, client *ent.Client, payID int) error {
	p, err := client.Payment.Get(ctx, payID)
	if err != nil {
		return fmt.Errorf("find payment: %w", err)
	}
	typ := hookevent.PaymentSucceeded
	if p.Status == payment.StatusFAILED {
		typ = hookevent.PaymentFailed
	}
	data := map[string]any{
		"paymentId": p.ID, "userId": p.UserID, "plan": p.Plan, "amountCents": p.AmountCents,
		"currency": p.Currency, "reason": p.Reason, "status": p.Status,
	}
	if p.FailureCode != "" {
		data["failureCode"] = p.FailureCode
	}
	return webhook.Emit(ctx, s.events, tx, client, webhook.Event{
		Type: typ, Key: "payment:" + strconv.Itoa(p.ID) + ":" + string(p.Status), Data: data,
	})
}

// membershipEvent announces a membership as it is now in client's transaction.
func (s *Service) membershipEvent(ctx context.Context, tx *sql.Tx, client *ent.Client, typ hookevent.Event, memID int) error {
	m, err := client.Membership.Query().Where(membership.ID(memID)).WithPlan().Only(ctx)
	if err != nil {
		return fmt.Errorf("find membership: %w", err)
	}
	data := map[string]any{
		"membershipId": m.ID, "userId": m.UserID, "status": m.Status,
		"currentPeriodEnd": m.CurrentPeriodEnd,
	}
	if m.Edges.Plan != nil {
		data["plan"] = m.Edges.Plan.Code
	}
	if m.PendingPlan != nil {
		data["pendingPlan"] = *m.PendingPlan
	}
	return webhook.Emit(ctx, s.events, tx, client, webhook.Event{Type: typ, Data: data})
}
