package billing_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

func TestBadInput(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	f := setup(t, s)
	past := card("4242424242424242")
	past.Card.ExpYear, past.Card.ExpMonth = 2026, 2 // the clock says March 2026
	amex := card("378282246310005")
	both := card("4242424242424242")
	both.PayPal = &billing.PayPal{Email: "a@example.com"}
	cases := []struct {
		name  string
		plan  plancode.Code
		pay   billing.Instrument
		key   string
		field string
	}{
		{"luhn", plancode.Basic, card("4242424242424241"), "k", "payment.card.number"},
		{"too short", plancode.Basic, card("4242"), "k", "payment.card.number"},
		{"letters", plancode.Basic, card("4242abcd42424242"), "k", "payment.card.number"},
		{"past expiry", plancode.Basic, past, "k", "payment.card.expYear"},
		{"month 13", plancode.Basic, func() billing.Instrument { c := card("4242424242424242"); c.Card.ExpMonth = 13; return c }(), "k", "payment.card.expMonth"},
		{"short cvc", plancode.Basic, func() billing.Instrument { c := card("4242424242424242"); c.Card.CVC = "12"; return c }(), "k", "payment.card.cvc"},
		{"amex wants 4-digit cvc", plancode.Basic, amex, "k", "payment.card.cvc"},
		{"no name", plancode.Basic, func() billing.Instrument { c := card("4242424242424242"); c.Card.Name = " "; return c }(), "k", "payment.card.name"},
		{"both methods", plancode.Basic, both, "k", "payment"},
		{"neither method", plancode.Basic, billing.Instrument{}, "k", "payment"},
		{"bad paypal email", plancode.Basic, billing.Instrument{PayPal: &billing.PayPal{Email: "not an email"}}, "k", "payment.paypal.email"},
		{"unknown plan", plancode.Code("GOLD"), card("4242424242424242"), "k", "plan"},
		{"no key", plancode.Basic, card("4242424242424242"), "", "idempotencyKey"},
	}
	before := f.snapshot(t)
	for _, c := range cases {
		_, err := f.subscribe(c.plan, c.pay, c.key)
		requireCode(t, err, apperr.BadUserInput, c.field)
	}
	require.Equal(t, before, f.snapshot(t))
	n, err := s.Client.Payment.Query().Count(context.Background())
	require.NoError(t, err)
	require.Zero(t, n, "bad input reaches neither the provider nor the payments table")
}

// TestNoCardNumberStored scans the database files and the logs after every kind of
// attempt for the full card numbers and CVCs that were submitted.
func TestNoCardNumberStored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "billing.db"))
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Migrate(context.Background()))
	f := setup(t, s)
	numbers := []string{"4242424242424242", "4000000000000002", "4000000000009995", "4000000000000069", "4000000000000127", "4242424242424241"}
	for i, n := range numbers {
		pay := card(n)
		pay.Card.CVC = "987"
		_, _ = f.subscribe(plancode.Basic, pay, fmt.Sprintf("scan-%d", i))
		f.user = newUser(t, s, fmt.Sprintf("scan%d@example.com", i))
	}
	f.clock.Set(f.clock.Now().AddDate(0, 2, 0))
	_, err = f.svc.Renew(context.Background())
	require.NoError(t, err)
	require.NoError(t, s.Close())

	files, err := filepath.Glob(filepath.Join(dir, "billing.db*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var haystack []byte
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		haystack = append(haystack, b...)
	}
	haystack = append(haystack, f.logs.Bytes()...)
	require.NotEmpty(t, f.logs.String(), "the scan covers real log output")
	for _, n := range numbers {
		require.False(t, bytes.Contains(haystack, []byte(n)), "card number %s found", n)
	}
	// Formatting the types never reveals them either.
	c := card("4242424242424242").Card
	c.CVC = "987"
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s", c, c, c, c.Number), fmt.Sprint(*c)} {
		require.NotContains(t, out, "4242424242424242")
		require.NotContains(t, out, "987")
	}
}

func TestCardBrand(t *testing.T) {
	t.Parallel()
	for number, brand := range map[string]string{
		"4242424242424242": "Visa", "5555555555554444": "Mastercard", "2223003122003222": "Mastercard",
		"378282246310005": "American Express", "6011111111111117": "Discover", "3056930009020004": "Card",
	} {
		require.Equal(t, brand, billing.CardBrand(number), number)
	}
}
