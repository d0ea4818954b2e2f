// Package storetest gives each test a fresh, migrated store: a SQLite temp file always,
// and a PostgreSQL schema of its own when MARQUEE_TEST_DATABASE_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/store"
)

// EnvURL names the variable that enables the PostgreSQL runs.
const EnvURL = "MARQUEE_TEST_DATABASE_URL"

// Each runs fn once per available database as subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLite(t))
	})
	if os.Getenv(EnvURL) != "" {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			fn(t, Postgres(t))
		})
	}
}

// SQLite opens a migrated database in the test's temp dir.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// Postgres opens a migrated, empty schema of its own in the test database, dropped at
// cleanup. It skips the test when MARQUEE_TEST_DATABASE_URL is unset.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.OpenPostgres(context.Background(), PostgresURL(t), store.Options{MaxOpenConns: 8})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// PostgresURL creates an empty schema of the test's own and returns a database URL that
// selects it, for tests that start marquee processes. It skips the test when
// MARQUEE_TEST_DATABASE_URL is unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set")
	}
	ctx := context.Background()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])

	admin, err := sql.Open("postgres", base)
	require.NoError(t, err)
	defer admin.Close()
	_, err = admin.ExecContext(ctx, `CREATE SCHEMA `+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		db, err := sql.Open("postgres", base)
		if err == nil {
			_, _ = db.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
			_ = db.Close()
		}
	})

	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	// lib/pq passes unknown parameters to the server as run-time settings.
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
