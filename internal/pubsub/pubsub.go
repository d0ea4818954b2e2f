// Package pubsub carries events between the parts of a marquee deployment: session
// revocations, transcode progress, catalog changes. The in-process broker serves a single
// binary; a PostgreSQL LISTEN/NOTIFY broker carries the same topics across replicas.
package pubsub

import (
	"context"
	"sync"
)

// TopicMissed is published by a broker, to its own process only, when events may have
// passed it by: the PostgreSQL broker sends it once its listening connection is back after
// a loss (a database restart, a network cut), since whatever was published meanwhile never
// reached it. Subscribers to it re-read from the database what the events they follow
// would have told them. Its payload is empty.
const TopicMissed = "pubsub.missed"

// Broker publishes payloads to every current subscriber of a topic.
type Broker interface {
	// Publish never blocks on a slow subscriber: a full subscriber buffer drops the event.
	Publish(ctx context.Context, topic string, payload []byte) error
	// Subscribe returns a buffered channel that receives the topic's events until ctx
	// ends, when it is closed.
	Subscribe(ctx context.Context, topic string) <-chan []byte
}

// Local is the in-process broker.
type Local struct {
	mu   sync.Mutex
	subs map[string]map[chan []byte]struct{}
}

// NewLocal returns an empty in-process broker.
func NewLocal() *Local { return &Local{subs: map[string]map[chan []byte]struct{}{}} }

// Publish implements Broker.
func (l *Local) Publish(_ context.Context, topic string, payload []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ch := range l.subs[topic] {
		select {
		case ch <- payload:
		default:
		}
	}
	return nil
}

// Subscribe implements Broker.
func (l *Local) Subscribe(ctx context.Context, topic string) <-chan []byte {
	ch := make(chan []byte, 64)
	l.mu.Lock()
	if l.subs[topic] == nil {
		l.subs[topic] = map[chan []byte]struct{}{}
	}
	l.subs[topic][ch] = struct{}{}
	l.mu.Unlock()
	go func() {
		<-ctx.Done()
		l.mu.Lock()
		delete(l.subs[topic], ch)
		if len(l.subs[topic]) == 0 {
			delete(l.subs, topic)
		}
		l.mu.Unlock()
		close(ch)
	}()
	return ch
}
