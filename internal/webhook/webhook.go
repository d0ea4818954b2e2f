// Package webhook tells integrators' servers what happened. Domain services announce
// events in the transaction that makes them true (Emit); each subscribed webhook gets a
// delivery row and a River job in that transaction, so an event is delivered exactly when
// its change commits. Deliveries are signed (sign.go), sent only to public addresses
// (transport.go), retried with backoff for a day, and logged without response bodies.
package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/schema/hookevent"
	"github.com/marquee-org/marquee/ent/webhook"
	"github.com/marquee-org/marquee/ent/webhookdelivery"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/store"
)

// Queue is the River queue deliveries run on, apart from transcodes and mail.
const Queue = "webhooks"

// DefaultRetry is the wait before each retry: the last attempt comes a day after the first.
var DefaultRetry = []time.Duration{
	15 * time.Second, 45 * time.Second, 4 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 8*time.Hour + 15*time.Minute,
}

// Options configure deliveries; zero values pick the defaults.
type Options struct {
	Policy Policy
	// Timeout bounds one attempt, connection to last byte; default 5 s.
	Timeout time.Duration
	// Retry is the wait before each retry; a delivery gets len(Retry)+1 attempts.
	Retry []time.Duration
}

// Enqueuer inserts jobs in a transaction (package jobs).
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Service registers webhooks, records events for them and delivers them.
type Service struct {
	st     *store.Store
	queue  Enqueuer
	log    *slog.Logger
	opts   Options
	client *http.Client
}

// NewService wires a Service.
func NewService(st *store.Store, queue Enqueuer, log *slog.Logger, o Options) *Service {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if len(o.Retry) == 0 {
		o.Retry = DefaultRetry
	}
	return &Service{st: st, queue: queue, log: log, opts: o, client: o.Policy.Client(o.Timeout)}
}

// Event is something that happened, as receivers get it.
type Event struct {
	Type hookevent.Event
	// Key names the fact when it can happen only once (a payment succeeding): announcing
	// it again delivers nothing new. Empty: every announcement is a new event.
	Key string
	// Data builds the body's data. It is called only when some webhook subscribes to Type,
	// so that an event nobody listens to costs its emitter no reads.
	Data func() (map[string]any, error)
}

// Emitter is what domain services announce events to.
type Emitter interface {
	Emit(ctx context.Context, tx *sql.Tx, client *ent.Client, e Event) error
}

// Emit announces e through em, if there is one: services built without webhooks (tools,
// tests) drop their events.
func Emit(ctx context.Context, em Emitter, tx *sql.Tx, client *ent.Client, e Event) error {
	if em == nil {
		return nil
	}
	return em.Emit(ctx, tx, client, e)
}

// Body is a delivery's JSON body.
type Body struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	CreatedAt time.Time      `json:"createdAt"`
	Data      map[string]any `json:"data"`
}

