package billing

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/plan"
	"github.com/marquee-org/marquee/ent/schema/hookevent"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/apperr"
)

// SubscribeInput is a viewer's request to join or change plan.
type SubscribeInput struct {
	UserID  int
	Plan    plancode.Code
	Payment Instrument
	// IdempotencyKey makes retries safe: the same key returns the first result.
	IdempotencyKey string
	// QuotedAt is the QuotedAt of the Preview the viewer saw, if any: an upgrade is then
	// prorated as of that instant (within QuoteValidity), so that it costs what was shown.
	QuotedAt *time.Time
}

// Result is the membership after a subscribe, and the payment it took (nil when the
// change needed none, such as a downgrade scheduled for the period end).
type Result struct {
	Membership *ent.Membership
	Payment    *ent.Payment
}

// change is what a subscribe does to the current membership.
type change int

const (
	changeNew        change = iota // no membership in force: charge the full price, new period
	changeUpgrade                  // a dearer plan: charge the prorated difference now
	changeDowngrade                // a cheaper plan: switch at the period end, no charge
	changeReactivate               // the current plan again after cancelling: no charge
	// changeStale is a resumed payment whose change no longer fits the membership (another
	// purchase or an expiry came between): its outcome is recorded, the membership is not
	// touched, and a charge is left to refund.
	changeStale
)

// Subscribe validates the request, charges the provider when the change costs money, and
// records the payment and membership together. A decline leaves the membership as it was.
func (s *Service) Subscribe(ctx context.Context, in SubscribeInput) (*Result, error) {
	now := s.o.Now()
	if err := validateKey(in.IdempotencyKey); err != nil {
		return nil, err
	}
	if !in.Plan.Valid() {
		return nil, apperr.Input("plan", "Unknown plan; choose BASIC, STANDARD or PREMIUM.")
	}
	if err := in.Payment.validate(now); err != nil {
		return nil, err
	}
	hash := requestHash(in)
	h, err := s.hold(ctx, in.UserID)
	if err != nil {
		return nil, err
	}
	defer h.release(ctx)
	// A resumed payment that its first attempt records after all changes under the claim;
	// look again once.
	for range 2 {
		p, err := s.byKey(ctx, in.UserID, in.IdempotencyKey, hash)
		var res *Result
		switch {
		case err != nil:
			return nil, err
		case p == nil:
			res, err = s.subscribe(ctx, h, in, hash, s.o.Now())
		case p.Status == payment.StatusPENDING:
			// This checkout holds the account, so the attempt that wrote this row no
			// longer does: its process died or lost the database between charge and record.
			res, err = s.resume(ctx, h, in, p)
		default:
			res, err = s.replay(ctx, p)
		}
		if !errors.Is(err, errDuplicate) {
			return res, err
		}
	}
	return nil, fmt.Errorf("subscribe: idempotency key kept changing hands")
}

var (
	errDuplicate = errors.New("duplicate idempotency key")
	errRecorded  = errors.New("payment already recorded")
)

func (s *Service) subscribe(ctx context.Context, h *accountHold, in SubscribeInput, hash string, now time.Time) (*Result, error) {
	cur, target, err := s.situation(ctx, in.UserID, in.Plan)
	if err != nil {
		return nil, err
	}
	kind, amount, err := decide(cur, target, now)
	if err != nil {
		return nil, err
	}
	if kind == changeUpgrade {
		amount = prorate(target.PriceCents-cur.Edges.Plan.PriceCents, cur, prorateAt(in.QuotedAt, now))
	}
	if kind == changeDowngrade || kind == changeReactivate {
		return s.changeWithoutCharge(ctx, in, hash, cur, target, kind)
	}

	reason := payment.ReasonSUBSCRIBE
	if kind == changeUpgrade {
		reason = payment.ReasonUPGRADE
	}
	pay, err := s.pending(ctx, in, hash, target, amount, reason)
	if err != nil {
		return nil, err
	}
	return s.ask(ctx, h, in, pay, cur, target, kind, now)
}

