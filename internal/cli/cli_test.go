package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/testkit"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	// Goroutine-safe: a command that runs workers (ingest --wait) logs from them while it
	// draws its progress bar.
	var out, errb testkit.Buffer
	code := Main(context.Background(), args, Env{
		Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return result{code, out.String(), errb.String()}
}

func TestBadFlagsExitNonZeroAndWriteNothing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	for _, args := range [][]string{
		{},
		{"nonsense"},
		{"serve", "--no-such-flag"},
		{"serve", "--data-dir", dir, "--addr", "not-an-address"},
		{"serve", "--data-dir", dir, "--database-url", "mysql://x"},
		{"serve", "--data-dir", dir, "--secret", "short"},
		{"serve", "--data-dir", dir, "--workers", "-1"},
		{"serve", "--data-dir", dir, "--log-level", "loud"},
		{"serve", "--data-dir", dir, "--allowed-origins", "ftp://x"},
		{"migrate", "--data-dir", dir, "extra-arg"},
		{"user", "create", "--data-dir", dir, "--plan", "gold", "--email", "a@example.com", "--password", "correct horse battery"},
		{"user", "delete"},
		{"serve", "--data-dir", dir, "--key-period", "1s"},
		{"serve", "--data-dir", dir, "--ladder", "per-tile"},
		{"serve", "--data-dir", dir, "--media-public-url", "ftp://cdn.example.org"},
		{"serve", "--data-dir", dir, "--media-public-url", "//cdn.example.org"},
		{"media", "encrypt", "--data-dir", dir, "--video", "x"},
		{"media", "decrypt", "--data-dir", dir},
	} {
		r := run(t, nil, args...)
		require.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
		require.NotEmpty(t, r.stderr, args)
		if len(args) > 1 && args[1] != "delete" {
			require.Len(t, strings.Split(strings.TrimSpace(r.stderr), "\n"), 1, "%v: one line: %s", args, r.stderr)
		}
		_, err := os.Stat(dir)
		require.True(t, os.IsNotExist(err), "%v: nothing written", args)
	}
	r := run(t, map[string]string{"MARQUEE_ADDR": "nope"}, "serve", "--data-dir", dir)
	require.Equal(t, 2, r.code, "env twins are validated too")
	require.Contains(t, r.stderr, "--addr")
}

func TestMigrateAndUserCreate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for range 2 {
		r := run(t, nil, "migrate", "--data-dir", dir)
		require.Equal(t, 0, r.code, r.stderr)
	}
	r := run(t, nil, "user", "create", "--data-dir", dir, "--email", "Op@Example.com", "--password", "correct horse battery", "--admin", "--plan", "premium", "--country", "de")
	require.Equal(t, 0, r.code, r.stderr)
	require.Regexp(t, `^user=\d+\n$`, r.stdout)

	r = run(t, nil, "user", "create", "--data-dir", dir, "--email", "op@example.com", "--password", "correct horse battery")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "already exists")
	r = run(t, nil, "user", "create", "--data-dir", dir, "--email", "weak@example.com", "--password", "password")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "--password")

	s, err := store.Open(context.Background(), "", dir, store.Options{})
	require.NoError(t, err)
	defer s.Close()
	u := s.Client.User.Query().WithMembership().OnlyX(context.Background())
	require.Equal(t, "op@example.com", u.Email)
	require.Equal(t, "DE", u.Country)
	require.Equal(t, user.RoleADMIN, u.Role)
	require.Equal(t, membership.StatusACTIVE, u.Edges.Membership.Status)
	require.Equal(t, "PREMIUM", string(u.Edges.Membership.QueryPlan().OnlyX(context.Background()).Code))
	require.NotNil(t, u.EmailVerifiedAt, "the operator vouches for the address")

	// A reset link for an operator to hand over, from --public-url; none for no account.
	r = run(t, nil, "user", "reset-password", "--data-dir", dir, "--email", "OP@example.com", "--public-url", "https://tv.example.org")
	require.Equal(t, 0, r.code, r.stderr)
	require.Regexp(t, `^https://tv\.example\.org/reset-password\?token=[A-Za-z0-9_-]{20,}\n$`, r.stdout)
	r = run(t, nil, "user", "reset-password", "--data-dir", dir, "--email", "nobody@example.com")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "No account has this email")
}

func TestIngestRefusesWhatIsNoVideo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(t.TempDir(), "list.m3u8")
	require.NoError(t, os.WriteFile(list, []byte("#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n"), 0o600))
	r := run(t, nil, "ingest", "--data-dir", dir, "--file", list, "--name", "Sneaky")
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stderr, "HLS playlist")
	s, err := store.Open(context.Background(), "", dir, store.Options{})
	require.NoError(t, err)
	defer s.Close()
	require.Zero(t, s.Client.Video.Query().CountX(context.Background()), "nothing queued")
	require.Zero(t, s.Client.Title.Query().CountX(context.Background()), "nor a title made for it")
}

func TestServeStartsAndShutsDownGracefully(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var errb testkit.Buffer
	done := make(chan int, 1)
	addr := freeAddr(t)
	go func() {
		done <- Main(ctx, []string{"serve", "--data-dir", dir, "--addr", addr, "--workers", "0"},
			Env{Stdout: &bytes.Buffer{}, Stderr: &errb, Getenv: func(string) string { return "" }})
	}()
	require.Eventually(t, func() bool {
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond)

	secret, err := os.ReadFile(filepath.Join(dir, "secret.key"))
	require.NoError(t, err)
	require.Len(t, strings.TrimSpace(string(secret)), 64, "a signing secret is generated on first start")

	cancel()
	require.Equal(t, 0, <-done)
	_, err = http.Get("http://" + addr + "/healthz")
	require.Error(t, err, "the listener is closed")
}
