// Package graph is the GraphQL layer: thin resolvers over ent and the domain services,
// the error presenter, and the HTTP handler with its transports and limits.
package graph

import (
	"log/slog"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/playback"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/video"
)

// Resolver holds the dependencies resolvers call into.
type Resolver struct {
	Client   *ent.Client
	Store    *store.Store
	Auth     *auth.Service
	Billing  *billing.Service
	Videos   *video.Service
	Playback *playback.Service
	// Broker tells other replicas (and this one's search index) about catalog changes.
	Broker pubsub.Broker
	// Index answers search.
	Index *search.Index
	// Signer signs artwork URLs; nil leaves posterUrl null.
	Signer *media.Signer
	Log    *slog.Logger
}

// upNextCount is how many suggestions endPlayback returns.
const upNextCount = 6

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
