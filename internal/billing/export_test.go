package billing

import "time"

// Validate runs the payment checks Subscribe makes before anything reaches the provider.
func Validate(in *Instrument, now time.Time) error { return in.validate(now) }
