package billing_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/billing"
)

var (
	fuzzNow  = time.Date(2026, time.March, 15, 12, 0, 0, 0, time.UTC)
	digitRun = regexp.MustCompile(`[0-9]{3}`)
)

// luhnOK is the mod-10 check written out independently of the package's.
func luhnOK(digits string) bool {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			if d = 2 * d; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// FuzzCard validates arbitrary card details. A card that validates has 12 to 19 digits and
// nothing else, passes Luhn, carries the digits typed (spaces and dashes dropped), a month
// of 1 to 12, a year no earlier than now and at most 20 ahead, a 3-digit CVC (4 for
// American Express) and a trimmed name. A refusal is BAD_USER_INPUT on a payment field
// and never repeats the number or the CVC.
func FuzzCard(f *testing.F) {
	for _, n := range []string{"4242 4242 4242 4242", "4242-4242-4242-4242", "4242424242424241", "378282246310005",
		"4000000000000002", "5555555555554444", "4242", "42424242424242424242", "4242abcd42424242", "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢", ""} {
		f.Add(n, 12, 2030, "123", "Ada Lovelace")
	}
	f.Add("378282246310005", 3, 26, "1234", " A ")
	f.Add("4242424242424242", 2, 2026, "123", "Ada")
	f.Add("4242424242424242", 13, 2046, "12a", "")
	f.Add("4242424242424242", 3, 2026, " 123 ", strings.Repeat("é", 101))

	f.Fuzz(func(t *testing.T, number string, month, year int, cvc, name string) {
		in := &billing.Instrument{Card: &billing.Card{
			Number: billing.CardNumber(number), ExpMonth: month, ExpYear: year, CVC: billing.Secret(cvc), Name: name,
		}}
		err := billing.Validate(in, fuzzNow)
		typed := strings.NewReplacer(" ", "", "-", "").Replace(number)
		if err != nil {
			ae, ok := apperr.As(err)
			require.True(t, ok, "untyped error %v", err)
			require.Equal(t, apperr.BadUserInput, ae.Code)
			require.True(t, strings.HasPrefix(ae.Field, "payment.card."), ae.Field)
			// Card numbers and CVCs are runs of three digits or more; no refusal has one.
			msg := fmt.Sprintf("%s %v %+v", ae.Message, err, ae.Extra)
			require.NotRegexp(t, digitRun, msg, "a refusal repeats what was typed")
			return
		}
		c := in.Card
		digits := string(c.Number)
		require.Equal(t, typed, digits)
		require.True(t, len(digits) >= 12 && len(digits) <= 19, "%d digits", len(digits))
		require.Empty(t, strings.Trim(digits, "0123456789"), "only ASCII digits: %q", digits)
		require.True(t, luhnOK(digits), "%s fails Luhn", digits)
		require.True(t, c.ExpMonth >= 1 && c.ExpMonth <= 12)
		require.True(t, c.ExpYear > fuzzNow.Year() || c.ExpYear == fuzzNow.Year() && c.ExpMonth >= int(fuzzNow.Month()))
		require.LessOrEqual(t, c.ExpYear, fuzzNow.Year()+20)
		wantCVC := 3
		if billing.CardBrand(digits) == "American Express" {
			wantCVC = 4
		}
		require.Len(t, string(c.CVC), wantCVC)
		require.Empty(t, strings.Trim(string(c.CVC), "0123456789"))
		require.Equal(t, strings.TrimSpace(name), c.Name)
		require.NotEmpty(t, c.Name)
		require.LessOrEqual(t, utf8.RuneCountInString(c.Name), 100)
		// What may be printed about the card is its last four digits only.
		require.Equal(t, digits[len(digits)-4:], c.Number.Last4())
		require.NotContains(t, fmt.Sprintf("%v %+v %#v %s", c, c, c, c.Number), digits)
	})
}

// FuzzPayPal validates arbitrary PayPal emails: accepted ones are normalised the way account
// emails are, refusals are BAD_USER_INPUT on payment.paypal.email.
func FuzzPayPal(f *testing.F) {
	for _, s := range []string{"payer@example.com", " Payer@Example.COM ", "declined@example.com", "not an email", "", "a <b@example.com>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, email string) {
		in := &billing.Instrument{PayPal: &billing.PayPal{Email: email}}
		err := billing.Validate(in, fuzzNow)
		if err != nil {
			ae, ok := apperr.As(err)
			require.True(t, ok, "untyped error %v", err)
			require.Equal(t, apperr.BadUserInput, ae.Code)
			require.Equal(t, "payment.paypal.email", ae.Field)
			return
		}
		require.Equal(t, strings.ToLower(strings.TrimSpace(email)), in.PayPal.Email)
		require.Contains(t, in.PayPal.Email, "@")
	})
}
