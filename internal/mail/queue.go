package mail

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// Queue is the job queue mail goes on, apart from everything else, so that a reset link is
// never stuck behind a transcode.
const Queue = "mail"

// MaxAttempts bounds how often one message is tried: with the default backoff the last try
// comes about forty minutes after the first, past the life of any link it carries.
const MaxAttempts = 10

// SendArgs is the job that delivers one message. The message is sealed with a key derived
// from the server secret: the queue table never holds a reset link anyone could use.
type SendArgs struct {
	Sealed []byte `json:"sealed"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "mail.send" }

// InsertOpts puts mail on its own queue, so a long transcode never delays a reset link.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: MaxAttempts}
}

// Box seals messages for the queue (AES-256-GCM).
type Box struct{ aead cipher.AEAD }

// NewBox derives the sealing key from the server secret.
func NewBox(secret []byte) (*Box, error) {
	if len(secret) == 0 {
		return nil, errors.New("mail: no server secret to seal the queue with")
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("marquee mail queue v1"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts m; the nonce leads the result.
func (b *Box) Seal(m Message) ([]byte, error) {
	plain, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, b.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return b.aead.Seal(nonce, nonce, plain, nil), nil
}

// ErrSealedElsewhere means a message was sealed under another secret.
var ErrSealedElsewhere = errors.New("mail: the message was sealed with another --secret; every process needs the same one")

// Open decrypts what Seal made.
func (b *Box) Open(sealed []byte) (Message, error) {
	var m Message
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return m, ErrSealedElsewhere
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return m, ErrSealedElsewhere
	}
	return m, json.Unmarshal(plain, &m)
}

// Enqueuer inserts a job in a transaction (the job queue).
type Enqueuer interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Outbox queues messages.
type Outbox struct {
	queue Enqueuer
	box   *Box
}

// NewOutbox queues on q, sealing with box.
func NewOutbox(q Enqueuer, box *Box) *Outbox { return &Outbox{queue: q, box: box} }

// Enqueue queues m in tx: it is sent if, and only if, tx commits.
func (o *Outbox) Enqueue(ctx context.Context, tx *sql.Tx, m Message) error {
	if err := m.Check(); err != nil {
		return err
	}
	sealed, err := o.box.Seal(m)
	if err != nil {
		return fmt.Errorf("seal mail: %w", err)
	}
	return o.queue.InsertTx(ctx, tx, SendArgs{Sealed: sealed}, nil)
}

// Worker delivers queued messages: a server that is down, slow or answers 4xx is tried
// again with a growing pause; a 5xx refusal ends the job with a log line.
type Worker struct {
	river.WorkerDefaults[SendArgs]
	sender Sender
	box    *Box
	log    *slog.Logger
	// Backoff is the pause before attempt n+1 after attempt n failed.
	Backoff func(attempt int) time.Duration
}

// NewWorker returns the mail worker, to register with river.AddWorker.
func NewWorker(sender Sender, box *Box, log *slog.Logger) *Worker {
	return &Worker{sender: sender, box: box, log: log, Backoff: DefaultBackoff}
}

// DefaultBackoff doubles from 10 seconds up to 10 minutes.
func DefaultBackoff(attempt int) time.Duration {
	d := 10 * time.Second << min(max(attempt-1, 0), 6)
	return min(d, 10*time.Minute)
}

// NextRetry implements river.Worker.
func (w *Worker) NextRetry(job *river.Job[SendArgs]) time.Time {
	return time.Now().Add(w.Backoff(job.Attempt))
}

// Work implements river.Worker.
func (w *Worker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	m, err := w.box.Open(job.Args.Sealed)
	if err != nil {
		w.log.ErrorContext(ctx, "mail cannot be opened; dropped", slog.Int64("job_id", job.ID), slog.Any("err", err))
		return river.JobCancel(err)
	}
	log := w.log.With(slog.String("to", m.To), slog.String("subject", m.Subject), slog.Int("attempt", job.Attempt))
	err = w.sender.Send(ctx, m)
	switch {
	case err == nil:
		log.InfoContext(ctx, "mail sent")
		return nil
	case Permanent(err):
		log.WarnContext(ctx, "mail refused; giving up", slog.Any("err", err))
		return river.JobCancel(err)
	case job.Attempt >= job.MaxAttempts:
		log.WarnContext(ctx, "mail not sent; giving up after the last attempt", slog.Any("err", err))
		return err
	default:
		log.WarnContext(ctx, "mail not sent; will retry", slog.Any("err", err))
		return err
	}
}

// LogSender writes each message to the log instead of sending it: what a server without
// --smtp-url does, so that a developer can follow the links.
type LogSender struct{ Log *slog.Logger }

// Send implements Sender.
func (l LogSender) Send(ctx context.Context, m Message) error {
	l.Log.InfoContext(ctx, "mail (not sent: no --smtp-url)",
		slog.String("to", m.To), slog.String("subject", m.Subject), slog.String("text", m.Text))
	return nil
}