// resume takes over a payment abandoned while PENDING and asks the provider again under the
// same key, which answers with the first attempt's charge if there was one instead of making
// a second. The claim moves the row's updated_at, so that an abandoned attempt that comes
// back to record its outcome after all does not also record it here.
func (s *Service) resume(ctx context.Context, h *accountHold, in SubscribeInput, p *ent.Payment) (*Result, error) {
	now := s.o.Now()
	n, err := s.st.Client.Payment.Update().
		Where(payment.ID(p.ID), payment.StatusEQ(payment.StatusPENDING), payment.UpdatedAt(p.UpdatedAt)).
		SetUpdatedAt(now).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("claim abandoned payment: %w", err)
	}
	if n == 0 {
		return nil, errDuplicate // the attempt it abandoned recorded its outcome after all
	}
	s.log.WarnContext(ctx, "resuming abandoned payment", slog.Int("payment_id", p.ID), slog.Int("user_id", in.UserID))
	cur, target, err := s.situation(ctx, in.UserID, p.Plan)
	if err != nil {
		return nil, err
	}
	recorded := changeNew
	if p.Reason == payment.ReasonUPGRADE {
		recorded = changeUpgrade
	}
	if kind, _, err := decide(cur, target, now); err != nil || kind != recorded {
		recorded = changeStale
	}
	return s.ask(ctx, h, in, p, cur, target, recorded, now)
}

// ask asks the provider to pay for the PENDING payment pay and records the outcome.
func (s *Service) ask(ctx context.Context, h *accountHold, in SubscribeInput, pay *ent.Payment, cur *ent.Membership, target *ent.Plan, kind change, now time.Time) (*Result, error) {
	err := h.renew(ctx)
	if err != nil {
		return nil, s.forget(ctx, pay, err)
	}
	pctx, cancel := context.WithTimeout(ctx, s.o.ProviderTimeout)
	defer cancel()
	method, err := s.provider.Tokenize(pctx, in.Payment)
	if err == nil {
		var r Receipt
		r, err = s.provider.Charge(pctx, method, pay.AmountCents, target.Currency, providerKey(in.UserID, in.IdempotencyKey))
		if err == nil {
			return s.succeed(ctx, in.UserID, pay.ID, r, method, cur, target, kind, now)
		}
	}
	if d, ok := AsDecline(err); ok {
		return nil, s.fail(ctx, pay.ID, d)
	}
	return nil, s.forget(ctx, pay, fmt.Errorf("payment provider: %w", err))
}

// forget drops a PENDING attempt that got no answer from the provider, or never asked it,
// so that a retry with the same key asks again; the provider's own idempotency key keeps
// that from charging twice. It returns what the client is told.
func (s *Service) forget(ctx context.Context, pay *ent.Payment, cause error) error {
	if _, err := s.st.Client.Payment.Delete().Where(payment.ID(pay.ID), payment.StatusEQ(payment.StatusPENDING)).Exec(context.WithoutCancel(ctx)); err != nil {
		s.log.ErrorContext(ctx, "forget unanswered payment", slog.Int("payment_id", pay.ID), slog.Any("err", err))
	}
	if errors.Is(cause, errHoldLost) {
		return apperr.Later(apperr.NotReady, time.Second, "The purchase took too long and was not made.")
	}
	return cause
}

// situation reads the viewer's membership (nil for none) and the plan they asked for.
func (s *Service) situation(ctx context.Context, userID int, code plancode.Code) (*ent.Membership, *ent.Plan, error) {
	target, err := s.st.Client.Plan.Query().Where(plan.CodeEQ(code)).Only(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("find plan %s: %w", code, err)
	}
	cur, err := s.st.Client.Membership.Query().Where(membership.UserID(userID)).WithPlan().Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, nil, fmt.Errorf("find membership: %w", err)
	}
	return cur, target, nil
}

// decide picks the change and its price. Plans are ordered by price.
func decide(cur *ent.Membership, target *ent.Plan, now time.Time) (change, int, error) {
	if cur == nil || cur.Status == membership.StatusEXPIRED || cur.Status == membership.StatusPAST_DUE || !Entitles(cur, now) {
		return changeNew, target.PriceCents, nil
	}
	have := cur.Edges.Plan
	switch {
	case have.ID == target.ID && cur.Status == membership.StatusCANCELED:
		return changeReactivate, 0, nil
	case have.ID == target.ID && cur.PendingPlan != nil:
		// Staying on the current plan undoes a scheduled downgrade.
		return changeReactivate, 0, nil
	case have.ID == target.ID:
		return 0, 0, apperr.Input("plan", "You are already on the %s plan.", have.Name)
	case target.PriceCents < have.PriceCents:
		if cur.PendingPlan != nil && *cur.PendingPlan == target.Code && cur.Status == membership.StatusACTIVE {
			return 0, 0, apperr.Input("plan", "Your plan already changes to %s on %s.", target.Name, cur.CurrentPeriodEnd.Format("January 2"))
		}
		return changeDowngrade, 0, nil
	}
	return changeUpgrade, prorate(target.PriceCents-have.PriceCents, cur, now), nil
}

