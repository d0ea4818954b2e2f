// Package apperr defines the errors a client may see. Domain packages return them; the
// GraphQL error presenter turns them into extensions.code values from the public contract
// and hides every other error behind INTERNAL.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Code is a public error code (extensions.code).
type Code string

// The codes of the public contract.
const (
	Unauthenticated         Code = "UNAUTHENTICATED"
	Forbidden               Code = "FORBIDDEN"
	BadUserInput            Code = "BAD_USER_INPUT"
	NotFound                Code = "NOT_FOUND"
	InvalidCredentials      Code = "INVALID_CREDENTIALS"
	EmailTaken              Code = "EMAIL_TAKEN"
	RateLimited             Code = "RATE_LIMITED"
	SubscriptionRequired    Code = "SUBSCRIPTION_REQUIRED"
	PlanTooLow              Code = "PLAN_TOO_LOW"
	RegionUnavailable       Code = "REGION_UNAVAILABLE"
	MaturityRestricted      Code = "MATURITY_RESTRICTED"
	PINRequired             Code = "PIN_REQUIRED"
	StreamLimitReached      Code = "STREAM_LIMIT_REACHED"
	NotReady                Code = "NOT_READY"
	PaymentDeclined         Code = "PAYMENT_DECLINED"
	ComplexityLimitExceeded Code = "COMPLEXITY_LIMIT_EXCEEDED"
	Internal                Code = "INTERNAL"
)

// Error is a failure the client caused or may act on.
type Error struct {
	Code    Code
	Message string
	// Field names the offending input for BAD_USER_INPUT, e.g. "email" or "payment.card.number".
	Field string
	// Extra carries additional public extensions (e.g. a decline reason).
	Extra map[string]any
	// Err is the cause, for logs only; never shown to clients.
	Err error
}

func (e *Error) Error() string {
	msg := string(e.Code) + ": " + e.Message
	if e.Field != "" {
		msg += " (" + e.Field + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a human message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Input returns a BAD_USER_INPUT error naming the offending field.
func Input(field, format string, args ...any) *Error {
	return &Error{Code: BadUserInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Later returns an error after which the client should try again in wait, rounded to whole
// seconds and at least one: the message says why, and ends with the wait, which is also
// sent as extensions.retryAfterSeconds.
func Later(code Code, wait time.Duration, why string) *Error {
	secs := max(int(wait.Round(time.Second)/time.Second), 1)
	return &Error{Code: code, Message: fmt.Sprintf("%s Try again in %d seconds.", why, secs),
		Extra: map[string]any{"retryAfterSeconds": secs}}
}

// As extracts an *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool {
	e, ok := As(err)
	return ok && e.Code == code
}
