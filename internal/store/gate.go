package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// writeGate lets one SQLite writer at a time hold a pooled connection. SQLite runs one
// write transaction at a time anyway; without the gate, writers beyond the first each take a
// connection from the pool and sleep in busy_timeout holding it, and a burst of writes (a
// thousand progress reports a second) leaves no connection for reads, so even the heartbeat
// round stalls. With it, waiting writers wait in Go, in arrival order, and reads go on.
//
// The wait is bounded like busy_timeout was: a writer that cannot start within it fails
// with ErrBusy instead of queueing without end.
type writeGate struct {
	slot chan struct{}
	wait time.Duration
}

// ErrBusy is returned when a write could not start within the gate's wait.
var ErrBusy = errors.New("database busy: too many writes waiting")

func newWriteGate(wait time.Duration) *writeGate {
	return &writeGate{slot: make(chan struct{}, 1), wait: wait}
}

func (g *writeGate) acquire(ctx context.Context) error {
	select {
	case g.slot <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slot <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return ErrBusy
	}
}

func (g *writeGate) release() { <-g.slot }

// gatedDriver is ent's driver with writes passed through the gate: statements run
// outside a transaction (Exec, and Query for INSERT … RETURNING and the like) and whole
// transactions (which begin IMMEDIATE, taking the write lock at once). Plain SELECTs run
// ungated, as SQLite's WAL lets them run beside a writer.
type gatedDriver struct {
	*entsql.Driver
	gate *writeGate
}

func (d gatedDriver) Exec(ctx context.Context, query string, args, v any) error {
	if err := d.gate.acquire(ctx); err != nil {
		return fmt.Errorf("exec: %w", err)
	}
	defer d.gate.release()
	return d.Driver.Exec(ctx, query, args, v)
}

func (d gatedDriver) Query(ctx context.Context, query string, args, v any) error {
	if isSelect(query) {
		return d.Driver.Query(ctx, query, args, v)
	}
	if err := d.gate.acquire(ctx); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer d.gate.release()
	// SQLite ends the statement's write when the caller closes the rows, just after this
	// returns; a writer let in meanwhile waits for that in busy_timeout, as without a gate.
	return d.Driver.Query(ctx, query, args, v)
}

func isSelect(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

func (d gatedDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	return d.BeginTx(ctx, nil)
}

func (d gatedDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	if err := d.gate.acquire(ctx); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	tx, err := d.Driver.BeginTx(ctx, opts)
	if err != nil {
		d.gate.release()
		return nil, err
	}
	return &gatedTx{Tx: tx, gate: d.gate}, nil
}

// gatedTx gives the gate back when the transaction ends, once.
type gatedTx struct {
	dialect.Tx
	gate *writeGate
	done bool
}

func (t *gatedTx) Commit() error {
	err := t.Tx.Commit()
	t.end()
	return err
}

func (t *gatedTx) Rollback() error {
	err := t.Tx.Rollback()
	t.end()
	return err
}

func (t *gatedTx) end() {
	if !t.done {
		t.done = true
		t.gate.release()
	}
}
