package billing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// Provider is the payment processor behind subscriptions. Card details cross this
// boundary once, in Tokenize; everything after works with the provider's reusable token,
// so the card number and CVC never reach storage or logs.
type Provider interface {
	// Name is stored with each payment ("sandbox", "stripe", ...).
	Name() string
	// Tokenize exchanges a payment instrument for a reusable token. It may fail with a
	// *Decline (an expired card, a rejected PayPal account).
	Tokenize(ctx context.Context, in Instrument) (Method, error)
	// Charge takes amountCents from a tokenized method. key makes the charge idempotent
	// at the provider: the same key never charges twice. A refusal is a *Decline; any
	// other error means the outcome is unknown.
	Charge(ctx context.Context, m Method, amountCents int, currency, key string) (Receipt, error)
}

// Instrument is what the viewer typed: a card or a PayPal account, exactly one.
type Instrument struct {
	Card   *Card
	PayPal *PayPal
}

// Card holds card details only for the length of one request.
type Card struct {
	Number   CardNumber
	ExpMonth int
	ExpYear  int
	CVC      Secret
	Name     string
}

// PayPal is a PayPal account.
type PayPal struct{ Email string }

// CardNumber is a card's digits. It prints as its last four digits wherever it is
// formatted or logged, so a stray %v or slog attribute cannot leak it.
type CardNumber string

// Last4 is the part of the number that may be shown and stored.
func (n CardNumber) Last4() string {
	if len(n) < 4 {
		return ""
	}
	return string(n[len(n)-4:])
}

// String redacts the number.
func (n CardNumber) String() string { return "••••" + n.Last4() }

// GoString redacts the number for %#v.
func (n CardNumber) GoString() string { return n.String() }

// LogValue redacts the number in structured logs.
func (n CardNumber) LogValue() slog.Value { return slog.StringValue(n.String()) }

// MarshalText redacts the number in JSON and other encodings.
func (n CardNumber) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// Secret is a value such as a CVC that is never printed.
type Secret string

// String redacts the secret.
func (Secret) String() string { return "•••" }

// GoString redacts the secret for %#v.
func (Secret) GoString() string { return "•••" }

// LogValue redacts the secret in structured logs.
func (Secret) LogValue() slog.Value { return slog.StringValue("•••") }

// MarshalText redacts the secret in encodings.
func (Secret) MarshalText() ([]byte, error) { return []byte("•••"), nil }

// Method is a tokenized payment method: the provider's token plus what may be shown.
type Method struct {
	Kind     MethodKind
	Token    string
	Brand    string
	Last4    string
	ExpMonth int
	ExpYear  int
	Email    string
}

// MethodKind tells cards from PayPal.
type MethodKind string

// The payment method kinds.
const (
	MethodCard   MethodKind = "CARD"
	MethodPayPal MethodKind = "PAYPAL"
)

// Receipt is a successful charge.
type Receipt struct{ Ref string }

// Decline is a refusal by the provider: the viewer can fix it (another card) and retry.
type Decline struct {
	// Code is stable and machine-readable: card_declined, insufficient_funds, ...
	Code string
	// Message says why, for the viewer.
	Message string
}

func (d *Decline) Error() string { return fmt.Sprintf("payment declined (%s): %s", d.Code, d.Message) }

// AsDecline reports whether err is a provider's refusal.
func AsDecline(err error) (*Decline, bool) {
	var d *Decline
	ok := errors.As(err, &d)
	return d, ok
}
