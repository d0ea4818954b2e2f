package billing

import (
	"context"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/apperr"
)

// Change names what a subscribe to a plan would do, for people.
type Change string

// The changes a preview can announce.
const (
	ChangeNew       Change = "NEW"
	ChangeUpgrade   Change = "UPGRADE"
	ChangeDowngrade Change = "DOWNGRADE"
	ChangeResume    Change = "RESUME"
)

// QuoteValidity is how long a preview's price holds: a subscribe that names the preview's
// QuotedAt within it is prorated as of that instant, so the amount shown is the amount
// charged.
const QuoteValidity = time.Hour

// Preview is what subscribing to a plan would do now, before any payment.
type Preview struct {
	Plan   *ent.Plan
	Change Change
	// AmountCents is charged at once: the full price for a new membership, the prorated
	// difference for an upgrade, nothing for a downgrade or a resume.
	AmountCents int
	Currency    string
	// EffectiveAt is when the plan applies: now, or the period end for a downgrade.
	EffectiveAt time.Time
	// RenewsAt is when the plan's full price is next charged.
	RenewsAt time.Time
	// QuotedAt is the instant the price was computed for; pass it to Subscribe.
	QuotedAt time.Time
}

// Preview tells a viewer what subscribing to code would change and cost, with the same
// rules Subscribe applies; nothing is written.
func (s *Service) Preview(ctx context.Context, userID int, code plancode.Code) (*Preview, error) {
	if !code.Valid() {
		return nil, apperr.Input("plan", "Unknown plan; choose BASIC, STANDARD or PREMIUM.")
	}
	now := s.o.Now()
	cur, target, err := s.situation(ctx, userID, code)
	if err != nil {
		return nil, err
	}
	kind, amount, err := decide(cur, target, now)
	if err != nil {
		return nil, err
	}
	p := &Preview{Plan: target, AmountCents: amount, Currency: target.Currency, EffectiveAt: now, QuotedAt: now}
	switch kind {
	case changeNew:
		p.Change, p.RenewsAt = ChangeNew, now.AddDate(0, 1, 0)
	case changeUpgrade:
		p.Change, p.RenewsAt = ChangeUpgrade, cur.CurrentPeriodEnd
	case changeDowngrade:
		p.Change, p.EffectiveAt, p.RenewsAt = ChangeDowngrade, cur.CurrentPeriodEnd, cur.CurrentPeriodEnd
	default:
		p.Change, p.RenewsAt = ChangeResume, cur.CurrentPeriodEnd
	}
	return p, nil
}

// prorateAt is the instant an upgrade is prorated as of: the preview's, when the viewer
// saw one lately, else now.
func prorateAt(quoted *time.Time, now time.Time) time.Time {
	if quoted != nil && !quoted.After(now) && now.Sub(*quoted) <= QuoteValidity {
		return *quoted
	}
	return now
}
