package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/plan"
	"github.com/marquee-org/marquee/ent/schema/hookevent"
)

// Renewals is what one pass of Renew did.
type Renewals struct {
	Renewed, Failed, Expired int
}

// Renew moves every membership that is due: active ones at their period end are charged
// for the next period (a scheduled downgrade applies first), failed ones become PAST_DUE
// and are retried during the grace period, and canceled or unpaid ones expire — which
// stops their streams on every replica. Safe to run on several processes at once: each
// charge carries a key derived from the membership and its period.
func (s *Service) Renew(ctx context.Context) (Renewals, error) {
	now := s.o.Now()
	var out Renewals
	due, err := s.st.Client.Membership.Query().Where(membership.Or(
		membership.And(membership.StatusEQ(membership.StatusACTIVE), membership.CurrentPeriodEndLTE(now)),
		membership.And(membership.StatusEQ(membership.StatusPAST_DUE), membership.NextRetryAtLTE(now)),
		membership.And(membership.StatusEQ(membership.StatusPAST_DUE), membership.GraceUntilLTE(now)),
		membership.And(membership.StatusEQ(membership.StatusCANCELED), membership.CurrentPeriodEndLTE(now)),
	)).WithPlan().All(ctx)
	if err != nil {
		return out, fmt.Errorf("find due memberships: %w", err)
	}
	var errs []error
	for _, m := range due {
		if m.Status == membership.StatusCANCELED || (m.Status == membership.StatusPAST_DUE && !now.Before(*m.GraceUntil)) {
			if err := s.expire(ctx, m); err != nil {
				errs = append(errs, err)
			} else {
				out.Expired++
			}
			continue
		}
		ok, err := s.chargeHeld(ctx, m, now)
		switch {
		case errors.Is(err, errHeld):
			// Left for the next pass.
		case err != nil:
			errs = append(errs, err)
		case ok:
			out.Renewed++
		default:
			out.Failed++
		}
	}
	return out, errors.Join(errs...)
}

// errHeld says a renewal was left for the next pass: a checkout holds the account, or
// changed the membership while it did.
var errHeld = errors.New("account held by a checkout")

// chargeHeld charges m's renewal while holding its account, so that a renewal and a
// checkout of the same account never both charge for one period. An account a checkout
// holds is left for the next pass, as is a membership the checkout changed.
func (s *Service) chargeHeld(ctx context.Context, m *ent.Membership, now time.Time) (bool, error) {
	h, err := s.tryHold(ctx, m.UserID)
	if err != nil {
		return false, err
	}
	if h == nil {
		return false, errHeld
	}
	defer h.release(ctx)
	cur, err := s.st.Client.Membership.Query().Where(membership.ID(m.ID)).WithPlan().Only(ctx)
	if err != nil {
		return false, fmt.Errorf("reread membership %d: %w", m.ID, err)
	}
	if cur.Status != m.Status || !cur.CurrentPeriodEnd.Equal(m.CurrentPeriodEnd) {
		return false, errHeld
	}
	return s.charge(ctx, cur, now)
}

