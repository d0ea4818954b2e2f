package auth

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHashStoresArgon2idParameters(t *testing.T) {
	t.Parallel()
	h := NewHasher(DefaultParams, 2)
	ctx := context.Background()

	a, err := h.Hash(ctx, "correct horse battery")
	require.NoError(t, err)
	b, err := h.Hash(ctx, "correct horse battery")
	require.NoError(t, err)
	require.NotEqual(t, a, b, "every hash gets its own salt")

	p, salt, key, err := Decode(a)
	require.NoError(t, err)
	require.EqualValues(t, 19*1024, p.MemoryKiB)
	require.EqualValues(t, 2, p.Time)
	require.EqualValues(t, 1, p.Threads)
	require.Len(t, salt, 16)
	require.Len(t, key, 32)
	require.Regexp(t, `^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`, a)

	ok, rehash, err := h.Verify(ctx, "correct horse battery", a)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, rehash)

	ok, _, err = h.Verify(ctx, "correct horse batterY", a)
	require.NoError(t, err)
	require.False(t, ok)
}

func TestVerifyUsesStoredParametersAndAsksForRehash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old := NewHasher(Params{MemoryKiB: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
	phc, err := old.Hash(ctx, "an older password")
	require.NoError(t, err)

	ok, rehash, err := NewHasher(DefaultParams, 1).Verify(ctx, "an older password", phc)
	require.NoError(t, err)
	require.True(t, ok, "a hash made with other parameters still verifies")
	require.True(t, rehash)
}

func TestDecodeRejectsMalformedHashes(t *testing.T) {
	t.Parallel()
	for _, phc := range []string{
		"",
		"plaintext",
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5",
		"$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5",
		"$argon2id$v=19$m=0,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$",
	} {
		_, _, _, err := Decode(phc)
		require.Error(t, err, phc)
	}
}

func TestHasherWaitsForASlot(t *testing.T) {
	t.Parallel()
	h := NewHasher(DefaultParams, 1)
	h.slots <- struct{}{} // the only slot is busy
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.Hash(ctx, "correct horse battery")
	require.ErrorIs(t, err, context.Canceled, "a hash never runs beyond the concurrency bound")
}
