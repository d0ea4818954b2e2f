package cli

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/testkit"
)

// TestWorkerServesMetrics: with --metrics-addr a worker, which serves no API, exposes the
// durations of the jobs it runs (here the periodic maintenance started with it).
func TestWorkerServesMetrics(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	addr := freeAddr(t)
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"worker", "--data-dir", t.TempDir(), "--log-level", "warn"},
			Env{Stdout: io.Discard, Stderr: &testkit.Buffer{}, Getenv: func(k string) string {
				return map[string]string{"MARQUEE_METRICS_ADDR": addr}[k]
			}})
	}()
	var body string
	require.Eventually(t, func() bool {
		res, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		body = string(b)
		return strings.Contains(body, `marquee_job_duration_seconds_count{kind="billing.renew",outcome="success",queue="maintenance"}`)
	}, 60*time.Second, 100*time.Millisecond, "last scrape:\n%s", body)
	require.Contains(t, body, "go_goroutines")
	cancel()
	require.Equal(t, 0, <-done)
}