// charge bills the next period of m. It reports whether the charge went through.
func (s *Service) charge(ctx context.Context, m *ent.Membership, now time.Time) (bool, error) {
	p := m.Edges.Plan
	if m.PendingPlan != nil {
		var err error
		if p, err = s.st.Client.Plan.Query().Where(plan.CodeEQ(*m.PendingPlan)).Only(ctx); err != nil {
			return false, fmt.Errorf("find plan %s: %w", *m.PendingPlan, err)
		}
	}
	// A retry during the grace period starts a fresh period from now; an on-time
	// renewal continues from the period end, so no day is lost or given away.
	start := m.CurrentPeriodEnd
	if m.Status == membership.StatusPAST_DUE {
		start = now
	}
	key := "renewal:" + strconv.Itoa(m.ID) + ":" + strconv.FormatInt(m.CurrentPeriodEnd.Unix(), 10)
	if m.Status == membership.StatusPAST_DUE {
		key += ":" + strconv.FormatInt(m.NextRetryAt.Unix(), 10)
	}
	pay, err := s.st.Client.Payment.Create().
		SetUserID(m.UserID).SetPlan(p.Code).SetAmountCents(p.PriceCents).SetCurrency(p.Currency).
		SetStatus(payment.StatusPENDING).SetReason(payment.ReasonRENEWAL).SetProvider(s.provider.Name()).
		SetMethod(methodOrCard(m.PaymentMethod)).SetBrand(m.CardBrand).SetLast4(m.CardLast4).
		SetIdempotencyKey(key).Save(ctx)
	if ent.IsConstraintError(err) {
		return false, nil // another process is renewing this period
	}
	if err != nil {
		return false, fmt.Errorf("record renewal: %w", err)
	}

	var r Receipt
	if m.PaymentToken == "" {
		err = &Decline{Code: "no_payment_method", Message: "There is no saved payment method to renew with."}
	} else {
		pctx, cancel := context.WithTimeout(ctx, s.o.ProviderTimeout)
		r, err = s.provider.Charge(pctx, Method{Token: m.PaymentToken}, p.PriceCents, p.Currency, key)
		cancel()
	}
	d, declined := AsDecline(err)
	if err != nil && !declined {
		// Unknown outcome: drop the attempt; the next pass asks again with the same key.
		_, _ = s.st.Client.Payment.Delete().Where(payment.ID(pay.ID)).Exec(context.WithoutCancel(ctx))
		return false, fmt.Errorf("renew membership %d: %w", m.ID, err)
	}
	ctx = context.WithoutCancel(ctx)
	err = s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		if declined {
			if err := client.Payment.UpdateOneID(pay.ID).SetStatus(payment.StatusFAILED).
				SetFailureCode(d.Code).SetFailureMessage(d.Message).Exec(ctx); err != nil {
				return err
			}
			u := client.Membership.UpdateOneID(m.ID).SetStatus(membership.StatusPAST_DUE).
				SetNextRetryAt(now.Add(s.o.RetryEvery))
			if m.Status != membership.StatusPAST_DUE {
				u.SetGraceUntil(m.CurrentPeriodEnd.Add(s.o.Grace))
			}
			if err := u.Exec(ctx); err != nil {
				return err
			}
			if err := s.paymentSettled(ctx, tx, client, pay.ID, payment.StatusFAILED); err != nil {
				return err
			}
			if m.Status == membership.StatusPAST_DUE {
				return nil // already past due: only the payment is news
			}
			return s.membershipEvent(ctx, tx, client, hookevent.MembershipChanged, m.ID)
		}
		if err := client.Payment.UpdateOneID(pay.ID).SetStatus(payment.StatusSUCCEEDED).SetProviderRef(r.Ref).Exec(ctx); err != nil {
			return err
		}
		err := client.Membership.UpdateOneID(m.ID).SetStatus(membership.StatusACTIVE).SetPlanID(p.ID).
			SetCurrentPeriodStart(start).SetCurrentPeriodEnd(NextPeriodEnd(start)).
			ClearPendingPlan().ClearGraceUntil().ClearNextRetryAt().Exec(ctx)
		if err != nil {
			return err
		}
		if err := s.paymentSettled(ctx, tx, client, pay.ID, payment.StatusSUCCEEDED); err != nil {
			return err
		}
		// A renewal is news to integrators when it changed something: the plan (a downgrade
		// taking effect) or the standing (back from past due).
		if m.PendingPlan == nil && m.Status != membership.StatusPAST_DUE {
			return nil
		}
		return s.membershipEvent(ctx, tx, client, hookevent.MembershipChanged, m.ID)
	})
	if err != nil {
		return false, fmt.Errorf("record renewal of membership %d: %w", m.ID, err)
	}
	if declined {
		s.log.InfoContext(ctx, "renewal declined", slog.Int("membership_id", m.ID), slog.String("code", d.Code))
	}
	if !declined && m.PendingPlan != nil && p.ID != m.Edges.Plan.ID {
		// A downgrade took effect: streams opened under the old plan's limits (its height, its
		// titles) end, and their keys with them; the viewer starts again under the new plan.
		if err := s.broker.Publish(ctx, TopicPlanChanged, []byte(strconv.Itoa(m.UserID))); err != nil {
			s.log.WarnContext(ctx, "announce plan change", slog.Int("user_id", m.UserID), slog.Any("err", err))
		}
	}
	return !declined, nil
}

func methodOrCard(m *membership.PaymentMethod) payment.Method {
	if m != nil && *m == membership.PaymentMethodPAYPAL {
		return payment.MethodPAYPAL
	}
	return payment.MethodCARD
}

// expire ends m and tells every replica to stop the viewer's streams.
func (s *Service) expire(ctx context.Context, m *ent.Membership) error {
	var n int
	err := s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		var err error
		n, err = client.Membership.Update().
			Where(membership.ID(m.ID), membership.StatusEQ(m.Status)).
			SetStatus(membership.StatusEXPIRED).ClearPendingPlan().ClearNextRetryAt().Save(ctx)
		if err != nil || n == 0 {
			return err
		}
		return s.membershipEvent(ctx, tx, client, hookevent.MembershipEnded, m.ID)
	})
	if err != nil {
		return fmt.Errorf("expire membership %d: %w", m.ID, err)
	}
	if n == 0 {
		return nil // changed meanwhile (renewed, re-subscribed, or expired elsewhere)
	}
	if err := s.broker.Publish(ctx, TopicMembershipEnded, []byte(strconv.Itoa(m.UserID))); err != nil {
		s.log.WarnContext(ctx, "announce membership end", slog.Int("user_id", m.UserID), slog.Any("err", err))
	}
	return nil
}

// RenewArgs is the periodic renewal job.
type RenewArgs struct{}

// Kind implements river.JobArgs.
func (RenewArgs) Kind() string { return "billing.renew" }

// RenewWorker runs Renew as a River job.
type RenewWorker struct {
	river.WorkerDefaults[RenewArgs]
	s *Service
}

// NewRenewWorker returns the worker for RenewArgs.
func NewRenewWorker(s *Service) *RenewWorker { return &RenewWorker{s: s} }

// Work implements river.Worker.
func (w *RenewWorker) Work(ctx context.Context, _ *river.Job[RenewArgs]) error {
	r, err := w.s.Renew(ctx)
	if r != (Renewals{}) {
		w.s.log.InfoContext(ctx, "memberships renewed",
			slog.Int("renewed", r.Renewed), slog.Int("failed", r.Failed), slog.Int("expired", r.Expired))
	}
	return err
}
