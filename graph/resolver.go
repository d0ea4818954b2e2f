// Package graph is the GraphQL layer: thin resolvers over ent and the domain services,
// the error presenter, and the HTTP handler with its transports and limits.
package graph

import (
	"log/slog"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/auth"
)

// Resolver holds the dependencies resolvers call into.
type Resolver struct {
	Client *ent.Client
	Auth   *auth.Service
	Log    *slog.Logger
}