// prorate charges the price difference for the part of the period that is left.
func prorate(diff int, m *ent.Membership, now time.Time) int {
	start := m.CurrentPeriodEnd.AddDate(0, -1, 0)
	if m.CurrentPeriodStart != nil {
		start = *m.CurrentPeriodStart
	}
	total := m.CurrentPeriodEnd.Sub(start)
	left := m.CurrentPeriodEnd.Sub(now)
	if total <= 0 || left <= 0 {
		return 0
	}
	return int(math.Round(float64(diff) * min(1, float64(left)/float64(total))))
}

// pending records the attempt before the provider is called.
func (s *Service) pending(ctx context.Context, in SubscribeInput, hash string, target *ent.Plan, amount int, reason payment.Reason) (*ent.Payment, error) {
	p, err := s.newPayment(s.st.Client, in, hash, target, amount, reason).SetStatus(payment.StatusPENDING).Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, errDuplicate
	}
	if err != nil {
		return nil, fmt.Errorf("record payment: %w", err)
	}
	return p, nil
}

// newPayment is the record of what in asks for, without card data beyond a receipt's.
func (s *Service) newPayment(client *ent.Client, in SubscribeInput, hash string, target *ent.Plan, amount int, reason payment.Reason) *ent.PaymentCreate {
	c := client.Payment.Create().
		SetUserID(in.UserID).SetPlan(target.Code).SetAmountCents(amount).SetCurrency(target.Currency).
		SetReason(reason).SetProvider(s.provider.Name()).
		SetIdempotencyKey(in.IdempotencyKey).SetRequestHash(hash).SetUpdatedAt(s.o.Now())
	if card := in.Payment.Card; card != nil {
		c.SetMethod(payment.MethodCARD).SetBrand(CardBrand(string(card.Number))).SetLast4(card.Number.Last4()).
			SetExpMonth(card.ExpMonth).SetExpYear(card.ExpYear)
	} else {
		c.SetMethod(payment.MethodPAYPAL).SetBrand("PayPal").SetPaypalEmail(in.Payment.PayPal.Email)
	}
	return c
}

// succeed marks the payment paid and applies the change in one transaction.
func (s *Service) succeed(ctx context.Context, userID, payID int, r Receipt, m Method, cur *ent.Membership, target *ent.Plan, kind change, now time.Time) (*Result, error) {
	ctx = context.WithoutCancel(ctx) // the money moved: record it even if the client left
	start, end := now, NextPeriodEnd(now)
	if kind == changeUpgrade {
		// The period stays; the new plan applies now and any scheduled change is moot.
		start, end = periodStart(cur), cur.CurrentPeriodEnd
	}
	var memID int
	err := s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		n, err := client.Payment.Update().Where(payment.ID(payID), payment.StatusEQ(payment.StatusPENDING)).
			SetStatus(payment.StatusSUCCEEDED).SetProviderRef(r.Ref).Save(ctx)
		if err != nil {
			return fmt.Errorf("mark payment paid: %w", err)
		}
		if n == 0 {
			return errRecorded
		}
		if err := s.paymentSettled(ctx, tx, client, payID, payment.StatusSUCCEEDED); err != nil {
			return err
		}
		if kind == changeStale {
			return nil // paid, and nothing more to apply
		}
		memID, err = client.Membership.Create().
			SetUserID(userID).SetPlanID(target.ID).SetStatus(membership.StatusACTIVE).
			SetCurrentPeriodStart(start).SetCurrentPeriodEnd(end).
			SetPaymentProvider(s.provider.Name()).SetPaymentToken(m.Token).
			SetPaymentMethod(membership.PaymentMethod(m.Kind)).SetCardBrand(m.Brand).SetCardLast4(m.Last4).
			OnConflictColumns(membership.FieldUserID).UpdateNewValues().
			ClearPendingPlan().ClearCanceledAt().ClearGraceUntil().ClearNextRetryAt().
			ID(ctx)
		if err != nil {
			return fmt.Errorf("apply membership: %w", err)
		}
		event := hookevent.MembershipChanged
		if kind == changeNew {
			event = hookevent.MembershipStarted
		}
		return s.membershipEvent(ctx, tx, client, event, memID)
	})
	if errors.Is(err, errRecorded) || (err == nil && kind == changeStale) {
		// A retry that took this attempt over for abandoned recorded the same charge first,
		// or this one recorded a charge whose change no longer applies.
		if err == nil {
			s.log.ErrorContext(ctx, "payment recorded for a plan change that no longer applies; refund it",
				slog.Int("user_id", userID), slog.Int("payment_id", payID))
		}
		if memID, err = s.st.Client.Membership.Query().Where(membership.UserID(userID)).OnlyID(ctx); err != nil {
			return nil, fmt.Errorf("find membership: %w", err)
		}
		return s.result(ctx, memID, payID)
	}
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "payment succeeded", slog.Int("user_id", userID), slog.Int("payment_id", payID),
		slog.String("plan", string(target.Code)), slog.String("method", string(m.Kind)))
	return s.result(ctx, memID, payID)
}

