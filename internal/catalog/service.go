package catalog

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/search"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/webhook"
)

// Service is the catalog: titles and what a viewer may see of them (the home feed,
// categories, similar titles, seasons), and a viewer's own list and ratings. It owns the
// store it reads and writes and the broker it announces changes on, so that a change's
// side effects (search indexing on every replica) live with the change, whoever asks for
// it: the API, the CLI or a job. Methods that act for someone take the Viewer first.
//
// Lists are read from a shelf (see shelf), this replica's in-memory picture of the
// catalog. A change made through the Service is on the shelf for the next read; changes
// made elsewhere (another replica, another process on the same SQLite file, a job) reach
// it through Follow within seconds.
type Service struct {
	st     *store.Store
	broker pubsub.Broker
	poll   time.Duration

	// changes counts the catalog changes heard of; the shelf was built at built.
	changes atomic.Int64
	mu      sync.Mutex // held while building a shelf
	current atomic.Pointer[shelf]
	built   atomic.Int64

	// events hears of titles created, edited and deleted (EmitTo).
	events webhook.Emitter

	// onRemove run after each deletion commits (see OnRemove).
	onRemove []func(ctx context.Context, r Removed)
}

// NewService returns the catalog over st, announcing changes on broker.
func NewService(st *store.Store, broker pubsub.Broker) *Service {
	return &Service{st: st, broker: broker, poll: 2 * time.Second}
}

// changed marks the shelf out of date: the next read builds a new one first. Called after
// the Service's own writes commit, so that whoever made a change sees it at once.
func (s *Service) changed() { s.changes.Add(1) }

// shelf returns the current shelf, first building one when there is none or the catalog
// changed since (one build at a time; readers arriving meanwhile wait for it).
func (s *Service) shelf(ctx context.Context) (*shelf, error) {
	fresh := func() *shelf {
		if sh := s.current.Load(); sh != nil && s.built.Load() == s.changes.Load() {
			return sh
		}
		return nil
	}
	if sh := fresh(); sh != nil {
		return sh, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sh := fresh(); sh != nil {
		return sh, nil
	}
	return s.build(ctx)
}

// rebuild builds a new shelf in the background of reads: they keep the current one until
// the new one is ready. For changes made elsewhere, which no reader here waits for.
func (s *Service) rebuild(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.build(ctx)
	return err
}

// build loads a shelf and makes it current; s.mu is held. Changes heard of during the
// build may not be on it: they stay counted, for the next read to build again.
func (s *Service) build(ctx context.Context) (*shelf, error) {
	want := s.changes.Load()
	sh, err := loadShelf(ctx, s.st)
	if err != nil {
		return nil, err
	}
	s.current.Store(sh)
	s.built.Store(want)
	return sh, nil
}

// Follow keeps the shelf in step with changes made outside this Service until ctx ends:
// titles changed on other replicas (the broker's TopicTitlesChanged, which search.Notify
// sends), and anything the broker could not tell, such as another process writing to the
// same SQLite file or a job updating trending scores, which a poll of the catalog's
// fingerprint (with which videos are ready) every few seconds catches.
func (s *Service) Follow(ctx context.Context, log *slog.Logger) {
	events := s.broker.Subscribe(ctx, search.TopicTitlesChanged)
	missed := s.broker.Subscribe(ctx, pubsub.TopicMissed)
	tick := time.NewTicker(s.poll)
	defer tick.Stop()
	// refresh builds a new shelf unless the current one already shows the catalog as it is:
	// this replica's own changes come back as events after a read has rebuilt it.
	refresh := func() {
		f, err := shelfFingerprint(ctx, s.st.Client)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("catalog fingerprint", slog.Any("err", err))
			}
			return
		}
		if sh := s.current.Load(); sh != nil && sh.fingerprint == f {
			return
		}
		if err := s.rebuild(ctx); err != nil && ctx.Err() == nil {
			log.Error("catalog shelf", slog.Any("err", err))
			s.changed() // the next read tries again
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-events:
			refresh()
		case <-missed:
			refresh()
		case <-tick.C:
			refresh()
		}
	}
}
