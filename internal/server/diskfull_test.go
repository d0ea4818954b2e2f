package server_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/config"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testmedia"
)

// TestDiskFullFailsTheTranscode puts the media store on a tmpfs with room for the source
// but not for its ladder: the transcode fails at once with a reason (no retries that
// cannot help), and its scratch space is given back.
func TestDiskFullFailsTheTranscode(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	clip := testmedia.Make(t, testmedia.Default)
	fi, err := os.Stat(clip)
	require.NoError(t, err)
	dir := t.TempDir()
	size := fi.Size() + 48<<10
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.FormatInt(size, 10), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	free := func() uint64 {
		var st syscall.Statfs_t
		require.NoError(t, syscall.Statfs(dir, &st))
		return st.Bavail * uint64(st.Bsize)
	}

	e := newEnvWith(t, storetest.SQLite(t), pubsub.NewLocal(), func(c *config.Config) { c.MediaURL = "file://" + dir })
	e.startWorkers()
	admin := e.admin()
	r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Too Big"}) { id } }`, nil, bearer(admin))
	require.Empty(t, r.Errors, r.Raw)
	f, err := os.Open(clip)
	require.NoError(t, err)
	defer f.Close()
	r = e.upload(r.Data["createTitle"].(map[string]any)["id"].(string), "clip.mp4", f, bearer(admin))
	require.Empty(t, r.Errors, r.Raw)
	afterSource := free()

	t.Cleanup(func() {
		if t.Failed() {
			t.Log(e.logs.String())
		}
	})
	events := e.watch(admin, r.Data["uploadVideo"].(map[string]any)["id"].(string))
	last := events[len(events)-1]
	require.Equal(t, "FAILED", last["status"], "%v", events)
	require.Contains(t, last["failureReason"], "disk space")
	require.GreaterOrEqual(t, free(), afterSource, "the attempt's scratch files are removed")
	scratch, _ := os.ReadDir(filepath.Join(dir, ".tmp"))
	require.Empty(t, scratch)
	published, _ := os.ReadDir(filepath.Join(dir, "videos"))
	require.Empty(t, published, "nothing half-written is published")
}
