// Package graph is the GraphQL layer: thin resolvers over ent and the domain services,
// the error presenter, and the HTTP handler with its transports and limits.
package graph

import (
	"github.com/marquee-org/marquee/internal/app"
)

// Resolver holds what resolvers call into: the process's services (the domain services,
// the store for ent's own queries, the search index, the art signer, the logger).
type Resolver struct {
	*app.Services
}

// upNextCount is how many suggestions endPlayback returns.
const upNextCount = 6

// pointers lists the elements of list, as gqlgen answers lists of objects.
func pointers[T any](list []T) []*T {
	out := make([]*T, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
