package billing

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
)

// Field paths in BAD_USER_INPUT errors follow the GraphQL input.
const (
	fieldPayment  = "payment"
	fieldNumber   = "payment.card.number"
	fieldExpMonth = "payment.card.expMonth"
	fieldExpYear  = "payment.card.expYear"
	fieldCVC      = "payment.card.cvc"
	fieldCardName = "payment.card.name"
	fieldEmail    = "payment.paypal.email"
)

// validate normalises in (digits only, trimmed names, lower-case email) and reports the
// first invalid field. now decides whether a card has expired.
func (in *Instrument) validate(now time.Time) error {
	switch {
	case in.Card == nil && in.PayPal == nil:
		return apperr.Input(fieldPayment, "Choose a payment method: a card or PayPal.")
	case in.Card != nil && in.PayPal != nil:
		return apperr.Input(fieldPayment, "Give either a card or PayPal, not both.")
	case in.PayPal != nil:
		e, err := auth.Email(in.PayPal.Email)
		if err != nil {
			return apperr.Input(fieldEmail, "Enter the email address of your PayPal account.")
		}
		in.PayPal.Email = e
		return nil
	}
	c := in.Card
	digits, ok := cardDigits(string(c.Number))
	if !ok {
		return apperr.Input(fieldNumber, "A card number has 12 to 19 digits.")
	}
	if !luhn(digits) {
		return apperr.Input(fieldNumber, "This card number is not valid; check for a typo.")
	}
	c.Number = CardNumber(digits)
	if c.ExpMonth < 1 || c.ExpMonth > 12 {
		return apperr.Input(fieldExpMonth, "The expiry month is 1 to 12.")
	}
	if c.ExpYear < 100 { // two-digit years are common on cards
		c.ExpYear += 2000
	}
	if c.ExpYear > now.Year()+20 {
		return apperr.Input(fieldExpYear, "The expiry year is too far in the future.")
	}
	// A card is valid through the last day of its expiry month.
	if c.ExpYear < now.Year() || (c.ExpYear == now.Year() && c.ExpMonth < int(now.Month())) {
		return apperr.Input(fieldExpYear, "This card has expired.")
	}
	cvcLen := 3
	if CardBrand(digits) == "American Express" {
		cvcLen = 4
	}
	cvc := strings.TrimSpace(string(c.CVC))
	if len(cvc) != cvcLen || strings.Trim(cvc, "0123456789") != "" {
		return apperr.Input(fieldCVC, "The security code is %d digits.", cvcLen)
	}
	c.CVC = Secret(cvc)
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		return apperr.Input(fieldCardName, "Enter the name on the card.")
	}
	return nil
}

// cardDigits strips the spaces and dashes people type between groups.
func cardDigits(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", false
		}
	}
	d := b.String()
	return d, len(d) >= 12 && len(d) <= 19
}

// luhn checks the mod-10 check digit of a card number.
func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// CardBrand names a card's network from its leading digits.
func CardBrand(digits string) string {
	prefix := func(n int) int {
		v := 0
		for i := 0; i < n && i < len(digits); i++ {
			v = v*10 + int(digits[i]-'0')
		}
		return v
	}
	switch p2, p4 := prefix(2), prefix(4); {
	case strings.HasPrefix(digits, "4"):
		return "Visa"
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720:
		return "Mastercard"
	case p2 == 34 || p2 == 37:
		return "American Express"
	case p4 == 6011 || p2 == 65:
		return "Discover"
	default:
		return "Card"
	}
}
