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

// paymentSettled announces a payment that has just become st (SUCCEEDED or FAILED). A
// payment settles once, so announcing it again delivers nothing new.
func (s *Service) paymentSettled(ctx context.Context, tx *sql.Tx, client *ent.Client, payID int, st payment.Status) error {
	typ := hookevent.PaymentSucceeded
	if st == payment.StatusFAILED {
		typ = hookevent.PaymentFailed
	}
	return webhook.Emit(ctx, s.events, tx, client, webhook.Event{
		Type: typ, Key: "payment:" + strconv.Itoa(payID) + ":" + string(st),
		Data: func() (map[string]any, error) {
			p, err := client.Payment.Get(ctx, payID)
			if err != nil {
				return nil, fmt.Errorf("find payment: %w", err)
			}
			data := map[string]any{
				"paymentId": p.ID, "userId": p.UserID, "plan": p.Plan, "amountCents": p.AmountCents,
				"currency": p.Currency, "reason": p.Reason, "status": p.Status,
			}
			if p.FailureCode != "" {
				data["failureCode"] = p.FailureCode
			}
			return data, nil
		},
	})
}

// membershipEvent announces a membership as it is now in client's transaction.
func (s *Service) membershipEvent(ctx context.Context, tx *sql.Tx, client *ent.Client, typ hookevent.Event, memID int) error {
	return webhook.Emit(ctx, s.events, tx, client, webhook.Event{Type: typ, Data: func() (map[string]any, error) {
		m, err := client.Membership.Query().Where(membership.ID(memID)).WithPlan().Only(ctx)
		if err != nil {
			return nil, fmt.Errorf("find membership: %w", err)
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
		return data, nil
	}})
}
