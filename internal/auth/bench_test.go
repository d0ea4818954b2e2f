package auth_test

import (
	"context"
	"testing"

	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// BenchmarkHash measures one argon2id hash with the production parameters: the floor of
// signup and login latency, and with ConcurrentHashes the bound on login throughput.
func BenchmarkHash(b *testing.B) {
	h := auth.NewHasher(auth.DefaultParams, 1)
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticate measures resolving a bearer token to its viewer on SQLite: the
// per-request cost of authentication.
func BenchmarkAuthenticate(b *testing.B) {
	s := storetest.SQLite(b)
	svc := newService(s, start(), auth.Options{})
	ctx := context.Background()
	res, err := svc.Signup(ctx, ada, auth.Client{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := svc.Authenticate(ctx, res.Token); err != nil {
			b.Fatal(err)
		}
	}
}
