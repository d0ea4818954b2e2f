package catalog

import (
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
)

// Service is the catalog: titles and what a viewer may see of them (the home feed,
// categories, similar titles, seasons), and a viewer's own list and ratings. It owns the
// store it reads and writes and the broker it announces changes on, so that a change's
// side effects (search indexing on every replica) live with the change, whoever asks for
// it: the API, the CLI or a job. Methods that act for someone take the Viewer first.
type Service struct {
	st     *store.Store
	broker pubsub.Broker
}

// NewService returns the catalog over st, announcing changes on broker.
func NewService(st *store.Store, broker pubsub.Broker) *Service {
	return &Service{st: st, broker: broker}
}
