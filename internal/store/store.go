// Package store opens the database behind ent: the embedded SQLite file by default, or
// PostgreSQL through lib/pq when the URL says postgres://.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq" // PostgreSQL driver
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // pure-Go SQLite driver

	"github.com/marquee-org/marquee/ent"
)

// Options tune the connection pool; zero values pick sensible defaults.
type Options struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
}

// Store is an open database.
type Store struct {
	Client  *ent.Client
	DB      *sql.DB
	Dialect string
	gate    *writeGate // SQLite only: one writer holding a connection at a time
}

// Close closes the client and its pool.
func (s *Store) Close() error { return s.Client.Close() }

// Ping checks that the database answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// SQLitePath is where the embedded database lives inside a data dir.
func SQLitePath(dataDir string) string { return filepath.Join(dataDir, "marquee.db") }

// Open connects to databaseURL, or to the SQLite file in dataDir when it is empty.
// It does not migrate.
func Open(ctx context.Context, databaseURL, dataDir string, o Options) (*Store, error) {
	if databaseURL == "" {
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		return OpenSQLite(ctx, SQLitePath(dataDir))
	}
	return OpenPostgres(ctx, databaseURL, o)
}

// OpenSQLite opens (creating if needed) a SQLite database file with foreign keys, WAL
// and a busy timeout, so that the API, the job queue and workers can share it.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	// BEGIN IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
	// instead of one failing when it upgrades a read transaction.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	db.SetMaxOpenConns(8)
	return finish(ctx, db, dialect.SQLite, newWriteGate(10*time.Second)) // as long as busy_timeout
}

// OpenPostgres connects through lib/pq with a connect timeout and pool limits.
func OpenPostgres(ctx context.Context, databaseURL string, o Options) (*Store, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
	}
	u.RawQuery = q.Encode()
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(orDefault(o.MaxOpenConns, 20))
	db.SetMaxIdleConns(orDefault(o.MaxIdleConns, 10))
	db.SetConnMaxLifetime(time.Duration(orDefault(int(o.ConnMaxLifetime), int(30*time.Minute))))
	return finish(ctx, db, dialect.Postgres, nil)
}

// finish checks that the database answers and builds the client, its writes passed through
// gate when there is one.
func finish(ctx context.Context, db *sql.DB, name string, gate *writeGate) (*Store, error) {
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to %s: %w", name, err)
	}
	plain := entsql.OpenDB(name, db)
	var drv dialect.Driver = plain
	if gate != nil {
		drv = gatedDriver{Driver: plain, gate: gate}
	}
	return &Store{Client: ent.NewClient(ent.Driver(drv)), DB: db, Dialect: name, gate: gate}, nil
}

func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// migrateMu serializes migrations in this process: ent's generated table descriptions
// are package-level values that a migration annotates in place.
var migrateMu sync.Mutex

// Migrate brings the schema up to date. It only adds: columns and tables are never dropped.
func (s *Store) Migrate(ctx context.Context) error {
	migrateMu.Lock()
	defer migrateMu.Unlock()
	if err := s.Client.Schema.Create(ctx); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	if err := s.upgrade(ctx); err != nil {
		return fmt.Errorf("upgrade data: %w", err)
	}
	m, err := rivermigrate.New(s.RiverDriver(), nil)
	if err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	return nil
}

// RiverDriver returns the job queue's driver for this database: riversqlite on SQLite,
// riverdatabasesql (over lib/pq) on PostgreSQL. Both work on *sql.Tx, so a job can be
// inserted in the transaction that creates the rows it works on (see InTx).
func (s *Store) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if s.Dialect == dialect.SQLite {
		return riversqlite.New(s.DB)
	}
	return riverdatabasesql.New(s.DB)
}

// inTx is an ent driver over an open *sql.Tx. ent opens a transaction of its own for
// writes that span several statements; inside ours, that is a no-op.
type inTx struct{ *entsql.Driver }

func (d inTx) Tx(context.Context) (dialect.Tx, error) { return dialect.NopTx(d), nil }
func (d inTx) Close() error                           { return nil }

// InTx runs fn in one database transaction, with an ent client bound to it and the raw
// transaction for the job queue, and commits when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *sql.Tx, client *ent.Client) error) error {
	if s.gate != nil {
		if err := s.gate.acquire(ctx); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer s.gate.release()
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	client := ent.NewClient(ent.Driver(inTx{entsql.NewDriver(s.Dialect, entsql.Conn{ExecQuerier: tx})}))
	if err := fn(tx, client); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