func periodStart(m *ent.Membership) time.Time {
	if m.CurrentPeriodStart != nil {
		return *m.CurrentPeriodStart
	}
	return m.CurrentPeriodEnd.AddDate(0, -1, 0)
}

// changeWithoutCharge schedules a downgrade or undoes a cancellation. The method the
// viewer gave is checked with the provider and becomes the one renewals charge. The change
// is recorded under its idempotency key as a payment of 0, so that a retry answers as the
// first request did.
func (s *Service) changeWithoutCharge(ctx context.Context, in SubscribeInput, hash string, cur *ent.Membership, target *ent.Plan, kind change) (*Result, error) {
	pctx, cancel := context.WithTimeout(ctx, s.o.ProviderTimeout)
	defer cancel()
	m, err := s.provider.Tokenize(pctx, in.Payment)
	if d, ok := AsDecline(err); ok {
		return nil, declined(d)
	}
	if err != nil {
		return nil, fmt.Errorf("payment provider: %w", err)
	}
	reason := payment.ReasonREACTIVATE
	if kind == changeDowngrade {
		reason = payment.ReasonDOWNGRADE
	}
	err = s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		u := client.Membership.UpdateOneID(cur.ID).
			SetStatus(membership.StatusACTIVE).ClearCanceledAt().
			SetPaymentProvider(s.provider.Name()).SetPaymentToken(m.Token).
			SetPaymentMethod(membership.PaymentMethod(m.Kind)).SetCardBrand(m.Brand).SetCardLast4(m.Last4)
		if kind == changeDowngrade {
			u.SetPendingPlan(target.Code)
		} else {
			u.ClearPendingPlan()
		}
		if err := u.Exec(ctx); err != nil {
			return fmt.Errorf("change membership: %w", err)
		}
		err := s.newPayment(client, in, hash, target, 0, reason).SetStatus(payment.StatusSUCCEEDED).Exec(ctx)
		if ent.IsConstraintError(err) {
			return errDuplicate
		}
		if err != nil {
			return fmt.Errorf("record plan change: %w", err)
		}
		return s.membershipEvent(ctx, tx, client, hookevent.MembershipChanged, cur.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.result(ctx, cur.ID, 0)
}

// fail keeps the declined attempt for the record and answers with its reason.
func (s *Service) fail(ctx context.Context, payID int, d *Decline) error {
	// Only from PENDING: a resumed attempt may have recorded the payment first.
	ctx = context.WithoutCancel(ctx)
	err := s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
		n, err := client.Payment.Update().Where(payment.ID(payID), payment.StatusEQ(payment.StatusPENDING)).
			SetStatus(payment.StatusFAILED).SetFailureCode(d.Code).SetFailureMessage(d.Message).
			Save(ctx)
		if err != nil || n == 0 {
			return err
		}
		return s.paymentSettled(ctx, tx, client, payID, payment.StatusFAILED)
	})
	if err != nil {
		return fmt.Errorf("record declined payment: %w", err)
	}
	s.log.InfoContext(ctx, "payment declined", slog.Int("payment_id", payID), slog.String("code", d.Code))
	return declined(d)
}

