package pubsub

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"
)

// channel is the one PostgreSQL notification channel all topics share.
const channel = "marquee_events"

// maxPayload stays under PostgreSQL's 8000-byte NOTIFY limit with room for the envelope.
const maxPayload = 7000

// Postgres carries events between replicas with LISTEN/NOTIFY. Publishing sends a
// NOTIFY; a listener connection receives every replica's notifications, this one's
// included, and hands them to local subscribers, so each event is delivered once per
// subscriber wherever it was published.
type Postgres struct {
	db       *sql.DB
	local    *Local
	listener *pq.Listener
	log      *slog.Logger
	done     chan struct{}
}

type envelope struct {
	Topic   string `json:"t"`
	Payload string `json:"p"`
}

// Reconnection back-off of the listening connection: it doubles from the first to the
// last. The last bounds how long events go unheard once the database is back.
const (
	firstRetry = 100 * time.Millisecond
	lastRetry  = 2 * time.Second
)

// NewPostgres listens with a dedicated connection opened from databaseURL and publishes
// through db. Close stops it.
func NewPostgres(ctx context.Context, db *sql.DB, databaseURL string, log *slog.Logger) (*Postgres, error) {
	p := &Postgres{db: db, local: NewLocal(), log: log, done: make(chan struct{})}
	p.listener = pq.NewListener(databaseURL, firstRetry, lastRetry, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			log.Warn("event listener connection", slog.Any("err", err))
		}
	})
	if err := p.listener.Listen(channel); err != nil {
		_ = p.listener.Close()
		return nil, fmt.Errorf("listen for events: %w", err)
	}
	go p.dispatch()
	return p, nil
}

func (p *Postgres) dispatch() {
	defer close(p.done)
	for n := range p.listener.Notify {
		if n == nil {
			// The connection was re-established, listening again; notifications sent
			// while it was down are lost. Subscribers catch up from the database.
			p.log.Info("event listener reconnected")
			_ = p.local.Publish(context.Background(), TopicMissed, nil)
			continue
		}
		var e envelope
		if err := json.Unmarshal([]byte(n.Extra), &e); err != nil {
			p.log.Warn("malformed event", slog.Any("err", err))
			continue
		}
		_ = p.local.Publish(context.Background(), e.Topic, []byte(e.Payload))
	}
}

// Publish implements Broker.
func (p *Postgres) Publish(ctx context.Context, topic string, payload []byte) error {
	b, err := json.Marshal(envelope{Topic: topic, Payload: string(payload)})
	if err != nil {
		return err
	}
	if len(b) > maxPayload {
		return fmt.Errorf("event on %s is %d bytes; the limit is %d", topic, len(b), maxPayload)
	}
	if _, err := p.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, string(b)); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// Subscribe implements Broker.
func (p *Postgres) Subscribe(ctx context.Context, topic string) <-chan []byte {
	return p.local.Subscribe(ctx, topic)
}

// Close stops listening.
func (p *Postgres) Close() error {
	err := p.listener.Close()
	<-p.done
	return err
}
