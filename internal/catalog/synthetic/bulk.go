package synthetic

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/store"
)

const (
	// maxParams is SQLite's bound on a statement's parameters (PostgreSQL allows twice
	// as many); a statement carries at most this many values.
	maxParams = 32766
	// rowsPerStatement is the most rows one INSERT carries when its columns allow.
	rowsPerStatement = 1000
	// statementsPerTx groups statements into one transaction. Fewer, larger
	// transactions rewrite the same index pages less often (on SQLite, a million rows
	// took 1.4 times as long at 10 statements a transaction as at 50; 200 gained little
	// more), and 50 000 rows still commit within about a second, so a server sharing a
	// SQLite file is kept waiting for its own writes no longer than that.
	statementsPerTx = 50
	// sqliteCacheKiB is SQLite's page cache while writing: 128 MiB.
	sqliteCacheKiB = 128 << 10
)

// bulk writes rows of one table as multi-row INSERTs, statementsPerTx statements per
// transaction, or on PostgreSQL as one COPY per transaction when no ids are needed. With
// returning, it keeps the new ids in the order the rows were added: INSERT … RETURNING
// lists them in the order of its VALUES on both databases, which ent's own bulk creation
// relies on too.
type bulk struct {
	st        *store.Store
	table     string
	cols      []string
	returning bool
	perStmt   int
	full      string // the statement for perStmt rows
	buf       []any
	rows      int
	ids       []int
	written   int
	// flushed is told the running total after each transaction.
	flushed func(written int)
}

func newBulk(st *store.Store, table string, returning bool, cols ...string) *bulk {
	b := &bulk{st: st, table: table, cols: cols, returning: returning}
	b.perStmt = min(rowsPerStatement, maxParams/len(cols))
	b.full = b.statement(b.perStmt)
	b.buf = make([]any, 0, len(cols)*b.perStmt*statementsPerTx)
	return b
}

// statement is the INSERT for rows rows, with the dialect's placeholders.
func (b *bulk) statement(rows int) string {
	var q strings.Builder
	q.WriteString("INSERT INTO ")
	q.WriteString(quote(b.table))
	q.WriteString(" (")
	for i, c := range b.cols {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(quote(c))
	}
	q.WriteString(") VALUES ")
	n := 0
	for r := range rows {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				q.WriteString(", ")
			}
			n++
			if b.st.Dialect == dialect.Postgres {
				q.WriteString("$" + strconv.Itoa(n))
			} else {
				q.WriteByte('?')
			}
		}
		q.WriteByte(')')
	}
	if b.returning {
		q.WriteString(" RETURNING " + quote("id"))
	}
	return q.String()
}

func quote(ident string) string { return `"` + ident + `"` }

// add queues one row, its values in the order of the columns, and writes a transaction's
// worth once it has one.
func (b *bulk) add(ctx context.Context, values ...any) error {
	if len(values) != len(b.cols) {
		return fmt.Errorf("%s: %d values for %d columns", b.table, len(values), len(b.cols))
	}
	b.buf = append(b.buf, values...)
	b.rows++
	if b.rows == b.perStmt*statementsPerTx {
		return b.flush(ctx)
	}
	return nil
}

// flush writes what is queued in one transaction.
func (b *bulk) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	var ids []int
	err := b.st.InTx(ctx, func(tx *sql.Tx, _ *ent.Client) error {
		switch {
		case b.st.Dialect == dialect.SQLite:
			// Index pages the inserts touch stay in memory from one transaction to the
			// next instead of being read again: 1.3 times as fast at a million rows.
			// The setting stays with the pooled connection, which the seed command closes.
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", sqliteCacheKiB)); err != nil {
				return fmt.Errorf("sqlite cache size: %w", err)
			}
		case !b.returning:
			return b.copyIn(ctx, tx)
		}
		width := len(b.cols)
		for from := 0; from < b.rows; from += b.perStmt {
			n := min(b.perStmt, b.rows-from)
			q := b.full
			if n != b.perStmt {
				q = b.statement(n)
			}
			args := b.buf[from*width : (from+n)*width]
			if !b.returning {
				if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					return fmt.Errorf("insert into %s: %w", b.table, err)
				}
				continue
			}
			got, err := insertReturning(ctx, tx, q, args)
			if err != nil {
				return fmt.Errorf("insert into %s: %w", b.table, err)
			}
			if len(got) != n {
				return fmt.Errorf("insert into %s: %d ids for %d rows", b.table, len(got), n)
			}
			ids = append(ids, got...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.ids = append(b.ids, ids...)
	b.written += b.rows
	b.rows, b.buf = 0, b.buf[:0]
	if b.flushed != nil {
		b.flushed(b.written)
	}
	return nil
}

// copyIn writes what is queued with PostgreSQL's COPY, which lib/pq streams: a quarter
// faster than multi-row INSERTs at a million rows. Tables whose ids are needed are written
// with INSERT … RETURNING instead.
func (b *bulk) copyIn(ctx context.Context, tx *sql.Tx) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(b.table, b.cols...))
	if err != nil {
		return fmt.Errorf("copy into %s: %w", b.table, err)
	}
	defer stmt.Close()
	width := len(b.cols)
	for r := range b.rows {
		if _, err := stmt.ExecContext(ctx, b.buf[r*width:(r+1)*width]...); err != nil {
			return fmt.Errorf("copy into %s: %w", b.table, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy into %s: %w", b.table, err)
	}
	return nil
}

// flushInto writes what is queued and hands over every id written.
func (b *bulk) flushInto(ctx context.Context, ids *[]int) error {
	if err := b.flush(ctx); err != nil {
		return err
	}
	*ids = b.ids
	return nil
}

func insertReturning(ctx context.Context, tx *sql.Tx, q string, args []any) ([]int, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int, 0, rowsPerStatement)
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
