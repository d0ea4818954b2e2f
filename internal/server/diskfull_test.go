package server_test

import (
	"net/http"
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

// TestReadinessReportsAFullDisk: a server whose media disk is full cannot take an upload or
// finish a transcode, so it is not ready, and says why; it is ready again once there is room.
func TestReadinessReportsAFullDisk(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	e := newEnvWith(t, storetest.SQLite(t), pubsub.NewLocal(), func(c *config.Config) { c.MediaURL = "file://" + dir })
	code, _ := e.status("/readyz")
	require.Equal(t, http.StatusOK, code)

	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	require.NoError(t, err)
	_, err = f.Write(make([]byte, 2<<20))
	require.ErrorIs(t, err, syscall.ENOSPC, "the disk is full")
	require.NoError(t, f.Close())
	code, body := e.status("/readyz")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, "disk full")
	require.Contains(t, e.logs.String(), "media storage refuses writes")

	require.NoError(t, os.Remove(filler))
	code, _ = e.status("/readyz")
	require.Equal(t, http.StatusOK, code, "ready again with room")
}