// Emit records e for every webhook subscribed to its type and queues their deliveries,
// in tx: they happen if and only if tx commits.
func (s *Service) Emit(ctx context.Context, tx *sql.Tx, client *ent.Client, e Event) error {
	hooks, err := client.Webhook.Query().All(ctx)
	if err != nil {
		return fmt.Errorf("find webhooks: %w", err)
	}
	hooks = slices.DeleteFunc(hooks, func(h *ent.Webhook) bool { return !slices.Contains(h.Events, e.Type) })
	if len(hooks) == 0 {
		return nil
	}
	data, err := e.Data()
	if err != nil {
		return err
	}
	id := eventID(e.Key)
	body, err := json.Marshal(Body{ID: id, Type: string(e.Type), CreatedAt: time.Now().UTC().Truncate(time.Millisecond), Data: data})
	if err != nil {
		return fmt.Errorf("encode %s event: %w", e.Type, err)
	}
	for _, h := range hooks {
		// An event reaches each webhook once, however often it is announced.
		dup, err := client.WebhookDelivery.Query().
			Where(webhookdelivery.WebhookID(h.ID), webhookdelivery.EventID(id)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("find delivery: %w", err)
		}
		if dup {
			continue
		}
		d, err := client.WebhookDelivery.Create().
			SetWebhookID(h.ID).SetEventID(id).SetEvent(e.Type).SetPayload(string(body)).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("record delivery: %w", err)
		}
		if err := s.enqueue(ctx, tx, d.ID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) enqueue(ctx context.Context, tx *sql.Tx, deliveryID int) error {
	return s.queue.InsertTx(ctx, tx, DeliverArgs{DeliveryID: deliveryID},
		&river.InsertOpts{Queue: Queue, MaxAttempts: len(s.opts.Retry) + 1})
}

// eventID names an event: derived from its key when it has one, so that announcing the
// same fact twice gives the same id; random otherwise.
func eventID(key string) string {
	if key != "" {
		sum := sha256.Sum256([]byte(key))
		return "evt_" + hex.EncodeToString(sum[:12])
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "evt_" + hex.EncodeToString(b[:])
}

// NewWebhook describes a receiver to register.
type NewWebhook struct {
	URL    string
	Events []hookevent.Event
	Secret string
}

// Create registers a webhook for the administrator userID.
func (s *Service) Create(ctx context.Context, userID int, in NewWebhook) (*ent.Webhook, error) {
	if len(in.URL) > 2048 {
		return nil, apperr.Input("url", "The URL is too long (2048 characters at most).")
	}
	if err := s.opts.Policy.CheckURL(in.URL); err != nil {
		msg := err.Error()
		return nil, apperr.Input("url", "%s.", strings.ToUpper(msg[:1])+msg[1:])
	}
	if len(in.Events) == 0 {
		return nil, apperr.Input("events", "Choose at least one event.")
	}
	if n := utf8.RuneCountInString(in.Secret); n < 16 || n > 200 {
		return nil, apperr.Input("secret", "The secret must be 16 to 200 characters long; use a random one.")
	}
	events := slices.Clone(in.Events)
	slices.Sort(events)
	h, err := s.st.Client.Webhook.Create().
		SetURL(in.URL).SetEvents(slices.Compact(events)).SetSecret(in.Secret).SetUserID(userID).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create webhook: %w", err)
	}
	s.log.InfoContext(ctx, "webhook created", slog.Int("webhook_id", h.ID), slog.Int("user_id", userID))
	return h, nil
}

// List returns every webhook, newest first.
func (s *Service) List(ctx context.Context) ([]*ent.Webhook, error) {
	hs, err := s.st.Client.Webhook.Query().Order(ent.Desc(webhook.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return hs, nil
}

// Delete removes a webhook and its delivery log; deliveries still queued find nothing to
// send and end.
func (s *Service) Delete(ctx context.Context, id int) error {
	return s.st.InTx(ctx, func(_ *sql.Tx, c *ent.Client) error {
		if _, err := c.WebhookDelivery.Delete().Where(webhookdelivery.WebhookID(id)).Exec(ctx); err != nil {
			return fmt.Errorf("delete deliveries: %w", err)
		}
		n, err := c.Webhook.Delete().Where(webhook.ID(id)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		if n == 0 {
			return apperr.New(apperr.NotFound, "There is no such webhook.")
		}
		return nil
	})
}

// Page is a page of a webhook's deliveries, newest first.
type Page struct {
	Deliveries []*ent.WebhookDelivery
	// Total counts all of the webhook's deliveries; More says whether older ones follow.
	Total int
	More  bool
}

// Deliveries returns up to limit of a webhook's deliveries older than the one with id
// before (0: the newest).
func (s *Service) Deliveries(ctx context.Context, webhookID, before, limit int) (*Page, error) {
	ok, err := s.st.Client.Webhook.Query().Where(webhook.ID(webhookID)).Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("find webhook: %w", err)
	}
	if !ok {
		return nil, apperr.New(apperr.NotFound, "There is no such webhook.")
	}
	q := s.st.Client.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(webhookID))
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	if before > 0 {
		q.Where(webhookdelivery.IDLT(before))
	}
	ds, err := q.Order(ent.Desc(webhookdelivery.FieldID)).Limit(limit + 1).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	p := &Page{Total: total, More: len(ds) > limit}
	p.Deliveries = ds[:min(len(ds), limit)]
	return p, nil
}

// Redeliver sends a delivery again, with its event id and body, newly signed, retrying
// for a day as the first time did.
func (s *Service) Redeliver(ctx context.Context, id int) (*ent.WebhookDelivery, error) {
	err := s.st.InTx(ctx, func(tx *sql.Tx, c *ent.Client) error {
		n, err := c.WebhookDelivery.Update().Where(webhookdelivery.ID(id)).
			SetStatus(webhookdelivery.StatusPENDING).ClearNextAttemptAt().Save(ctx)
		if err != nil {
			return fmt.Errorf("requeue delivery: %w", err)
		}
		if n == 0 {
			return apperr.New(apperr.NotFound, "There is no such delivery.")
		}
		return s.enqueue(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return s.st.Client.WebhookDelivery.Get(ctx, id)
}

// DeliverArgs is the job that sends one delivery.
type DeliverArgs struct {
	DeliveryID int `json:"delivery_id"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "webhook_deliver" }

type worker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

// NewWorker returns the delivery worker, to register with river.AddWorker.
func NewWorker(s *Service) river.Worker[DeliverArgs] { return &worker{s: s} }

// Timeout bounds an attempt a little beyond the HTTP timeout, which ends it first.
func (w *worker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return w.s.opts.Timeout + 10*time.Second
}

// NextRetry follows the delivery schedule rather than River's default.
func (w *worker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(w.s.retryAfter(job.Attempt))
}

func (s *Service) retryAfter(attempt int) time.Duration {
	return s.opts.Retry[min(max(attempt-1, 0), len(s.opts.Retry)-1)]
}

func (w *worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.s.deliver(ctx, job.Args.DeliveryID, job.Attempt, job.Attempt >= job.MaxAttempts)
}

// Headers of a delivery besides the signature.
const (
	EventHeader    = "Marquee-Event"
	EventIDHeader  = "Marquee-Event-Id"
	DeliveryHeader = "Marquee-Delivery"
)

// deliver makes one attempt and records it. It returns an error when the attempt failed and
// another is due, so that River retries it.
func (s *Service) deliver(ctx context.Context, id, attempt int, last bool) error {
	d, err := s.st.Client.WebhookDelivery.Query().Where(webhookdelivery.ID(id)).WithWebhook().Only(ctx)
	if ent.IsNotFound(err) {
		return nil // its webhook was deleted
	}
	if err != nil {
		return fmt.Errorf("find delivery: %w", err)
	}
	if d.Status != webhookdelivery.StatusPENDING {
		return nil // delivered, or given up on, by an earlier job
	}
	h := d.Edges.Webhook
	log := s.log.With(slog.Int("webhook_id", h.ID), slog.Int("delivery_id", d.ID), slog.String("event", string(d.Event)))

	code, latency, sendErr := s.send(ctx, h, d)
	final := last || errors.Is(sendErr, ErrRefusedAddress) // a refused address stays refused
	upd := s.st.Client.WebhookDelivery.UpdateOneID(d.ID).
		SetAttempts(d.Attempts + 1).SetLastAttemptAt(time.Now()).
		SetLatencyMs(int(latency.Milliseconds()))
	// One assignment per column: PostgreSQL refuses a column set twice in one UPDATE.
	if code > 0 {
		upd.SetResponseCode(code)
	} else {
		upd.ClearResponseCode()
	}
	switch {
	case sendErr == nil:
		upd.SetStatus(webhookdelivery.StatusSUCCEEDED).SetError("").ClearNextAttemptAt()
	case final:
		upd.SetStatus(webhookdelivery.StatusFAILED).SetError(sendErr.Error()).ClearNextAttemptAt()
	default:
		upd.SetError(sendErr.Error()).SetNextAttemptAt(time.Now().Add(s.retryAfter(attempt)))
	}
	if err := upd.Exec(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("record delivery attempt: %w", err)
	}
	if sendErr == nil {
		log.InfoContext(ctx, "webhook delivered", slog.Int("status", code), slog.Duration("latency", latency))
		return nil
	}
	log.WarnContext(ctx, "webhook delivery failed", slog.Int("attempt", attempt), slog.Bool("final", final), slog.Any("err", sendErr))
	if final {
		return nil
	}
	return sendErr
}

// send POSTs d to h and reports the response code (0 when none came) and how long it took.
// Anything but a 2xx answer is a failure; the response body is read (at most 64 KiB, so the
// connection can be reused) and dropped.
func (s *Service) send(ctx context.Context, h *ent.Webhook, d *ent.WebhookDelivery) (int, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return 0, 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Marquee-Webhooks/1")
	req.Header.Set(EventHeader, string(d.Event))
	req.Header.Set(EventIDHeader, d.EventID)
	req.Header.Set(DeliveryHeader, strconv.Itoa(d.ID))
	req.Header.Set(SignatureHeader, Sign(h.Secret, time.Now(), body))
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, time.Since(start), deliveryError(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, took, fmt.Errorf("the receiver answered %d", resp.StatusCode)
	}
	return resp.StatusCode, took, nil
}

// deliveryError says what went wrong in words for the delivery log.
func deliveryError(err error) error {
	var te interface{ Timeout() bool }
	switch {
	case errors.Is(err, ErrRefusedAddress):
		return err
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) && te.Timeout():
		return fmt.Errorf("the receiver did not answer in time: %w", context.DeadlineExceeded)
	default:
		return fmt.Errorf("could not reach the receiver: %w", err)
	}
}