func declined(d *Decline) error {
	e := apperr.New(apperr.PaymentDeclined, "%s", d.Message)
	e.Field = "payment"
	return e
}

// byKey finds the payment recorded under the viewer's idempotency key, nil for a new key. A
// key used for a different request is BAD_USER_INPUT.
func (s *Service) byKey(ctx context.Context, userID int, key, hash string) (*ent.Payment, error) {
	p, err := s.st.Client.Payment.Query().
		Where(payment.UserID(userID), payment.IdempotencyKey(key)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find payment by key: %w", err)
	}
	if p.RequestHash != hash {
		return nil, apperr.Input("idempotencyKey", "This idempotency key was already used for a different request; use a new key.")
	}
	return p, nil
}

// replay answers a key seen before with its first outcome.
func (s *Service) replay(ctx context.Context, p *ent.Payment) (*Result, error) {
	if p.Status == payment.StatusFAILED {
		return nil, declined(&Decline{Code: p.FailureCode, Message: p.FailureMessage})
	}
	m, err := s.st.Client.Membership.Query().Where(membership.UserID(p.UserID)).OnlyID(ctx)
	if err != nil {
		return nil, fmt.Errorf("find membership: %w", err)
	}
	payID := p.ID
	if p.Reason == payment.ReasonDOWNGRADE || p.Reason == payment.ReasonREACTIVATE {
		payID = 0 // the first answer carried no payment: the change charged nothing
	}
	return s.result(ctx, m, payID)
}

func (s *Service) result(ctx context.Context, memID, payID int) (*Result, error) {
	m, err := s.st.Client.Membership.Query().Where(membership.ID(memID)).WithPlan().Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("read membership: %w", err)
	}
	res := &Result{Membership: m}
	if payID != 0 {
		if res.Payment, err = s.st.Client.Payment.Get(ctx, payID); err != nil {
			return nil, fmt.Errorf("read payment: %w", err)
		}
	}
	return res, nil
}

func validateKey(k string) error {
	if k == "" || len(k) > 200 || strings.ContainsFunc(k, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return apperr.Input("idempotencyKey", "Send an idempotency key of 1 to 200 printable characters, new for each purchase (a UUID).")
	}
	return nil
}

// requestHash identifies what was asked without keeping card data: the card is known by
// brand, last four digits and expiry, as on a receipt.
func requestHash(in SubscribeInput) string {
	h := sha256.New()
	parts := []string{string(in.Plan)}
	if c := in.Payment.Card; c != nil {
		parts = append(parts, "card", CardBrand(string(c.Number)), c.Number.Last4(),
			strconv.Itoa(c.ExpMonth), strconv.Itoa(c.ExpYear), c.Name)
	} else {
		parts = append(parts, "paypal", in.Payment.PayPal.Email)
	}
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// providerKey scopes a viewer's key so that two viewers' keys never meet at the provider.
func providerKey(userID int, key string) string { return "sub:" + strconv.Itoa(userID) + ":" + key }

// Cancel stops renewal: the membership stays usable until the period ends, then expires.
// It waits for a checkout of the account in progress.
func (s *Service) Cancel(ctx context.Context, userID int) (*ent.Membership, error) {
	// After any checkout in progress: one that reactivated or downgraded after this read
	// would undo the cancellation.
	h, err := s.hold(ctx, userID)
	if err != nil {
		return nil, err
	}
	defer h.release(ctx)
	m, err := s.st.Client.Membership.Query().Where(membership.UserID(userID)).Only(ctx)
	if ent.IsNotFound(err) || (err == nil && !Entitles(m, s.o.Now())) {
		return nil, apperr.New(apperr.NotFound, "You have no membership to cancel.")
	}
	if err != nil {
		return nil, fmt.Errorf("find membership: %w", err)
	}
	if m.Status != membership.StatusCANCELED {
		err = s.st.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
			err := client.Membership.UpdateOneID(m.ID).SetStatus(membership.StatusCANCELED).
				SetCanceledAt(s.o.Now()).ClearPendingPlan().Exec(ctx)
			if err != nil {
				return fmt.Errorf("cancel membership: %w", err)
			}
			return s.membershipEvent(ctx, tx, client, hookevent.MembershipChanged, m.ID)
		})
		if err != nil {
			return nil, err
		}
	}
	return s.st.Client.Membership.Query().Where(membership.ID(m.ID)).WithPlan().Only(ctx)
}
