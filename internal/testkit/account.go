package testkit

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/maturity"
)

// Account creates an account (password hash "x", so no one logs in) with its first
// profile, an adult's, and returns both ids.
func Account(t testing.TB, client *ent.Client, email, country string) (userID, profileID int) {
	t.Helper()
	ctx := context.Background()
	u, err := client.User.Create().SetEmail(email).SetPasswordHash("x").SetCountry(country).Save(ctx)
	require.NoError(t, err)
	p, err := client.Profile.Create().SetUserID(u.ID).SetName(email).SetMaturityCeiling(maturity.Adult).Save(ctx)
	require.NoError(t, err)
	return u.ID, p.ID
}
