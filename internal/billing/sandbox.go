package billing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"
)

// Sandbox is the default provider: a real implementation of Provider that moves no
// money. Test cards and PayPal addresses choose the outcome (docs/PAYMENTS.md):
//
//	4242 4242 4242 4242   succeeds (as does any other valid number)
//	4000 0000 0000 0002   declined at charge: card_declined
//	4000 0000 0000 9995   declined at charge: insufficient_funds
//	4000 0000 0000 0069   refused when saved: expired_card
//	4000 0000 0000 0127   refused when saved: incorrect_cvc
//	declined@…            PayPal declines the charge
//
// Charges are idempotent per key for the life of the process, like a processor's.
type Sandbox struct {
	// Latency, when set, delays every call as a network round trip would.
	Latency time.Duration

	mu      sync.Mutex
	charged map[string]Receipt
}

// NewSandbox returns a sandbox provider.
func NewSandbox(latency time.Duration) *Sandbox {
	return &Sandbox{Latency: latency, charged: map[string]Receipt{}}
}

// Name implements Provider.
func (*Sandbox) Name() string { return "sandbox" }

// The outcome of a sandbox method is part of its token, so a saved method keeps its
// behaviour across restarts and replicas, as a real processor's would.
const (
	sandboxPrefix      = "pm_sbx_"
	outcomeOK          = "ok"
	outcomeDeclined    = "card_declined"
	outcomeNoFunds     = "insufficient_funds"
	outcomePayPalNoAck = "paypal_declined"
)

var sandboxCards = map[string]struct{ tokenize, charge string }{
	"4000000000000002": {charge: outcomeDeclined},
	"4000000000009995": {charge: outcomeNoFunds},
	"4000000000000069": {tokenize: "expired_card"},
	"4000000000000127": {tokenize: "incorrect_cvc"},
}

var declineMessages = map[string]string{
	outcomeDeclined:    "Your card was declined.",
	outcomeNoFunds:     "Your card has insufficient funds.",
	"expired_card":     "Your card has expired.",
	"incorrect_cvc":    "Your card's security code is incorrect.",
	outcomePayPalNoAck: "PayPal declined the payment.",
}

// Tokenize implements Provider.
func (s *Sandbox) Tokenize(ctx context.Context, in Instrument) (Method, error) {
	if err := s.wait(ctx); err != nil {
		return Method{}, err
	}
	if p := in.PayPal; p != nil {
		outcome := outcomeOK
		if local, _, _ := strings.Cut(p.Email, "@"); strings.EqualFold(local, "declined") {
			outcome = outcomePayPalNoAck
		}
		return Method{Kind: MethodPayPal, Token: newSandboxToken(outcome), Brand: "PayPal", Email: p.Email}, nil
	}
	c := in.Card
	rule := sandboxCards[string(c.Number)]
	if rule.tokenize != "" {
		return Method{}, &Decline{Code: rule.tokenize, Message: declineMessages[rule.tokenize]}
	}
	outcome := outcomeOK
	if rule.charge != "" {
		outcome = rule.charge
	}
	return Method{
		Kind: MethodCard, Token: newSandboxToken(outcome),
		Brand: CardBrand(string(c.Number)), Last4: c.Number.Last4(),
		ExpMonth: c.ExpMonth, ExpYear: c.ExpYear,
	}, nil
}

// Charge implements Provider.
func (s *Sandbox) Charge(ctx context.Context, m Method, amountCents int, currency, key string) (Receipt, error) {
	if err := s.wait(ctx); err != nil {
		return Receipt{}, err
	}
	rest, ok := strings.CutPrefix(m.Token, sandboxPrefix)
	i := strings.LastIndexByte(rest, '_')
	if !ok || i < 0 {
		return Receipt{}, &Decline{Code: "invalid_method", Message: "The saved payment method is not valid; add it again."}
	}
	if outcome := rest[:i]; outcome != outcomeOK {
		return Receipt{}, &Decline{Code: outcome, Message: declineMessages[outcome]}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.charged[key]; ok && key != "" {
		return r, nil
	}
	r := Receipt{Ref: "ch_sbx_" + randomHex(12)}
	if key != "" {
		s.charged[key] = r
	}
	return r, nil
}

func (s *Sandbox) wait(ctx context.Context) error {
	if s.Latency <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(s.Latency)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func newSandboxToken(outcome string) string { return sandboxPrefix + outcome + "_" + randomHex(12) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}
