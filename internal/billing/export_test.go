package billing

import (
	"context"
	"time"
)

// Validate runs the payment checks Subscribe makes before anything reaches the provider.
func Validate(in *Instrument, now time.Time) error { return in.validate(now) }

// HoldAccount holds userID's account as a checkout does; release is nil when one already does.
func HoldAccount(ctx context.Context, s *Service, userID int) (release func(), err error) {
	h, err := s.tryHold(ctx, userID)
	if h == nil {
		return nil, err
	}
	return func() { h.release(ctx) }, nil
}
