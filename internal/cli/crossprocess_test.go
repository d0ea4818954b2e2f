package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/testmedia"
)

// TestCatalogChangesFromAnotherProcess: on one SQLite file no broker reaches a running
// server from `marquee ingest`, so the server polls. A title the CLI creates shows in the
// server's rows and search within ten seconds.
func TestCatalogChangesFromAnotherProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	common := []string{"--data-dir", dir, "--log-level", "warn"}
	n, _ := serveNode(t, append([]string{"--workers", "0", "--seed-demo=false"}, common...)...)

	newest := func() []string {
		r := n.gql("", `{ category(slug: "new-releases") { titles(first: 20) { totalCount edges { node { name } } } } }`, nil)
		var names []string
		titles := data(t, r, "category")["titles"].(map[string]any)
		for _, e := range titles["edges"].([]any) {
			names = append(names, e.(map[string]any)["node"].(map[string]any)["name"].(string))
		}
		return names
	}
	require.Empty(t, newest(), "the shelf is built, over an empty catalog")

	clip := testmedia.Make(t, testmedia.Default)
	r := run(t, nil, append([]string{"ingest", "--file", clip, "--name", "Across The Hall"}, common...)...)
	require.Equal(t, 0, r.code, r.stderr)
	start := time.Now()
	require.Eventually(t, func() bool {
		return strings.Join(newest(), ",") == "Across The Hall"
	}, 10*time.Second, 50*time.Millisecond, "the server's rows follow a title made by another process")
	require.Eventually(t, func() bool {
		r := n.gql("", `{ search(query: "across hall") { totalCount } }`, nil)
		return r["errors"] == nil && data(t, r, "search")["totalCount"] == float64(1)
	}, 10*time.Second, 50*time.Millisecond, "and so does search")
	t.Logf("listed and searchable %s after the CLI made it", time.Since(start).Round(time.Millisecond))
}
